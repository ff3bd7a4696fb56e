# -*- coding: utf-8 -*-
"""ARM reads (GET) and writes per machine of failover.yml on the classic lab's machines: a --check run, then a real run.

    bench/failover_reads.py [--repo CHECKOUT] [--time-scale 0.01] [--poll-interval 1]

One classic lab of its own; the --check run first (it must send no write), then the real run on the same lab. The
counts come from the lab's /lab/requests, over each run's time span. "Naming it" counts the requests whose path names
the machine's replicated item or one of its jobs (ASR's replicationJobs, by targetObjectName); the rest (vault-wide
lists, fabrics, policies, Azure reads) is shared, and "per machine" divides everything by the number of machines.
How many job reads a real run makes depends on the poll interval and the jobs' length: both are printed.
"""

from __future__ import annotations

import collections
import sys

from _benchlib import WRITES, Checkout, Lab, parser, run_playbook, tail


def attribute(requests, owners):
    """{machine or "shared": (reads, writes)} from request records and {machine: [lowercase path markers]}."""
    counts = collections.defaultdict(lambda: [0, 0])
    for record in requests:
        path = record["path"].split("?", 1)[0].lower()
        owner = next((name for name, marks in owners.items() if any(path.endswith(m) or (m + "/") in path for m in marks)), "shared")
        if record["method"] == "GET":
            counts[owner][0] += 1
        elif record["method"] in WRITES:
            counts[owner][1] += 1
    return counts


def report(title, run, requests, owners):
    machines = sorted(owners)
    counts = attribute(requests, owners)
    reads = sum(c[0] for c in counts.values())
    writes = sum(c[1] for c in counts.values())
    print("  %s: exit %d, wall %.1f s; %d reads, %d writes in all; per machine %.1f reads, %.1f writes"
          % (title, run.returncode, run.wall, reads, writes, reads / len(machines), writes / len(machines)))
    for name in machines:
        print("    %-10s naming it: %3d reads, %2d writes" % (name, counts[name][0], counts[name][1]))
    print("    %-10s            %3d reads, %2d writes" % ("shared", counts["shared"][0], counts["shared"][1]))
    return reads, writes


def main(argv=None):
    options = parser(__doc__.splitlines()[0])
    options.add_argument("--time-scale", type=float, default=0.01, help="the lab's time scale (default %(default)s: a classic failover takes 1 s)")
    options.add_argument("--poll-interval", type=int, default=1, help="asr_poll_interval, seconds (default %(default)s)")
    args = options.parse_args(argv)
    checkout = Checkout(args.repo, args.workdir)
    print("failover_reads: %s (%s); classic lab, time scale %s, asr_poll_interval=%d s; work dir %s"
          % (checkout.repo, checkout.commit(), args.time_scale, args.poll_interval, checkout.workdir))
    extra = {"asr_confirm_failover": "true", "asr_poll_interval": args.poll_interval, "asr_summary_file": checkout.workdir / "summary-reads.json"}
    with Lab(checkout, "reads", scenario="classic", time_scale=args.time_scale) as lab:
        items = lab.control("state")["items"]
        check = run_playbook(checkout, lab, "failover", "reads-check.log", extra, args=["--check"])
        check_requests = lab.requests_between(check.started, check.ended)
        real = run_playbook(checkout, lab, "failover", "reads-real.log", extra)
        real_requests = lab.requests_between(real.started, real.ended)
        jobs = collections.defaultdict(list)
        for job in lab.jobs():
            jobs[job["properties"].get("targetObjectName")].append(job["name"].lower())
        items_after = lab.control("state")["items"]
    owners = {name: ["/replicationprotecteditems/%s" % item["name"].lower()] + ["/replicationjobs/%s" % j for j in jobs[name]]
              for name, item in items.items()}
    _check_reads, check_writes = report("--check", check, check_requests, owners)
    report("real run", real, real_requests, owners)
    failed = []
    if check.returncode != 0 or check_writes:
        failed.append("the --check run exited %d and sent %d writes (log %s):\n%s" % (check.returncode, check_writes, check.log, tail(check.log)))
    if real.returncode != 0 or any(item["running_in"] != "azure" for item in items_after.values()):
        failed.append("the real run exited %d; where the machines run: %s (log %s):\n%s"
                      % (real.returncode, {n: i["running_in"] for n, i in items_after.items()}, real.log, tail(real.log)))
    for problem in failed:
        print(problem, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
