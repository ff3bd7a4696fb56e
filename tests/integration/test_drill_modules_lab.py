# -*- coding: utf-8 -*-
"""asr_test_failover, asr_test_failover_cleanup and asr_validate_vm from the installed collection against the lab: the recorded
body, idempotence, check mode, attaching to a running drill, the refusals before any write, and the test VM gone after the cleanup."""

from __future__ import annotations

import pytest
from lab_tasks import control, task, writes
from labrunner import hold, release, start_lab

TEST_NETWORK = "/subscriptions/%s/resourceGroups/rg-dr-recovery/providers/Microsoft.Network/virtualNetworks/vnet-dr-test"
PRODUCTION = "/subscriptions/%s/resourceGroups/rg-dr-recovery/providers/Microsoft.Network/virtualNetworks/vnet-dr"


@pytest.fixture(scope="module")
def drill_lab(tmp_path_factory):
    running = start_lab(tmp_path_factory.mktemp("drill-modernized"), "modernized")
    yield running
    running.stop()


def _test_vms(lab):
    return [vm["name"] for vm in control(lab, "state")["azure_vms"] if vm["name"].endswith("-test")]


def test_classic_drill_validate_cleanup(installed_env, lab, tmp_path):
    control(lab, "reset", "POST")
    before = len(writes(lab))
    code, result = task(installed_env, lab, tmp_path, "asr_test_failover", {"name": "vm-lin-01", "recovery_point": "latest_processed"}, check=True)
    assert code == 0 and result["changed"] is True and len(writes(lab)) == before, result
    body = result["request"]["body"]["properties"]
    assert body["failoverDirection"] == "PrimaryToRecovery" and body["networkType"] == "VmNetworkAsInput"
    assert body["networkId"] == TEST_NETWORK % lab.subscription_id
    assert set(body["providerSpecificDetails"]) == {"instanceType", "recoveryPointId"}

    hold(lab, "vm-lin-01", "testFailover")
    code, result = task(installed_env, lab, tmp_path, "asr_test_failover", {"name": "vm-lin-01", "wait": False})
    assert code == 0 and result["job"]["operation"] == "TestFailover", result
    # A second run while the drill runs attaches to it.
    code, result = task(installed_env, lab, tmp_path, "asr_test_failover", {"name": "vm-lin-01", "wait": False})
    assert code == 0 and "attached" in result["msg"] and result["job"]["state"] in ("NotStarted", "InProgress"), result
    release(lab, "vm-lin-01", "testFailover")
    code, result = task(installed_env, lab, tmp_path, "asr_test_failover", {"name": "vm-lin-01"})
    assert code == 0 and result["replicated_item"]["stage"] == "drill_pending", result
    vm = result["test_vm"]
    assert vm["name"] == "vm-lin-01-test" and vm["power_state"] == "running" and vm["private_ip"].startswith("127.0.")
    assert result["replicated_item"]["test_failover_state"] == "WaitingForCompletion"
    assert result["replicated_item"]["last_successful_test_failover_time"]
    assert result["changed"] is False and "waits for its cleanup already" in result["msg"]
    drills = [r for r in writes(lab) if r["path"].endswith("/testFailover")]
    assert len(drills) == 1
    # The item's facts carry the test VM while the drill waits for its cleanup.
    code, result = task(installed_env, lab, tmp_path, "asr_replicated_item_info", {"name": "vm-lin-01"}, wait=False)
    [facts] = result["replicated_items"]
    assert facts["test_vm"] == vm and facts["stage"] == "drill_pending" and facts["drill_job"]["id"], facts

    code, result = task(installed_env, lab, tmp_path, "asr_validate_vm", {"name": "vm-lin-01", "vm": "test", "wait_timeout": 30, "wait_sleep": 1})
    assert code == 0 and result["passed"] is True and result["vm"]["port"] == 22, result

    code, result = task(installed_env, lab, tmp_path, "asr_test_failover_cleanup", {"name": "vm-lin-01", "comments": "x" * 1025})
    assert code == 2 and "comments must be 1024 characters at most (it has 1025)" in result["msg"]
    sent = len(writes(lab))
    code, result = task(installed_env, lab, tmp_path, "asr_test_failover_cleanup", {"name": "vm-lin-01", "comments": "drill ok"}, check=True)
    assert code == 0 and result["changed"] is True and result["test_vm"]["name"] == "vm-lin-01-test" and len(writes(lab)) == sent, result
    code, result = task(installed_env, lab, tmp_path, "asr_test_failover_cleanup", {"name": "vm-lin-01", "comments": "drill ok"})
    assert code == 0 and result["changed"] is True and result["test_vm"]["deleted"] is True, result
    assert result["replicated_item"]["stage"] == "replicating" and _test_vms(lab) == []
    code, result = task(installed_env, lab, tmp_path, "asr_test_failover_cleanup", {"name": "vm-lin-01"})
    assert code == 0 and result["changed"] is False


@pytest.mark.parametrize("args, stage, fragment", [
    # vm-win-01 and vm-win-02 are the classic lab's multi-VM group app-tier.
    ({"name": "vm-win-01"}, None, "is in the multi-VM replication group app-tier with vm-win-02"),
    ({"name": "phys-01", "network_id": "PRODUCTION"}, None, "is the production recovery network of phys-01"),
    ({"name": "phys-01"}, "failed_over", "is failed over to Azure for real"),
    ({"name": "phys-01"}, "reprotected", "it runs in Azure and replicates back to on-premises"),
    ({"name": "phys-01", "recovery_point": "custom", "recovery_point_id": "nope"}, None, "recovery point nope is not one of"),
])
def test_refused_before_any_write(installed_env, lab, tmp_path, args, stage, fragment):
    control(lab, "reset", "POST")
    if stage:
        control(lab, "stage", "POST", item=args["name"], stage=stage)
    args = dict(args)
    if args.get("network_id") == "PRODUCTION":
        args["network_id"] = PRODUCTION % lab.subscription_id
    before = len(writes(lab))
    code, result = task(installed_env, lab, tmp_path, "asr_test_failover", args)
    assert code == 2 and fragment in result["msg"], result
    assert len(writes(lab)) == before


def test_modernized_drill_and_a_guest_that_does_not_answer(installed_env, drill_lab, tmp_path):
    lab = drill_lab
    control(lab, "guest", "POST", item="vm-win-02", answers=False)
    code, result = task(installed_env, lab, tmp_path, "asr_test_failover", {"name": "vm-win-02"})
    assert code == 0, result
    details = result["request"]["body"]["properties"]["providerSpecificDetails"]
    assert details == {"instanceType": "InMageRcm", "networkId": TEST_NETWORK % lab.subscription_id}
    assert "161011" not in [e["code"] for e in result["replicated_item"]["health_errors"]]
    code, result = task(installed_env, lab, tmp_path, "asr_validate_vm", {"name": "vm-win-02", "vm": "test", "wait_timeout": 2, "wait_sleep": 1})
    assert code == 2 and result["passed"] is False, result
    assert "did not pass its validation within 2 s" in result["msg"] and ":3389 did not answer" in result["msg"]
    code, result = task(installed_env, lab, tmp_path, "asr_test_failover_cleanup", {"name": "vm-win-02"})
    assert code == 0 and result["test_vm"]["deleted"] is True and _test_vms(lab) == []
    # A modernized machine that replicates back to on-premises (InMageRcmFailback) is refused before any write.
    control(lab, "stage", "POST", item="vm-lin-01", stage="reprotected")
    sent = len(writes(lab))
    code, result = task(installed_env, lab, tmp_path, "asr_test_failover", {"name": "vm-lin-01"})
    assert code == 2 and "replicates back to on-premises (InMageRcmFailback" in result["msg"] and len(writes(lab)) == sent, result
