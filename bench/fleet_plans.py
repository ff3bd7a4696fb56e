# -*- coding: utf-8 -*-
"""failover.yml on a generated fleet cut into recovery plans: one ansible-playbook per plan, all at once, as a site's job templates.

    bench/fleet_plans.py [--repo CHECKOUT] [--machines N ...] [--plan-size 100] [--forks F] [--time-scale 1.0] [--generation classic]
                         [--poll-interval 30]

For each N, a lab of its own runs a fleet of N generated machines (the lab's ``asrlab.fleet``, as bench/fleet.py) at the time scale
given (1.0: a classic failover takes Azure's 100 s). The fleet is cut into recovery plans of up to ``--plan-size`` machines (ASR's
limit is 100), in the fleet's order, the members of one multi-VM group always in one plan; the plans are created first with
``asr_recovery_plan`` (not timed). Then ``failover.yml -e asr_recovery_plan=plan-K --limit <its members>`` starts for every plan at
the same moment, ``--forks`` each (default: the plan's size, as docs/awx.md advises), and the figures are taken when the last one
has ended. Printed per N:

- wall time from the first start to the last end, job time (the longest sum of one machine's job durations, from ASR's API: the
  plan's child jobs name their machine), and their ratio;
- controller CPU seconds of every run (ansible-playbook and all its children, RUSAGE_CHILDREN), in all and per machine; peak memory
  of a child;
- ARM reads and writes per machine, reads per machine per job-minute, the 429 answers met;
- the plan writes: POSTs per plan and action (each must be exactly 1), and POSTs on single items (there must be none);
- how long after the first request the last plan's failover request went out.

Not a timed test: the figures depend on the machine (``uptime`` is printed with them). They go to WORKDIR/fleet_plans.json too.
"""

from __future__ import annotations

import collections
import json
import re
import resource
import subprocess
import sys
import time

from _benchlib import Lab, children_cpu, count_requests, job_minutes, run_playbook, start_playbook, tail
from fleet import fleet_options, job_time, measure_each

PLAN_ACTION = re.compile(r"/replicationRecoveryPlans/([^/]+)/([A-Za-z]+)$", re.IGNORECASE)
ITEM_ACTION = re.compile(r"/replicationProtectedItems/[^/]+/([A-Za-z]+)$", re.IGNORECASE)


def cut_into_plans(machines, size):
    """[[member, ...], ...]: as few plans of up to ``size`` machines as the fleet needs, filled in the fleet's order, each
    multi-VM group's members together (in the first plan with room for the whole group)."""
    units = collections.defaultdict(list)
    for machine in machines:
        units[machine.get("group") or machine["name"]].append(machine["name"])
    plans = [[] for _plan in range(-(-len(machines) // size))]
    for members in units.values():
        if len(members) > size:
            raise SystemExit("a multi-VM group of %d machines does not fit a plan of %d" % (len(members), size))
        room = next((plan for plan in plans if len(plan) + len(members) <= size), None)
        if room is None:
            room = []
            plans.append(room)
        room += members
    return [plan for plan in plans if plan]


def scenario_machines(checkout, path):
    """The machines of a scenario file, read by the checkout's Python (it has PyYAML; this script needs only the standard library)."""
    code = "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))['machines']))"
    return json.loads(subprocess.run([str(checkout.python), "-c", code, str(path)], capture_output=True, text=True, check=True).stdout)


def setup_playbook(workdir, plans):
    """The playbook that creates the plans (one boot group each), written as JSON (a YAML document)."""
    tasks = [{"name": "Create plan-%d" % index, "siterecovery.vmware.asr_recovery_plan": {
        "name": "plan-%d" % index, "groups": [{"machines": members}], "wait_timeout": 3600, "wait_sleep": 2}}
        for index, members in enumerate(plans, 1)]
    path = workdir / "create_plans.yml"
    path.write_text(json.dumps([{"name": "The plans of the fleet", "hosts": "localhost", "gather_facts": False, "tasks": tasks}], indent=1))
    return path


def writes_of(requests):
    """({(plan, action): POSTs}, POSTs on single items) among the run's requests."""
    per_plan, on_items = collections.Counter(), 0
    for request in requests:
        if request["method"] != "POST":
            continue
        path = request["path"].split("?", 1)[0]
        match = PLAN_ACTION.search(path)
        if match:
            per_plan[(match.group(1).lower(), match.group(2).lower())] += 1
        elif ITEM_ACTION.search(path):
            on_items += 1
    return per_plan, on_items


def run_plans(checkout, lab, args, plans, machines):
    """Every plan's failover.yml at once; (returncodes, started, ended, cpu, logs)."""
    before = children_cpu()
    runs = []
    for index, members in enumerate(plans, 1):
        extra = {"asr_confirm_failover": "true", "asr_poll_interval": args.poll_interval, "asr_recovery_plan": "plan-%d" % index,
                 "asr_summary_file": checkout.workdir / ("summary-%d-plan-%d.json" % (machines, index))}
        forks = args.forks or max(len(members), 5)
        runs.append(start_playbook(checkout, lab, "failover", "fleet-%d-plan-%d.log" % (machines, index), extra,
                                   args=("--forks", str(forks), "--limit", ",".join(members))))
    started = min(run[2] for run in runs)
    codes = [process.wait() for process, _log, _start in runs]
    ended = time.time()
    return codes, started, ended, children_cpu() - before, [log for _p, log, _s in runs]


def measure(checkout, args, machines):
    scenario = checkout.fleet(machines, args.generation)
    plans = cut_into_plans(scenario_machines(checkout, scenario), args.plan_size)
    with Lab(checkout, "plans-%d" % machines, scenario=scenario, time_scale=args.time_scale) as lab:
        made = run_playbook(checkout, lab, setup_playbook(checkout.workdir, plans), "plans-%d-create.log" % machines, {})
        if made.returncode != 0:
            raise SystemExit("creating the plans failed (log %s):\n%s" % (made.log, tail(made.log)))
        codes, started, ended, cpu, logs = run_plans(checkout, lab, args, plans, machines)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
        requests = lab.requests_between(started, ended)
        reads, writes = count_requests(requests)
        jobs = lab.jobs()
        minutes = job_minutes(jobs, started, ended)
        state = lab.control("state")["items"]
    for code, log in zip(codes, logs):
        if code != 0:
            print("failover.yml of %s exited %d:\n%s" % (log.name, code, tail(log)), file=sys.stderr)
    per_plan, on_items = writes_of(requests)
    failovers = sorted(r["time"] for r in requests if r["method"] == "POST" and r["path"].split("?", 1)[0].lower().endswith("/unplannedfailover"))
    first = min(r["time"] for r in requests) if requests else started
    seconds_of_jobs = job_time(jobs, started, ended)
    committed = sum(1 for item in state.values() if item.get("running_in") == "azure" and "committed" in str(item.get("phase", "")).lower())
    return dict(machines=machines, plans=len(plans), plan_sizes=sorted({len(p) for p in plans}), returncodes=codes, committed=committed,
                wall=ended - started, job_time=seconds_of_jobs, ratio=(ended - started) / seconds_of_jobs if seconds_of_jobs else float("nan"),
                cpu=cpu, peak_rss_mb=peak, reads=reads, writes=writes, job_minutes=sum(minutes.values()),
                status_429=sum(1 for r in requests if r.get("status") == 429), plan_writes=sorted(set(per_plan.values())),
                plan_actions=sorted({a for _p, a in per_plan}), item_writes=on_items,
                last_failover_after=(failovers[-1] - first) if failovers else None)


def report(figures):
    n = figures["machines"]
    sizes = "/".join(map(str, figures["plan_sizes"]))
    print("N=%d in %d plans of %s: exit %s, %d committed in Azure" % (n, figures["plans"], sizes, figures["returncodes"], figures["committed"]))
    print("  wall %.1f s, job time %.1f s, ratio %.2f" % (figures["wall"], figures["job_time"], figures["ratio"]))
    print("  controller CPU %.1f s, %.2f CPU-s per machine; peak memory of a child %.0f MB" % (figures["cpu"], figures["cpu"] / n, figures["peak_rss_mb"]))
    print("  reads %d (%.1f per machine, %.2f per machine per job-minute), writes %d, 429s %d"
          % (figures["reads"], figures["reads"] / n, figures["reads"] / figures["job_minutes"] if figures["job_minutes"] else float("nan"),
             figures["writes"], figures["status_429"]))
    print("  POSTs per plan per action (%s): %s; POSTs on single items: %d; the last plan failover sent %.1f s after the first request"
          % (", ".join(figures["plan_actions"]), figures["plan_writes"], figures["item_writes"], figures["last_failover_after"] or 0))


def main(argv=None):
    options = fleet_options(__doc__.splitlines()[0], 100)
    options.add_argument("--plan-size", type=int, default=100, help="machines per plan, at most (default %(default)s, ASR's limit)")
    options.add_argument("--forks", type=int, help="forks of each run (default: its plan's size)")
    results = measure_each(options.parse_args(argv), measure, report, "fleet_plans.json")
    ok = all(set(r["returncodes"]) == {0} and r["plan_writes"] == [1] and r["item_writes"] == 0 for r in results)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
