# -*- coding: utf-8 -*-
"""The run's summary of the installed collection's playbooks on the lab (docs/summary.md; issues #11 and #16): printed
once per run with the fleet's totals; written from what the run knows when the final read cannot log in; every machine
in it when all of them fail before their first stage. The pure builder is tested in
tests/unit/plugins/module_utils/test_asr_summary.py."""

from __future__ import annotations

import json

from lab_tasks import Run, writes
from labrunner import control, hold, release, until

SHOWN = "TASK [siterecovery.vmware.asr : Show the summary]"


def summary_of(run):
    return json.loads(run.summary.read_text())


def machines_of(lab):
    return sorted(control(lab, "state")["items"])


def assert_clean(out):
    assert "Traceback" not in out and "NoneType" not in out and "filter 'split'" not in out, out
    assert "RTO  s" not in out and ",  s)" not in out, out


def test_every_machine_failing_before_its_first_stage_is_in_the_summary(installed_env, fresh, tmp_path):
    before = len(writes(fresh))
    run = Run("yesterday", installed_env, fresh, tmp_path, limit=None, playbook="failover", extra=("-e", "asr_recovery_point=yesterday"))
    assert run.end() != 0
    out = run.output()
    assert_clean(out)
    assert len(writes(fresh)) == before
    summary = summary_of(run)
    assert sorted(summary["machines"]) == machines_of(fresh)
    for record in summary["machines"].values():
        assert record["status"] == "not started" and record["failed"], record
        assert "asr_recovery_point must be one of" in record["error"], record
    count = len(summary["machines"])
    assert out.count(SHOWN) == 1 and out.count("fleet: ") == 1, out
    assert "fleet: %d machines: 0 done, 0 skipped, %d failed (%d before their first stage)" % (count, count, count) in out, out


def test_once_per_run_with_the_fleet_totals_and_written_when_the_final_read_cannot_log_in(installed_env, fresh, tmp_path):
    """Three machines, one run: vm-win-02 already failed over and committed (skipped), vm-lin-01's failover job fails,
    phys-01 is failed over and committed. The login endpoint goes down while phys-01's commit job runs (held by the lab,
    and followed with the token the wait already has): the summary's read of the vault cannot log in, and the summary is
    still written, from what the run knows, once, with the fleet's totals and the read that failed."""
    control(fresh, "stage", "POST", item="vm-win-02", stage="committed")
    control(fresh, "faults", "POST", kind="job", action="unplannedFailover", item="vm-lin-01", fail_at_task=1, count=1)
    machine = "phys-01"
    hold(fresh, machine, "failoverCommit")
    # The failover on the last app-consistent point, the commit moved first to the newer crash-consistent one (ChangePit).
    run = Run("fleet", installed_env, fresh, tmp_path, limit=("vm-win-02", "vm-lin-01", machine), playbook="failover",
              extra=("-e", "asr_recovery_point=latest_app_consistent", "-e", "asr_commit_recovery_point=latest_crash_consistent"))
    try:
        job = until(lambda: next((j["id"] for j in control(fresh, "jobs") if j["item"] == machine and j["action"] == "failoverCommit"), None),
                    "the commit job", still=run.running)
        until(lambda: run.shows("%s: commit the failover: " % machine, " job %s " % job), "the wait following the commit", still=run.running)
        control(fresh, "login", "POST", down=True)
    finally:
        release(fresh, machine, "failoverCommit")
    try:
        returncode = run.end()
    finally:
        control(fresh, "login", "POST", down=False)
    out = run.output()
    assert_clean(out)
    assert returncode != 0, out  # vm-lin-01 failed
    summary = summary_of(run)
    statuses = {host: record["status"] for host, record in summary["machines"].items()}
    assert statuses == {machine: "done", "vm-win-02": "skipped", "vm-lin-01": "failed"}, statuses
    totals = summary["totals"]
    assert (totals["machines"], totals["done"], totals["skipped"], totals["failed"]) == (3, 1, 1, 1), totals
    assert totals["worst_rto"]["machine"] == machine and totals["worst_rpo"]["machine"] == machine, totals
    # Once per run: one summary task, one fleet line, one block per machine (not a copy of the whole summary per host).
    assert out.count(SHOWN) == 1 and out.count("fleet: 3 machines: 1 done, 1 skipped, 1 failed; worst RTO ") == 1, out
    for head in ("%s: done" % machine, "vm-win-02: skipped", "vm-lin-01: FAILED"):
        assert out.count('"%s - now ' % head) == 1, (head, out)
    assert summary["finished"].endswith("+00:00") and summary["machines"]["vm-lin-01"]["finished"].endswith("+00:00")
    failed = summary["machines"]["vm-lin-01"]
    assert failed["achieved_rto_seconds"] is None and failed["stages"]["failover_to_azure"]["status"] == "failed", failed
    # The final read failed: said once, and each machine's state is the one the run knows, saying so.
    assert [failed["read"] for failed in summary["reads_failed"]] == ["where every machine stands now (the final read)"], summary
    assert out.count("read failed: where every machine stands now (the final read): ") == 1, out
    said = summary["reads_failed"][0]["error"]  # a login endpoint that does not answer is not blamed on the credentials
    assert ("Could not reach the Azure login endpoint" in said or "the login endpoint did not answer" in said) and "check tenant" not in said, said
    record = summary["machines"][machine]
    assert (record["stages"]["failover_to_azure"]["status"], record["stages"]["commit_failover"]["status"]) == ("done", "done"), record
    assert record["stages"]["commit_failover"]["job_id"] == job
    # The achieved RPO is the age of the point committed, not of the one the failover used and the commit discarded.
    used, commit = record["stages"]["failover_to_azure"]["recovery_point"], record["stages"]["commit_failover"]
    moved = commit["change_recovery_point"]
    assert moved["job_id"] in [j["id"] for j in control(fresh, "jobs") if j["item"] == machine and j["action"] == "applyRecoveryPoint"], moved
    assert commit["recovery_point"]["id"] == moved["recovery_point"]["id"] != used["id"], commit
    assert record["achieved_rpo_seconds"] == commit["recovery_point"]["age_seconds"] < used["age_seconds"], record
    assert "recovery point changed first with job %s" % moved["job_id"] in out, out
    assert (record["running_in"], record["stage"]) == ("azure", "committed") and "the final read failed" in record["state_as_of"], record
