# -*- coding: utf-8 -*-
"""Two full_cycle.yml runs on the same two machines, the second launched 0, 3 and 20 s after the first (issue #16).

    bench/race_offsets.py [--repo CHECKOUT] [--offsets 0 3 20] [--time-scale 0.05] [--poll-interval 2]
                          [--machines vm-lin-01,phys-01]

A job template launched twice: for each offset, a classic lab of its own at one time scale with no action shortened
(as bench/realistic_cycle.py: the jobs keep their recorded durations and proportions, the agent registers 45 s after
a failover at 0.05), run A started, run B started OFFSET seconds later by the wall clock, both to their end. Per
offset it prints one row: each run's exit status, the most jobs one machine had for one stage (1: nothing started
twice), the writes the lab answered (and how many it refused), the wall time from A's start to the last run's end,
and the runs' error lines (fatal, [ERROR], Traceback, NoneType; a stage that lost a race and followed the other
run's job prints a fatal line, then "rescued"), then each run's first error lines and whether every machine ended
back on-premises, replicating to Azure, its cycle complete.

The jobs are counted from ASR's job list (replicationJobs, as any checkout's lab answers it): a machine's jobs in
time order, consecutive jobs of one scenario being one stage (no two stages of the cycle in a row share one).
"""

from __future__ import annotations

import collections
import json
import math
import sys
import time

from _benchlib import WRITES, Checkout, Lab, parse_time, parser, start_playbook

ROLE_POLL_INTERVAL = 30  # roles/asr/defaults/main.yml: asr_poll_interval
ERROR_MARKS = ("fatal:", "[ERROR]", "Traceback", "NoneType")


def max_jobs_per_stage(jobs, machines):
    """(the most jobs of one machine's one stage, {machine: [scenario x count, ...]}) from ASR's job list."""
    stages = {}
    for machine in machines:
        mine = sorted((j["properties"] for j in jobs if j["properties"].get("targetObjectName") == machine),
                      key=lambda p: parse_time(p["startTime"]))
        runs = []
        for job in mine:
            name = job.get("scenarioName") or "?"
            if runs and runs[-1][0] == name:
                runs[-1][1] += 1
            else:
                runs.append([name, 1])
        stages[machine] = runs
    most = max((count for runs in stages.values() for _name, count in runs), default=0)
    return most, {m: ["%s x%d" % (n, c) if c > 1 else n for n, c in runs] for m, runs in stages.items()}


def error_lines(log):
    return [line.strip() for line in log.read_text(errors="replace").splitlines() if any(mark in line for mark in ERROR_MARKS)]


def cycle_done(summary, machines):
    """True when the run's summary says every machine completed its cycle."""
    try:
        records = json.loads(summary.read_text())["machines"]
    except (OSError, ValueError, KeyError):
        return False
    return all(records.get(m, {}).get("cycle_complete") for m in machines)


def race(checkout, offset, time_scale, poll, machines):
    """Runs A and B, B started ``offset`` s after A, on a lab of their own: what happened (a dict)."""
    with Lab(checkout, "race-%s" % offset, scenario="classic", time_scale=time_scale) as lab:
        runs = {}
        started = time.time()
        for name in ("A", "B"):
            if name == "B":
                time.sleep(max(0.0, started + offset - time.time()))
            summary = checkout.workdir / ("summary-race-%s-%s.json" % (offset, name))
            summary.unlink(missing_ok=True)
            runs[name] = (summary,) + start_playbook(checkout, lab, "full_cycle", "race-%s-%s.log" % (offset, name),
                                                     {"asr_confirm_failover": "true", "asr_poll_interval": poll,
                                                      "asr_hosts": ",".join(machines), "asr_summary_file": summary})
        for _summary, process, _log, _began in runs.values():
            process.wait()
        ended = time.time()
        requests = lab.requests_between(started, ended)
        most, stages = max_jobs_per_stage(lab.jobs(), machines)
        items = lab.control("state")["items"]
    writes = [r for r in requests if r["method"] in WRITES]
    return dict(offset=offset, rc={n: r[1].returncode for n, r in runs.items()}, most=most, stages=stages, writes=len(writes),
                refused=sum(1 for r in writes if r["status"] >= 400), wall=ended - started,
                errors={n: error_lines(r[2]) for n, r in runs.items()}, logs={n: r[2] for n, r in runs.items()},
                complete={n: cycle_done(r[0], machines) for n, r in runs.items()},
                back=all((items[m]["running_in"], items[m]["provider"]) == ("onprem", "InMageAzureV2") for m in machines))


def main(argv=None):
    options = parser(__doc__.splitlines()[0])
    options.add_argument("--offsets", type=float, nargs="+", default=[0, 3, 20], help="seconds between the runs' starts (default 0 3 20)")
    options.add_argument("--time-scale", type=float, default=0.05, help="the labs' time scale (default %(default)s)")
    options.add_argument("--poll-interval", type=int, help="asr_poll_interval, seconds (default: ceil(30 x time scale))")
    options.add_argument("--machines", default="vm-lin-01,phys-01", help="the two runs' machines (default %(default)s)")
    args = options.parse_args(argv)
    poll = args.poll_interval or max(1, math.ceil(ROLE_POLL_INTERVAL * args.time_scale))
    machines = args.machines.split(",")
    checkout = Checkout(args.repo, args.workdir)
    print("race_offsets: %s (%s); classic lab, time scale %s, no action shortened, asr_poll_interval=%d s, machines %s; work dir %s"
          % (checkout.repo, checkout.commit(), args.time_scale, poll, ", ".join(machines), checkout.workdir))
    results = [race(checkout, offset, args.time_scale, poll, machines) for offset in args.offsets]
    print("\n| offset | run A rc | run B rc | max jobs per machine and stage | writes (refused) | wall time | error lines (A + B) | cycle complete (A, B) |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        print("| %g s | %d | %d | %d | %d (%d) | %.0f s | %d + %d | %s, %s |" % (
            r["offset"], r["rc"]["A"], r["rc"]["B"], r["most"], r["writes"], r["refused"], r["wall"], len(r["errors"]["A"]),
            len(r["errors"]["B"]), "yes" if r["complete"]["A"] else "no", "yes" if r["complete"]["B"] else "no"))
    failed = False
    for r in results:
        ok = r["rc"] == {"A": 0, "B": 0} and r["most"] == 1 and r["back"]
        failed |= not ok
        print("\noffset %g s: %s; jobs per machine: %s" % (r["offset"], "ok" if ok else "FAILED",
                                                           "; ".join("%s %s" % (m, ", ".join(s)) for m, s in r["stages"].items())))
        for name in ("A", "B"):
            counted = collections.Counter(line[:160] for line in r["errors"][name])
            for line, count in list(counted.items())[:4]:
                print("  %s%s: %s" % (name, " (x%d)" % count if count > 1 else "", line))
            print("  %s log: %s" % (name, r["logs"][name]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
