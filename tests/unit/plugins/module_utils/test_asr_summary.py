# -*- coding: utf-8 -*-
"""The run's summary, from what the run knows (plugins/module_utils/_asr_summary.py, docs/summary.md)."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.siterecovery.vmware.plugins.lookup.asr_cycle import cycle_table
from ansible_collections.siterecovery.vmware.plugins.module_utils import _asr_summary as summary
from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError, about_multi_vm_group

# The roles' asr_stage_table and asr_stage_order: the lookup asr_cycle's table.
TABLE = cycle_table()
ORDER = list(TABLE)
NOW = datetime.datetime(2026, 12, 3, 2, 0, tzinfo=datetime.timezone.utc)


def stage(status, seconds=10.0, **extra):
    record = dict(title="t", status=status, reason="why", job_id=None, job_state=None, job_start=None, job_end=None, job_seconds=None,
                  recovery_point=None, seconds=seconds)
    record.update(extra)
    return record


def document(hosts, final=None, errors=()):
    return summary.summary_document(hosts, final, list(errors), TABLE, ORDER, "Fail over", False, now=NOW)


@pytest.mark.parametrize("state, words", [
    (dict(running_in="onprem", stage="replicating", forward=True), "replicating to Azure"),
    (dict(running_in="azure", stage="replicating", forward=False), "replicating to on-premises"),
    (dict(running_in="azure", stage="committed", forward=True), "failed over to Azure and committed, not replicating"),
    (dict(running_in="onprem", stage="committed", forward=False), "failed back to on-premises and committed, not replicating"),
    (dict(running_in="azure", stage="commit_pending", forward=True), "failed over to Azure, not committed yet"),
    (dict(running_in="onprem", stage="busy", forward=True, job="UnplannedFailover"), "job UnplannedFailover running"),
])
def test_the_words_come_from_the_state(state, words):
    assert summary.state_words(state) == words


def test_the_committed_point_is_the_achieved_rpo():
    failover = stage("done", 30.0, job_id="f1", job_state="Succeeded", job_start="2026-12-03T01:40:00Z",
                     recovery_point=dict(id="old", time="2026-12-03T01:22:41Z", age_seconds=1039.0))
    moved = dict(id="new", time="2026-12-03T01:38:00Z", type="CrashConsistent")
    commit = stage("done", 20.0, job_id="c1", recovery_point=moved,
                   change_recovery_point=dict(job_id="pit1", job_state="Succeeded", recovery_point=moved))
    doc = document({"vm-01": dict(stages={"failover_to_azure": failover, "commit_failover": commit})})
    record = doc["machines"]["vm-01"]
    assert record["achieved_rpo_seconds"] == 120.0
    assert record["stages"]["commit_failover"]["recovery_point"]["age_seconds"] == 120.0
    assert "recovery point changed first with job pit1" in "\n".join(summary.summary_lines(doc))


def test_a_failed_machine_prints_no_empty_seconds():
    running = stage("failed", 5.0, job_id="j1", job_state="InProgress", job_start="2026-12-03T01:50:00Z",
                    recovery_point=dict(id="p", time="2026-12-03T01:45:00Z", age_seconds=300.0))
    doc = document({"vm-01": dict(stages={"failover_to_azure": running}, run_error="the wait ran out")})
    lines = summary.summary_lines(doc)
    text = "\n".join(lines)
    assert "(InProgress,  s)" not in text and "RTO  s" not in text and "None" not in text
    assert "job j1 (InProgress, started 2026-12-03T01:50:00Z)" in text
    assert "recovery point 2026-12-03T01:45:00Z (300.0 s old)" in text
    assert "achieved RPO unknown, RTO unknown: the failover to Azure did not complete" in text
    assert doc["machines"]["vm-01"]["achieved_rpo_seconds"] is None and doc["totals"]["worst_rpo"] is None
    assert doc["machines"]["vm-01"]["status"] == "failed" and doc["totals"]["failed"] == 1


def test_a_machine_that_failed_before_its_first_stage_is_in_the_summary():
    doc = document({"vm-01": dict(run_error="nothing was sent: asr_poll_interval must be 1 second or more (got 0)")})
    record = doc["machines"]["vm-01"]
    assert record["status"] == "not started" and record["failed"] and record["stages"] == {}
    assert record["state_as_of"].startswith("unknown")
    lines = summary.summary_lines(doc)
    assert lines[1] == "vm-01: NOT STARTED - where it stands now is unknown"
    assert "error: nothing was sent" in lines[2]
    assert (doc["totals"]["failed"], doc["totals"]["not_started"]) == (1, 1)
    assert lines[-1] == "fleet: 1 machine: 0 done, 0 skipped, 1 failed (1 before their first stage)"


def test_the_fleet_totals_and_the_worst_machines():
    def done(rto, rpo):
        return dict(stages={"failover_to_azure": stage("done", rto, recovery_point=dict(id="p", time="t", age_seconds=rpo))})
    doc = document({"a": done(30.0, 100.0), "b": done(50.0, 90.0), "c": dict(stages={"failover_to_azure": stage("skipped")}),
                    "d": dict(run_error="boom", stages={"failover_to_azure": stage("failed")})})
    total = doc["totals"]
    assert (total["machines"], total["done"], total["skipped"], total["failed"]) == (4, 2, 1, 1)
    assert total["worst_rto"] == dict(machine="b", seconds=50.0) and total["worst_rpo"] == dict(machine="a", seconds=100.0)
    assert summary.summary_lines(doc)[-1] == "fleet: 4 machines: 2 done, 1 skipped, 1 failed; worst RTO 50.0 s (b); worst RPO 100.0 s (a)"


def test_without_the_final_read_the_state_is_where_the_last_stage_left_it():
    item = dict(name="vm-01-rpi", running_in="azure", stage="committed", provider="InMageAzureV2", protection_state="UnplannedFailoverCommitted")
    doc = document({"vm-01": dict(item=item, stages={"reprotect_to_onprem": stage("done")})},
                   errors=[dict(read="the final read", error="the login endpoint did not answer")])
    record = doc["machines"]["vm-01"]
    assert (record["running_in"], record["stage"], record["state_words"]) == ("azure", "replicating", "replicating to on-premises")
    assert record["provider"] is None and "the final read failed" in record["state_as_of"]
    assert record["item"] == "vm-01-rpi" and record["finished"].endswith("+00:00")
    assert summary.summary_lines(doc)[-1] == "read failed: the final read: the login endpoint did not answer"


def test_a_failback_point_older_than_the_failover_is_told_before_and_after():
    points = [dict(id="fwd", time="2026-12-03T01:37:00Z", type="CrashConsistent")]
    check = summary.failback_point_check("vm-01", points, "latest", "2026-12-03T01:43:37Z", now=NOW)
    assert check["older_than_failover"] and check["lost_seconds"] == 983.0
    assert "older than the failover to Azure at 2026-12-03T01:43:37Z" in check["message"] and "983.0 s so far" in check["message"]
    newer = summary.failback_point_check("vm-01", [dict(id="new", time="2026-12-03T01:50:00Z", type="CrashConsistent")] + points,
                                         "latest", "2026-12-03T01:43:37Z", now=NOW)
    assert newer["message"] is None and newer["point"]["id"] == "new"
    failback = stage("done", 20.0, job_id="fb", job_start="2026-12-03T01:47:03Z", point_check=check,
                     recovery_point=dict(id="fwd", time="2026-12-03T01:37:00Z", age_seconds=603.0))
    failover = stage("done", 30.0, job_start="2026-12-03T01:43:37Z")
    record = document({"vm-01": dict(stages={"failover_to_azure": failover, "failback_to_onprem": failback})})["machines"]["vm-01"]
    assert record["failback_point_older_than_failover"]["lost_seconds"] == 206.0
    assert any("the failback used recovery point 2026-12-03T01:37:00Z" in w for w in record["warnings"])


def test_stage_warnings_reach_the_record():
    prepare = stage("done", warnings=["process server cs-01: the on-premises process server is only acceptable for tests"])
    record = document({"vm-01": dict(stages={"failback_prepare": prepare})})["machines"]["vm-01"]
    assert record["warnings"] == ["failback_prepare: process server cs-01: the on-premises process server is only acceptable for tests"]


@pytest.mark.parametrize("error, about_group", [
    (SiteRecoveryError("The virtual machine is part of a multi-VM consistency group and cannot fail over alone."), True),
    (SiteRecoveryError("Refused.", recommended_action="Fail over the group with a recovery plan."), True),
    (SiteRecoveryError("The replicated item 'vm-win-01' has no recovery point to unplannedFailover.", code="NoRecoveryPoint"), False),
    (SiteRecoveryError("The resource group rg-x was not found."), False),
])
def test_the_group_hint_only_for_errors_about_the_group(error, about_group):
    assert about_multi_vm_group(error) is about_group
