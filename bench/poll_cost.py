# -*- coding: utf-8 -*-
"""The controller's cost of following ASR jobs: CPU seconds and ARM reads per machine per job-minute of failover.yml.

    bench/poll_cost.py [--repo CHECKOUT] [--machines N] [--poll-interval 5] [--job-seconds 180] [--baseline-seconds 20]

Each run gets a lab of its own at time scale 1 (real time), whose failover lasts --job-seconds, and runs
playbooks/failover.yml on every machine of the lab (the classic lab's four, or a fleet of N from asrlab.fleet) with
asr_poll_interval set explicitly. CPU is that of ansible-playbook and all its children (RUSAGE_CHILDREN), reads are
the lab's GET requests during the run (/lab/requests), job-minutes the run's jobs from ASR's API (replicationJobs,
startTime to endTime). A second, short run (--baseline-seconds) gives the fixed cost of a run (inventory, preflight,
the summary); the marginal figures, (long - short) / (job-minutes long - short), are the cost of waiting alone.
"""

from __future__ import annotations

import json
import sys

from _benchlib import Checkout, Lab, count_requests, job_minutes, parser, run_playbook, tail


def measure(checkout, args, seconds):
    """One failover.yml run on a lab whose failover lasts ``seconds``: its figures as a dict."""
    scenario = checkout.fleet(args.machines, args.generation) if args.machines else args.generation
    with Lab(checkout, "poll-%ds" % seconds, scenario=scenario, time_scale=1.0, durations=[("unplannedFailover", seconds)]) as lab:
        machines = sorted(lab.control("state")["items"])
        run = run_playbook(checkout, lab, "failover", "poll-%ds.log" % seconds,
                           {"asr_confirm_failover": "true", "asr_poll_interval": args.poll_interval,
                            "asr_summary_file": checkout.workdir / ("summary-poll-%ds.json" % seconds)})
        reads, writes = count_requests(lab.requests_between(run.started, run.ended))
        minutes = job_minutes(lab.jobs(), run.started, run.ended)
        state = lab.control("state")["items"]
    in_azure = [m for m in machines if state[m]["running_in"] == "azure"]
    if run.returncode != 0 or len(in_azure) != len(machines):
        print("failover.yml (failover of %d s) exited %d, %d of %d machines in Azure; log %s:\n%s"
              % (seconds, run.returncode, len(in_azure), len(machines), run.log, tail(run.log)), file=sys.stderr)
    return dict(job_seconds=seconds, machines=len(machines), returncode=run.returncode, in_azure=len(in_azure), wall=run.wall,
                cpu=run.cpu, reads=reads, writes=writes, job_minutes=sum(minutes.values()))


def per_machine_minute(value, figures):
    return value / figures["job_minutes"] if figures["job_minutes"] else float("nan")


def report(figures):
    print("  failover of %3d s: %d machines, exit %d, %d in Azure; wall %.1f s; CPU %.1f s; %d reads, %d writes; %.2f job-minutes"
          % (figures["job_seconds"], figures["machines"], figures["returncode"], figures["in_azure"], figures["wall"], figures["cpu"],
             figures["reads"], figures["writes"], figures["job_minutes"]))
    print("    CPU-s per machine per job-minute %.2f, reads per machine per job-minute %.2f"
          % (per_machine_minute(figures["cpu"], figures), per_machine_minute(figures["reads"], figures)))


def main(argv=None):
    options = parser(__doc__.splitlines()[0])
    options.add_argument("--machines", type=int, default=0, help="a fleet of N machines (default 0: the lab scenario's own machines)")
    options.add_argument("--generation", choices=("classic", "modernized"), default="classic")
    options.add_argument("--poll-interval", type=int, default=5, help="asr_poll_interval, seconds (default %(default)s)")
    options.add_argument("--job-seconds", type=int, default=180, help="how long the failover job runs, seconds (default %(default)s)")
    options.add_argument("--baseline-seconds", type=int, default=20,
                         help="the short run's failover, seconds, for the marginal figures (0: no short run; default %(default)s)")
    args = options.parse_args(argv)
    checkout = Checkout(args.repo, args.workdir)
    print("poll_cost: %s (%s); asr_poll_interval=%d s, time scale 1.0, %s; work dir %s"
          % (checkout.repo, checkout.commit(), args.poll_interval,
             "a fleet of %d %s machines" % (args.machines, args.generation) if args.machines else "the %s lab's machines" % args.generation,
             checkout.workdir))
    runs = [measure(checkout, args, args.job_seconds)]
    report(runs[0])
    if args.baseline_seconds:
        runs.append(measure(checkout, args, args.baseline_seconds))
        report(runs[1])
        long_run, short_run = runs
        extra_minutes = long_run["job_minutes"] - short_run["job_minutes"]
        if extra_minutes > 0:
            reads = (long_run["reads"] - short_run["reads"]) / extra_minutes
            print("  marginal (waiting alone): CPU-s per machine per job-minute %.2f, reads per machine per job-minute %.2f"
                  " (a read every %.1f s, asked for every %d s)"
                  % ((long_run["cpu"] - short_run["cpu"]) / extra_minutes, reads, 60 / reads if reads > 0 else float("inf"), args.poll_interval))
    (checkout.workdir / "poll_cost.json").write_text(json.dumps(dict(repo=str(checkout.repo), commit=checkout.commit(),
                                                                     poll_interval=args.poll_interval, runs=runs), indent=2))
    return 0 if all(r["returncode"] == 0 and r["in_azure"] == r["machines"] for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
