# -*- coding: utf-8 -*-
"""The lab's answers against Azure's recorded ones (tests/fixtures/recordings): same keys, same JSON types,
and the same state transitions as the recorded actions (docs/architecture.md; tests/fixtures/recordings/SOURCES.md)."""

from __future__ import annotations

import json
import pathlib
import urllib.parse

import pytest
import requests
from asr_client import AUDIENCE, credential
from labrunner import hold, release

RECORDINGS = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "recordings"
NUMBER = (int, float)
# Keys ASR sends only when they have a value (an item that never failed over has no lastSuccessfulFailoverTime).
OPTIONAL = {"lastSuccessfulFailoverTime", "lastSuccessfulTestFailoverTime"}


def recorded(name):
    return json.loads((RECORDINGS / name).read_text())


def shape_differences(expected, produced, path="$"):
    """Where ``produced`` does not have the keys and JSON types of ``expected`` (null matches anything)."""
    if expected is None or produced is None:
        return []
    if isinstance(expected, dict):
        if not isinstance(produced, dict):
            return ["%s: object expected, got %s" % (path, type(produced).__name__)]
        problems = ["%s.%s: missing" % (path, k) for k in expected if k not in produced and k not in OPTIONAL]
        problems += ["%s.%s: not recorded" % (path, k) for k in produced if k not in expected and k not in OPTIONAL]
        for key in expected:
            if key in produced:
                problems += shape_differences(expected[key], produced[key], "%s.%s" % (path, key))
        return problems
    if isinstance(expected, list):
        if not isinstance(produced, list):
            return ["%s: array expected, got %s" % (path, type(produced).__name__)]
        if expected and produced:
            return shape_differences(expected[0], produced[0], path + "[0]")
        return []
    if isinstance(expected, bool) or isinstance(produced, bool):
        return [] if type(expected) is type(produced) else ["%s: %s expected, got %r" % (path, type(expected).__name__, produced)]
    if isinstance(expected, NUMBER) and isinstance(produced, NUMBER):
        return []
    if type(expected) is not type(produced):
        return ["%s: %s expected, got %r" % (path, type(expected).__name__, produced)]
    return []


def raw(items, path):
    token = credential(items.lab).get_token(AUDIENCE).token
    answer = requests.get(items.lab.arm_endpoint.rstrip("/") + path, params={"api-version": "2025-08-01"},
                          headers={"Authorization": "Bearer " + token}, verify=items.lab.ca_bundle, timeout=10)
    answer.raise_for_status()
    return answer.json()


def item_json(items, machine):
    return raw(items, items.get(machine).id)


def stage(items, machine, name):
    answer = requests.post(items.lab.control_url + "/stage", json={"item": machine, "stage": name}, verify=items.lab.ca_bundle, timeout=10)
    assert answer.status_code == 200, answer.text


def test_selftest_of_the_shape_comparison():
    assert shape_differences({"a": 1, "b": [{"c": "x"}]}, {"a": 2.5, "b": [{"c": "y"}]}) == []
    assert shape_differences({"a": 1}, {"a": "1", "z": 0}) == ["$.z: not recorded", "$.a: int expected, got '1'"]
    assert shape_differences({"a": True}, {"a": 1}) == ["$.a: bool expected, got 1"]


@pytest.mark.parametrize(
    "recording, generation, machine, stage_name",
    [
        ("classic_item_inmageazurev2.json", "classic", "vm-win-01", "protected"),
        ("classic_item_inmage.json", "classic", "vm-win-02", "reprotected"),
        ("rcm_item_committed.json", "modernized", "vm-win-01", "committed"),
        ("rcm_failback_item.json", "modernized", "vm-win-02", "reprotected"),
    ],
)
def test_items_have_the_recorded_shape(request, recording, generation, machine, stage_name):
    items = request.getfixturevalue(generation)
    stage(items, machine, stage_name)
    expected = recorded(recording)
    produced = item_json(items, machine)
    assert shape_differences(expected, produced) == []
    recorded_state = expected["properties"]
    produced_state = produced["properties"]
    for key in ("protectionState", "activeLocation", "allowedOperations", "primaryFabricProvider", "recoveryFabricFriendlyName"):
        if key == "recoveryFabricFriendlyName" and recorded_state[key] != "Microsoft Azure":
            assert produced_state[key] != "Microsoft Azure"  # failback items name the on-premises fabric
            continue
        assert produced_state[key] == recorded_state[key], key
    assert produced_state["currentScenario"]["startTime"] == "1753-01-01T01:01:01Z"


def test_jobs_have_the_recorded_shape(modernized, classic):
    modernized.act("vm-lin-01", "unplanned_failover", {"properties": {"failoverDirection": "PrimaryToRecovery", "providerSpecificDetails": {
        "instanceType": "InMageRcm", "performShutdown": "false"}}})
    modernized.act("vm-lin-01", "failover_commit")
    commit = next(j for j in modernized.jobs() if j.properties.scenario_name == "CommitFailover")
    produced = raw(modernized, commit.id)
    expected = recorded("rcm_commit_job.json")[1]
    assert shape_differences(expected, produced) == []
    assert [t["name"] for t in produced["properties"]["tasks"]] == [t["name"] for t in expected["properties"]["tasks"]]
    assert (produced["properties"]["state"], produced["properties"]["stateDescription"]) == ("Succeeded", "Completed")

    classic.act("vm-lin-01", "unplanned_failover", {"properties": {"failoverDirection": "PrimaryToRecovery",
                                                                   "providerSpecificDetails": {"instanceType": "InMageAzureV2"}}})
    failover = next(j for j in classic.jobs() if j.properties.scenario_name == "UnplannedFailover")
    produced = raw(classic, failover.id)
    expected = recorded("classic_failover_job.json")["last"]
    assert shape_differences(expected, produced) == []
    assert [t["name"] for t in produced["properties"]["tasks"]] == [t["name"] for t in expected["properties"]["tasks"]]
    assert [t["state"] for t in produced["properties"]["tasks"]] == [t["state"] for t in expected["properties"]["tasks"]]


def test_action_answers_have_the_recorded_headers(modernized):
    stage(modernized, "vm-win-01", "committed")
    token = credential(modernized.lab).get_token(AUDIENCE).token
    item_id = modernized.get("vm-win-01").id
    answer = requests.post(modernized.lab.arm_endpoint.rstrip("/") + item_id + "/failoverCommit", params={"api-version": "2025-08-01"},
                           headers={"Authorization": "Bearer " + token}, verify=modernized.lab.ca_bundle, timeout=10)
    assert answer.status_code == 400  # committed already: ASR refuses
    agent = modernized.fabric().properties.custom_details.reprotect_agents[0]
    body = {"properties": {"failoverDirection": "RecoveryToPrimary", "providerSpecificDetails": {
        "instanceType": "InMageRcm", "reprotectAgentId": agent.id, "datastoreName": agent.accessible_datastores[0],
        "logStorageAccountId": "/subscriptions/%s/resourceGroups/rg-dr/providers/Microsoft.Storage/storageAccounts/labcache"
        % modernized.lab.subscription_id}}}
    hold(modernized.lab, "vm-win-01", "reProtect")  # InProgress when read, however slow the machine
    answer = requests.post(modernized.lab.arm_endpoint.rstrip("/") + item_id + "/reProtect", params={"api-version": "2025-08-01"}, json=body,
                           headers={"Authorization": "Bearer " + token}, verify=modernized.lab.ca_bundle, timeout=10)
    expected = recorded("rcm_reprotect_job.json")
    assert answer.status_code == expected["post_status"] == 202
    assert answer.content == b""
    job_id = answer.headers["Azure-AsyncOperation"].split("/replicationOperationStatus/")[1].split("?")[0]
    assert answer.headers["Location"].split("?")[0].endswith(item_id + "/operationresults/" + job_id)
    assert answer.headers["x-ms-request-id"].endswith("/replicationJobs/" + job_id)
    assert int(answer.headers["Retry-After"]) >= 1
    for header in ("Location", "Azure-AsyncOperation", "Retry-After", "x-ms-request-id"):
        assert header in expected["post_headers"]
    status = requests.get(answer.headers["Azure-AsyncOperation"], headers={"Authorization": "Bearer " + token},
                          verify=modernized.lab.ca_bundle, timeout=10).json()
    assert set(status) == {"error", "id", "name", "properties", "status", "startTime", "endTime", "percentComplete"}
    assert status["name"] == job_id and status["status"] == "InProgress"
    release(modernized.lab, "vm-win-01", "reProtect")


def test_policies_and_mappings_have_the_recorded_shape(modernized):
    recorded_policies = {p["properties"]["providerSpecificDetails"]["instanceType"]: p for p in recorded("rcm_policies.json")}
    for policy in modernized.client.replication_policies.list(modernized.group, modernized.vault):
        produced = raw(modernized, policy.id)
        assert shape_differences(recorded_policies[produced["properties"]["providerSpecificDetails"]["instanceType"]], produced) == []
    failback = raw(modernized, modernized.policy("policy-lab-failback").id)["properties"]["providerSpecificDetails"]
    assert failback["appConsistentFrequencyInMinutes"] == 60
    containers = recorded("rcm_container_and_mappings.json")
    container = modernized.client.replication_protection_containers.list(modernized.group, modernized.vault)
    container_id = next(iter(container)).id
    assert shape_differences(containers["container"], raw(modernized, container_id)) == []
    mappings = raw(modernized, container_id + "/replicationProtectionContainerMappings")
    assert shape_differences(containers["mapping"], mappings["value"][1]) == []


def test_recovery_points_have_the_recorded_shape(classic):
    stage(classic, "phys-01", "protected")
    points = raw(classic, classic.get("phys-01").id + "/recoveryPoints")["value"]
    expected = recorded("classic_recovery_points.json")["value"]
    assert shape_differences(expected[0], points[0]) == []
    times = [p["properties"]["recoveryPointTime"] for p in points]
    assert times == sorted(times, reverse=True)
    assert {p["properties"]["recoveryPointType"] for p in points} == {"CrashConsistent", "AppConsistent"}
    assert len(points) == 24 * 12  # every 5 minutes over the 24 h retention


LOG_ACCOUNT = "/subscriptions/%s/resourceGroups/rg-dr/providers/Microsoft.Storage/storageAccounts/labcache"


def _reprotect_agent_input(items, _machine):
    agent = items.fabric().properties.custom_details.reprotect_agents[0]
    return {"properties": {"failoverDirection": "RecoveryToPrimary", "providerSpecificDetails": {
        "instanceType": "InMageRcm", "reprotectAgentId": agent.id, "datastoreName": agent.accessible_datastores[0],
        "logStorageAccountId": LOG_ACCOUNT % items.lab.subscription_id}}}


def _latest_point(items, machine):
    point = items.points(machine)[0].id
    return {"properties": {"recoveryPointId": point, "providerSpecificDetails": {"instanceType": "InMageAzureV2"}}}


@pytest.mark.parametrize("generation, stage_name, verb, action, body, scenario", [
    ("classic", "protected", "POST", "unplannedFailover", {"properties": {
        "failoverDirection": "PrimaryToRecovery", "sourceSiteOperations": "NotRequired",
        "providerSpecificDetails": {"instanceType": "InMageAzureV2"}}}, "UnplannedFailover"),
    ("classic", "failed_over", "POST", "applyRecoveryPoint", _latest_point, "ChangePit"),
    ("classic", "failed_over", "POST", "failoverCommit", None, "CommitFailover"),
    ("classic", "resync", "POST", "repairReplication", None, "RepairReplication"),
    ("modernized", "committed", "POST", "reProtect", _reprotect_agent_input, "SwitchReplicationGroupProtection"),
    ("modernized", "reprotected", "POST", "plannedFailover", {"properties": {"providerSpecificDetails": {
        "instanceType": "InMageRcmFailback", "recoveryPointType": "CrashConsistent"}}}, "PlannedFailover"),
    ("modernized", "failed_back", "POST", "failoverCancel", None, "CancelFailover"),
    ("modernized", "protected", "PATCH", "", {"properties": {"providerSpecificDetails": {
        "instanceType": "InMageRcm", "targetVmSize": "Standard_D4s_v3"}}}, "UpdateVmProperties"),
])
def test_every_action_answer_names_its_job(request, generation, stage_name, verb, action, body, scenario):
    """202, no body; Location (operationresults) and Azure-AsyncOperation (replicationOperationStatus) name the job it started,
    with the recorded api-version 2021-06-01; x-ms-request-id is the job's path (docs/architecture.md, "How ASR answers a write")."""
    items = request.getfixturevalue(generation)
    machine = "vm-win-02"
    control = items.lab.control_url
    assert requests.post(control + "/reset", verify=items.lab.ca_bundle, timeout=10).status_code == 200
    if stage_name == "resync":
        assert requests.post(control + "/health", json={"item": machine, "resync_required": True}, verify=items.lab.ca_bundle,
                             timeout=10).status_code == 200
    else:
        stage(items, machine, stage_name)
    item_id = items.get(machine).id
    token = credential(items.lab).get_token(AUDIENCE).token
    hold(items.lab, machine)  # the job runs until released: the item names it meanwhile
    answer = requests.request(verb, items.lab.arm_endpoint.rstrip("/") + item_id + ("/" + action if action else ""),
                              params={"api-version": "2025-08-01"}, json=body(items, machine) if callable(body) else body,
                              headers={"Authorization": "Bearer " + token}, verify=items.lab.ca_bundle, timeout=10)
    assert answer.status_code == 202, answer.text
    assert answer.content == b""
    location, status_url = (urllib.parse.urlsplit(answer.headers[h]) for h in ("Location", "Azure-AsyncOperation"))
    job_id = status_url.path.rsplit("/", 1)[1]
    vault_id = item_id.split("/replicationFabrics/")[0]
    assert status_url.path == vault_id + "/replicationOperationStatus/" + job_id
    assert location.path == item_id + "/operationresults/" + job_id
    assert urllib.parse.parse_qs(location.query) == urllib.parse.parse_qs(status_url.query) == {"api-version": ["2021-06-01"]}
    assert "https://%s/" % location.netloc == "https://%s/" % status_url.netloc == items.lab.arm_endpoint.rstrip("/") + "/"
    assert answer.headers["x-ms-request-id"] == vault_id + "/replicationJobs/" + job_id
    assert int(answer.headers["Retry-After"]) >= 1
    assert items.get(machine).properties.current_scenario.job_id == vault_id + "/replicationJobs/" + job_id
    status = requests.get(answer.headers["Azure-AsyncOperation"], headers={"Authorization": "Bearer " + token}, verify=items.lab.ca_bundle,
                          timeout=10).json()
    assert (status["name"], status["status"]) == (job_id, "InProgress")
    started = items.job_once(job_id, ("InProgress", "Succeeded"))  # past NotStarted, which names no scenario
    assert release(items.lab, machine)["job"] == job_id
    assert (started.scenario_name, started.target_object_name) == (scenario, machine)
