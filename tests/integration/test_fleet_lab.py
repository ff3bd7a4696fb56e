# -*- coding: utf-8 -*-
"""failover.yml through the fleet engine (asr_fleet=true) on the classic and the modernized lab, from the installed collection:
one list of the vault's jobs per interval (not one read per machine), exactly one write per machine per action, every machine
failed over and committed with its records in the summary, check mode sending nothing, and a rerun doing nothing."""

from __future__ import annotations

import collections
import re

import pytest
from lab_tasks import Run, writes
from labrunner import control, hold, release, start_lab, until

ACTION = re.compile(r"/replicationProtectedItems/([^/]+)/([A-Za-z]+)$", re.IGNORECASE)
FLEET = ("-e", "asr_fleet=true", "-e", "asr_poll_interval=1")


def per_action(requests):
    counts = collections.Counter()
    for request in requests:
        match = ACTION.search(request["path"].split("?", 1)[0])
        if request["method"] == "POST" and match:
            counts[(match.group(1).lower(), match.group(2))] += 1
    return counts


RECAP = re.compile(r"^(\S+)\s+: ok=(\d+)\s+changed=\d+\s+unreachable=\d+\s+failed=(\d+)\s+skipped=(\d+)", re.MULTILINE)


def tasks_per_host(output):
    """{host: the tasks Ansible ran or skipped for it} from the play recap (localhost's first play left out)."""
    return {host: int(ok) + int(failed) + int(skipped) for host, ok, failed, skipped in RECAP.findall(output) if host != "localhost"}


def job_reads(requests):
    """(lists of the vault's jobs, reads of one job by id or by its operation's status)."""
    paths = [r["path"].split("?", 1)[0].lower() for r in requests if r["method"] == "GET"]
    return (sum(1 for p in paths if p.endswith("/replicationjobs")),
            sum(1 for p in paths if re.search(r"/(replicationjobs|replicationoperationstatus|operationresults)/[^/]+$", p)))


@pytest.mark.parametrize("generation", ["classic", "modernized"])
def test_failover_yml_through_the_fleet_engine(installed_env, tmp_path, generation):
    lab = start_lab(tmp_path / "lab", generation)
    try:
        machines = sorted(control(lab, "state")["items"])
        check = Run("check", installed_env, lab, tmp_path, limit=None, playbook="failover", extra=FLEET + ("--check",))
        assert check.end() == 0, check.output()[-3000:]
        assert writes(lab) == []  # check mode sends nothing
        assert "would be done" in check.output()

        # The first machine's failover is held: the others end, and the fleet is listed again while it runs.
        hold(lab, machines[0], "unplannedFailover")
        before = len(control(lab, "requests"))
        run = Run("fleet", installed_env, lab, tmp_path, limit=None, playbook="failover", extra=FLEET)
        until(lambda: run.output().count("fleet: %d jobs:" % len(machines)) >= 3, "three lists of the fleet's jobs", still=run.running)
        release(lab, machines[0], "unplannedFailover")
        assert run.end() == 0, run.output()[-3000:]
        requests = control(lab, "requests")[before:]

        # Outside the engine a machine costs Ansible three tasks of its own (the run's two checks and the one stage task,
        # skipped): every other task runs once for the play, for all the machines (docs/fleet.md, "Cost").
        per_host = sorted(tasks_per_host(run.output()).values())
        assert len(per_host) == len(machines) and per_host[:-1] == [3] * (len(machines) - 1), per_host

        lists, single = job_reads(requests)
        # One list per interval, each a fleet line, whatever the number of machines; and the summary's one read of the cycle.
        assert lists == run.output().count("fleet: %d jobs:" % len(machines)) + 1 and lists >= 4
        assert single == 0  # no read of one machine's job
        counts = per_action(requests)
        items = {control(lab, "state")["items"][m]["name"].lower() for m in machines}
        assert {item for item, _action in counts} == items
        assert sorted({action for _item, action in counts}) == ["failoverCommit", "unplannedFailover"]
        assert set(counts.values()) == {1}  # exactly one write per machine per action

        state = control(lab, "state")["items"]
        summary = run.machines()
        for machine in machines:
            assert state[machine]["running_in"] == "azure"
            stages = summary[machine]["stages"]
            assert (stages["failover_to_azure"]["status"], stages["validate_recovery"]["status"], stages["commit_failover"]["status"]) \
                == ("done", "done", "done"), stages
            assert stages["failover_to_azure"]["job_id"] and stages["commit_failover"]["job_id"]
            assert stages["validate_recovery"]["validation"]["passed"] is True
            assert stages["commit_failover"]["recovery_point"] == stages["failover_to_azure"]["recovery_point"]
        assert "%s: fail over to Azure: UnplannedFailover job" % machines[0] in run.output()  # progress per machine

        sent = len(writes(lab))
        again = Run("again", installed_env, lab, tmp_path, limit=None, playbook="failover", extra=FLEET)
        assert again.end() == 0, again.output()[-3000:]
        assert len(writes(lab)) == sent  # a rerun sends nothing
        assert {m: again.machines()[m]["stages"]["commit_failover"]["status"] for m in machines} == dict.fromkeys(machines, "done earlier")
    finally:
        lab.stop()
