# -*- coding: utf-8 -*-
"""Recovery plans, the pure part (docs/recovery_plans.md): the body from boot groups, refusals before any request, and each
provider's plan input."""

from __future__ import annotations

import pytest

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_plan_body import (
    PlanError, comparable, done_message, group_progress, member_refusals, multi_vm_problems, operation_body, plan_action, plan_facts,
    plan_groups, progress_line)

FABRIC = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v/replicationFabrics/f"


def item(name, provider="InMageRcm", group=None, allowed=("UnplannedFailover", "TestFailover"), location="Primary", job=None):
    details = dict(instanceType=provider, internalIdentifier="internal-" + name)
    if group:
        details.update(multiVmGroupName=group, multiVmSyncStatus="Enabled")
    current = dict(scenarioName=job, jobId="/x/replicationJobs/j-" + name, startTime="2026-12-01T00:00:00Z") if job else dict(scenarioName="None")
    return dict(id="%s/replicationProtectionContainers/c/replicationProtectedItems/%s-item" % (FABRIC, name), name=name + "-item",
                properties=dict(friendlyName=name, providerSpecificDetails=details, allowedOperations=list(allowed), activeLocation=location,
                                protectionState="Protected", currentScenario=current))


ITEMS = [item("db-01", group="db"), item("db-02", group="db"), item("app-01")]


def group(machines, manual=(), runbooks=()):
    def action(name, **extra):
        return dict(dict(name=name, description=None, runbook_id=None, timeout=None, position="after",
                         failover_types=["unplanned_failover", "test_failover"]), **extra)
    return dict(machines=list(machines), manual_actions=[action(n, description="do " + n) for n in manual],
                runbook_actions=[action(n, runbook_id="/rb/" + n, position="before") for n in runbooks])


def test_boot_groups_name_items_by_id_and_internal_identifier_with_their_actions():
    body, members = plan_groups([group(["db-01", "db-02"], manual=["check"]), group(["app-01"], runbooks=["dns"])], ITEMS)
    assert [m["name"] for m in members] == ["db-01-item", "db-02-item", "app-01-item"]
    assert body[0]["groupType"] == "Boot"
    assert body[0]["replicationProtectedItems"][0] == dict(id=ITEMS[0]["id"], virtualMachineId="internal-db-01")
    assert body[0]["endGroupActions"] == [dict(actionName="check", failoverTypes=["UnplannedFailover", "TestFailover"],
                                               failoverDirections=["PrimaryToRecovery", "RecoveryToPrimary"],
                                               customDetails=dict(instanceType="ManualActionDetails", description="do check"))]
    assert body[1]["startGroupActions"][0]["customDetails"] == dict(instanceType="AutomationRunbookActionDetails", runbookId="/rb/dns",
                                                                    fabricLocation="Recovery")
    assert body[1]["startGroupActions"][0]["failoverDirections"] == ["PrimaryToRecovery"]


@pytest.mark.parametrize("groups, items, words", [
    ([group(["db-01", "db-01"])], ITEMS, "in the plan twice"),
    ([group(["db-1"])], ITEMS, "did you mean db-01"),
    ([group(["db-01"], manual=["a"]), group(["db-02"], manual=["A"])], ITEMS, "action name A is used twice"),
    ([group(["back-01"], runbooks=["dns"])], [item("back-01", provider="InMageRcmFailback")], "on a failover to Azure only"),
    ([group(["vm-%03d" % i for i in range(101)])], [item("vm-%03d" % i) for i in range(101)], "at most 100 machines"),
])
def test_what_asr_would_refuse_is_refused_before_any_request(groups, items, words):
    with pytest.raises(PlanError, match=words):
        plan_groups(groups, items)


def test_a_multi_vm_group_left_out_is_named_with_the_plan_that_holds_it():
    other = plan_facts(dict(name="plan-db2", properties=dict(groups=[dict(groupType="Boot", replicationProtectedItems=[dict(id=ITEMS[1]["id"])])])))
    [problem] = multi_vm_problems([ITEMS[0], ITEMS[2]], ITEMS, [other], "plan-app")
    assert problem == "the multi-VM group db fails over together, and plan plan-app leaves out db-02 (in plan plan-db2)"
    assert not multi_vm_problems(ITEMS, ITEMS, [other], "plan-app")


def test_the_same_machines_and_actions_compare_equal_whatever_asr_adds():
    body = plan_groups([group(["db-02", "db-01"], manual=["check"])], ITEMS)[0]
    read = [dict(groupType="Shutdown", replicationProtectedItems=[]), dict(groupType="Failover")] + [
        dict(body[0], replicationProtectedItems=[dict(id=i["id"].upper(), virtualMachineId="x") for i in reversed(body[0]["replicationProtectedItems"])])]
    assert comparable(read) == comparable(body)
    changed = plan_groups([group(["db-02", "db-01"], manual=["check2"])], ITEMS)[0]
    assert comparable(changed) != comparable(body)


@pytest.mark.parametrize("providers, direction, action", [
    (["InMageAzureV2"], "to_azure", "unplannedFailover"), (["InMageRcm"], "to_azure", "unplannedFailover"),
    (["InMage"], "to_onprem", "unplannedFailover"), (["InMageRcmFailback"], "to_onprem", "plannedFailover")])
def test_failover_is_the_providers_action(providers, direction, action):
    assert plan_action("failover", providers, direction) == action


def test_a_failover_the_members_cannot_take_is_refused():
    with pytest.raises(PlanError, match="replicate to Azure"):
        plan_action("failover", ["InMageRcm", "InMageRcmFailback"], "to_azure")
    with pytest.raises(PlanError, match="must replicate to Azure"):
        plan_action("test_failover", ["InMage"])


PARAMS = dict(recovery_point="latest_app_consistent", use_multi_vm_sync_point=True, shutdown_source=True)


def test_each_provider_gets_its_plan_input():
    body = operation_body("unplannedFailover", ["InMageRcm", "InMageAzureV2"], PARAMS)
    assert body == dict(properties=dict(failoverDirection="PrimaryToRecovery", sourceSiteOperations="Required", providerSpecificDetails=[
        dict(instanceType="InMageAzureV2", recoveryPointType="LatestApplicationConsistent", useMultiVmSyncPoint="Enable"),
        dict(instanceType="InMageRcm", recoveryPointType="LatestApplicationConsistent", useMultiVmSyncPoint="Enable")]))
    assert operation_body("plannedFailover", ["InMageRcmFailback"], dict(PARAMS, recovery_point="latest"))["properties"] == dict(
        failoverDirection="PrimaryToRecovery", providerSpecificDetails=[
            dict(instanceType="InMageRcmFailback", recoveryPointType="CrashConsistent", useMultiVmSyncPoint="Enable")])
    assert operation_body("unplannedFailover", ["InMage"], PARAMS)["properties"]["providerSpecificDetails"] == [
        dict(instanceType="InMage", recoveryPointType="LatestTag")]
    assert operation_body("failoverCommit", ["InMageRcm"], PARAMS) is None
    test = operation_body("testFailover", ["InMageRcm"], dict(PARAMS, test_network_id="/n/test"))["properties"]
    assert test["networkType"] == "VmNetworkAsInput" and test["networkId"] == "/n/test" and "sourceSiteOperations" not in test


@pytest.mark.parametrize("action, providers, params, words", [
    ("unplannedFailover", ["InMage"], dict(PARAMS, recovery_point="latest_processed"), "LatestTime|latest or latest_app_consistent"),
    ("plannedFailover", ["InMageRcmFailback"], dict(PARAMS, recovery_point="latest_processed"), "not offered"),
    ("testFailover", ["InMageRcm"], PARAMS, "needs test_network_id"),
])
def test_a_choice_a_provider_lacks_is_refused(action, providers, params, words):
    with pytest.raises(PlanError, match=words):
        operation_body(action, providers, params)


def test_members_not_allowed_or_busy_are_named():
    members = [dict(name="a", friendly_name="db-01", current_job=None, allowed_operations=["UnplannedFailover"], protection_state="Protected"),
               dict(name="b", friendly_name="db-02", current_job=dict(scenario="Reprotect", id="j1"), allowed_operations=[], protection_state="x"),
               dict(name="c", friendly_name="app-01", current_job=None, allowed_operations=["SwitchProtection"], protection_state="Committed")]
    assert member_refusals("failoverCommit", members) == [
        "db-01 does not allow Commit now (Protected; ASR allows UnplannedFailover)", "db-02 runs a Reprotect job (j1)",
        "app-01 does not allow Commit now (Committed; ASR allows SwitchProtection)"]


def test_done_when_every_member_is_there_already():
    there = dict(running_in="azure", allowed_operations=["Commit"], stage="commit_pending")
    assert "runs in Azure already" in done_message("failover", "to_azure", [there, there])
    assert done_message("failover", "to_azure", [there, dict(there, running_in="onprem", allowed_operations=["UnplannedFailover"])]) is None
    assert done_message("commit", None, [there]) is None
    assert "committed already" in done_message("commit", None, [dict(there, stage="committed")])


def test_progress_per_group_and_machine_from_the_plan_jobs_tasks():
    child = dict(state="InProgress", friendlyName="Failover: vm-1", customDetails=dict(instanceType="JobTaskDetails", jobTask=dict(
        jobId="/v/replicationJobs/c1", targetObjectName="vm-1")))
    job = dict(properties=dict(tasks=[dict(state="InProgress", groupTaskCustomDetails=dict(name="Group 1", rpGroupType="Boot", childTasks=[child])),
                                      dict(state="NotStarted", groupTaskCustomDetails=dict(name="Group 2", rpGroupType="Boot", childTasks=[
                                          dict(state="NotStarted", friendlyName="Failover: vm-2", customDetails=dict(instanceType="TaskDetails"))]))]))
    groups = group_progress(job)
    assert groups[0] == dict(group="Group 1", type="Boot", state="InProgress", machines=[dict(name="vm-1", state="InProgress", job_id="c1")])
    assert progress_line("plan", groups) == "plan: Group 1 InProgress [vm-1 InProgress]; Group 2 NotStarted [vm-2 NotStarted]"
