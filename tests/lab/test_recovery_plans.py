# -*- coding: utf-8 -*-
"""Recovery plans in the lab, through the real ASR SDK: PUT and its SaveRecoveryPlan job, GET, list, DELETE; plan jobs
with a task per boot group and a child job per machine; ASR's refusals (lab/README.md)."""

from __future__ import annotations

import pytest
import yaml
from asr_client import Items
from azure.core.exceptions import HttpResponseError
from labrunner import ROOT, control, hold, release, start_lab, until

GROUP_ONE, GROUP_TWO = ("vm-win-01", "vm-win-02"), ("vm-lin-01",)


def _body(items, groups, fabric_id=None, actions=None):
    boot = [dict(groupType="Boot", replicationProtectedItems=[dict(id=items.by_name[m].id) for m in group],
                 startGroupActions=[], endGroupActions=list(actions or []) if index == 0 else []) for index, group in enumerate(groups)]
    properties = dict(groups=boot)
    if fabric_id:
        properties.update(primaryFabricId=fabric_id, recoveryFabricId="Microsoft Azure", failoverDeploymentModel="ResourceManager")
    return dict(properties=properties)


def _save(items, name, body):
    poller = items.client.replication_recovery_plans.begin_create(items.group, items.vault, name, body)
    poller.result()
    return items.client.replication_recovery_plans.get(items.group, items.vault, name)


def _failover_input(provider):
    return dict(properties=dict(failoverDirection="PrimaryToRecovery", sourceSiteOperations="NotRequired", providerSpecificDetails=[
        dict(instanceType=provider, recoveryPointType="Latest", useMultiVmSyncPoint="Enable")]))


@pytest.mark.parametrize("generation", ["classic", "modernized"])
def test_plan_failover_runs_group_after_group(generation, request):
    items = request.getfixturevalue(generation)
    provider = "InMageAzureV2" if generation == "classic" else "InMageRcm"
    manual = dict(actionName="check-db", failoverTypes=["UnplannedFailover"], failoverDirections=["PrimaryToRecovery"],
                  customDetails=dict(instanceType="ManualActionDetails", description="check the database"))
    plan = _save(items, "plan-app", _body(items, [GROUP_ONE, GROUP_TWO], items.fabric().id, [manual]))
    groups = plan.properties.groups
    assert [g.group_type for g in groups] == ["Shutdown", "Failover", "Boot", "Boot"]
    assert [i.id for i in groups[2].replication_protected_items] == [items.by_name[m].id for m in GROUP_ONE]
    assert groups[2].replication_protected_items[0].virtual_machine_id
    assert groups[2].end_group_actions[0].action_name == "check-db"
    assert "UnplannedFailover" in plan.properties.allowed_operations
    assert [p.name for p in items.client.replication_recovery_plans.list(items.group, items.vault)] == ["plan-app"]

    hold(items.lab, "vm-win-02")  # group 2 cannot start while a machine of group 1 runs
    try:
        operations = items.client.replication_recovery_plans
        answer = {}
        operations.begin_unplanned_failover(items.group, items.vault, "plan-app", _failover_input(provider), polling=False,
                                            raw_response_hook=lambda r: answer.update(headers=r.http_response.headers))
        job_id = answer["headers"]["Azure-AsyncOperation"].split("?")[0].rsplit("/", 1)[1]

        def group_one_half_done():
            job = items.client.replication_jobs.get(items.group, items.vault, job_id).properties
            if job.state != "InProgress" or not job.tasks:
                return None
            children = job.tasks[0].group_task_custom_details.child_tasks
            return job if {c.state for c in children} == {"Succeeded", "InProgress"} else None

        job = until(group_one_half_done, "group 1 with vm-win-01 done and vm-win-02 held", timeout=60)
        assert job.target_instance_type == "RecoveryPlan"
        assert [t.group_task_custom_details.rp_group_type for t in job.tasks] == ["Boot", "Boot"]
        assert job.tasks[1].state == "NotStarted"
        child = job.tasks[0].group_task_custom_details.child_tasks[0].custom_details
        assert child.job_task.target_object_name == "vm-win-01"
        with pytest.raises(HttpResponseError) as busy:
            operations.begin_failover_commit(items.group, items.vault, "plan-app", polling=False)
        assert "OperationInProgress" in str(busy.value)
    finally:
        release(items.lab, "vm-win-02")
    items.job_once(job_id, ("Succeeded",))
    jobs = control(items.lab, "jobs")
    failovers = [j for j in jobs if j["action"] == "unplannedFailover"]
    assert sorted(j["item"] for j in failovers) == ["vm-lin-01", "vm-win-01", "vm-win-02"]
    linux = next(j for j in failovers if j["item"] == "vm-lin-01")
    assert linux["start"] >= max(j["end"] for j in failovers if j["item"] in GROUP_ONE)  # group 2 after group 1
    assert {items.get(m).properties.active_location for m in GROUP_ONE + GROUP_TWO} == {"Recovery"}

    with pytest.raises(HttpResponseError) as deprecated:
        operations.begin_reprotect(items.group, items.vault, "plan-app", polling=False)
    assert "OperationDeprecated" in str(deprecated.value)
    operations.begin_failover_commit(items.group, items.vault, "plan-app").result()
    assert {items.get(m).properties.protection_state for m in GROUP_ONE + GROUP_TWO} == {"UnplannedFailoverCommitted"}
    assert operations.get(items.group, items.vault, "plan-app").properties.last_unplanned_failover_time
    operations.begin_delete(items.group, items.vault, "plan-app").result()
    assert not list(operations.list(items.group, items.vault))


def test_refusals(classic):
    items = classic
    control(items.lab, "reset", "POST")
    fabric = items.fabric().id
    operations = items.client.replication_recovery_plans
    with pytest.raises(HttpResponseError) as split:
        _save(items, "plan-split", _body(items, [("vm-win-01",)], fabric))
    assert "MultiVmGroupSplit" in str(split.value) and "vm-win-02" in str(split.value)
    script = dict(actionName="run", failoverTypes=["UnplannedFailover"], failoverDirections=["PrimaryToRecovery"],
                  customDetails=dict(instanceType="ScriptActionDetails", path="c:\\x.ps1", fabricLocation="Recovery"))
    with pytest.raises(HttpResponseError) as scripted:
        _save(items, "plan-script", _body(items, [("vm-lin-01",)], fabric, [script]))
    assert "ScriptActionNotSupported" in str(scripted.value)
    runbook = dict(actionName="rb", failoverTypes=["UnplannedFailover"], failoverDirections=["PrimaryToRecovery", "RecoveryToPrimary"],
                   customDetails=dict(instanceType="AutomationRunbookActionDetails", runbookId="/x/runbooks/rb", fabricLocation="Recovery"))
    with pytest.raises(HttpResponseError) as back:
        _save(items, "plan-runbook", _body(items, [("vm-lin-01",)], fabric, [runbook]))
    assert "RunbookActionNotSupported" in str(back.value)
    _save(items, "plan-lin", _body(items, [("vm-lin-01",)], fabric))
    with pytest.raises(HttpResponseError) as custom:
        operations.begin_unplanned_failover(items.group, items.vault, "plan-lin", dict(properties=dict(
            failoverDirection="PrimaryToRecovery", sourceSiteOperations="NotRequired",
            providerSpecificDetails=[dict(instanceType="InMageAzureV2", recoveryPointType="Custom")])), polling=False)
    assert "InvalidRecoveryPointType" in str(custom.value)
    with pytest.raises(HttpResponseError) as commit:
        operations.begin_failover_commit(items.group, items.vault, "plan-lin", polling=False)
    assert "OperationNotAllowed" in str(commit.value) and "vm-lin-01" in str(commit.value)
    assert len([j for j in control(items.lab, "jobs") if j["action"] not in ("saveRecoveryPlan",)]) == 0


def test_a_plan_holds_at_most_100_machines(tmp_path):
    import sys  # pylint: disable=import-outside-toplevel
    sys.path.insert(0, str(ROOT / "lab"))
    from asrlab.fleet import fleet  # pylint: disable=import-outside-toplevel
    scenario = tmp_path / "fleet.yml"
    scenario.write_text(yaml.safe_dump(fleet(101)))
    lab = start_lab(tmp_path / "lab", str(scenario))
    try:
        items = Items(lab)
        names = sorted(items.by_name)
        fabric = items.fabric().id
        with pytest.raises(HttpResponseError) as over:
            _save(items, "plan-101", _body(items, [names[:60], names[60:]], fabric))
        assert "RecoveryPlanMaxItemsExceeded" in str(over.value)
        hundred = [n for n in names if n != "win-0101"]  # the 101st machine is in no multi-VM group
        assert len(_save(items, "plan-100", _body(items, [hundred[:60], hundred[60:]], fabric)).properties.groups) == 4
    finally:
        lab.stop()
