# -*- coding: utf-8 -*-
"""The lab's test failover and its cleanup, through the real SDK: the recorded body, job and item states, the
test VM in the test network with an address that answers, 161011 on InMageRcm items, and ASR's refusals."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
from asr_client import arm_get
from azure.core.exceptions import HttpResponseError
from labrunner import ROOT, control, hold, release, until

TEST_NETWORK = "/subscriptions/%s/resourceGroups/rg-dr-recovery/providers/Microsoft.Network/virtualNetworks/vnet-dr-test"


def _when(value, condition):
    """``value`` when ``condition(value)`` holds, else None (for until)."""
    return value if condition(value) else None


def _body(items, machine, provider, point=None, network=None):
    details = {"instanceType": provider}
    if point:
        details["recoveryPointId"] = point
    if provider == "InMageRcm":
        details["networkId"] = network
    return {"properties": {"failoverDirection": "PrimaryToRecovery", "networkType": "VmNetworkAsInput", "networkId": network,
                           "providerSpecificDetails": details}}


def _answers(address, port):
    try:
        with socket.create_connection((address, port), timeout=2) as conn:
            return conn.recv(64) if port == 22 else b"connected"
    except OSError:
        return None


def _guest(lab, name):
    return next((g for g in control(lab, "guests") if g["name"] == name), None)


def test_classic_drill_and_cleanup(classic):
    lab = classic.lab
    network = TEST_NETWORK % lab.subscription_id
    point = classic.points("vm-lin-01")[0].id
    hold(lab, "vm-lin-01", "testFailover")
    poller = classic.client.replication_protected_items.begin_test_failover(*classic.address("vm-lin-01"),
                                                                            _body(classic, "vm-lin-01", "InMageAzureV2", point, network))
    item = until(lambda: _when(classic.get("vm-lin-01"), lambda i: i.properties.current_scenario.scenario_name == "TestFailover"),
                 "the drill's job on the item")
    job_id = item.properties.current_scenario.job_id.rsplit("/", 1)[1]
    job = classic.job_once(job_id, ("InProgress",))
    assert [t.name for t in job.tasks] == ["VmTfoPrerequisitesCheck", "VmTfoInitiateFailover", "VmTfoPrepareTestVm", "VmTfoBootTestVm"]
    assert job.custom_details.instance_type == "TestFailoverJobDetails" and job.custom_details.network_type == "VmNetworkAsInput"
    assert job.custom_details.protected_item_details[0].test_vm_name == "vm-lin-01-test"
    release(lab, "vm-lin-01", "testFailover")
    item = poller.result()
    props = item.properties
    assert props.allowed_operations == ["TestFailoverCleanup"]
    assert (props.test_failover_state, props.protection_state_description) == ("WaitingForCompletion", "Cleanup test failover pending")
    assert props.current_scenario.scenario_name == "TestFailover" and props.last_successful_test_failover_time is not None
    assert props.provider_specific_details.selected_tfo_azure_network_id == network
    vm = arm_get(lab, "/subscriptions/%s/resourceGroups/rg-dr-recovery/providers/Microsoft.Compute/virtualMachines/vm-lin-01-test"
                 % lab.subscription_id, "2024-03-01")
    nic = arm_get(lab, vm["properties"]["networkProfile"]["networkInterfaces"][0]["id"], "2024-01-01")
    address = nic["properties"]["ipConfigurations"][0]["properties"]["privateIPAddress"]
    assert address.startswith("127.0.") and _answers(address, 22).startswith(b"SSH-2.0-")
    assert _guest(lab, "vm-lin-01-test")["network_id"] == network
    # A real failover is refused while the drill waits for its cleanup.
    with pytest.raises(HttpResponseError) as refused:
        classic.act("vm-lin-01", "unplanned_failover", {"properties": {"failoverDirection": "PrimaryToRecovery",
                                                                       "providerSpecificDetails": {"instanceType": "InMageAzureV2"}}})
    assert "allowed operations: TestFailoverCleanup" in refused.value.message
    hold(lab, "vm-lin-01", "testFailoverCleanup")
    poller = classic.client.replication_protected_items.begin_test_failover_cleanup(*classic.address("vm-lin-01"),
                                                                                    {"properties": {"comments": "drill done"}})
    cleaning = until(lambda: _when(classic.get("vm-lin-01"), lambda i: i.properties.test_failover_state == "MarkedForDeletion"),
                     "the cleanup running")
    assert cleaning.properties.current_scenario.scenario_name == "TestFailoverCleanup"
    job = classic.job_once(cleaning.properties.current_scenario.job_id.rsplit("/", 1)[1], ("InProgress",))
    assert [t.name for t in job.tasks] == ["VmTfoCleanupPreflightsCheck", "VmTfoEndFailover", "VmTfoDeleteTestVm"]
    release(lab, "vm-lin-01", "testFailoverCleanup")
    item = poller.result()
    assert item.properties.test_failover_state == "None" and "UnplannedFailover" in item.properties.allowed_operations
    assert _guest(lab, "vm-lin-01-test") is None and _answers(address, 22) is None
    assert not [vm for vm in control(lab, "state")["azure_vms"] if vm["name"].endswith("-test")]


def test_modernized_drill_clears_161011(modernized):
    lab = modernized.lab
    network = TEST_NETWORK % lab.subscription_id
    before = modernized.get("vm-win-01").properties
    assert "161011" in [e.error_code for e in before.health_errors] and before.last_successful_test_failover_time is None
    assert before.provider_specific_details.test_network_id == network
    item = modernized.act("vm-win-01", "test_failover", _body(modernized, "vm-win-01", "InMageRcm", network=network))
    assert "161011" not in [e.error_code for e in item.properties.health_errors]
    guest = _guest(lab, "vm-win-01-test")
    assert guest["port"] == 3389 and _answers(guest["private_ip"], 3389) == b"connected"
    modernized.act("vm-win-01", "test_failover_cleanup", {"properties": {"comments": ""}})
    assert _guest(lab, "vm-win-01-test") is None


def test_a_silenced_guest_runs_without_answering(modernized):
    lab = modernized.lab
    control(lab, "guest", "POST", item="vm-lin-01", answers=False)
    modernized.act("vm-lin-01", "test_failover", _body(modernized, "vm-lin-01", "InMageRcm", network=TEST_NETWORK % lab.subscription_id))
    guest = _guest(lab, "vm-lin-01-test")
    assert guest["power"] == "running" and guest["private_ip"] and not guest["listening"]
    assert _answers(guest["private_ip"], 22) is None
    control(lab, "guest", "POST", item="vm-lin-01", answers=True)
    assert _answers(_guest(lab, "vm-lin-01-test")["private_ip"], 22).startswith(b"SSH-2.0-")
    modernized.act("vm-lin-01", "test_failover_cleanup", {"properties": {}})


# Another lab's guest, in a process of its own: it takes the first free address, says which, and listens when told.
OTHER_LAB_GUEST = """
import sys
from asrlab import guests
vm = dict(name="other-lab-vm", os_type="Linux")
sock = guests._reserve(vm)
print(vm["private_ip"], flush=True)
sys.stdin.readline()
sock.listen(4)
print("listening", flush=True)
sys.stdin.readline()
"""


def test_a_silent_guest_keeps_its_address_from_another_labs_guest(modernized):
    """A silent VM's address is bound but not listening: another lab (another process) must not take it, or a
    validation of the silent VM would connect to the other lab's guest and pass."""
    lab = modernized.lab
    other = subprocess.Popen([sys.executable, "-c", OTHER_LAB_GUEST], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                             env=dict(os.environ, PYTHONPATH=str(ROOT / "lab")))
    try:
        others = other.stdout.readline().strip()
        assert others.startswith("127.0."), "the other lab's guest got no address"
        control(lab, "guest", "POST", item="vm-lin-01", answers=False)
        modernized.act("vm-lin-01", "test_failover", _body(modernized, "vm-lin-01", "InMageRcm", network=TEST_NETWORK % lab.subscription_id))
        mine = _guest(lab, "vm-lin-01-test")["private_ip"]
        other.stdin.write("listen\n")
        other.stdin.flush()
        assert other.stdout.readline().strip() == "listening"
        assert mine != others and _answers(mine, 22) is None
        socket.create_connection((others, 22), timeout=2).close()  # the other lab's guest does listen there
    finally:
        other.stdin.close()
        other.wait(timeout=30)
        control(lab, "guest", "POST", item="vm-lin-01", answers=True)
        modernized.act("vm-lin-01", "test_failover_cleanup", {"properties": {}})


@pytest.mark.parametrize("change, fragment", [
    ({"failoverDirection": "RecoveryToPrimary"}, "failoverDirection must be PrimaryToRecovery"),
    ({"networkType": "Isolated"}, "networkType must be one of"),
    ({"networkId": "/subscriptions/x/resourceGroups/y/providers/Microsoft.Network/virtualNetworks/nope"}, "does not exist"),
])
def test_refusals(classic, change, fragment):
    body = _body(classic, "phys-01", "InMageAzureV2", network=TEST_NETWORK % classic.lab.subscription_id)
    body["properties"].update(change)
    with pytest.raises(HttpResponseError) as refused:
        classic.act("phys-01", "test_failover", body)
    assert fragment in refused.value.message


def test_a_failed_over_machine_cannot_be_drilled(classic):
    control(classic.lab, "stage", "POST", item="vm-win-02", stage="failed_over")
    with pytest.raises(HttpResponseError) as refused:
        classic.act("vm-win-02", "test_failover", _body(classic, "vm-win-02", "InMageAzureV2", network=TEST_NETWORK % classic.lab.subscription_id))
    assert "The operation 'TestFailover' is not allowed" in refused.value.message
    # The real failover's VM has a private address that answers too.
    guest = _guest(classic.lab, "vm-win-02")
    assert guest["listening"] and _answers(guest["private_ip"], 3389) == b"connected"
