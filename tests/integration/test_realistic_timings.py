# -*- coding: utf-8 -*-
"""The whole cycle at realistic timings: one classic and one modernized machine, the installed collection's full_cycle.

Both labs run at time scale 0.05 with no action shortened (the agent registers 45 s after a failover, a modernized
planned failback takes 60 s), and the poll interval is the roles' 30 s at that scale (2 s) instead of the lab
inventory's 1 s. The two playbooks run at once (bench/realistic_cycle.py, which prints the same figures); each machine
must end back on-premises, powered on and replicating to Azure, with no Azure VM left.
"""

from __future__ import annotations

import sys

from installed_collection import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from _benchlib import Checkout  # noqa: E402  pylint: disable=wrong-import-position  # bench/ is not a package
from realistic_cycle import run_cycles  # noqa: E402  pylint: disable=wrong-import-position

TIME_SCALE = 0.05
POLL_INTERVAL = 2  # ceil(30 s x 0.05)
MACHINE = "vm-win-01"


def test_cycle_at_realistic_timings(installed_env, tmp_path, capsys):
    checkout = Checkout(ROOT, tmp_path, collections=installed_env["ANSIBLE_COLLECTIONS_PATH"])
    results = run_cycles(checkout, TIME_SCALE, POLL_INTERVAL, MACHINE)
    with capsys.disabled():
        for generation, result in sorted(results.items()):
            gap = result["reprotect_gap"]
            print("\nrealistic timings: %s %s, exit %d in %.1f s (time scale %s, poll %d s); reprotect %s after the failover, "
                  "the agent registers %.0f s after it" % (generation, MACHINE, result["returncode"], result["wall"], TIME_SCALE, POLL_INTERVAL,
                                                           "(no job)" if gap is None else "%.1f s" % gap, result["agent_registration"] or 0))
    assert sorted(results) == ["classic", "modernized"]
    problems = []
    for generation, result in sorted(results.items()):
        item = result["item"]
        provider = "InMageAzureV2" if generation == "classic" else "InMageRcm"
        # asrlab.report --expect cycle_done: back on-premises, powered on, replicating to Azure, no Azure VM left.
        where = (item["running_in"], item["protection_state"], item["provider"])
        if result["returncode"] != 0 or where != ("onprem", "Protected", provider) or not result["report_ok"]:
            problems.append("%s: exit %d, now %s, %s (%s)\n  %s\n%s\nlog %s" % (
                generation, result["returncode"], item["running_in"], item["protection_state"], item["provider"],
                "\n  ".join(result["stages"]), result["report"], result["log"]))
    assert not problems, "\n\n".join(problems)
