# -*- coding: utf-8 -*-
"""The whole failover-failback cycle on the lab, through the real ASR SDK, with docs/architecture.md's request bodies."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from asr_client import Items, arm_get, state
from azure.core.exceptions import HttpResponseError
from azure.mgmt.recoveryservicessiterecovery.models import (
    InMageAzureV2ReplicationDetails,
    InMageRcmFailbackReplicationDetails,
    InMageRcmReplicationDetails,
    InMageReplicationDetails,
)
from labrunner import ROOT, hold, release, start_lab, vsphere_client


def log_account(items):
    return "/subscriptions/%s/resourceGroups/rg-dr/providers/Microsoft.Storage/storageAccounts/labcache" % items.lab.subscription_id


def wait_for_agent(items, machine, timeout=30):
    """After a failover the agent re-registers (a health error says so until it has)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not [e for e in items.get(machine).properties.health_errors if e.error_code == "150273"]:
            return
        time.sleep(0.5)
    pytest.fail("the agent of %s did not register again" % machine)


def test_classic_cycle(classic):
    machine = "vm-win-01"
    item = classic.get(machine)
    assert state(item) == ("InMageAzureV2", "Protected", "Primary")
    assert isinstance(item.properties.provider_specific_details, InMageAzureV2ReplicationDetails)
    assert item.properties.current_scenario.scenario_name == "None"
    assert item.properties.current_scenario.job_id.endswith("/replicationJobs/None")

    # Fail over to Azure: PrimaryToRecovery, InMageAzureV2 without recoveryPointId = the latest point.
    latest = classic.points(machine)[0]
    failed_over = classic.act(machine, "unplanned_failover", {"properties": {
        "failoverDirection": "PrimaryToRecovery", "sourceSiteOperations": "NotRequired",
        "providerSpecificDetails": {"instanceType": "InMageAzureV2"}}})
    assert state(failed_over) == ("InMageAzureV2", "UnplannedFailoverCommitPendingStatesBegin", "Recovery")
    assert failed_over.properties.failover_recovery_point_id.endswith(latest.name)
    assert "SwitchProtection" not in failed_over.properties.allowed_operations  # classic: commit first

    committed = classic.act(machine, "failover_commit")
    assert state(committed) == ("InMageAzureV2", "UnplannedFailoverCommitted", "Recovery")
    assert committed.properties.allowed_operations == ["CompleteMigration", "DisableProtection", "SwitchProtection"]

    # Reprotect to on-premises: RecoveryToPrimary, InMage with the master target's ids (recorded body's keys).
    fabric = classic.fabric().properties.custom_details
    master = next(m for m in fabric.master_target_servers if m.name == "mt-win-01")
    body = {"properties": {"failoverDirection": "RecoveryToPrimary", "providerSpecificDetails": {
        "instanceType": "InMage", "masterTargetId": master.id, "processServerId": fabric.process_servers[0].id,
        "retentionDrive": master.retention_volumes[0].volume_name, "runAsAccountId": "1", "datastoreName": master.data_stores[0].symbolic_name,
        "diskExclusionInput": {"volumeOptions": [{"volumeLabel": "Temporary Storage", "OnlyExcludeIfSingleVolume": "Yes"}]},
        "profileId": classic.policy("policy-lab-failback").id}}}
    wait_for_agent(classic, machine)
    reprotected = classic.act(machine, "reprotect", body)
    assert state(reprotected) == ("InMage", "Protected", "Primary")
    assert isinstance(reprotected.properties.provider_specific_details, InMageReplicationDetails)
    assert reprotected.properties.provider_specific_details.active_site_type == "Azure"
    assert reprotected.properties.policy_friendly_name == "policy-lab-failback"
    assert reprotected.properties.allowed_operations == ["UnplannedFailover", "DisableProtection"]

    # Fail back: PrimaryToRecovery (Azure is primary now), InMage LatestTime.
    failed_back = classic.act(machine, "unplanned_failover", {"properties": {
        "failoverDirection": "PrimaryToRecovery", "sourceSiteOperations": "NotRequired",
        "providerSpecificDetails": {"instanceType": "InMage", "recoveryPointType": "LatestTime"}}})
    assert state(failed_back)[0:3] == ("InMage", "UnplannedFailoverCommitPendingStatesBegin", "Recovery")
    assert failed_back.properties.provider_specific_details.active_site_type == "OnPrem"
    committed = classic.act(machine, "failover_commit")
    assert state(committed) == ("InMage", "UnplannedFailoverCommitted", "Recovery")

    # Reprotect to Azure: RecoveryToPrimary, InMageAzureV2, masterTargetId = processServerId.
    process_server = fabric.process_servers[0].id
    protected = classic.act(machine, "reprotect", {"properties": {"failoverDirection": "RecoveryToPrimary", "providerSpecificDetails": {
        "instanceType": "InMageAzureV2", "masterTargetId": process_server, "processServerId": process_server, "runAsAccountId": "2",
        "policyId": classic.policy("policy-lab").id}}})
    assert state(protected) == ("InMageAzureV2", "Protected", "Primary")
    assert protected.properties.policy_friendly_name == "policy-lab"
    scenarios = [j.properties.scenario_name for j in classic.jobs() if j.properties.target_object_name == machine]
    assert scenarios.count("SwitchReplicationGroupProtection") == 2 and scenarios.count("UnplannedFailover") == 2


def test_modernized_cycle(modernized):
    machine = "vm-lin-01"
    assert state(modernized.get(machine)) == ("InMageRcm", "Protected", "Primary")
    app_point = next(p for p in modernized.points(machine) if p.properties.recovery_point_type == "AppConsistent")
    failed_over = modernized.act(machine, "unplanned_failover", {"properties": {
        "failoverDirection": "PrimaryToRecovery", "sourceSiteOperations": "NotRequired",
        "providerSpecificDetails": {"instanceType": "InMageRcm", "performShutdown": "true", "recoveryPointId": app_point.id}}})
    assert state(failed_over) == ("InMageRcm", "UnplannedFailoverCommitPendingStatesBegin", "Recovery")
    assert failed_over.properties.failover_recovery_point_id == app_point.id
    details = failed_over.properties.provider_specific_details
    assert isinstance(details, InMageRcmReplicationDetails)
    assert isinstance(details.is_agent_registration_successful_after_failover, bool)
    assert "SwitchProtection" in failed_over.properties.allowed_operations

    committed = modernized.act(machine, "failover_commit")
    assert state(committed) == ("InMageRcm", "UnplannedFailoverCommitted", "Recovery")

    agent = modernized.fabric().properties.custom_details.reprotect_agents[0]
    wait_for_agent(modernized, machine)
    reprotected = modernized.act(machine, "reprotect", {"properties": {"failoverDirection": "RecoveryToPrimary", "providerSpecificDetails": {
        "instanceType": "InMageRcm", "reprotectAgentId": agent.id, "datastoreName": agent.accessible_datastores[0],
        "logStorageAccountId": log_account(modernized), "policyId": modernized.policy("policy-lab-failback").id}}})
    assert state(reprotected) == ("InMageRcmFailback", "Protected", "Primary")
    assert isinstance(reprotected.properties.provider_specific_details, InMageRcmFailbackReplicationDetails)
    assert reprotected.properties.provider_specific_details.target_data_store_name == agent.accessible_datastores[0]
    assert reprotected.properties.allowed_operations == ["PlannedFailover", "DisableProtection"]

    # Fail back: plannedFailover with no failoverDirection at all.
    failed_back = modernized.act(machine, "planned_failover", {"properties": {
        "providerSpecificDetails": {"instanceType": "InMageRcmFailback", "recoveryPointType": "ApplicationConsistent"}}})
    assert state(failed_back) == ("InMageRcmFailback", "CommitPendingStatesBegin", "Recovery")
    assert "CancelFailover" in failed_back.properties.allowed_operations
    committed = modernized.act(machine, "failover_commit")
    assert state(committed)[0] == "InMageRcmFailback" and committed.properties.active_location == "Recovery"

    # Reprotect to Azure: no direction, InMageRcmFailback with an OffAzure run-as account.
    site = modernized.fabric().properties.custom_details.vmware_site_id
    run_as = arm_get(modernized.lab, site + "/runasaccounts", "2023-06-06")["value"][0]["id"]
    protected = modernized.act(machine, "reprotect", {"properties": {"providerSpecificDetails": {
        "instanceType": "InMageRcmFailback", "processServerId": agent.id, "runAsAccountId": run_as,
        "policyId": modernized.policy("policy-lab").id}}})
    assert state(protected) == ("InMageRcm", "Protected", "Primary")


def test_modernized_reprotect_from_commit_pending_commits_first(modernized):
    machine = "vm-win-02"
    modernized.act(machine, "unplanned_failover", {"properties": {"failoverDirection": "PrimaryToRecovery", "providerSpecificDetails": {
        "instanceType": "InMageRcm", "performShutdown": "false"}}})
    agent = modernized.fabric().properties.custom_details.reprotect_agents[0]
    wait_for_agent(modernized, machine)
    modernized.act(machine, "reprotect", {"properties": {"failoverDirection": "RecoveryToPrimary", "providerSpecificDetails": {
        "instanceType": "InMageRcm", "reprotectAgentId": agent.id, "datastoreName": agent.accessible_datastores[-1],
        "logStorageAccountId": log_account(modernized)}}})
    job = next(j for j in modernized.jobs() if j.properties.target_object_name == machine
               and j.properties.scenario_name == "SwitchReplicationGroupProtection")
    tasks = {t.name: t.state for t in job.properties.tasks}
    assert tasks["VmCommitFailover"] == "Succeeded"
    assert state(modernized.get(machine)) == ("InMageRcmFailback", "Protected", "Primary")

    # Cancel a planned failback: the item goes back to replicating from Azure.
    modernized.act(machine, "planned_failover", {"properties": {"providerSpecificDetails": {
        "instanceType": "InMageRcmFailback", "recoveryPointType": "CrashConsistent"}}})
    cancelled = modernized.act(machine, "failover_cancel")
    assert state(cancelled) == ("InMageRcmFailback", "Protected", "Primary")


def refusal(call):
    with pytest.raises(HttpResponseError) as raised:
        call()
    return raised.value


def test_refusals_carry_asr_errors(classic):
    machine = "vm-lin-01"
    error = refusal(lambda: classic.act(machine, "failover_commit"))
    assert error.status_code == 400
    assert error.error.code == "OperationNotAllowed"
    assert "allowed operations: UnplannedFailover, DisableProtection, TestFailover" in error.error.message
    body = error.response.json()["error"]
    assert body["possibleCauses"] and body["recommendedAction"]

    error = refusal(lambda: classic.act(machine, "unplanned_failover", {"properties": {
        "failoverDirection": "PrimaryToRecovery", "providerSpecificDetails": {"instanceType": "InMageRcm", "performShutdown": "true"}}}))
    assert error.error.code == "InvalidProviderSpecificInput"
    error = refusal(lambda: classic.act(machine, "unplanned_failover", {"properties": {
        "failoverDirection": "RecoveryToPrimary", "providerSpecificDetails": {"instanceType": "InMageAzureV2"}}}))
    assert error.error.code == "InvalidFailoverDirection"
    error = refusal(lambda: classic.act(machine, "unplanned_failover", {"properties": {
        "failoverDirection": "PrimaryToRecovery", "providerSpecificDetails": {"instanceType": "InMageAzureV2", "recoveryPointId": "nope"}}}))
    assert error.error.code == "RecoveryPointNotFound"
    assert state(classic.get(machine)) == ("InMageAzureV2", "Protected", "Primary")


@pytest.mark.parametrize("machine, wrong, right", [("vm-lin-01", "mt-win-01", "mt-lin-01"), ("vm-win-02", "mt-lin-01", "mt-win-01")])
def test_a_machine_needs_a_master_target_of_its_os(classic, machine, wrong, right):
    classic.act(machine, "unplanned_failover", {"properties": {"failoverDirection": "PrimaryToRecovery",
                                                               "providerSpecificDetails": {"instanceType": "InMageAzureV2"}}})
    classic.act(machine, "failover_commit")
    wait_for_agent(classic, machine)
    fabric = classic.fabric().properties.custom_details
    wrong, right = (next(m for m in fabric.master_target_servers if m.name == name) for name in (wrong, right))

    def reprotect(master, datastore=None, drive=None):
        return classic.act(machine, "reprotect", {"properties": {"failoverDirection": "RecoveryToPrimary", "providerSpecificDetails": {
            "instanceType": "InMage", "masterTargetId": master.id, "processServerId": fabric.process_servers[0].id,
            "retentionDrive": drive or master.retention_volumes[0].volume_name, "runAsAccountId": "3",
            "datastoreName": datastore or master.data_stores[0].symbolic_name, "profileId": classic.policy("policy-lab-failback").id}}})

    mismatch = refusal(lambda: reprotect(wrong)).error
    assert mismatch.code == "MasterTargetOsMismatch"
    assert mismatch.message == "A %s machine fails back only through a %s master target; '%s' runs %s." % (
        right.os_type, right.os_type, wrong.name, wrong.os_type)
    assert refusal(lambda: reprotect(right, datastore="ds-nfs-01")).error.code == "DatastoreNotFound"
    assert refusal(lambda: reprotect(right, drive="Z")).error.code == "RetentionDriveNotFound"
    assert state(reprotect(right)) == ("InMage", "Protected", "Primary")


def test_a_second_action_while_a_job_runs_is_refused(classic):
    machine = "phys-01"
    address = classic.address(machine)
    operations = classic.client.replication_protected_items
    hold(classic.lab, machine, "unplannedFailover")  # running until released, however slow the machine
    poller = operations.begin_unplanned_failover(*address, {"properties": {
        "failoverDirection": "PrimaryToRecovery", "providerSpecificDetails": {"instanceType": "InMageAzureV2"}}})
    running = classic.get(machine).properties.current_scenario
    assert running.scenario_name == "UnplannedFailover"
    error = refusal(lambda: operations.begin_unplanned_failover(*address, {"properties": {
        "failoverDirection": "PrimaryToRecovery", "providerSpecificDetails": {"instanceType": "InMageAzureV2"}}}))
    assert error.status_code == 409
    assert running.job_id.rsplit("/", 1)[1] in error.error.message
    release(classic.lab, machine, "unplannedFailover")
    assert state(poller.result()) == ("InMageAzureV2", "UnplannedFailoverCommitPendingStatesBegin", "Recovery")


def test_reprotect_before_the_agent_registers_fails_with_asr_error(tmp_path):
    running = start_lab(tmp_path, "modernized")
    try:
        items = Items(running)
        machine = "vm-win-01"
        hold(running, machine, "agentRegistration")  # it registers when released: the reprotect comes too early on any machine
        items.act(machine, "unplanned_failover", {"properties": {"failoverDirection": "PrimaryToRecovery", "providerSpecificDetails": {
            "instanceType": "InMageRcm", "performShutdown": "true"}}})
        item = items.get(machine)
        assert item.properties.provider_specific_details.is_agent_registration_successful_after_failover is False
        assert [e.error_code for e in item.properties.health_errors] == ["150273"]
        agent = items.fabric().properties.custom_details.reprotect_agents[0]
        with pytest.raises(HttpResponseError) as raised:
            items.act(machine, "reprotect", {"properties": {"failoverDirection": "RecoveryToPrimary", "providerSpecificDetails": {
                "instanceType": "InMageRcm", "reprotectAgentId": agent.id, "datastoreName": agent.accessible_datastores[0],
                "logStorageAccountId": log_account(items)}}})
        assert raised.value.error.code == "150273"
        assert state(items.get(machine)) == ("InMageRcm", "UnplannedFailoverCommitPendingStatesBegin", "Recovery")
        release(running, machine, "agentRegistration")  # it registers now, in the time a registration takes
        wait_for_agent(items, machine)
    finally:
        running.stop()


def test_a_generated_fleet(tmp_path):
    scenario = tmp_path / "fleet.yml"
    done = subprocess.run([sys.executable, "-m", "asrlab.fleet", "40", "--generation", "classic", "-o", str(scenario)],
                          env=dict(os.environ, PYTHONPATH=str(ROOT / "lab")), capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    running = start_lab(tmp_path / "state", scenario)
    try:
        items = Items(running)
        assert len(items.by_name) == 40
        kinds = [i.properties.provider_specific_details.discovery_type for i in items.by_name.values()]
        assert kinds.count("Physical") == 4 and kinds.count("vCenter") == 36
        groups = {i.properties.provider_specific_details.multi_vm_group_name for i in items.by_name.values()}
        assert "group-000" in groups and "group-001" in groups
        vcenter = vsphere_client(running)
        try:
            assert vcenter.exists("win-0001") and vcenter.exists("lin-0003") and not vcenter.exists("phys-0010")
        finally:
            vcenter.close()
    finally:
        running.stop()
