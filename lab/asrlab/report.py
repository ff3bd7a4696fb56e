"""After a run against the lab: the ARM requests it made per machine, and whether every machine ended where the cycle promises.

    python -m asrlab.report --state-dir .lab --summary asr-summary.json [--since EPOCH] [--expect cycle_done]
    python -m asrlab.report --state-dir .lab --power vm-win-01 vm-lin-01     # JSON: each VM's power state in the vCenter

A request belongs to a machine when its path names the machine's replicated item or one of the jobs the run's
summary lists for it; the rest (vault-wide lists, fabrics, policies, Azure reads) is shared by all machines.
``--expect cycle_done`` checks, from the lab's control API and its vCenter, that every machine of the summary runs
on-premises, replicates to Azure (Protected), has its on-premises VM powered on, and that no Azure VM is left; the
exit status is 1 when one of these does not hold.
"""

from __future__ import annotations

import argparse
import collections
import json
import pathlib
import ssl
import sys
import urllib.request

from .vcenter import VSphere


def _control(lab, path):
    context = ssl.create_default_context(cafile=lab["ca_bundle"])
    with urllib.request.urlopen(lab["control_url"].rstrip("/") + path, context=context, timeout=30) as answer:
        return json.load(answer)


def requests_per_machine(requests, machines):
    """{machine: count} plus "shared", from the lab's request log and {machine: (item name, [job ids])}."""
    counts = collections.Counter()
    markers = {name: ["/replicationprotecteditems/%s" % item.lower()] + ["/replicationjobs/%s" % job.lower() for job in jobs]
               for name, (item, jobs) in machines.items()}
    for request in requests:
        path = request["path"].split("?", 1)[0].lower()
        owner = next((name for name, marks in markers.items() if any(path.endswith(m) or (m + "/") in path for m in marks)), "shared")
        counts[owner] += 1
    return counts


def machines_of(summary):
    """{machine: (its item's ARM name, [job ids])} from a run's summary."""
    found = {}
    for host, record in (summary.get("machines") or {}).items():
        jobs = [stage["job_id"] for stage in (record.get("stages") or {}).values() if stage.get("job_id")]
        found[host] = (record.get("item") or host, jobs)
    return found


def end_state_problems(state, vsphere, hosts):
    """What does not hold of "every machine back on-premises, powered on, replicating to Azure, no Azure VM left"."""
    problems = []
    for host in hosts:
        item = state["items"].get(host)
        if item is None:
            problems.append("%s: not a machine of the lab" % host)
            continue
        if item["running_in"] != "onprem" or item["provider"] not in ("InMageAzureV2", "InMageRcm") or item["protection_state"] != "Protected":
            problems.append("%s: runs in %s, %s (%s), not on-premises and protected to Azure"
                            % (host, item["running_in"], item["protection_state"], item["provider"]))
        if vsphere is not None:
            power = vsphere.power_state(host) if vsphere.exists(host) else "missing"
            if power != "poweredOn":
                problems.append("%s: its on-premises VM is %s" % (host, power))
    problems += ["Azure VM %s is left (%s)" % (vm["name"], vm["power"]) for vm in state.get("azure_vms") or []]
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m asrlab.report", description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--state-dir", required=True, help="the lab's state directory (its lab.json)")
    parser.add_argument("--summary", help="the run's summary JSON (asr_summary_file)")
    parser.add_argument("--power", nargs="+", metavar="VM", help="print the power state of these vCenter VMs (JSON; missing when absent)")
    parser.add_argument("--since", type=float, default=0.0, help="count only the requests after this time (seconds since the epoch)")
    parser.add_argument("--expect", choices=["cycle_done"], help="check the machines' end state")
    args = parser.parse_args(argv)
    lab = json.loads((pathlib.Path(args.state_dir) / "lab.json").read_text())
    if args.power:
        vsphere = VSphere.from_info(lab["vcenter"], lab["ca_bundle"])
        try:
            print(json.dumps({name: vsphere.power_state(name) if vsphere.exists(name) else "missing" for name in args.power}))
        finally:
            vsphere.close()
        return 0
    if not args.summary:
        parser.error("--summary is required, unless --power is given")
    summary = json.loads(pathlib.Path(args.summary).read_text())
    machines = machines_of(summary)
    requests = [r for r in _control(lab, "/requests") if r["time"] >= args.since]
    counts = requests_per_machine(requests, machines)
    shared = counts.pop("shared", 0)
    print("ARM requests: %d in all, for %d machine(s)" % (len(requests), len(machines)))
    for host in sorted(machines):
        print("  %-12s %4d naming the machine or its jobs, %.1f with its share of the %d vault-wide ones"
              % (host, counts[host], counts[host] + shared / max(len(machines), 1), shared))
    if args.expect != "cycle_done":
        return 0
    vsphere = VSphere.from_info(lab["vcenter"], lab["ca_bundle"])
    try:
        problems = end_state_problems(_control(lab, "/state"), vsphere, sorted(machines))
    finally:
        vsphere.close()
    if problems:
        print("The cycle did not end where it should:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    print("Every machine is back on-premises, powered on and replicating to Azure; no Azure VM is left.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
