# -*- coding: utf-8 -*-
"""The _info modules' reads (_info_reads.py) through the real Site Recovery SDK, on recorded answers (tests/fixtures/recordings):
PwsTestVault's configuration server, its item V2A-W2K16-201 and failover job, IbizaV2ATest's nine recovery points. Nothing is
written; a bad option of the last cycle is refused before any request."""

from __future__ import annotations

import pytest
from recorded_vault import RecordedSession

from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError
from ansible_collections.siterecovery.vmware.plugins.module_utils._info_reads import list_fabrics, read_items, read_jobs, read_points

SUBSCRIPTION = "b8aef8e1-37df-4f17-a537-f10e183c8eca"
VAULT = "/subscriptions/%s/resourceGroups/PwsTestRG/providers/Microsoft.RecoveryServices/vaults/PwsTestVault" % SUBSCRIPTION
JOB = "eb06d59d-69b3-4063-a029-648eab5eea53"


def session(monkeypatch, routes, **params):
    return RecordedSession(monkeypatch, routes, dict(dict(subscription_id=SUBSCRIPTION, resource_group="PwsTestRG", vault_name="PwsTestVault"),
                                                     **params))


def items_session(monkeypatch, routes, **changes):
    params = dict(name=None, running_in=None, protection_state=None, provider=None, recovery_points=False, last_cycle=False, cycle_since=None,
                  cycle_window_days=30)
    params.update(changes)
    return session(monkeypatch, routes, **params)


def test_fabrics_with_their_vcenters(monkeypatch, recording):
    fabric = recording("classic_fabric.json")
    asr = session(monkeypatch, {VAULT + "/replicationFabrics": (200, {"value": [fabric]}),
                                VAULT + "/replicationFabrics/%s/replicationvCenters" % fabric["name"]: (200, {"value": []})}, name=None)
    result = list_fabrics(asr)
    [facts] = result["fabrics"]
    assert facts["friendly_name"] == "PwsTestCS" and facts["generation"] == "classic" and facts["vcenters"] == []
    assert [m["name"] for m in facts["master_targets"]] == ["V2A-PS-200"]
    assert result["vault_id"] == VAULT and asr.answers.writes() == []


def test_items_are_filtered_by_where_they_run(monkeypatch, recording):
    routes = {VAULT + "/replicationProtectedItems": (200, {"value": [recording("classic_item_inmageazurev2.json")]})}
    found = read_items(items_session(monkeypatch, routes, running_in="ONPREM"))
    assert [i["friendly_name"] for i in found["replicated_items"]] == ["V2A-W2K16-201"]
    assert found["replicated_items"][0]["provider"] == "InMageAzureV2" and "recovery_points" not in found["replicated_items"][0]
    assert read_items(items_session(monkeypatch, routes, running_in="azure"))["replicated_items"] == []


@pytest.mark.parametrize("changes, says", [
    (dict(cycle_window_days=0), "cycle_window_days must be 1 or more, not 0"),
    (dict(cycle_since="2026-12-01T08:00:00"), "cycle_since: '2026-12-01T08:00:00' has no time zone"),
])
def test_a_bad_last_cycle_option_is_refused_before_any_request(monkeypatch, changes, says):
    asr = items_session(monkeypatch, {}, name="V2A-W2K16-201", last_cycle=True, **changes)
    with pytest.raises(SiteRecoveryError) as refused:
        read_items(asr)
    assert refused.value.code == "InvalidParameter" and refused.value.message.startswith(says)
    assert asr.answers.sent == []


def test_a_job_by_id_and_the_jobs_of_an_item(monkeypatch, recording):
    jobs = recording("classic_failover_job.json")
    routes = {VAULT + "/replicationJobs/" + JOB: (200, jobs["last"]), VAULT + "/replicationJobs": (200, {"value": [jobs["last"]]})}
    wait = dict(wait=False, wait_timeout=60, wait_sleep=1)
    [job] = read_jobs(session(monkeypatch, routes, job_id=JOB, item=None, operation=None, state=None, **wait))["jobs"]
    assert job["id"] == JOB and job["state"] == "Succeeded" and job["operation"] == "UnplannedFailover"
    listed = read_jobs(session(monkeypatch, routes, job_id=None, item="v2a-w2k16-201", operation="unplannedfailover", state=None, **wait))
    assert [j["id"] for j in listed["jobs"]] == [JOB]
    assert read_jobs(session(monkeypatch, routes, job_id=None, item="another", operation=None, state=None, **wait))["jobs"] == []


def test_recovery_points_newest_first_of_one_type(monkeypatch, recording):
    points = recording("classic_recovery_points.json")
    item_id = points["value"][0]["id"].split("/recoveryPoints/")[0]
    vault = item_id.split("/replicationFabrics/")[0]
    item = {"id": item_id, "name": item_id.rsplit("/", 1)[1], "properties": {"friendlyName": "V2ATest-rpi-v2avm1"}}
    routes = {item_id: (200, item), item_id + "/recoveryPoints": (200, points)}
    asr = RecordedSession(monkeypatch, routes, dict(subscription_id=vault.split("/")[2], resource_group="canaryexproute", vault_name="IbizaV2ATest",
                                                    name=item_id, type=None))
    result = read_points(asr)
    times = [p["time"] for p in result["recovery_points"]]
    assert len(times) == 9 and times == sorted(times, reverse=True) and result["summary"]["latest"]["time"] == times[0]
    assert result["item"]["friendly_name"] == "V2ATest-rpi-v2avm1"
    asr.params["type"] = "app_consistent"
    assert {p["type"] for p in read_points(asr)["recovery_points"]} <= {"AppConsistent"}
