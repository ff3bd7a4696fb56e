# -*- coding: utf-8 -*-
"""Issue #14: failover.yml on a classic fleet of six machines while Resource Manager throttles the subscription's writes
(the lab's token buckets, lab/README.md "Throttling"), on the installed collection.

The write bucket holds one token and gets the next one 4 s later: the failover POSTs of one task round (six machines at
once, six forks) meet 429s, and so do the commits, however loaded the machine is. Six machines, because the last of a
round meets five 429s, more than the transport's own retries (three): the run must ride through them, every machine
failed over and committed, and exactly one write of each action taken per machine (a 429 is not taken, so sending it
again is no duplicate).
"""

from __future__ import annotations

import collections
import os
import subprocess
import time

import pytest
from installed_collection import ROOT
from lab_tasks import Run, control
from labrunner import start_lab
from test_racing_runs_lab import assert_cycle_done_once

WRITES = {"size": 1, "refill_per_second": 0.25}
ACTIONS = ("unplannedFailover", "failoverCommit")
MACHINES = 6


@pytest.fixture(scope="module")
def fleet_lab(tmp_path_factory):
    """A classic lab of MACHINES generated machines (python -m asrlab.fleet), at a time scale of 0.01."""
    where = tmp_path_factory.mktemp("lab-throttling")
    scenario = where / "fleet.yml"
    subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-m", "asrlab.fleet", str(MACHINES), "-o", str(scenario)], check=True,
                   env=dict(os.environ, PYTHONPATH=str(ROOT / "lab")))
    running = start_lab(where / "state", scenario=scenario, ttl=1800, time_scale=0.01)
    yield running
    running.stop()


def test_failover_rides_through_arms_write_throttling_with_no_duplicate_write(installed_env, fleet_lab, tmp_path, capsys):
    lab = fleet_lab
    control(lab, "throttle", "POST", writes=WRITES)
    items = control(lab, "state")["items"]
    started = time.monotonic()
    run = Run("throttled", installed_env, lab, tmp_path, limit=None, playbook="failover", extra=("--forks", str(MACHINES)))
    run.end()
    seconds = time.monotonic() - started
    requests = control(lab, "requests")
    throttled = collections.Counter(r["method"] for r in requests if r["fault"] == "throttled")
    taken = collections.Counter()
    for request in requests:
        for machine, item in items.items():
            for action in ACTIONS:
                if request["method"] == "POST" and request["status"] == 202 and \
                        request["path"].lower().endswith("/replicationprotecteditems/%s/%s" % (item["name"].lower(), action.lower())):
                    taken[machine, action] += 1
    with capsys.disabled():
        print("\nfailover.yml on %d machines, writes throttled to %s: %d s; 429s met: %s; writes taken: %s; buckets: %s"
              % (len(items), WRITES, round(seconds), dict(throttled), control(lab, "throttle")["writes"]["taken"],
                 {k: (v["taken"], v["throttled"]) for k, v in control(lab, "throttle").items() if isinstance(v, dict)}))
    assert len(items) == MACHINES
    assert throttled["POST"] > 0, "no write met a 429: the bucket did not throttle"
    assert_cycle_done_once(lab, (run,), machines=tuple(items), failover_only=True)
    assert taken == {(m, a): 1 for m in items for a in ACTIONS}, taken
    assert control(lab, "throttle")["writes"]["throttled"] == throttled["POST"]
