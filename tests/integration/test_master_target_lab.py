# -*- coding: utf-8 -*-
"""vmware_master_target from the installed collection against the lab's vCenter, standalone ESXi and ASR: good and bad
master targets and datastores, a Linux machine refused through a Windows master target, the Storage DRS override set once
(check mode first, then for real, then unchanged), a DRS override only when asked, the hand-off to asr_reprotect, the
standalone ESXi report; and the vSphere client's connection errors.

The module tasks of one scenario run in one ansible-playbook run (each registered, ignore_errors), which keeps the file fast;
vCenter's state is put in place before each run and read back after it through pyvmomi.
"""

from __future__ import annotations

import sys

import pytest
from installed_collection import run_playbook, write_playbook
from lab_tasks import control
from labrunner import ROOT, find, start_lab, vsphere_client
from pyVim.task import WaitForTask
from pyVmomi import vim

from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError
from ansible_collections.siterecovery.vmware.plugins.module_utils._vsphere_client import VSphereClient

MODULE = "siterecovery.vmware.vmware_master_target"
CLONE = "mt-lin-01-clone"


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    running = start_lab(tmp_path_factory.mktemp("master-target"), "classic")
    yield running
    running.stop()


@pytest.fixture
def vsphere(lab):
    client = vsphere_client(lab)
    yield client
    client.close()


def sdrs_override(vsphere, vm_name):
    pod = find(vsphere.content, vim.StoragePod, "dsc-lab")
    vm = vsphere.vm(vm_name)
    found = next((c for c in pod.podStorageDrsEntry.storageDrsConfig.vmConfig if c.vm == vm), None)
    return None if found is None else {"enabled": found.enabled, "behavior": found.behavior}


def drs_override(vsphere, vm_name):
    cluster = find(vsphere.content, vim.ClusterComputeResource, "cluster-lab")
    vm = vsphere.vm(vm_name)
    found = next((c for c in cluster.configurationEx.drsVmConfig if c.key == vm), None)
    return None if found is None else {"enabled": found.enabled, "behavior": str(found.behavior)}


def clear_overrides(vsphere, *vm_names):
    """No Storage DRS or DRS VM override for these VMs: the start every test here expects."""
    content = vsphere.content
    pod = find(content, vim.StoragePod, "dsc-lab")
    cluster = find(content, vim.ClusterComputeResource, "cluster-lab")
    for name in vm_names:
        vm = vsphere.vm(name)
        if sdrs_override(vsphere, name) is not None:
            spec = vim.storageDrs.ConfigSpec(vmConfigSpec=[vim.storageDrs.VmConfigSpec(operation="remove", removeKey=vm)])
            WaitForTask(content.storageResourceManager.ConfigureStorageDrsForPod_Task(pod=pod, spec=spec, modify=True))
        if drs_override(vsphere, name) is not None:
            spec = vim.cluster.ConfigSpecEx(drsVmConfigSpec=[vim.cluster.DrsVmConfigSpec(operation="remove", removeKey=vm)])
            WaitForTask(cluster.ReconfigureComputeResource_Task(spec=spec, modify=True))
        assert sdrs_override(vsphere, name) is None and drs_override(vsphere, name) is None


def play(installed_env, lab, tmp_path, steps, env=None):
    """Run ``steps`` ([(label, module, args, check_mode)]) in one playbook; return {label: registered result}."""
    tasks = []
    for label, module, args, check in steps:
        task = {"name": label, module: args, "register": label, "ignore_errors": True}
        if check:
            task["check_mode"] = True
        tasks.append(task)
    tasks.append({"name": "results", "ansible.builtin.debug": {"msg": "{{ dict(%s) }}" % ", ".join("%s=%s" % (s[0], s[0]) for s in steps)}})
    run_env = dict(installed_env, **lab.env) if env is None else env
    done, result = run_playbook(run_env, write_playbook(tmp_path, tasks))
    output = done.stdout + done.stderr
    assert result is not None and isinstance(result.get("msg"), dict), output
    for secret in (lab.client_secret, lab.vcenter["password"], lab.esxi["password"]):
        assert secret not in output
    return result["msg"]


def statuses(result):
    return {c["name"]: c["status"] for c in result["checks"]}


def failed_checks(result):
    return sorted(c["name"] for c in result["checks"] if c["status"] == "fail")


LIN = {"name": "mt-lin-01", "protected_item": "vm-lin-01", "datastore": "ds-vmfs-02"}


@pytest.fixture(scope="module")
def vcenter_runs(installed_env, lab, tmp_path_factory):
    """The vCenter scenarios, in one playbook run, from a vCenter without overrides and vm-lin-01 failed over and committed.

    cs-lab-01 (the configuration server, also a Windows master target in ASR's record) stops sending heartbeats and reports
    a health error meanwhile.
    """
    client = vsphere_client(lab)
    try:
        clear_overrides(client, "mt-lin-01", "mt-win-01")
        control(lab, "reset", "POST")
        control(lab, "stage", "POST", item="vm-lin-01", stage="committed")
        control(lab, "component", "POST", kind="master_target", name="cs-lab-01", heartbeat_minutes_ago=90,
                health_errors=[{"code": "78140", "message": "The master target's services are stopped.", "severity": "Error",
                                "recommended_action": "Start the services."}])
        before = {"lin_drs": drs_override(client, "mt-lin-01")}
        windows = {"name": "mt-win-01", "protected_item": "vm-win-02"}
        steps = [
            ("lin_check", MODULE, LIN, True),
            ("lin_apply", MODULE, LIN, False),
            ("lin_again", MODULE, LIN, False),
            ("refused", MODULE, {"name": "mt-win-01", "protected_item": "vm-lin-01", "datastore": "ds-vmfs-01"}, False),
            ("bad", MODULE, {"name": "mt-bad-01", "os_type": "Windows", "os_version": "Windows Server 2016", "datastore": "ds-vmfs-01"}, False),
            ("older", MODULE, {"name": "mt-win-01", "os_type": "windows", "os_version": "Windows Server 2022", "datastore": "ds-vmfs-01",
                               "storage_drs_override": False,
                               "fail_on_failed_checks": False}, False),
            ("nfs", MODULE, dict(windows, datastore="ds-nfs-01"), False),
            ("nfs_not_mounted", MODULE, dict(LIN, datastore="ds-nfs-01"), False),
            ("vsan_not_in_asr", MODULE, dict(windows, datastore="ds-vsan-01", required_retention_gb=500), False),
            ("drs", MODULE, dict(windows, datastore="ds-vmfs-01", drs_override=True, required_retention_gb=100), False),
            ("drs_again", MODULE, dict(windows, datastore="ds-vmfs-01", drs_override=True, required_retention_gb=100), False),
            ("unhealthy", MODULE, {"name": "cs-lab-01", "os_type": "windows", "datastore": "ds-vmfs-01", "storage_drs_override": False,
                                   "fail_on_failed_checks": False}, False),
            ("fabric", "siterecovery.vmware.asr_fabric_info", {}, False),
            ("reprotect", "siterecovery.vmware.asr_reprotect", {
                "name": "vm-lin-01", "direction": "to_onprem", "master_target": "{{ lin_apply.master_target.name }}",
                "datastore": "{{ lin_apply.datastore_name }}", "retention_drive": "{{ lin_apply.retention_drive }}"}, True),
        ]
        results = play(installed_env, lab, tmp_path_factory.mktemp("vcenter-play"), steps)
        after = {name: (sdrs_override(client, name), drs_override(client, name)) for name in ("mt-lin-01", "mt-win-01")}
        return before, results, after
    finally:
        control(lab, "component", "POST", kind="master_target", name="cs-lab-01", heartbeat_minutes_ago=None, health_errors=[])
        client.close()


def test_good_linux_master_target_is_ready(vcenter_runs):
    _before, runs, _after = vcenter_runs
    result = runs["lin_apply"]
    assert not result.get("failed"), result["msg"]
    assert result["summary"] == {"pass": 17, "warn": 1, "fail": 0}
    assert statuses(result)["retention_volume"] == "warn"  # required_retention_gb not given: free space not judged
    assert all(c["reason"] and c["source"] for c in result["checks"])
    master = result["master_target"]
    assert (master["name"], master["vm_name"], master["host"], master["cluster"]) == ("mt-lin-01", "mt-lin-01", "esx-02.lab.local", "cluster-lab")
    assert (master["os_type"], master["os_version"], master["health"]) == ("Linux", "RHEL 8.6", "Normal")
    assert result["writable_datastores"] == ["ds-vmfs-01", "ds-vmfs-02", "ds-vmfs-03", "ds-vsan-01"]  # not ds-nfs-01: not mounted on esx-02
    assert (result["datastore_name"], result["retention_drive"]) == ("ds-vmfs-02", "/mnt/retention")
    assert result["protected_machine"]["os_type"] == "Linux" and result["original_vm_exists"] is True
    assert result["standalone_esxi"] is False


def test_what_the_reprotect_needs_matches_asr(vcenter_runs):
    _before, runs, _after = vcenter_runs
    [fabric] = runs["fabric"]["fabrics"]
    record = next(m for m in fabric["master_targets"] if m["name"] == "mt-lin-01")
    assert runs["lin_apply"]["master_target"]["asr_id"] == record["id"]
    reprotect = runs["reprotect"]
    assert not reprotect.get("failed"), reprotect["msg"]
    details = reprotect["request"]["properties"]["providerSpecificDetails"]
    assert (details["masterTargetId"], details["datastoreName"], details["retentionDrive"]) == (record["id"], "ds-vmfs-02", "/mnt/retention")


def test_storage_drs_override_check_mode_then_once_then_unchanged(vcenter_runs):
    before, runs, after = vcenter_runs
    check, apply, again = runs["lin_check"], runs["lin_apply"], runs["lin_again"]
    assert check["changed"] is True and "would be disabled" in next(c["reason"] for c in check["checks"] if c["name"] == "storage_drs")
    assert check["diff"] == {"before": {"storage_drs": {"dsc-lab": None}}, "after": {"storage_drs": {"dsc-lab": {"enabled": False, "behavior": None}}}}
    # The real run found no override: check mode wrote nothing.
    assert apply["changed"] is True and apply["diff"]["before"] == {"storage_drs": {"dsc-lab": None}}
    assert apply["overrides"] == {"storage_drs": {"dsc-lab": {"enabled": False, "behavior": None}}}
    assert again["changed"] is False and again["diff"]["before"] == again["diff"]["after"] == apply["overrides"]
    assert after["mt-lin-01"][0] == {"enabled": False, "behavior": None}
    # No DRS override unless asked: the cluster's settings are left alone.
    assert before["lin_drs"] is None and after["mt-lin-01"][1] is None and "drs" not in apply["overrides"]


def test_linux_machine_through_windows_master_target_is_refused(vcenter_runs):
    _before, runs, _after = vcenter_runs
    result = runs["refused"]
    assert result["failed"] is True and failed_checks(result) == ["os_match"]
    assert "vm-lin-01 runs Linux" in result["msg"] and "only through a Linux master target" in result["msg"]
    # Nothing is prepared when a check fails.
    assert result["changed"] is False and result["diff"]["before"] == result["diff"]["after"] == {"storage_drs": {"dsc-lab": None}}
    assert statuses(result)["storage_drs"] == "warn"


def test_master_target_that_breaks_every_rule(vcenter_runs):
    _before, runs, _after = vcenter_runs
    result = runs["bad"]
    assert result["failed"] is True and result["changed"] is False
    assert failed_checks(result) == ["asr_registered", "datastore_writable", "disk_enable_uuid", "scsi_controller", "snapshots", "vmware_tools"]
    reasons = {c["name"]: c["reason"] for c in result["checks"]}
    assert "paravirtual" in reasons["scsi_controller"] and "before-patching" in reasons["snapshots"]
    assert "mounted readOnly on esx-03.lab.local" in reasons["datastore_writable"]
    assert "ds-vmfs-01" not in result["writable_datastores"] and result["master_target"]["asr_id"] is None
    for name in failed_checks(result):
        assert reasons[name] in result["msg"]


def test_older_windows_master_target_and_report_only(vcenter_runs):
    _before, runs, _after = vcenter_runs
    result = runs["older"]
    assert not result.get("failed") and result["summary"]["fail"] == 1 and failed_checks(result) == ["os_match"]
    assert "runs Windows Server 2019, older than" in result["msg"] and "(Windows Server 2022)" in result["msg"]
    assert statuses(result)["storage_drs"] == "warn" and result["changed"] is False  # storage_drs_override: false


@pytest.mark.parametrize("run, failing, fragment", [
    ("nfs", ["datastore_in_asr", "datastore_type"], "datastore ds-nfs-01 is NFS"),
    ("nfs_not_mounted", ["datastore_in_asr", "datastore_writable"], "datastore ds-nfs-01 is not mounted on esx-02.lab.local"),
    ("vsan_not_in_asr", ["datastore_in_asr", "retention_volume"], "does not list datastore ds-vsan-01 (it lists: ds-vmfs-01, ds-vmfs-02)"),
])
def test_datastores_that_failback_cannot_use(vcenter_runs, run, failing, fragment):
    _before, runs, _after = vcenter_runs
    result = runs[run]
    assert result["failed"] is True and failed_checks(result) == failing and fragment in result["msg"]
    assert result["changed"] is False


def test_drs_override_only_when_asked_and_once(vcenter_runs):
    _before, runs, after = vcenter_runs
    first, second = runs["drs"], runs["drs_again"]
    assert not first.get("failed"), first["msg"]
    assert statuses(first)["retention_volume"] == "pass"  # 180 GB free >= 100 GB
    assert first["changed"] is True and first["diff"]["before"] == {"storage_drs": {"dsc-lab": None}, "drs": {"cluster-lab": None}}
    assert first["overrides"]["drs"] == {"cluster-lab": {"enabled": True, "behavior": "manual"}}
    assert second["changed"] is False and second["overrides"] == first["overrides"]
    assert after["mt-win-01"] == ({"enabled": False, "behavior": None}, {"enabled": True, "behavior": "manual"})


def test_asr_unhealthy_master_target(vcenter_runs):
    _before, runs, _after = vcenter_runs
    result = runs["unhealthy"]
    assert failed_checks(result) == ["asr_health_errors", "asr_heartbeat", "disk_enable_uuid"]
    reasons = {c["name"]: c["reason"] for c in result["checks"]}
    assert "minutes old" in reasons["asr_heartbeat"] and "78140: The master target's services are stopped." in reasons["asr_health_errors"]
    assert result["master_target"]["health"] == "Critical"


def test_disk_uuid_shared_with_a_clone(installed_env, lab, vsphere, tmp_path):
    """A VM whose disk kept the master target's UUID (cloned from the same template) fails the check, naming it."""
    uuids = [d.backing.uuid for d in vsphere.vm("mt-lin-01").config.hardware.device if isinstance(d, vim.vm.device.VirtualDisk)]
    assert len(uuids) == 2 and all(uuids)
    clone = vsphere.create_vm(CLONE, "esx-01.lab.local", "ds-vmfs-01", "rhel8_64Guest", disks=1, disk_uuids=uuids[1:])
    try:
        runs = play(installed_env, lab, tmp_path, [("shared", MODULE, dict(LIN, storage_drs_override=False), False)])
    finally:
        WaitForTask(clone.Destroy_Task())
    result = runs["shared"]
    assert failed_checks(result) == ["disk_uuid_unique"]
    assert "%s) with %s" % (uuids[1], CLONE) in result["msg"]


def test_standalone_esxi(installed_env, lab, tmp_path):
    """Without the ASR options (no Azure client), on an ESXi host no vCenter manages."""
    esxi = lab.esxi
    host = vsphere_client_for(lab, esxi)
    try:
        vm = host.vm("esx-vm-win-01")
        WaitForTask(vm.ReconfigVM_Task(spec=vim.vm.ConfigSpec(extraConfig=[vim.option.OptionValue(key="disk.EnableUUID", value="TRUE")])))
    finally:
        host.close()
    env = {k: v for k, v in dict(installed_env, **lab.env).items() if not k.startswith(("ASR_", "AZURE_"))}
    connection = {"hostname": esxi["host"], "port": esxi["port"], "username": esxi["user"], "password": esxi["password"]}
    base = dict(connection, name="esx-vm-win-01", os_type="windows", os_version="Windows Server 2016", datastore="datastore1")
    runs = play(installed_env, lab, tmp_path, [
        ("kept", MODULE, dict(base, original_vm="esx-vm-lin-01"), False),
        ("gone", MODULE, dict(base, original_vm="vm-win-01"), False),
        ("needs_vault", MODULE, dict(connection, name="esx-vm-win-01", protected_item="vm-win-01"), False),
    ], env=env)
    kept, gone = runs["kept"], runs["gone"]
    assert not kept.get("failed"), kept["msg"]
    assert kept["standalone_esxi"] is True and kept["original_vm_exists"] is True and gone["original_vm_exists"] is False
    location = next(c for c in kept["checks"] if c["name"] == "failback_location")
    assert location["status"] == "warn" and "creates a new VM on the master target's host esx-dr-01.lab.local (alternate location)" in location["reason"]
    assert "The original VM vm-win-01 does not exist on it." in next(c["reason"] for c in gone["checks"] if c["name"] == "failback_location")
    assert statuses(kept)["retention_volume"] == "warn" and kept["master_target"]["asr_id"] is None
    assert kept["writable_datastores"] == ["datastore1"] and kept["changed"] is False
    assert runs["needs_vault"]["failed"] is True and "protected_item and fabric need the vault" in runs["needs_vault"]["msg"]


def vsphere_client_for(lab, info):
    """The lab's pyvmomi client (lab/asrlab/vcenter.py) for the vCenter or the ESXi that ``info`` describes."""
    if str(ROOT / "lab") not in sys.path:
        sys.path.insert(0, str(ROOT / "lab"))
    from asrlab.vcenter import VSphere  # pylint: disable=import-outside-toplevel  # the lab is not an installed package

    return VSphere(info["host"], info["port"], info["user"], info["password"], lab.ca_bundle)


# ---- the client's connection, straight from the source tree ---------------------------------------

def test_client_connects_with_the_lab_ca_and_knows_vcenter_from_esxi(lab):
    vcenter = VSphereClient.connect(lab.vcenter["host"], lab.vcenter["user"], lab.vcenter["password"], lab.vcenter["port"], ca_path=lab.ca_bundle)
    esxi = VSphereClient.connect(lab.esxi["host"], lab.esxi["user"], lab.esxi["password"], lab.esxi["port"], ca_path=lab.ca_bundle)
    try:
        assert vcenter.is_vcenter and vcenter.about()["api_type"] == "VirtualCenter"
        assert not esxi.is_vcenter and esxi.about()["api_type"] == "HostAgent"
    finally:
        vcenter.close()
        esxi.close()


@pytest.mark.parametrize("change, code, fragment", [
    ({"password": "wrong"}, "InvalidLogin", "check username and password"),
    ({"ca_path": None}, "CertificateVerifyFailed", "set ca_path (VMWARE_CA_PATH)"),
    ({"port": 1}, "Unreachable", "hostname and port"),
])
def test_client_connection_errors(lab, monkeypatch, change, code, fragment):
    # Without ca_path the default bundle is used: the system's, which lacks the lab's CA.
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    args = dict(hostname=lab.vcenter["host"], username=lab.vcenter["user"], password=lab.vcenter["password"], port=lab.vcenter["port"],
                ca_path=lab.ca_bundle)
    args.update(change)
    with pytest.raises(SiteRecoveryError) as caught:
        VSphereClient.connect(timeout=5, **args)
    error = caught.value
    assert error.code == code and fragment in error.to_result()["msg"]
    assert lab.vcenter["password"] not in error.to_result()["msg"]


def test_client_without_verification_still_uses_an_explicit_context(lab):
    client = VSphereClient.connect(lab.vcenter["host"], lab.vcenter["user"], lab.vcenter["password"], lab.vcenter["port"], validate_certs=False)
    try:
        assert client.about()["api_type"] == "VirtualCenter"
    finally:
        client.close()
