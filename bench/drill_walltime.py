# -*- coding: utf-8 -*-
"""Wall time of siterecovery.vmware.drill on the lab's scenarios: one machine, every machine that can be drilled alone, and a drill
whose validation fails (it still cleans up), on both generations.

    bench/drill_walltime.py [--repo CHECKOUT] [--time-scale 0.01] [--poll-interval 1] [--generation classic|modernized]

One lab per generation (reset between runs through its control API). Per run it prints the exit status, the wall time of
ansible-playbook, the test VMs left in the lab's Azure afterwards (from /lab/state: there must be none), and each machine's stage
seconds from the run's summary. At 0.01 a classic test failover takes 1.2 s of the lab's clock, a modernized one 4.7 s, a cleanup
1.7 s; the rest is the controller's own work (inventory, reads, validation, summary, report), which the time scale does not shrink.
"""

from __future__ import annotations

import json
import sys

from _benchlib import Checkout, Lab, parser, run_playbook, tail

# The machines a drill takes alone: the classic lab's vm-win-01 and vm-win-02 are its multi-VM group app-tier (drilled together).
SCENARIOS = {
    "classic": [("one machine", "vm-lin-01", None), ("every machine drilled alone", "vm-lin-01:phys-01", None),
                ("validation fails", "vm-lin-01", "vm-lin-01")],
    "modernized": [("one machine", "vm-lin-01", None), ("every machine", "vm-lin-01:vm-win-01:vm-win-02", None),
                   ("validation fails", "vm-lin-01", "vm-lin-01")],
}
VALIDATION_TIMEOUT = 5  # seconds a silent guest is given: the failing run's wall time includes them


def measure(checkout, lab, generation, title, hosts, silent, poll_interval):
    lab.post("reset", {})
    if silent:
        lab.post("guest", {"item": silent, "answers": False})
    summary = checkout.workdir / ("summary-%s-%s.json" % (generation, title.replace(" ", "-")))
    extra = {"asr_hosts": hosts, "asr_poll_interval": poll_interval, "asr_summary_file": summary, "asr_validation_timeout": VALIDATION_TIMEOUT}
    run = run_playbook(checkout, lab, "drill", "drill-%s-%s.log" % (generation, title.replace(" ", "-")), extra)
    left = [vm["name"] for vm in lab.control("state")["azure_vms"] if vm["name"].endswith("-test")]
    machines = json.loads(summary.read_text()).get("machines", {}) if summary.exists() else {}
    stages = {name: {stage: record.get("seconds") for stage, record in (machine.get("stages") or {}).items()} for name, machine in machines.items()}
    expected = 0 if not silent else 2
    ok = run.returncode == expected and not left
    print("  %-10s %-28s %-30s exit %d, wall %6.1f s, test VMs left %s%s" % (
        generation, title, hosts, run.returncode, run.wall, left or "none", "" if ok else "   <- FAILED (log %s)" % run.log))
    for name, seconds in sorted(stages.items()):
        print("      %-10s %s" % (name, ", ".join("%s %s s" % pair for pair in seconds.items())))
    if not ok:
        print(tail(run.log), file=sys.stderr)
    return dict(generation=generation, scenario=title, hosts=hosts, exit=run.returncode, wall_seconds=round(run.wall, 1), test_vms_left=left,
                stages=stages, ok=ok)


def main(argv=None):
    options = parser(__doc__.splitlines()[0])
    options.add_argument("--time-scale", type=float, default=0.01, help="the lab's time scale (default %(default)s)")
    options.add_argument("--poll-interval", type=int, default=1, help="asr_poll_interval, seconds (default %(default)s)")
    options.add_argument("--generation", choices=sorted(SCENARIOS), action="append", help="one generation only (default: both)")
    options.add_argument("--scenario", choices=sorted({s[0] for rows in SCENARIOS.values() for s in rows}), action="append",
                         help="only this scenario (default: all)")
    args = options.parse_args(argv)
    checkout = Checkout(args.repo, args.workdir)
    print("drill_walltime: %s (%s); time scale %s, asr_poll_interval=%d s, validation timeout %d s; work dir %s"
          % (checkout.repo, checkout.commit(), args.time_scale, args.poll_interval, VALIDATION_TIMEOUT, checkout.workdir))
    results = []
    for generation in args.generation or sorted(SCENARIOS):
        with Lab(checkout, "drill-" + generation, scenario=generation, time_scale=args.time_scale) as lab:
            for title, hosts, silent in [row for row in SCENARIOS[generation] if not args.scenario or row[0] in args.scenario]:
                results.append(measure(checkout, lab, generation, title, hosts, silent, args.poll_interval))
    (checkout.workdir / "drill_walltime.json").write_text(json.dumps(results, indent=1))
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
