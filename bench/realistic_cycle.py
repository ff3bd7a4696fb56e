# -*- coding: utf-8 -*-
"""full_cycle.yml at realistic timings: one classic and one modernized machine, every duration the lab's recorded one, scaled.

    bench/realistic_cycle.py [--repo CHECKOUT] [--time-scale 0.05] [--poll-interval 2] [--machine vm-win-01]

Two labs of their own (classic, modernized), both at one time scale with no --duration: at 0.05 the agent registers
45 s after a failover, a modernized failover takes 23.5 s, its planned failback 60 s. The lab inventory's group_vars
shorten one thing, the poll interval (asr_poll_interval: 1 against the roles' 30 s): it is set here to the roles'
default at the same scale, ceil(30 x 0.05) = 2 s, unless --poll-interval says otherwise. The two playbooks run at
the same time; each machine's wall time is its ansible-playbook's. A machine succeeded when its run exited 0 and the
lab's report (asrlab.report --expect cycle_done) finds it back on-premises, powered on, replicating to Azure, with
no Azure VM left.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time

from _benchlib import Checkout, Lab, parse_time, parser, start_playbook, tail

ROLE_POLL_INTERVAL = 30  # roles/asr/defaults/main.yml: asr_poll_interval
STAGE_ORDER = ("failover_to_azure", "commit_failover", "failback_prepare", "reprotect_to_onprem", "failback_to_onprem", "commit_failback",
               "reprotect_to_azure")


def scenario_durations(checkout, generation):
    """The durations a scenario file sets (none: every action takes the lab's recorded time)."""
    text = (checkout.repo / "lab" / "scenarios" / (generation + ".yml")).read_text()
    return [line.strip() for line in text.splitlines() if line.startswith("durations:")]


def stages(summary_file, machine):
    """Each stage of the machine's record in the run's summary: 'stage status seconds [error]'."""
    try:
        record = json.loads(summary_file.read_text())["machines"][machine]
    except (OSError, ValueError, KeyError):
        return ["(no summary)"]
    done = record.get("stages", {})
    order = [s for s in STAGE_ORDER if s in done] + sorted(set(done) - set(STAGE_ORDER))
    lines = ["%-20s %-8s %s" % (name, done[name].get("status"), "%.1f s" % done[name]["seconds"] if done[name].get("seconds") is not None else "")
             for name in order]
    if record.get("error"):
        lines.append("error: %s" % " ".join(str(record["error"]).split())[:400])
    return lines


def end_state(checkout, lab, summary_file):
    """(ok, what the lab's report says) for the machines of the run's summary."""
    done = subprocess.run([str(checkout.python), "-m", "asrlab.report", "--state-dir", str(lab.state_dir), "--summary", str(summary_file),
                           "--expect", "cycle_done"], capture_output=True, text=True, check=False,
                          env=dict(os.environ, PYTHONPATH=str(checkout.repo / "lab")))
    return done.returncode == 0, (done.stdout + done.stderr).strip()


def agent_registration(checkout, generation, time_scale):
    """Lab seconds between a failover's end and the agent's registration (the lab's default, scaled), or None."""
    done = subprocess.run([str(checkout.python), "-c", "import sys; from asrlab.plans import DURATIONS; "
                           "print(DURATIONS[(sys.argv[1], 'agentRegistration')])", generation], capture_output=True, text=True,
                          check=False, env=dict(os.environ, PYTHONPATH=str(checkout.repo / "lab")))
    return float(done.stdout) * time_scale if done.returncode == 0 else None


def reprotect_gap(jobs, machine):
    """Seconds from the end of the machine's failover job to the start of its first reprotect job (None: no such job)."""
    mine = sorted((j["properties"] for j in jobs if j["properties"].get("targetObjectName") == machine), key=lambda p: p["startTime"])
    failover = next((p for p in mine if p.get("scenarioName") == "UnplannedFailover" and p.get("endTime")), None)
    reprotect = next((p for p in mine if failover and p.get("scenarioName") == "SwitchReplicationGroupProtection"
                      and p["startTime"] >= failover["endTime"]), None)
    return parse_time(reprotect["startTime"]) - parse_time(failover["endTime"]) if reprotect else None


def run_cycles(checkout, time_scale, poll, machine, generations=("classic", "modernized")):
    """full_cycle.yml on ``machine`` of a lab per generation, all at once: {generation: what happened (a dict)}."""
    labs, runs, results = {}, {}, {}
    try:
        for generation in generations:
            shortened = scenario_durations(checkout, generation)
            if shortened:
                raise SystemExit("scenarios/%s.yml shortens actions (%s): not a realistic cycle" % (generation, shortened))
            labs[generation] = Lab(checkout, "cycle-" + generation, scenario=generation, time_scale=time_scale)
        for generation, lab in labs.items():
            summary = checkout.workdir / ("summary-cycle-%s.json" % generation)
            summary.unlink(missing_ok=True)
            runs[generation] = (summary,) + start_playbook(checkout, lab, "full_cycle", "cycle-%s.log" % generation,
                                                           {"asr_confirm_failover": "true", "asr_poll_interval": poll,
                                                            "asr_hosts": machine, "asr_summary_file": summary})
        ended = {}
        while len(ended) < len(runs):
            for generation, (_summary, process, _log, _started) in runs.items():
                if generation not in ended and process.poll() is not None:
                    ended[generation] = time.time()
            time.sleep(0.2)
        for generation, (summary, process, log, started) in runs.items():
            ok, said = end_state(checkout, labs[generation], summary)
            results[generation] = dict(returncode=process.returncode, wall=ended[generation] - started, report_ok=ok, report=said,
                                       item=labs[generation].control("state")["items"][machine], stages=stages(summary, machine),
                                       log=log, summary=summary, reprotect_gap=reprotect_gap(labs[generation].jobs(), machine),
                                       agent_registration=agent_registration(checkout, generation, time_scale))
    finally:
        for _summary, process, *_rest in runs.values():
            if process.poll() is None:
                process.terminate()
                process.wait()
        for lab in labs.values():
            lab.stop()
    return results


def main(argv=None):
    options = parser(__doc__.splitlines()[0])
    options.add_argument("--time-scale", type=float, default=0.05, help="the labs' time scale (default %(default)s)")
    options.add_argument("--poll-interval", type=int, help="asr_poll_interval, seconds (default: ceil(30 x time scale))")
    options.add_argument("--machine", default="vm-win-01", help="the machine of each lab (default %(default)s)")
    args = options.parse_args(argv)
    poll = args.poll_interval or max(1, math.ceil(ROLE_POLL_INTERVAL * args.time_scale))
    checkout = Checkout(args.repo, args.workdir)
    print("realistic_cycle: %s (%s); time scale %s, no action shortened, asr_poll_interval=%d s; work dir %s"
          % (checkout.repo, checkout.commit(), args.time_scale, poll, checkout.workdir))
    failed = False
    for generation, result in run_cycles(checkout, args.time_scale, poll, args.machine).items():
        succeeded = result["returncode"] == 0 and result["report_ok"]
        failed |= not succeeded
        item = result["item"]
        print("  %-10s %s: %s in %.1f s (exit %d); now %s, %s, %s"
              % (generation, args.machine, "SUCCEEDED" if succeeded else "FAILED", result["wall"], result["returncode"],
                 item["running_in"], item["provider"], item["protection_state"]))
        print("      reprotect to on-premises: %s; the agent registers %s after the failover's end"
              % ("its job started %.1f s after the failover's end" % result["reprotect_gap"] if result["reprotect_gap"] is not None
                 else "no job started",
                 "%.1f s" % result["agent_registration"] if result["agent_registration"] is not None else "(unknown)"))
        for line in result["stages"]:
            print("      " + line)
        if not succeeded:
            print("      report: " + result["report"].replace("\n", "\n      "))
            print("      log %s, its end:\n        %s" % (result["log"], tail(result["log"], 6).replace("\n", "\n        ")))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
