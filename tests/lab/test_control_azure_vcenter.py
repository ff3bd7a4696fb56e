# -*- coding: utf-8 -*-
"""The lab's control API, its Azure resources around ASR, and the coupling of ASR actions to vCenter.

Real clients only: the ASR SDK, requests with a real token for the other ARM resources, and pyvmomi
(through the lab's own VSphere client) for the on-premises VMs' power.
"""

from __future__ import annotations

import datetime
import threading
import time

import pytest
import requests
from asr_client import AUDIENCE, Items, arm_get, credential, state
from azure.core.exceptions import HttpResponseError, ServiceResponseError
import labrunner
from labrunner import ROOT, start_lab, vsphere_client

FAILOVER = {"properties": {"failoverDirection": "PrimaryToRecovery", "providerSpecificDetails": {"instanceType": "InMageAzureV2"}}}
COMPUTE = "2024-07-01"


@pytest.fixture(autouse=True)
def fresh(classic):
    """Each test starts from the scenario's start."""
    control(classic, "reset", verb="POST")


@pytest.fixture
def vcenter(classic):
    client = vsphere_client(classic.lab)
    yield client
    client.close()


def control(items, endpoint, verb="GET", **body):
    return labrunner.control(items.lab, endpoint, verb, **body)


def recovery_vms(items):
    return arm_get(items.lab, "/subscriptions/%s/resourceGroups/rg-dr-recovery/providers/Microsoft.Compute/virtualMachines"
                   % items.lab.subscription_id, COMPUTE)["value"]


def power(items, vm_name):
    document = arm_get(items.lab, "/subscriptions/%s/resourceGroups/rg-dr-recovery/providers/Microsoft.Compute/virtualMachines/%s/instanceView"
                       % (items.lab.subscription_id, vm_name), COMPUTE)
    return [s["code"] for s in document["statuses"] if s["code"].startswith("PowerState/")][0]


def test_failover_and_failback_move_the_machines(classic, vcenter):
    machine = "vm-win-02"
    assert vcenter.power_state(machine) == "poweredOn"
    assert recovery_vms(classic) == []
    classic.act(machine, "unplanned_failover", {"properties": {"failoverDirection": "PrimaryToRecovery", "sourceSiteOperations": "Required",
                                                               "providerSpecificDetails": {"instanceType": "InMageAzureV2"}}})
    assert [vm["name"] for vm in recovery_vms(classic)] == [machine]
    assert power(classic, machine) == "PowerState/running"
    control(classic, "stage", verb="POST", item=machine, stage="reprotected")
    assert vcenter.power_state(machine) == "poweredOff"  # it receives the replica
    classic.act(machine, "unplanned_failover", {"properties": {"failoverDirection": "PrimaryToRecovery", "providerSpecificDetails": {
        "instanceType": "InMage", "recoveryPointType": "LatestTime"}}})
    assert vcenter.power_state(machine) == "poweredOn"
    assert power(classic, machine) == "PowerState/deallocated"
    classic.act(machine, "failover_commit")
    assert recovery_vms(classic) == []  # commit after failback removes the Azure VM


@pytest.mark.parametrize("operations, shutdown_task, source_power", [
    ("Required", ("Succeeded", "Completed"), "poweredOff"),
    ("NotRequired", ("Other", "Skipped"), "poweredOn"),  # as recorded (classic_failover_job.json)
])
def test_classic_failover_shuts_the_source_down_when_asked(classic, vcenter, operations, shutdown_task, source_power):
    machine = "vm-win-01"
    classic.act(machine, "unplanned_failover", {"properties": {"failoverDirection": "PrimaryToRecovery", "sourceSiteOperations": operations,
                                                               "providerSpecificDetails": {"instanceType": "InMageAzureV2"}}})
    [job] = [j for j in classic.jobs() if j.properties.scenario_name == "UnplannedFailover"]
    task = next(t for t in job.properties.tasks if t.name == "VmShutdownVmOnPrimary")
    assert (task.state, task.state_description) == shutdown_task
    assert vcenter.power_state(machine) == source_power


def test_physical_server_fails_back_into_a_new_vm(classic, vcenter):
    machine = "phys-01"
    assert not vcenter.exists(machine)
    control(classic, "stage", verb="POST", item=machine, stage="committed")
    fabric = classic.fabric().properties.custom_details
    master = next(m for m in fabric.master_target_servers if m.name == "mt-win-01")
    classic.act(machine, "reprotect", {"properties": {"failoverDirection": "RecoveryToPrimary", "providerSpecificDetails": {
        "instanceType": "InMage", "masterTargetId": master.id, "processServerId": fabric.process_servers[0].id, "retentionDrive": "E",
        "runAsAccountId": "2", "datastoreName": "ds-vmfs-02", "profileId": classic.policy("policy-lab-failback").id}}})
    assert vcenter.exists(machine)
    assert vcenter.vm(machine).runtime.host.name == vcenter.vm("mt-win-01").runtime.host.name
    assert vcenter.power_state(machine) == "poweredOff"


def test_core_quota_fails_the_failover_with_28031(tmp_path):
    scenario = tmp_path / "small-quota.yml"
    text = (ROOT / "lab" / "scenarios" / "classic.yml").read_text().replace("standardDSv3Family: 40", "standardDSv3Family: 3")
    scenario.write_text(text)
    running = start_lab(tmp_path / "state", scenario)
    try:
        items = Items(running)
        items.act("vm-win-01", "unplanned_failover", FAILOVER)
        with pytest.raises(HttpResponseError) as raised:
            items.act("vm-win-02", "unplanned_failover", FAILOVER)
        assert raised.value.error.code == "28031"
        job = next(j for j in items.jobs() if j.properties.target_object_name == "vm-win-02")
        assert job.properties.state == "Failed"
        error = job.properties.errors[0].service_error_details
        assert error.code == "28031" and "core quota" in error.message and error.recommended_action
        assert [t.state for t in job.properties.tasks] == ["Succeeded", "Other", "Other", "Failed", "NotStarted"]
        assert state(items.get("vm-win-02")) == ("InMageAzureV2", "Protected", "Primary")
        usages = arm_get(running, "/subscriptions/%s/providers/Microsoft.Compute/locations/westeurope/usages" % running.subscription_id, COMPUTE)
        family = next(u for u in usages["value"] if u["name"]["value"] == "standardDSv3Family")
        assert (family["currentValue"], family["limit"]) == (2, 3)
    finally:
        running.stop()


def test_throttling_and_server_errors_on_reads_are_ridden_through(classic):
    control(classic, "faults", verb="POST", kind="429", method="GET", path="replicationProtectedItems/", count=2, retry_after=1)
    control(classic, "faults", verb="POST", kind="503", path="replicationFabrics$", count=1, retry_after=1)
    started = time.monotonic()
    assert state(classic.get("vm-win-01"))[1] == "Protected"
    assert classic.fabric().name
    assert time.monotonic() - started >= 2  # Retry-After honoured
    faults = [r["fault"] for r in control(classic, "requests") if r["fault"]]
    assert faults[-3:] == ["429", "429", "503"]


def test_dropped_answer_to_a_write_leaves_the_job_running(classic):
    control(classic, "faults", verb="POST", kind="drop_after", path="/unplannedFailover$")
    with pytest.raises(ServiceResponseError):
        classic.act("vm-win-01", "unplanned_failover", FAILOVER)
    # The write took effect: the item says which job runs, and that job can be followed.
    running = classic.get("vm-win-01").properties.current_scenario
    assert running.scenario_name == "UnplannedFailover"
    job_id = running.job_id.rsplit("/", 1)[1]
    deadline = time.monotonic() + 20
    while classic.client.replication_jobs.get(classic.group, classic.vault, job_id).properties.state != "Succeeded":
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert state(classic.get("vm-win-01"))[1] == "UnplannedFailoverCommitPendingStatesBegin"


def test_job_faults(classic):
    control(classic, "faults", verb="POST", kind="job", action="failoverCommit", item="vm-win-01", fail_at_task=1,
            error={"code": "25037", "message": "The virtual machine 'vm-win-01' isn't ready for committing failover."})
    classic.act("vm-win-01", "unplanned_failover", FAILOVER)
    with pytest.raises(HttpResponseError) as raised:
        classic.act("vm-win-01", "failover_commit")
    assert raised.value.error.code == "25037"
    assert state(classic.get("vm-win-01"))[1] == "UnplannedFailoverCommitPendingStatesBegin"

    control(classic, "faults", verb="POST", kind="job", action="unplannedFailover", never_ends=True)
    poller = classic.client.replication_protected_items.begin_unplanned_failover(*classic.address("vm-lin-01"), FAILOVER)
    time.sleep(2)
    assert not poller.done()
    job_id = classic.get("vm-lin-01").properties.current_scenario.job_id.rsplit("/", 1)[1]
    assert classic.client.replication_jobs.get(classic.group, classic.vault, job_id).properties.state == "InProgress"


def test_patch_merges_and_validates(classic):
    machine = "vm-win-01"
    details = classic.get(machine).properties.provider_specific_details
    nic = {"nicId": details.vm_nics[0].nic_id, "ipConfigs": [{"recoverySubnetName": "default", "recoveryStaticIPAddress": "10.10.0.25"}]}
    provider = {"instanceType": "InMageAzureV2", "recoveryAzureV2ResourceGroupId": details.recovery_azure_resource_group_id}
    body = {"properties": {"recoveryAzureVMName": "vmwin01dr", "recoveryAzureVMSize": "Standard_D4s_v3",
                           "selectedRecoveryAzureNetworkId": details.selected_recovery_azure_network_id,
                           "vmNics": [nic], "providerSpecificDetails": provider}}
    updated = classic.client.replication_protected_items.begin_update(*classic.address(machine), body).result()
    details = updated.properties.provider_specific_details
    assert (details.recovery_azure_vm_name, details.recovery_azure_vm_size) == ("vmwin01dr", "Standard_D4s_v3")
    assert details.vm_nics[0].ip_configs[0].recovery_static_ip_address == "10.10.0.25"
    # A NIC sent without its static IP replaces the NIC's settings: the address is gone.
    del body["properties"]["vmNics"][0]["ipConfigs"][0]["recoveryStaticIPAddress"]
    details = classic.client.replication_protected_items.begin_update(*classic.address(machine), body).result().properties.provider_specific_details
    assert details.vm_nics[0].ip_configs[0].recovery_ip_address_type == "Dynamic"
    for change, code in ((dict(recoveryAzureVMSize="Standard_Z1"), "28038"), (dict(recoveryAzureVMName="name-too-long-for-windows"), "28040")):
        with pytest.raises(HttpResponseError) as raised:
            classic.client.replication_protected_items.begin_update(*classic.address(machine), {"properties": dict(body["properties"], **change)}).result()
        assert raised.value.error.code == code
    job = next(j for j in classic.jobs() if j.properties.scenario_name == "UpdateVmProperties" and j.properties.state == "Failed")
    assert job.properties.allowed_actions == ["Restart"]


def test_stages_and_state(classic):
    for stage, expected in (("failed_over", ("InMageAzureV2", "UnplannedFailoverCommitPendingStatesBegin", "Recovery")),
                            ("reprotected", ("InMage", "Protected", "Primary")),
                            ("failback_committed", ("InMage", "UnplannedFailoverCommitted", "Recovery"))):
        control(classic, "stage", verb="POST", item="vm-lin-01", stage=stage)
        assert state(classic.get("vm-lin-01")) == expected
    snapshot = control(classic, "state")
    assert snapshot["items"]["vm-lin-01"]["running_in"] == "onprem"
    assert snapshot["generation"] == "classic"
    answer = requests.post(classic.lab.control_url + "/stage", json={"item": "vm-lin-01", "stage": "sideways"}, verify=classic.lab.ca_bundle,
                           timeout=10)
    assert answer.status_code == 400 and "stage must be one of" in answer.json()["error"]


def test_deployed_process_server_registers_after_a_delay(classic):
    lab = classic.lab
    token = credential(lab).get_token(AUDIENCE).token
    url = lab.arm_endpoint + "subscriptions/%s/resourceGroups/rg-dr-recovery/providers/Microsoft.Resources/deployments/ps-azure" % lab.subscription_id
    answer = requests.put(url, params={"api-version": "2024-03-01"}, headers={"Authorization": "Bearer " + token}, verify=lab.ca_bundle, timeout=10,
                          json={"properties": {"mode": "Incremental", "template": {"resources": []},
                                               "parameters": {"processServerName": {"value": "ps-azure-01"}}}})
    assert answer.status_code == 201 and answer.json()["properties"]["provisioningState"] == "Accepted"
    names = [p.friendly_name for p in classic.fabric().properties.custom_details.process_servers]
    assert names == ["cs-lab-01"]
    deadline = time.monotonic() + 20
    while "ps-azure-01" not in [p.friendly_name for p in classic.fabric().properties.custom_details.process_servers]:
        assert time.monotonic() < deadline, "the deployed process server never registered"
        time.sleep(0.3)


def job_state(items, job_id):
    return items.client.replication_jobs.get(items.group, items.vault, job_id).properties


def test_jobs_can_be_suspended_resumed_and_cancelled(classic):
    control(classic, "faults", verb="POST", kind="job", action="unplannedFailover", item="vm-win-01", suspend_at_task=3)
    poller = classic.client.replication_protected_items.begin_unplanned_failover(*classic.address("vm-win-01"), FAILOVER)
    job_id = classic.get("vm-win-01").properties.current_scenario.job_id.rsplit("/", 1)[1]
    deadline = time.monotonic() + 10
    while job_state(classic, job_id).state != "Suspended":
        assert time.monotonic() < deadline
        time.sleep(0.2)
    suspended = job_state(classic, job_id)
    assert suspended.allowed_actions == ["Resume"]
    assert [t.state for t in suspended.tasks][3:] == ["Suspended", "NotStarted"]
    with pytest.raises(HttpResponseError):  # a failover job does not offer Cancel
        classic.client.replication_jobs.begin_cancel(classic.group, classic.vault, job_id).result()
    resumed = classic.client.replication_jobs.begin_resume(classic.group, classic.vault, job_id, {"properties": {"comments": ""}}).result()
    assert resumed.properties.state in ("InProgress", "Succeeded")
    assert state(poller.result())[1] == "UnplannedFailoverCommitPendingStatesBegin"

    # An UpdateVmProperties job can be cancelled: the properties stay as they were.
    control(classic, "faults", verb="POST", kind="job", action="updateVmProperties", never_ends=True)
    details = classic.get("vm-lin-01").properties.provider_specific_details
    classic.client.replication_protected_items.begin_update(*classic.address("vm-lin-01"), {"properties": {"recoveryAzureVMSize": "Standard_D8s_v3"}})
    job_id = classic.get("vm-lin-01").properties.current_scenario.job_id.rsplit("/", 1)[1]
    cancelled = classic.client.replication_jobs.begin_cancel(classic.group, classic.vault, job_id).result()
    assert cancelled.properties.state == "Cancelled"
    assert classic.get("vm-lin-01").properties.provider_specific_details.recovery_azure_vm_size == details.recovery_azure_vm_size


def test_a_held_job_stays_at_its_task_until_released(classic):
    lab = classic.lab
    assert labrunner.hold(lab, "vm-win-01", "unplannedFailover") == dict(
        item="vm-win-01", action="unplannedFailover", hold=True, job=None, state=None, task=None, agent_registered=True)
    poller = classic.client.replication_protected_items.begin_unplanned_failover(*classic.address("vm-win-01"), FAILOVER)
    job_id = classic.get("vm-win-01").properties.current_scenario.job_id.rsplit("/", 1)[1]
    time.sleep(0.5)  # more than the whole failover takes at the tests' time scale
    held = job_state(classic, job_id)
    assert held.state == "InProgress" and [t.state for t in held.tasks] == ["InProgress"] + ["NotStarted"] * 4
    assert control(classic, "state")["items"]["vm-win-01"]["job"] == job_id
    # A hold of another action or item holds nothing; a second action is still refused.
    assert labrunner.hold(lab, "vm-win-01", "failoverCommit")["job"] is None
    labrunner.release(lab, "vm-win-01", "failoverCommit")
    assert labrunner.release(lab, "vm-lin-01")["job"] is None
    with pytest.raises(HttpResponseError) as raised:
        classic.act("vm-win-01", "unplanned_failover", FAILOVER)
    assert raised.value.status_code == 409
    assert labrunner.release(lab, "vm-win-01", "unplannedFailover") == dict(
        item="vm-win-01", action="unplannedFailover", hold=False, job=job_id, state="InProgress", task="VmUfoPrerequisitesCheck",
        agent_registered=True)
    assert state(poller.result())[1] == "UnplannedFailoverCommitPendingStatesBegin"
    tasks = job_state(classic, job_id).tasks
    assert [t.state for t in tasks] == ["Succeeded", "Other", "Other", "Succeeded", "Succeeded"]
    assert (tasks[0].end_time - tasks[0].start_time).total_seconds() >= 0.5  # the held task lasted the hold
    # The tasks after it took what they take: 90 % and 8 % of the 100 s failover, at the tests' time scale.
    scale = control(classic, "state")["time_scale"]
    assert abs((tasks[3].end_time - tasks[3].start_time).total_seconds() - 90 * scale) < 1e-5
    assert abs((tasks[4].end_time - tasks[4].start_time).total_seconds() - 8 * scale) < 1e-5
    assert tasks[4].end_time == job_state(classic, job_id).end_time


def test_the_job_list_honours_the_odata_filter(classic):
    classic.act("vm-win-01", "unplanned_failover", FAILOVER)
    labrunner.hold(classic.lab, "vm-lin-01", "unplannedFailover")
    classic.client.replication_protected_items.begin_unplanned_failover(*classic.address("vm-lin-01"), FAILOVER)
    [done] = [j for j in classic.jobs() if j.properties.target_object_name == "vm-win-01"]
    [running] = [j for j in classic.jobs() if j.properties.target_object_name == "vm-lin-01"]
    classic.job_once(running.name, ("InProgress",))
    fabric = classic.fabric()

    def listed(odata):
        return sorted(j.properties.target_object_name for j in classic.client.replication_jobs.list(classic.group, classic.vault, filter=odata))

    both = ["vm-lin-01", "vm-win-01"]
    assert listed("jobStatus eq 'InProgress'") == ["vm-lin-01"]
    assert listed("( JobStatus eq 'Succeeded' or JobStatus eq 'Failed' )") == listed("jobStatus eq 'Completed'") == ["vm-win-01"]
    assert listed("jobName eq 'UnplannedFailover'") == both and listed("jobName eq '%s'" % done.name) == ["vm-win-01"]
    started = running.properties.start_time
    assert listed("startTime eq '%s'" % started.isoformat()) == ["vm-lin-01"]
    assert listed("endTime eq '%s'" % done.properties.start_time.isoformat()) == ["vm-win-01"]
    local = (started + datetime.timedelta(hours=2)).replace(tzinfo=None).isoformat()  # two hours east of UTC, no offset written
    assert listed("startTime eq '%s' and timezoneOffset eq '120'" % local) == ["vm-lin-01"]
    assert listed("startTime eq '%s' and jobStatus eq 'Succeeded'" % started.isoformat()) == []
    assert listed("fabricId eq '%s' and affectedObjectTypes eq 'Any'" % fabric.id) == listed("affectedObjectTypes eq 'ProtectionEntity'") == both
    assert listed("fabricId eq 'other-fabric'") == listed("affectedObjectTypes eq 'RecoveryPlan'") == []
    with pytest.raises(HttpResponseError) as raised:
        listed("state gt 'x'")
    assert raised.value.status_code == 400 and raised.value.error.code == "InvalidFilter"
    labrunner.release(classic.lab, "vm-lin-01", "unplannedFailover")


def test_vcenters_sizes_and_networks(classic):
    fabric = classic.fabric()
    [vcenter] = list(classic.client.replicationv_centers.list_by_replication_fabrics(classic.group, classic.vault, fabric.name))
    assert vcenter.properties.ip_address == classic.lab.vcenter["host"]
    assert vcenter.properties.port == str(classic.lab.vcenter["port"])
    sizes = arm_get(classic.lab, "/subscriptions/%s/providers/Microsoft.Compute/locations/westeurope/vmSizes" % classic.lab.subscription_id, COMPUTE)
    assert {"name": "Standard_D2s_v3", "numberOfCores": 2}.items() <= next(s for s in sizes["value"] if s["name"] == "Standard_D2s_v3").items()
    network = arm_get(classic.lab, "/subscriptions/%s/resourceGroups/rg-dr-recovery/providers/Microsoft.Network/virtualNetworks/vnet-dr"
                      % classic.lab.subscription_id, "2024-05-01")
    assert [s["name"] for s in network["properties"]["subnets"]] == ["default"]
    item_network = classic.get("vm-win-01").properties.provider_specific_details.selected_recovery_azure_network_id
    assert item_network.lower() == network["id"].lower()


def test_resync_required_allows_repair_replication(classic):
    machine = "vm-win-02"
    assert "RepairReplication" not in classic.get(machine).properties.allowed_operations
    with pytest.raises(HttpResponseError) as raised:
        classic.act(machine, "repair_replication")
    assert raised.value.error.code == "OperationNotAllowed"
    control(classic, "health", verb="POST", item=machine, resync_required=True)
    item = classic.get(machine)
    assert "RepairReplication" in item.properties.allowed_operations
    assert item.properties.replication_health == "Critical"
    assert item.properties.health_errors[0].recommended_action.startswith("Resynchronize")
    repaired = classic.act(machine, "repair_replication")
    assert repaired.properties.replication_health == "Normal"
    assert "RepairReplication" not in repaired.properties.allowed_operations


def test_replicate_is_refused_for_a_frozen_item_and_answers_the_points(tmp_path):
    """/lab/replicate (the reprotected item's recovery points at once; test_cycle_runner relies on it after a real reprotect)."""
    lab = start_lab(tmp_path / "lab", "classic")
    try:
        labrunner.control(lab, "stage", "POST", item="vm-win-02", stage="failed_over")
        refused = requests.post(lab.control_url + "/replicate", json={"item": "vm-win-02"}, verify=lab.ca_bundle, timeout=10)
        assert refused.status_code == 400 and "does not replicate now" in refused.json()["error"]
        answer = labrunner.control(lab, "replicate", "POST", item="vm-lin-01", minutes=30)
        assert answer["machine"] == "vm-lin-01" and answer["recovery_points"] > 0 and answer["newest"]
    finally:
        lab.stop()


def test_jobs_lists_each_job_by_item_and_action(classic):
    assert control(classic, "jobs") == []
    classic.act("vm-win-01", "unplanned_failover", FAILOVER)
    [job] = control(classic, "jobs")
    assert (job["item"], job["action"], job["scenario"], job["state"]) == ("vm-win-01", "unplannedFailover", "UnplannedFailover", "Succeeded")
    assert job["start"] <= job["end"]
    assert control(classic, "state")["jobs"] == 1


def test_a_closed_gate_keeps_matching_requests_until_it_opens(classic):
    """Two clients' failover POSTs of one item let go at once: one job starts, the other POST is refused (409)."""
    assert control(classic, "gate", verb="POST", method="POST", path="unplannedFailover", hold=True)["closed"]
    answers = []

    def post():
        try:
            classic.client.replication_protected_items.begin_unplanned_failover(*classic.address("vm-win-01"), FAILOVER, polling=False)
            answers.append(202)
        except HttpResponseError as error:
            answers.append(error.status_code)

    posts = [threading.Thread(target=post), threading.Thread(target=post)]
    for thread in posts:
        thread.start()
    waiting = labrunner.until(lambda: len(control(classic, "gate")["waiting"]) == 2 and control(classic, "gate")["waiting"], "two POSTs at the gate")
    assert all(method == "POST" and path.endswith("/unplannedFailover") for method, path in waiting), waiting
    classic.get("vm-win-01")  # a read is not kept
    assert answers == [] and control(classic, "jobs") == []
    assert not control(classic, "gate", verb="POST", hold=False)["closed"]
    for thread in posts:
        thread.join(timeout=30)
    assert sorted(answers) == [202, 409]
    assert [j["action"] for j in control(classic, "jobs")] == ["unplannedFailover"]


def test_a_gate_lets_its_requests_go_one_by_one(classic):
    """The second POST let go after the first one's job has ended: ASR refuses it as not allowed in the new state (400)."""
    control(classic, "gate", verb="POST", method="POST", path="unplannedFailover", hold=True)
    answers = []

    def post():
        try:
            classic.client.replication_protected_items.begin_unplanned_failover(*classic.address("vm-win-01"), FAILOVER, polling=False)
            answers.append(202)
        except HttpResponseError as error:
            answers.append(error.status_code)

    posts = [threading.Thread(target=post), threading.Thread(target=post)]
    for thread in posts:
        thread.start()
    labrunner.until(lambda: len(control(classic, "gate")["waiting"]) == 2, "two POSTs at the gate")
    assert control(classic, "gate", verb="POST", let_go=1)["let"] == 1
    labrunner.until(lambda: [j["state"] for j in control(classic, "jobs")] == ["Succeeded"], "the first POST's job ended")
    assert answers == [202] and len(control(classic, "gate")["waiting"]) == 1
    assert control(classic, "gate", verb="POST", let_go=1)["closed"]
    for thread in posts:
        thread.join(timeout=30)
    assert answers == [202, 400] and len(control(classic, "jobs")) == 1
    assert control(classic, "gate", verb="POST", let_go=1)["let"] == 0


def test_a_request_held_longer_than_its_clients_read_timeout_is_kept_alive(classic):
    """A held request hears an interim 100 Continue every keep_alive_seconds: its client's read timeout (azure-core's is
    300 s; here 2 s) does not end it while it waits, and its real answer comes once it is let go."""
    assert control(classic, "gate", verb="POST", method="POST", path="unplannedFailover", hold=True, keep_alive_seconds=0.5)["closed"]
    answers = []

    def post():
        try:
            classic.client.replication_protected_items.begin_unplanned_failover(*classic.address("vm-lin-01"), FAILOVER, polling=False,
                                                                                read_timeout=2)
            answers.append(202)
        except (HttpResponseError, ServiceResponseError) as error:
            answers.append(repr(error))

    thread = threading.Thread(target=post)
    thread.start()
    labrunner.until(lambda: len(control(classic, "gate")["waiting"]) == 1, "the POST at the gate")
    held = time.monotonic()
    labrunner.until(lambda: time.monotonic() - held > 4 or answers, "four seconds held (twice the client's read timeout)")
    assert answers == [], answers
    assert control(classic, "gate", verb="POST", let_go=1)["let"] == 1
    thread.join(timeout=30)
    control(classic, "gate", verb="POST", hold=False)
    assert answers == [202]


def test_keep_alive_seconds_must_be_positive(classic):
    answer = requests.post(classic.lab.control_url + "/gate", json={"hold": True, "keep_alive_seconds": 0}, verify=classic.lab.ca_bundle, timeout=10)
    assert answer.status_code == 400 and "keep_alive_seconds" in answer.json()["error"]
    assert not control(classic, "gate")["closed"]
