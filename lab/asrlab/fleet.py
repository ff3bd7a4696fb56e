"""Write a lab scenario with a fleet of N protected machines: ``python -m asrlab.fleet 50 --generation classic``.

The fleet keeps the chosen scenario's site (configuration server and master targets, or the appliance)
and replaces its machines with N generated ones: two Windows for each Linux, every fifth one in a
multi-VM consistency group of five, and (classic only) every tenth a physical server. The recovery
region's core quota grows with the fleet, so a whole-fleet failover fits.
"""

from __future__ import annotations

import argparse
import sys

import yaml

from .scenario import SCENARIO_DIR, load


def fleet(count, generation="classic"):
    """The scenario (a dict, as the YAML files hold it) with ``count`` generated machines."""
    if count < 1:
        raise ValueError("a fleet has at least one machine")
    base = yaml.safe_load((SCENARIO_DIR / (generation + ".yml")).read_text())
    machines = []
    for index in range(1, count + 1):
        linux = index % 3 == 0
        physical = generation == "classic" and index % 10 == 0
        machine = dict(name="%s-%04d" % ("phys" if physical else ("lin" if linux else "win"), index), kind="physical" if physical else "vmware",
                       os_type="Linux" if linux else "Windows", os_version="RHEL 8.6" if linux else "Windows Server 2019 Datacenter",
                       cores=2, memory_mb=4096, disks=1 + index % 3, ip="10.1.%d.%d" % (index // 250, index % 250 + 4), size="Standard_D2s_v3")
        if index % 5 == 0:
            machine["group"] = "group-%03d" % (index // 25)
        machines.append(machine)
    base["machines"] = machines
    cores = 2 * count
    base["recovery"]["cores_quota"] = {"standardDSv3Family": cores + 20, "total": cores + 60}
    return base


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m asrlab.fleet", description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("--generation", choices=("classic", "modernized"), default="classic")
    parser.add_argument("--output", "-o", help="the file to write (default: standard output)")
    args = parser.parse_args(argv)
    try:
        document = fleet(args.count, args.generation)
    except ValueError as exc:
        parser.error(str(exc))
    text = "---\n# A generated fleet of %d machines (python -m asrlab.fleet).\n" % args.count + yaml.safe_dump(document, sort_keys=False)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)
        load(args.output)  # the file must load as a scenario
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
