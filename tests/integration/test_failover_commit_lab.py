# -*- coding: utf-8 -*-
"""asr_failover and asr_commit from the installed collection against the lab: the writes each run sends,
idempotence, check mode, attaching to a running job, lost answers, timeouts, and refusals before any write."""

from __future__ import annotations

import concurrent.futures

import pytest
from lab_tasks import LOG_ACCOUNT, control, task, writes
from labrunner import hold, release, start_lab, until


@pytest.fixture(scope="module")
def classic_lab(tmp_path_factory):
    running = start_lab(tmp_path_factory.mktemp("actions-classic"), "classic")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def modernized_lab(tmp_path_factory):
    running = start_lab(tmp_path_factory.mktemp("actions-modernized"), "modernized")
    yield running
    running.stop()


def test_classic_failover_then_commit(installed_env, classic_lab, tmp_path):
    lab = classic_lab
    before = len(writes(lab))
    code, result = task(installed_env, lab, tmp_path, "asr_failover", {"name": "vm-win-01", "direction": "to_azure"}, check=True)
    assert code == 0 and result["changed"] is True
    assert result["request"]["body"]["properties"]["failoverDirection"] == "PrimaryToRecovery"
    assert len(writes(lab)) == before  # check mode sends no write

    code, result = task(installed_env, lab, tmp_path, "asr_failover", {"name": "vm-win-01", "direction": "to_azure",
                                                                       "recovery_point": "latest_app_consistent"})
    assert code == 0, result
    assert result["changed"] is True and result["job"]["state"] == "Succeeded"
    assert result["replicated_item"]["running_in"] == "azure" and result["replicated_item"]["stage"] == "commit_pending"
    assert result["request"]["body"]["properties"]["providerSpecificDetails"]["recoveryPointId"].endswith(
        result["replicated_item"]["failover_recovery_point_id"].rsplit("/", 1)[1])
    sent = len(writes(lab))
    assert sent == before + 1

    code, result = task(installed_env, lab, tmp_path, "asr_failover", {"name": "vm-win-01", "direction": "to_azure"})
    assert code == 0 and result["changed"] is False and "runs in azure already" in result["msg"]
    assert len(writes(lab)) == sent  # the second run sends nothing

    code, result = task(installed_env, lab, tmp_path, "asr_commit", {"name": "vm-win-01"})
    assert code == 0 and result["changed"] is True and result["replicated_item"]["stage"] == "committed"
    code, result = task(installed_env, lab, tmp_path, "asr_commit", {"name": "vm-win-01"})
    assert code == 0 and result["changed"] is False and "committed already" in result["msg"]
    assert len(writes(lab)) == sent + 1


def test_modernized_failover_and_failback(installed_env, modernized_lab, tmp_path):
    lab = modernized_lab
    code, result = task(installed_env, lab, tmp_path, "asr_failover", {"name": "vm-lin-01", "direction": "to_azure", "shutdown_source": True})
    assert code == 0, result
    details = result["request"]["body"]["properties"]["providerSpecificDetails"]
    assert details == {"instanceType": "InMageRcm", "performShutdown": "true"}
    control(lab, "stage", "POST", item="vm-lin-01", stage="reprotected")
    code, result = task(installed_env, lab, tmp_path, "asr_failover", {"name": "vm-lin-01", "direction": "to_onprem",
                                                                       "recovery_point": "latest_app_consistent"})
    assert code == 0, result
    assert result["request"] == {"action": "plannedFailover", "body": {"properties": {"providerSpecificDetails": {
        "instanceType": "InMageRcmFailback", "recoveryPointType": "ApplicationConsistent"}}}}
    assert result["replicated_item"]["running_in"] == "onprem" and result["replicated_item"]["stage"] == "commit_pending"
    code, result = task(installed_env, lab, tmp_path, "asr_commit", {"name": "vm-lin-01"})
    assert code == 0 and result["replicated_item"]["running_in"] == "onprem" and result["replicated_item"]["stage"] == "committed"


def test_a_running_failover_is_attached_to(installed_env, classic_lab, tmp_path):
    lab = classic_lab
    control(lab, "faults", "POST", kind="job", action="unplannedFailover", item="vm-lin-01", suspend_at_task=3)
    code, result = task(installed_env, lab, tmp_path, "asr_failover", {"name": "vm-lin-01", "direction": "to_azure", "wait": False})
    assert code == 0 and result["job"]["state"] in ("NotStarted", "InProgress", "Suspended")
    job_id = result["job"]["id"]
    sent = len(writes(lab))
    # Still running (suspended): a second run waits on that job, and says so when it cannot go on.
    code, result = task(installed_env, lab, tmp_path, "asr_failover", {"name": "vm-lin-01", "direction": "to_azure"})
    assert code == 2 and result["error"]["code"] == "JobSuspended" and result["job"]["id"] == job_id
    assert len(writes(lab)) == sent  # no second failover


def test_a_lost_answer_starts_no_second_job(installed_env, classic_lab, tmp_path):
    lab = classic_lab
    control(lab, "faults", "POST", kind="drop_after", method="POST", path="/unplannedFailover$")
    code, result = task(installed_env, lab, tmp_path, "asr_failover", {"name": "vm-win-02", "direction": "to_azure"})
    assert code == 0, result
    assert result["replicated_item"]["running_in"] == "azure"
    failovers = [r for r in writes(lab) if r["path"].endswith("/unplannedFailover") and "vm-win-02" in r["path"]]
    assert len(failovers) == 1 and failovers[0]["fault"] == "drop_after"


def test_a_wait_that_runs_out_leaves_the_job_running(installed_env, classic_lab, tmp_path):
    lab = classic_lab
    control(lab, "faults", "POST", kind="job", action="unplannedFailover", item="phys-01", never_ends=True)
    code, result = task(installed_env, lab, tmp_path, "asr_failover", {"name": "phys-01", "direction": "to_azure", "wait_timeout": 3})
    assert code == 2
    assert result["error"]["code"] == "WaitTimeout"
    assert "left running, never cancelled" in result["msg"] and result["job"]["id"] in result["msg"]
    state = control(lab, "state")["items"]["phys-01"]
    assert state["job"] == result["job"]["id"]
    assert not [r for r in writes(lab) if "/cancel" in r["path"]]


def test_a_failed_job_fails_the_task_with_asr_error(installed_env, modernized_lab, tmp_path):
    lab = modernized_lab
    control(lab, "faults", "POST", kind="job", action="unplannedFailover", item="vm-win-02", fail_at_task=3,
            error={"code": "28031", "message": "Core quota exceeded.", "possibleCauses": "Quota.", "recommendedAction": "Raise the quota."})
    code, result = task(installed_env, lab, tmp_path, "asr_failover", {"name": "vm-win-02", "direction": "to_azure"})
    assert code == 2
    assert result["error"]["code"] == "28031"
    assert "ended Failed at task 'Start failover': Core quota exceeded." in result["msg"]
    assert "Recommended action: Raise the quota." in result["msg"]


@pytest.mark.parametrize(
    "module, args, fragment",
    [
        ("asr_failover", {"name": "vm-nope", "direction": "to_azure"}, "no replicated item is named 'vm-nope'"),
        ("asr_failover", {"name": "vm-win-01", "direction": "sideways"}, "value of direction must be one of"),
        # vm-win-02 is committed in Azure (below): it must be reprotected before it can fail back.
        ("asr_failover", {"name": "vm-win-02", "direction": "to_onprem"}, "an InMageAzureV2 item cannot fail over to on-premises"),
        ("asr_failover", {"name": "vm-win-01", "direction": "to_azure", "recovery_point": "custom"}, "recovery_point is custom but"),
        ("asr_failover", {"name": "vm-win-01", "direction": "to_azure", "recovery_point": "custom", "recovery_point_id": "nope"},
         "recovery point nope is not one of the item's"),
        ("asr_commit", {"name": "vm-win-01"}, "Commit is not allowed on vm-win-01 now (protection state Protected)"),
        ("asr_commit", {"name": "vm-win-01", "vault_name": "vault-gone"}, "check resource_group and vault_name"),
        ("asr_commit", {"name": "vm-win-01", "wait_timeout": "soon"}, "wait_timeout"),
    ],
)
def test_bad_inputs_fail_before_any_write(installed_env, tmp_path, module, args, fragment, lab):
    control(lab, "stage", "POST", item="vm-win-02", stage="committed")
    before = len(writes(lab))
    code, result = task(installed_env, lab, tmp_path, module, args)
    assert code == 2
    assert fragment in result["msg"]
    assert len(writes(lab)) == before


def test_change_recovery_point_before_commit(installed_env, modernized_lab, tmp_path):
    lab = modernized_lab
    # Onto a crash-consistent point: the latest point is app-consistent five minutes in every hour of the wall clock.
    code, result = task(installed_env, lab, tmp_path, "asr_failover", {"name": "vm-win-01", "direction": "to_azure",
                                                                       "recovery_point": "latest_crash_consistent"})
    assert code == 0, result
    code, result = task(installed_env, lab, tmp_path, "asr_apply_recovery_point", {"name": "vm-win-01"})
    assert code == 0 and result["changed"] is True, result
    assert result["recovery_point"]["type"] == "AppConsistent"
    assert result["replicated_item"]["failover_recovery_point_id"].endswith(result["recovery_point"]["name"])
    sent = len(writes(lab))
    code, result = task(installed_env, lab, tmp_path, "asr_apply_recovery_point", {"name": "vm-win-01"})
    assert code == 0 and result["changed"] is False and len(writes(lab)) == sent
    task(installed_env, lab, tmp_path, "asr_commit", {"name": "vm-win-01"})
    code, result = task(installed_env, lab, tmp_path, "asr_apply_recovery_point", {"name": "vm-win-01", "recovery_point": "latest_processed"})
    assert code == 2 and "ChangePit is not allowed on vm-win-01" in result["msg"]


def test_cancel_a_completed_failback(installed_env, modernized_lab, tmp_path):
    lab = modernized_lab
    control(lab, "stage", "POST", item="vm-win-02", stage="failed_back")
    code, result = task(installed_env, lab, tmp_path, "asr_cancel_failover", {"name": "vm-win-02"}, check=True)
    assert code == 0 and result["changed"] is True and control(lab, "state")["items"]["vm-win-02"]["phase"] == "modernized_failed_back"
    code, result = task(installed_env, lab, tmp_path, "asr_cancel_failover", {"name": "vm-win-02"})
    assert code == 0 and result["changed"] is True, result
    assert (result["replicated_item"]["running_in"], result["replicated_item"]["stage"]) == ("azure", "replicating")
    code, result = task(installed_env, lab, tmp_path, "asr_cancel_failover", {"name": "vm-win-02"})
    assert code == 0 and result["changed"] is False


def test_resync_when_asr_asks_for_it(installed_env, lab, tmp_path):
    code, result = task(installed_env, lab, tmp_path, "asr_resync", {"name": "vm-lin-01"})
    assert code == 0 and result["changed"] is False and "needs no resync" in result["msg"]
    control(lab, "health", "POST", item="vm-lin-01", resync_required=True)
    code, result = task(installed_env, lab, tmp_path, "asr_resync", {"name": "vm-lin-01"})
    assert code == 0 and result["changed"] is True and result["job"]["operation"] == "RepairReplication", result
    assert result["replicated_item"]["resync_required"] is False


def test_classic_reprotect_round_trip(installed_env, classic_lab, tmp_path):
    lab = classic_lab
    machine = "vm-win-01"
    control(lab, "stage", "POST", item=machine, stage="committed")
    args = {"name": machine, "direction": "to_onprem", "master_target": "mt-win-01", "datastore": "ds-vmfs-02", "run_as_account": "vcenteruser"}
    before = len(writes(lab))
    code, result = task(installed_env, lab, tmp_path, "asr_reprotect", args, check=True)
    assert code == 0 and result["changed"] is True, result
    details = result["request"]["properties"]["providerSpecificDetails"]
    assert (details["instanceType"], details["retentionDrive"], details["datastoreName"], details["runAsAccountId"]) == ("InMage", "E", "ds-vmfs-02", "1")
    assert details["profileId"].endswith("/replicationPolicies/policy-lab-failback")
    assert len(writes(lab)) == before
    code, result = task(installed_env, lab, tmp_path, "asr_reprotect", args)
    assert code == 0 and result["replicated_item"]["provider"] == "InMage" and result["replicated_item"]["running_in"] == "azure", result
    code, result = task(installed_env, lab, tmp_path, "asr_reprotect", args)
    assert code == 0 and result["changed"] is False and "replicates to onprem already" in result["msg"]
    task(installed_env, lab, tmp_path, "asr_failover", {"name": machine, "direction": "to_onprem"})
    task(installed_env, lab, tmp_path, "asr_commit", {"name": machine})
    code, result = task(installed_env, lab, tmp_path, "asr_reprotect", {"name": machine, "direction": "to_azure", "wait_for": "protected"})
    assert code == 0, result
    assert (result["replicated_item"]["provider"], result["replicated_item"]["protection_state"]) == ("InMageAzureV2", "Protected")
    assert result["request"]["properties"]["providerSpecificDetails"]["policyId"].endswith("/replicationPolicies/policy-lab")


@pytest.mark.parametrize(
    "args, fragment",
    [
        ({"master_target": "mt-nope", "datastore": "ds-vmfs-01"}, "no master_target named 'mt-nope'; the valid ones: cs-lab-01, mt-win-01, mt-lin-01"),
        ({"master_target": "mt-win-01", "datastore": "ds-vmfs-01"}, "vm-lin-01 runs Linux (RHEL 8.6): it fails back only through a Linux "
         "master target, and mt-win-01 runs Windows (Windows Server 2019); master targets that fit: mt-lin-01"),
        ({"master_target": "mt-lin-01", "datastore": "ds-nfs-01"}, "no datastore (on master target mt-lin-01) named 'ds-nfs-01'"),
        ({"master_target": "mt-lin-01"}, "datastore (on master target mt-lin-01) is required: choose one of ds-vmfs-01, ds-vmfs-02"),
        ({"master_target": "mt-lin-01", "datastore": "ds-vmfs-01", "run_as_account": "nobody"}, "no run_as_account named 'nobody'"),
    ],
)
def test_classic_reprotect_inputs_are_checked_before_any_write(installed_env, lab, tmp_path, args, fragment):
    control(lab, "stage", "POST", item="vm-lin-01", stage="committed")
    before = len(writes(lab))
    code, result = task(installed_env, lab, tmp_path, "asr_reprotect", dict(args, name="vm-lin-01", direction="to_onprem"))
    assert code == 2 and fragment in result["msg"], result["msg"]
    assert len(writes(lab)) == before


def item_reads(lab, machine):
    """How many times the item was read so far (GET of the replicated item itself)."""
    name = control(lab, "state")["items"][machine]["name"].lower()
    return len([r for r in control(lab, "requests") if r["method"] == "GET" and r["path"].lower().endswith("/replicationprotecteditems/" + name)])


def test_modernized_reprotect_waits_for_the_agent(installed_env, tmp_path):
    running = start_lab(tmp_path / "lab", "modernized")
    try:
        hold(running, "vm-win-01", "agentRegistration")  # not registered until released, however long each run takes
        code, result = task(installed_env, running, tmp_path, "asr_failover", {"name": "vm-win-01", "direction": "to_azure"})
        assert code == 0, result
        assert result["replicated_item"]["agent_registered_after_failover"] is False
        args = {"name": "vm-win-01", "direction": "to_onprem", "datastore": "ds-vmfs-01", "log_storage_account_id": LOG_ACCOUNT % running.subscription_id}
        reads = item_reads(running, "vm-win-01")
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            waiting = pool.submit(task, installed_env, running, tmp_path, "asr_reprotect", args)  # from commit-pending: ASR commits first
            # Read, then read again after a wait: it waits for the agent.
            until(lambda: item_reads(running, "vm-win-01") >= reads + 2, "the reprotect waiting for the agent", still=lambda: not waiting.done())
            release(running, "vm-win-01", "agentRegistration")
            code, result = waiting.result()
        assert code == 0, result
        assert (result["replicated_item"]["provider"], result["replicated_item"]["running_in"]) == ("InMageRcmFailback", "azure")
        reprotects = [r for r in writes(running) if r["path"].endswith("/reProtect")]
        assert len(reprotects) == 1  # it waited instead of sending a reprotect ASR would fail
        task(installed_env, running, tmp_path, "asr_failover", {"name": "vm-win-01", "direction": "to_onprem"})
        code, result = task(installed_env, running, tmp_path, "asr_reprotect", {"name": "vm-win-01", "direction": "to_azure",
                                                                                "run_as_account": "vcenter-lab-account"})
        assert code == 0, result
        details = result["request"]["properties"]["providerSpecificDetails"]
        assert "failoverDirection" not in result["request"]["properties"]
        assert details["runAsAccountId"].split("/runasaccounts/")[0].endswith("/VMwareSites/appliance-lab-01vmwaresite")
        assert result["replicated_item"]["provider"] == "InMageRcm"
    finally:
        running.stop()


def test_a_rerun_attaches_to_the_failover_in_progress_and_job_info_follows_it(installed_env, tmp_path):
    # The failover is held at its first task: the first run returns at once, the second attaches and waits
    # until the hold is released, however long each run takes.
    running = start_lab(tmp_path / "lab", "classic")
    try:
        hold(running, "vm-win-02", "unplannedFailover")
        code, first = task(installed_env, running, tmp_path, "asr_failover", {"name": "vm-win-02", "direction": "to_azure", "wait": False})
        assert code == 0 and first["job"]["state"] in ("NotStarted", "InProgress"), first
        job_path = "/replicationJobs/" + first["job"]["id"]
        code, listed = task(installed_env, running, tmp_path, "asr_job_info", {"item": "vm-win-02", "operation": "UnplannedFailover"})
        assert code == 0 and [j["id"] for j in listed["jobs"]] == [first["job"]["id"]]
        polled = len([r for r in control(running, "requests") if r["path"].endswith(job_path)])
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            rerun = pool.submit(task, installed_env, running, tmp_path, "asr_failover", {"name": "vm-win-02", "direction": "to_azure"})
            # Released once the rerun has read the job: it has attached and waits on it.
            until(lambda: len([r for r in control(running, "requests") if r["path"].endswith(job_path)]) > polled, "the rerun reading the job",
                  still=lambda: not rerun.done())
            assert release(running, "vm-win-02", "unplannedFailover")["job"] == first["job"]["id"]
            code, second = rerun.result()
        assert code == 0 and second["changed"] is True and second["msg"] == "attached to the failover job that was running", second
        assert second["job"]["id"] == first["job"]["id"] and second["job"]["state"] == "Succeeded"
        assert len([r for r in writes(running) if r["path"].endswith("/unplannedFailover")]) == 1
        code, waited = task(installed_env, running, tmp_path, "asr_job_info", {"job_id": first["job"]["id"], "wait": True})
        assert code == 0 and waited["jobs"][0]["state"] == "Succeeded"
        assert [t["name"] for t in waited["jobs"][0]["tasks"]][0] == "VmUfoPrerequisitesCheck"
    finally:
        running.stop()


def test_a_refused_group_member_names_its_group(installed_env, lab, tmp_path):
    control(lab, "reset", "POST")
    control(lab, "faults", "POST", kind="400", method="POST", path="vm-win-01-rpi/unplannedFailover$", error={
        "code": "28172", "message": "The virtual machine is part of a multi-VM consistency group and cannot fail over alone.",
        "possibleCauses": "Multi-VM consistency.", "recommendedAction": "Fail over the group with a recovery plan."})
    code, result = task(installed_env, lab, tmp_path, "asr_failover", {"name": "vm-win-01", "direction": "to_azure"})
    assert code == 2
    assert result["error"]["code"] == "28172"
    assert "vm-win-01 is in the multi-VM consistency group app-tier with vm-win-02" in result["msg"]
    assert "Recommended action: Fail over the group with a recovery plan." in result["msg"]


def test_a_group_member_refused_for_another_reason_gets_no_group_hint(installed_env, lab, tmp_path):
    control(lab, "reset", "POST")
    control(lab, "faults", "POST", kind="400", method="POST", path="vm-win-01-rpi/unplannedFailover$", error={
        "code": "NoRecoveryPoint", "message": "The replicated item 'vm-win-01' has no recovery point to unplannedFailover.",
        "possibleCauses": "No recovery point was created yet.", "recommendedAction": "Wait until a recovery point exists, then retry."})
    code, result = task(installed_env, lab, tmp_path, "asr_failover", {"name": "vm-win-01", "direction": "to_azure"})
    assert code == 2 and result["error"]["code"] == "NoRecoveryPoint", result
    assert "members over together" not in result["msg"] and "consistency group app-tier" not in result["msg"], result["msg"]


@pytest.mark.parametrize("fixture", ["classic_lab", "modernized_lab"])
def test_recovery_vm_settings(installed_env, request, tmp_path, fixture):
    lab = request.getfixturevalue(fixture)
    control(lab, "stage", "POST", item="vm-win-02", stage="protected")
    args = {"name": "vm-win-02", "size": "Standard_D4s_v3", "static_ip": "10.10.0.40"}
    before = len(writes(lab))
    code, result = task(installed_env, lab, tmp_path, "asr_replicated_item", args, check=True)
    assert code == 0 and result["changed"] is True and result["settings"]["size"] == "Standard_D4s_v3", result
    assert len(writes(lab)) == before
    code, result = task(installed_env, lab, tmp_path, "asr_replicated_item", args)
    assert code == 0 and result["changed"] is True, result
    assert (result["settings"]["size"], result["settings"]["static_ip"], result["settings"]["subnet"]) == ("Standard_D4s_v3", "10.10.0.40", "default")
    assert result["job"]["operation"] == "UpdateVmProperties"
    sent = len(writes(lab))
    code, result = task(installed_env, lab, tmp_path, "asr_replicated_item", args)
    assert code == 0 and result["changed"] is False and len(writes(lab)) == sent
    # Changing only the name keeps the size and the address that are set (the PATCH carries them).
    code, result = task(installed_env, lab, tmp_path, "asr_replicated_item", {"name": "vm-win-02", "vm_name": "win02-dr"})
    assert code == 0 and (result["settings"]["vm_name"], result["settings"]["size"], result["settings"]["static_ip"]) == (
        "win02-dr", "Standard_D4s_v3", "10.10.0.40")
    code, result = task(installed_env, lab, tmp_path, "asr_replicated_item", {"name": "vm-win-02", "size": "Standard_Z9", "subnet": "app"})
    assert code == 2 and "size 'Standard_Z9' is not offered" in result["msg"] and "subnet 'app' is not in network vnet-dr" in result["msg"]
    assert len(writes(lab)) == sent + 1
