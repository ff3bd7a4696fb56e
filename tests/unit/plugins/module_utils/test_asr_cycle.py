# -*- coding: utf-8 -*-
"""The last cycle of an item from its jobs, on recorded job and item shapes."""

from __future__ import annotations

import copy
import datetime

import pytest

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_cycle import (
    CYCLE_STAGES,
    item_jobs,
    jobs_filter,
    last_cycle,
    parse_since,
    window_start,
)
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_items import item_facts

UTC = datetime.timezone.utc
START = datetime.datetime(2021, 4, 6, 0, 0, tzinfo=UTC)


@pytest.fixture
def shapes(recording):
    """The recorded jobs: a classic failover, a modernized commit and reprotect (their last polls)."""
    return dict(failover=recording("classic_failover_job.json")["last"], commit=recording("rcm_commit_job.json")[-1],
                reprotect=recording("rcm_reprotect_job.json")["job"])


def job(shape, hour, state="Succeeded", on=None, name=None):
    """A copy of a recorded job that started at ``hour`` on 2021-04-06 and ended half an hour later, on the item ``on``."""
    made = copy.deepcopy(shape)
    properties = made["properties"]
    made["name"] = "%s-%02d" % (properties["scenarioName"], hour)
    properties.update(state=state, startTime="2021-04-06T%02d:00:00Z" % hour, endTime="2021-04-06T%02d:30:00Z" % hour)
    if on is not None:
        properties["targetObjectId"] = on["properties"]["providerSpecificDetails"]["vmId"]
        properties["targetObjectName"] = on["properties"]["friendlyName"]
    if name is not None:
        properties["targetObjectName"] = name
    return made


@pytest.fixture
def classic(recording):
    """The classic item as recorded before its failover: on-premises, replicating to Azure (as after a whole cycle)."""
    return recording("classic_item_inmageazurev2.json")


def cycle_jobs(shapes, item, last_state="Succeeded"):
    return [job(shapes["failover"], 1, on=item), job(shapes["commit"], 2, on=item), job(shapes["reprotect"], 3, on=item),
            job(shapes["failover"], 4, on=item), job(shapes["commit"], 5, on=item), job(shapes["reprotect"], 6, state=last_state, on=item)]


def test_a_whole_cycle_is_read_back_from_where_the_machine_runs(shapes, classic):
    jobs = cycle_jobs(shapes, classic)
    # The vault's other jobs: another machine's, and a job on the fabric.
    other = job(shapes["failover"], 7, name="V2A-OTHER")
    other["properties"]["targetObjectId"] = "another-vm"
    fabric = job(shapes["commit"], 8, on=classic)
    fabric["properties"]["targetInstanceType"] = "Fabric"
    mine = item_jobs(classic, jobs + [other, fabric])
    assert [j["id"] for j in mine] == [j["name"] for j in jobs]

    cycle = last_cycle(item_facts(classic), mine, START)
    assert cycle["complete"] and cycle["reached"] == "reprotect_to_azure"
    assert list(cycle["stages"]) == list(CYCLE_STAGES)
    assert [cycle["stages"][s]["job_id"] for s in CYCLE_STAGES] == [
        "UnplannedFailover-01", "CommitFailover-02", None, "SwitchReplicationGroupProtection-03", "UnplannedFailover-04",
        "CommitFailover-05", "SwitchReplicationGroupProtection-06"]
    assert cycle["failover_to_azure"]["job_end"] == "2021-04-06T01:30:00Z"
    assert cycle["failback_to_onprem"]["job_id"] == "UnplannedFailover-04"
    assert cycle["reprotect_to_azure"] == dict(job_id="SwitchReplicationGroupProtection-06", job_state="Succeeded", job_start="2021-04-06T06:00:00Z",
                                               job_end="2021-04-06T06:30:00Z", job_seconds=1800.0, recovery_point=None)
    # The recorded failover's recovery point, two minutes older than its job's start: the achieved RPO.
    assert cycle["failover_to_azure"]["recovery_point"]["id"] == "e34dccf5-cc56-470c-a648-d43b8ef4cce2"
    assert cycle["since"] == "2021-04-06T00:00:00+00:00"


def test_a_failed_reprotect_to_azure_leaves_the_cycle_open(shapes, classic):
    facts = dict(item_facts(classic), stage="committed")
    cycle = last_cycle(facts, item_jobs(classic, cycle_jobs(shapes, classic, last_state="Failed")), START)
    assert not cycle["complete"] and cycle["reached"] == "commit_failback" and cycle["reprotect_to_azure"] is None
    # The jobs are all there, but the machine does not replicate to Azure: not complete either.
    assert not last_cycle(facts, item_jobs(classic, cycle_jobs(shapes, classic)), START)["complete"]


def test_a_failover_after_the_cycle_starts_another(shapes, classic):
    jobs = cycle_jobs(shapes, classic) + [job(shapes["failover"], 9, on=classic)]
    facts = dict(item_facts(classic), running_in="azure", stage="commit_pending")
    cycle = last_cycle(facts, item_jobs(classic, jobs), START)
    assert not cycle["complete"] and cycle["reached"] == "failover_to_azure"
    assert cycle["stages"] == {"failover_to_azure": cycle["failover_to_azure"]} and cycle["failover_to_azure"]["job_id"] == "UnplannedFailover-09"


def test_only_the_jobs_since_the_start_count(shapes, classic):
    jobs = item_jobs(classic, cycle_jobs(shapes, classic))
    after_failback = datetime.datetime(2021, 4, 6, 5, 0, tzinfo=UTC)
    cycle = last_cycle(item_facts(classic), jobs, after_failback)
    # The commit and reprotect are seen, the failback is not: no proof that the machine came back.
    assert not cycle["complete"] and cycle["reached"] == "reprotect_to_azure" and cycle["failback_to_onprem"]["job_id"] is None
    nothing = last_cycle(item_facts(classic), jobs, datetime.datetime(2021, 4, 7, tzinfo=UTC))
    assert nothing == dict(since="2021-04-07T00:00:00+00:00", complete=False, reached=None, stages={}, failover_to_azure=None,
                           failback_to_onprem=None, reprotect_to_azure=None)
    # A job still running or that failed is no stage done.
    running = [dict(j, state="InProgress", end_time=None) for j in jobs]
    assert last_cycle(item_facts(classic), running, START)["reached"] is None


def test_a_cancelled_failover_counts_for_nothing(shapes, classic):
    cancel = job(shapes["commit"], 2, on=classic)
    cancel["properties"]["scenarioName"] = "CancelFailover"
    jobs = item_jobs(classic, [job(shapes["failover"], 1, on=classic), cancel])
    cycle = last_cycle(item_facts(classic), jobs, START)
    assert cycle["reached"] is None and not cycle["complete"]


def test_modernized_items_by_internal_identifier_and_by_name(shapes, recording):
    committed = recording("rcm_item_committed.json")
    jobs = [job(shapes["failover"], 1), shapes["commit"]]
    jobs[0]["properties"].update(targetObjectId=shapes["commit"]["properties"]["targetObjectId"], targetObjectName="Rcm-W2K19-152")
    cycle = last_cycle(item_facts(committed), item_jobs(committed, jobs), datetime.datetime(2021, 1, 1, tzinfo=UTC))
    assert cycle["reached"] == "commit_failover" and cycle["stages"]["commit_failover"]["job_id"] == "f2c09259-f703-4db3-a330-6e625fba7925"

    # After the reprotect the item is InMageRcmFailback, with another internal identifier (recorded): its jobs are found by name.
    failback_item = recording("rcm_failback_item.json")
    reprotected = job(shapes["reprotect"], 9)
    assert reprotected["properties"]["targetObjectId"] != failback_item["properties"]["providerSpecificDetails"]["internalIdentifier"]
    # The modernized reprotect from commit-pending commits first (recorded): no commit job of its own.
    mine = item_jobs(failback_item, [job(shapes["failover"], 1, name="Rcm-W2K19-152"), reprotected])
    cycle = last_cycle(item_facts(failback_item), mine, START)
    assert cycle["reached"] == "reprotect_to_onprem" and not cycle["complete"]
    assert cycle["stages"]["commit_failover"]["job_id"] is None and cycle["stages"]["reprotect_to_onprem"]["job_id"] == reprotected["name"]


def test_the_start_of_the_record():
    assert parse_since("2026-12-01T08:00:00Z") == datetime.datetime(2026, 12, 1, 8, tzinfo=UTC)
    assert parse_since("2026-12-01T09:00:00+01:00") == datetime.datetime(2026, 12, 1, 8, tzinfo=UTC)
    with pytest.raises(ValueError, match="has no time zone"):
        parse_since("2026-12-01T08:00:00")
    with pytest.raises(ValueError, match="is not an ISO 8601 date and time"):
        parse_since("yesterday")
    now = datetime.datetime(2026, 12, 31, tzinfo=UTC)
    assert window_start(None, 30, now) == datetime.datetime(2026, 12, 1, tzinfo=UTC)
    assert window_start("2026-12-01T09:00:00+01:00", 30, now) == datetime.datetime(2026, 12, 1, 8, tzinfo=UTC)
    assert jobs_filter(parse_since("2026-12-01T09:00:00+01:00")) == "startTime eq '2026-12-01T08:00:00Z'"
