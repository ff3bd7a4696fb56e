# -*- coding: utf-8 -*-
"""failover.yml on a generated fleet: wall time against job time, controller CPU and memory, reads and writes per machine.

    bench/fleet.py [--repo CHECKOUT] [--machines N ...] [--time-scale 1.0] [--generation classic] [--poll-interval 30] [--engine fleet]

For each N, a lab of its own runs a fleet of N generated machines (the lab's ``asrlab.fleet``) at the time scale given (1.0: a
classic failover job takes Azure's 100 s, its commit 3 s), and ``failover.yml`` runs on all of them with forks = N, through the
fleet engine (``--engine fleet``: asr_fleet=true) or the per-machine stage roles (``--engine roles``: asr_fleet=false). Printed per N:

- wall time of the run, job time (the longest sum of one machine's job durations, from ASR's API), and their ratio;
- controller CPU seconds (ansible-playbook and all its children, RUSAGE_CHILDREN), in all and per machine;
- peak memory: the largest resident set of any child process waited for so far (ru_maxrss of RUSAGE_CHILDREN, so with several N it
  is the largest up to that N);
- ARM reads and writes per machine (/lab/requests during the run), reads per machine per job-minute, the 429 answers met;
- writes per machine per action (POSTs grouped by item and action: each must be exactly 1);
- how long after the run's first request the last failover request went out.

Not a timed test: figures depend on the machine (``uptime`` is printed with them). They go to WORKDIR/fleet.json too.
"""

from __future__ import annotations

import collections
import json
import os
import re
import resource
import sys

from _benchlib import Checkout, Lab, count_requests, job_minutes, parser, run_playbook, tail

ACTION = re.compile(r"/replicationProtectedItems/([^/]+)/([A-Za-z]+)$", re.IGNORECASE)


def job_time(jobs, start, end):
    """The longest sum of one machine's job durations (seconds) among the jobs that started during the run."""
    per_machine = job_minutes(jobs, start, end)
    return max(per_machine.values()) * 60.0 if per_machine else 0.0


def writes_per_action(requests):
    """{(item, action): how many POSTs} of the run."""
    counts = collections.Counter()
    for request in requests:
        match = ACTION.search(request["path"].split("?", 1)[0]) if request["method"] == "POST" else None
        if match:
            counts[(match.group(1).lower(), match.group(2))] += 1
    return counts


def measure(checkout, args, machines):
    scenario = checkout.fleet(machines, args.generation)
    with Lab(checkout, "fleet-%d" % machines, scenario=scenario, time_scale=args.time_scale) as lab:
        names = sorted(lab.control("state")["items"])
        extra = {"asr_confirm_failover": "true", "asr_poll_interval": args.poll_interval, "asr_fleet": str(args.engine == "fleet").lower(),
                 "asr_summary_file": checkout.workdir / ("summary-fleet-%d.json" % machines)}
        run = run_playbook(checkout, lab, "failover", "fleet-%d.log" % machines, extra, args=("--forks", str(max(machines, 5))))
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0  # before the lab (a child too) has ended
        requests = lab.requests_between(run.started, run.ended)
        reads, writes = count_requests(requests)
        jobs = lab.jobs()
        minutes = job_minutes(jobs, run.started, run.ended)
        seconds_of_jobs = job_time(jobs, run.started, run.ended)
        state = lab.control("state")["items"]
    per_action = writes_per_action(requests)
    failovers = sorted(r["time"] for r in requests if r["method"] == "POST" and r["path"].endswith("/unplannedFailover"))
    committed = [m for m in names if state[m].get("running_in") == "azure" and "committed" in str(state[m].get("phase", "")).lower()]
    if run.returncode != 0:
        print("failover.yml on %d machines exited %d; log %s:\n%s" % (machines, run.returncode, run.log, tail(run.log)), file=sys.stderr)
    first = min(r["time"] for r in requests) if requests else run.started
    return dict(machines=machines, engine=args.engine, returncode=run.returncode, committed=len(committed), wall=run.wall,
                job_time=seconds_of_jobs, ratio=run.wall / seconds_of_jobs if seconds_of_jobs else float("nan"), cpu=run.cpu,
                peak_rss_mb=peak, reads=reads, writes=writes,
                job_minutes=sum(minutes.values()), status_429=sum(1 for r in requests if r.get("status") == 429),
                writes_per_action=sorted(set(per_action.values())), actions=sorted({a for _i, a in per_action}),
                last_failover_after=(failovers[-1] - first) if failovers else None, first_failover_after=(failovers[0] - first) if failovers else None)


def report(figures):
    n = figures["machines"]
    print("N=%d (%s): exit %d, %d committed in Azure" % (n, figures["engine"], figures["returncode"], figures["committed"]))
    print("  wall %.1f s, job time %.1f s, ratio %.2f" % (figures["wall"], figures["job_time"], figures["ratio"]))
    print("  controller CPU %.1f s, %.2f CPU-s per machine; peak memory of a child %.0f MB" % (figures["cpu"], figures["cpu"] / n, figures["peak_rss_mb"]))
    print("  reads %d (%.1f per machine, %.2f per machine per job-minute), writes %d (%.1f per machine), 429s %d"
          % (figures["reads"], figures["reads"] / n, figures["reads"] / figures["job_minutes"] if figures["job_minutes"] else float("nan"),
             figures["writes"], figures["writes"] / n, figures["status_429"]))
    print("  writes per machine per action (%s): %s; failover requests sent from %.1f s to %.1f s after the run's first request"
          % (", ".join(figures["actions"]), figures["writes_per_action"], figures["first_failover_after"] or 0, figures["last_failover_after"] or 0))


def fleet_options(description, machines):
    """The options of the fleet benchmarks (this script and fleet_plans.py); ``machines``: the default N."""
    options = parser(description)
    options.add_argument("--machines", type=int, action="append", help="a fleet of N machines (repeatable; default %d)" % machines)
    options.add_argument("--time-scale", type=float, default=1.0, help="lab seconds per Azure second (default %(default)s: real time)")
    options.add_argument("--generation", choices=("classic", "modernized"), default="classic")
    options.add_argument("--poll-interval", type=int, default=30, help="asr_poll_interval, seconds (default %(default)s, the roles' default)")
    options.set_defaults(default_machines=machines)
    return options


def measure_each(args, measure, report_one, figures_name):
    """``measure(checkout, args, N)`` and ``report_one(figures)`` for each N asked, the load printed between; the figures, also
    written to WORKDIR/``figures_name``."""
    checkout = Checkout(args.repo, args.workdir)
    print("%s at %s; %s; time scale %s, poll interval %d s" % (checkout.repo, checkout.commit(), args.generation, args.time_scale, args.poll_interval))
    print("load: %s" % " ".join("%.2f" % x for x in os.getloadavg()))
    results = []
    for machines in args.machines or [args.default_machines]:
        results.append(measure(checkout, args, machines))
        report_one(results[-1])
        print("load: %s" % " ".join("%.2f" % x for x in os.getloadavg()))
    (checkout.workdir / figures_name).write_text(json.dumps(results, indent=2, default=str) + "\n")
    print("figures in %s" % (checkout.workdir / figures_name))
    return results


def main(argv=None):
    options = fleet_options(__doc__.splitlines()[0], 10)
    options.add_argument("--engine", choices=("fleet", "roles"), default="fleet", help="the fleet engine or the per-machine roles")
    results = measure_each(options.parse_args(argv), measure, report, "fleet.json")
    return 0 if all(r["returncode"] == 0 and r["writes_per_action"] == [1] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
