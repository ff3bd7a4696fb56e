# -*- coding: utf-8 -*-
"""Item lookup and facts, and jobs, on recorded answers."""

from __future__ import annotations

import copy
import datetime

import pytest

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_actions import state_summary
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_items import (
    ItemLookupError,
    address,
    find_item,
    item_facts,
    point_facts,
    points_summary,
)
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_jobs import JobWaiter, job_facts, parse_time
from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError


@pytest.fixture
def items(recording):
    return [recording("classic_item_inmageazurev2.json"), recording("rcm_item_committed.json")]


def test_find_by_friendly_name_name_or_id(items):
    assert find_item(items, "v2a-w2k16-201")["name"] == "V2A-W2K16-201-new"
    assert find_item(items, "vcenter67_50158471-87c2-d4ad-caa2-abe22face6d8")["properties"]["friendlyName"] == "Rcm-W2K19-152"
    assert find_item(items, items[1]["id"].upper())["name"] == items[1]["name"]


def test_not_found_suggests_near_names(items):
    with pytest.raises(ItemLookupError, match=r"no replicated item is named 'Rcm-W2K19-15'; did you mean Rcm-W2K19-152"):
        find_item(items, "Rcm-W2K19-15")
    with pytest.raises(ItemLookupError, match="the vault protects: Rcm-W2K19-152, V2A-W2K16-201"):
        find_item(items, "zzz")


def test_ambiguous_friendly_name(items):
    twin = copy.deepcopy(items[0])
    twin["name"] = "V2A-W2K16-201-old"
    with pytest.raises(ItemLookupError, match="2 replicated items are named 'V2A-W2K16-201'"):
        find_item(items + [twin], "V2A-W2K16-201")


def test_address(items):
    assert address(items[1]) == ("Rcm-Vault-150-vmwarefabric", "Rcm-Vault-4678replicationcontainer", "vcenter67_50158471-87c2-d4ad-caa2-abe22face6d8")


def test_classic_item_facts(items):
    facts = item_facts(items[0])
    assert (facts["provider"], facts["generation"], facts["running_in"], facts["stage"]) == ("InMageAzureV2", "classic", "onprem", "replicating")
    assert facts["next_step"] == "fail over to Azure"
    assert facts["current_job"] is None
    assert facts["recovery_vm"]["size"] == "Standard_F2s_v2"
    assert facts["recovery_vm"]["subnet"] == "subnet1"
    assert facts["multi_vm_group"] == "826b9831-3f12-4bd2-aa80-77ae9e925548"
    assert facts["process_server_name"] == "V2A-PS-200"
    assert facts["rpo_seconds"] == 242


def test_modernized_committed_item_facts(items):
    facts = item_facts(items[1])
    assert (facts["running_in"], facts["stage"], facts["next_step"]) == ("azure", "committed", "reprotect to on-premises")
    assert facts["recovery_vm"]["network_id"].endswith("/virtualNetworks/v2aecynw")
    assert facts["agent_registered_after_failover"] is True
    assert facts["multi_vm_group"] is None
    assert [d["name"] for d in facts["disks"]] == ["\\\\.\\PHYSICALDRIVE1", "\\\\.\\PHYSICALDRIVE0"]


def test_recovery_vm_has_one_shape_for_both_generations(items):
    classic, modernized = item_facts(items[0])["recovery_vm"], item_facts(items[1])["recovery_vm"]
    assert sorted(classic) == sorted(modernized) == ["availability_set_id", "azure_vm_id", "license_type", "name", "network_id", "nic_id",
                                                     "resource_group_id", "size", "static_ip", "subnet", "use_managed_disks"]
    # Null where the generation has no value: InMageRcm records no Azure VM id, the recorded classic item no availability set.
    assert modernized["azure_vm_id"] is None and classic["availability_set_id"] is None
    assert classic["name"] and modernized["name"]
    assert item_facts(items[0])["replicates_to_azure"] is item_facts(items[1])["replicates_to_azure"] is True


def test_failback_item_facts(recording):
    facts = item_facts(recording("rcm_failback_item.json"))
    assert (facts["provider"], facts["running_in"], facts["stage"]) == ("InMageRcmFailback", "azure", "replicating")
    assert facts["next_step"] == "fail back to on-premises"
    assert facts["target_datastore"] == "SharedDS-84-85"
    assert facts["recovery_vm"] is None and facts["replicates_to_azure"] is False
    classic = item_facts(recording("classic_item_inmage.json"))
    assert (classic["active_site_type"], classic["running_in"]) == ("Azure", "azure")


def test_running_job_makes_the_item_busy(items):
    busy = copy.deepcopy(items[0])
    busy["properties"]["currentScenario"] = {"scenarioName": "UnplannedFailover", "jobId": "/x/replicationJobs/abc", "startTime": "t"}
    facts = item_facts(busy)
    assert facts["stage"] == "busy" and facts["current_job"] == {"scenario": "UnplannedFailover", "id": "abc", "start_time": "t"}


def test_points(recording):
    points = [point_facts(p) for p in recording("classic_recovery_points.json")["value"]]
    summary = points_summary(points)
    assert summary["count"] == 9
    assert summary["latest"]["time"] == "2017-09-19T08:51:12.1355099Z"
    assert summary["latest_app_consistent"] is None


def test_job_facts(recording):
    facts = job_facts(recording("rcm_reprotect_job.json")["job"])
    assert (facts["operation"], facts["state"], facts["current_task"]) == ("SwitchReplicationGroupProtection", "InProgress", "Prerequisite check")
    done = job_facts(recording("classic_failover_job.json")["last"])
    assert [t["state"] for t in done["tasks"]] == ["Succeeded", "Other", "Other", "Succeeded", "Succeeded"]
    # The recorded job started 2021-04-06T09:50:12.820784Z from the point of 09:48:12.0073939Z, and ended at 09:51:56Z.
    assert done["recovery_point"] == dict(id="e34dccf5-cc56-470c-a648-d43b8ef4cce2", time="2021-04-06T09:48:12.0073939Z", age_seconds=120.8)
    assert done["seconds"] == 103.2
    assert facts["recovery_point"] is None and facts["seconds"] is None


@pytest.mark.parametrize("text, expected", [
    ("2021-04-06T09:48:12.0073939Z", datetime.datetime(2021, 4, 6, 9, 48, 12, 7393, tzinfo=datetime.timezone.utc)),
    ("2021-04-06T09:51:56Z", datetime.datetime(2021, 4, 6, 9, 51, 56, tzinfo=datetime.timezone.utc)),
    ("2021-04-06T11:51:56+02:00", datetime.datetime(2021, 4, 6, 9, 51, 56, tzinfo=datetime.timezone.utc)),
    ("2021-04-06T09:51:56", datetime.datetime(2021, 4, 6, 9, 51, 56, tzinfo=datetime.timezone.utc)),
    ("0001-01-01T00:00:00", None),
    ("", None),
    (None, None),
    ("yesterday", None),
])
def test_parse_time(text, expected):
    assert parse_time(text) == expected


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_waiter_follows_a_job_to_its_end(recording):
    answers = iter([recording("rcm_commit_job.json")[0], recording("rcm_commit_job.json")[1]])
    clock, seen = Clock(), []
    waiter = JobWaiter(lambda job_id: next(answers), timeout=60, sleep=5, progress=seen.append, clock=clock, pause=clock.sleep)
    facts = waiter.wait("f2c09259", "committing Rcm-W2K19-152")
    assert facts["state"] == "Succeeded" and [s["state"] for s in seen] == ["InProgress", "Succeeded"] and clock.now == 5


def test_waiter_times_out_and_names_the_job(recording):
    clock = Clock()
    running = recording("rcm_reprotect_job.json")["job"]
    waiter = JobWaiter(lambda job_id: running, timeout=30, sleep=10, clock=clock, pause=clock.sleep)
    with pytest.raises(SiteRecoveryError) as raised:
        waiter.wait("35545cdd", "reprotecting Rcm-W2K19-152")
    error = raised.value
    assert error.code == "WaitTimeout"
    assert "job 35545cdd-48dd-4c36-9201-28e3256ceb21 (SwitchReplicationGroupProtection) is still InProgress after 30 s" in error.message
    assert "never cancelled" in error.message
    assert error.to_result()["job"]["state"] == "InProgress"


def test_waiter_reports_a_failed_job_with_asr_error(recording):
    failed = copy.deepcopy(recording("classic_failover_job.json")["last"])
    properties = failed["properties"]
    properties["state"] = "Failed"
    properties["tasks"][3]["state"] = "Failed"
    properties["errors"] = [{"serviceErrorDetails": {"code": "28031", "message": "Core quota exceeded.", "possibleCauses": "Quota.",
                                                     "recommendedAction": "Raise the quota."}, "taskId": "t", "errorLevel": "Error"}]
    waiter = JobWaiter(lambda job_id: failed, timeout=30, sleep=1)
    with pytest.raises(SiteRecoveryError) as raised:
        waiter.wait("eb06d59d", "failing over V2A-W2K16-201")
    assert raised.value.code == "28031"
    assert "ended Failed at task 'Start failover': Core quota exceeded." in raised.value.message
    assert raised.value.recommended_action == "Raise the quota."


def test_diff_summary_of_an_item(items):
    assert state_summary(item_facts(items[1])) == dict(running_in="azure", stage="committed", protection_state="UnplannedFailoverCommitted",
                                                       provider="InMageRcm")
