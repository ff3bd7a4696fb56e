# -*- coding: utf-8 -*-
"""The lab's vCenter and standalone ESXi (govmomi's simulator via lab/vcsim), through the real pyvmomi over TLS."""

from __future__ import annotations

import json
import pathlib
import ssl
import sys
import time

import pytest
import yaml
from labrunner import find
from pyVim.connect import Disconnect, SmartConnect
from pyVim.task import WaitForTask
from pyVmomi import vim, vmodl

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "lab"))

from asrlab import vcenter  # noqa: E402  pylint: disable=wrong-import-position
from asrlab.certs import make_certificates, system_bundle  # noqa: E402  pylint: disable=wrong-import-position

HOST1, HOST2, HOST3 = vcenter.HOSTS
SCENARIOS = pathlib.Path(__file__).resolve().parents[2] / "lab" / "scenarios"


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    return make_certificates(tmp_path_factory.mktemp("vcsim-tls"))


@pytest.fixture(scope="module")
def vcenter_info(tmp_path_factory, certs):
    info = vcenter.start_simulator(tmp_path_factory.mktemp("vcsim-vcenter"), certs, vcenter.inventory_for("classic"), ttl=300)
    yield info
    vcenter.stop_simulator(info)


@pytest.fixture(scope="module")
def esx_info(tmp_path_factory, certs):
    info = vcenter.start_simulator(tmp_path_factory.mktemp("vcsim-esx"), certs, vcenter.inventory_for("classic", kind="esx"), kind="esx", ttl=300)
    yield info
    vcenter.stop_simulator(info)


def connect(info, context):
    return SmartConnect(host=info["host"], port=info["port"], user=info["user"], pwd=info["password"], sslContext=context)


@pytest.fixture(scope="module")
def content(vcenter_info, certs):
    service = connect(vcenter_info, vcenter.ssl_context(certs["bundle"]))
    yield service.RetrieveContent()
    Disconnect(service)


@pytest.fixture(scope="module")
def vsphere(vcenter_info, certs):
    client = vcenter.VSphere.from_info(vcenter_info, certs["bundle"])
    yield client
    client.close()


def mount_mode(datastore, host):
    """readWrite, readOnly, unmounted, or None when the host has no mount of the datastore."""
    for mount in datastore.host:
        if mount.key == host:
            return mount.mountInfo.accessMode if mount.mountInfo.mounted else "unmounted"
    return None


def writable_from(datastore, host):
    """The check failback makes: can the master target's host write the datastore?"""
    return mount_mode(datastore, host) == "readWrite"


def test_ready_file_and_address(vcenter_info):
    assert vcenter_info["host"] == "127.0.0.2"
    assert vcenter_info["url"] == "https://127.0.0.2:%d/sdk" % vcenter_info["port"]
    assert vcenter_info["kind"] == "vcenter"
    ready = json.loads(pathlib.Path(vcenter_info["ready_file"]).read_text())
    assert set(ready) == {"url", "host", "port", "user", "password", "pid", "kind"}
    assert ready["pid"] == vcenter_info["pid"]


def test_tls_verified_login_with_the_lab_ca(content):
    assert content.about.apiType == "VirtualCenter"
    assert content.sessionManager.currentSession.userName == "administrator@vsphere.local"


def test_without_the_lab_ca_the_certificate_is_refused(vcenter_info):
    context = ssl.create_default_context(cafile=str(system_bundle()))
    with pytest.raises(ssl.SSLCertVerificationError):
        connect(vcenter_info, context)


@pytest.mark.parametrize("field", ["password", "user"])
def test_other_credentials_are_refused(vcenter_info, certs, field):
    info = dict(vcenter_info)
    info[field] = "wrong-" + info[field]
    with pytest.raises(vim.fault.InvalidLogin):
        connect(info, vcenter.ssl_context(certs["bundle"]))


def test_datacenter_cluster_and_hosts(content):
    [datacenter] = content.rootFolder.childEntity
    assert datacenter.name == "dc-lab"
    cluster = find(content, vim.ClusterComputeResource, "cluster-lab")
    assert cluster.configurationEx.drsConfig.enabled is True
    assert cluster.configurationEx.drsConfig.defaultVmBehavior == "fullyAutomated"
    assert sorted(host.name for host in cluster.host) == [HOST1, HOST2, HOST3]
    assert {str(host.runtime.connectionState) for host in cluster.host} == {"connected"}
    assert find(content, vim.VirtualMachine, "phys-01") is None


def test_datastore_types(content):
    expected = {"ds-vmfs-01": ("VMFS", vim.host.VmfsDatastoreInfo), "ds-vmfs-02": ("VMFS", vim.host.VmfsDatastoreInfo),
                "ds-vmfs-03": ("VMFS", vim.host.VmfsDatastoreInfo), "ds-vsan-01": ("vsan", vim.host.VsanDatastoreInfo),
                "ds-nfs-01": ("NFS", vim.host.NasDatastoreInfo)}
    datacenter = find(content, vim.Datacenter, "dc-lab")
    assert {ds.name for ds in datacenter.datastore} == set(expected)
    for datastore in datacenter.datastore:
        kind, info_type = expected[datastore.name]
        assert datastore.summary.type == kind
        assert isinstance(datastore.info, info_type)
        assert 0 < datastore.summary.freeSpace < datastore.summary.capacity
    assert find(content, vim.Datastore, "ds-nfs-01").info.nas.remoteHost == "nfs-01.lab.local"


def test_read_only_and_missing_mounts(content):
    hosts = {name: find(content, vim.HostSystem, name) for name in (HOST1, HOST2, HOST3)}
    vmfs = find(content, vim.Datastore, "ds-vmfs-01")
    nfs = find(content, vim.Datastore, "ds-nfs-01")
    assert [mount_mode(vmfs, hosts[name]) for name in (HOST1, HOST2, HOST3)] == ["readWrite", "readWrite", "readOnly"]
    assert [mount_mode(nfs, hosts[name]) for name in (HOST1, HOST2, HOST3)] == ["readWrite", None, "readWrite"]
    assert "ds-nfs-01" not in {ds.name for ds in hosts[HOST2].datastore}
    modes = {m.volume.name: m.mountInfo.accessMode for m in hosts[HOST3].config.fileSystemVolume.mountInfo}
    assert modes["ds-vmfs-01"] == "readOnly"


def test_writable_from_the_master_targets_host_has_both_answers(content):
    vmfs = find(content, vim.Datastore, "ds-vmfs-01")
    nfs = find(content, vim.Datastore, "ds-nfs-01")
    mt_win, mt_lin, mt_bad = (find(content, vim.VirtualMachine, name) for name in ("mt-win-01", "mt-lin-01", "mt-bad-01"))
    assert writable_from(vmfs, mt_win.runtime.host) is True
    assert writable_from(vmfs, mt_lin.runtime.host) is True
    assert writable_from(vmfs, mt_bad.runtime.host) is False  # read-only on esx-03
    assert writable_from(nfs, mt_win.runtime.host) is True
    assert writable_from(nfs, mt_lin.runtime.host) is False  # not mounted on esx-02


def test_datastore_cluster_with_storage_drs(content):
    pod = find(content, vim.StoragePod, "dsc-lab")
    assert sorted(ds.name for ds in pod.childEntity) == ["ds-vmfs-02", "ds-vmfs-03"]
    config = pod.podStorageDrsEntry.storageDrsConfig.podConfig
    assert config.enabled is True
    assert config.defaultVmBehavior == "automated"
    assert pod.summary.capacity == sum(ds.summary.capacity for ds in pod.childEntity)


# name: guest id, family, host, datastore, disks, SCSI controller, disk.EnableUUID, tools running, snapshot
VMS = {
    "vm-win-01": ("windows2019srv_64Guest", "windowsGuest", HOST1, "ds-vmfs-01", 2, vim.vm.device.VirtualLsiLogicSASController, None, True, None),
    "vm-win-02": ("windows9Server64Guest", "windowsGuest", HOST2, "ds-vmfs-02", 1, vim.vm.device.VirtualLsiLogicSASController, None, True, None),
    "vm-lin-01": ("rhel8_64Guest", "linuxGuest", HOST2, "ds-vsan-01", 1, vim.vm.device.ParaVirtualSCSIController, None, True, None),
    "cs-lab-01": ("windows9Server64Guest", "windowsGuest", HOST1, "ds-vmfs-01", 3, vim.vm.device.VirtualLsiLogicSASController, None, True, None),
    "mt-win-01": ("windows2019srv_64Guest", "windowsGuest", HOST1, "ds-vmfs-02", 2, vim.vm.device.VirtualLsiLogicSASController, "TRUE", True, None),
    "mt-lin-01": ("rhel8_64Guest", "linuxGuest", HOST2, "ds-vmfs-03", 2, vim.vm.device.VirtualLsiLogicController, "TRUE", True, None),
    "mt-bad-01": ("windows9Server64Guest", "windowsGuest", HOST3, "ds-vsan-01", 1, vim.vm.device.ParaVirtualSCSIController, None, False,
                  "before-patching"),
}


@pytest.mark.parametrize("name", sorted(VMS))
def test_vm_properties(content, name):
    guest_id, family, host, datastore, disks, controller, enable_uuid, tools_running, snapshot = VMS[name]
    vm = find(content, vim.VirtualMachine, name)
    config = vm.config
    assert config.guestId == guest_id
    assert vm.guest.guestFamily == family
    assert vm.runtime.powerState == "poweredOn"
    assert vm.runtime.host.name == host
    assert [ds.name for ds in vm.datastore] == [datastore]
    devices = config.hardware.device
    assert len([d for d in devices if isinstance(d, vim.vm.device.VirtualDisk)]) == disks
    assert [type(d) for d in devices if isinstance(d, vim.vm.device.VirtualSCSIController)] == [controller]
    assert {o.key: o.value for o in config.extraConfig}.get("disk.EnableUUID") == enable_uuid
    assert vm.guest.toolsRunningStatus == ("guestToolsRunning" if tools_running else "guestToolsNotRunning")
    if snapshot:
        assert [s.name for s in vm.snapshot.rootSnapshotList] == [snapshot]
    else:
        assert vm.snapshot is None


def sdrs_spec(operation, vm=None, **info):
    if operation == "remove":
        return vim.storageDrs.ConfigSpec(vmConfigSpec=[vim.storageDrs.VmConfigSpec(operation="remove", removeKey=vm)])
    return vim.storageDrs.ConfigSpec(vmConfigSpec=[vim.storageDrs.VmConfigSpec(operation=operation, info=vim.storageDrs.VmConfigInfo(vm=vm, **info))])


def test_storage_drs_vm_override(content):
    pod = find(content, vim.StoragePod, "dsc-lab")
    master_target = find(content, vim.VirtualMachine, "mt-win-01")
    manager = content.storageResourceManager

    task = manager.ConfigureStorageDrsForPod_Task(pod=pod, spec=sdrs_spec("add", master_target, enabled=False), modify=True)
    WaitForTask(task)
    assert task.info.entity == pod
    [override] = pod.podStorageDrsEntry.storageDrsConfig.vmConfig
    assert (override.vm, override.enabled) == (master_target, False)

    with pytest.raises(vmodl.fault.InvalidArgument):
        WaitForTask(manager.ConfigureStorageDrsForPod_Task(pod=pod, spec=sdrs_spec("add", master_target, enabled=False), modify=True))

    WaitForTask(manager.ConfigureStorageDrsForPod_Task(pod=pod, spec=sdrs_spec("edit", master_target, behavior="manual"), modify=True))
    [override] = pod.podStorageDrsEntry.storageDrsConfig.vmConfig
    assert (override.enabled, override.behavior) == (False, "manual")

    WaitForTask(manager.ConfigureStorageDrsForPod_Task(pod=pod, spec=sdrs_spec("remove", master_target), modify=True))
    assert list(pod.podStorageDrsEntry.storageDrsConfig.vmConfig) == []
    assert pod.podStorageDrsEntry.storageDrsConfig.podConfig.enabled is True


def test_storage_drs_pod_settings(content):
    pod = find(content, vim.StoragePod, "dsc-lab")
    manager = content.storageResourceManager

    def configure(**settings):
        WaitForTask(manager.ConfigureStorageDrsForPod_Task(pod=pod, spec=vim.storageDrs.ConfigSpec(podConfigSpec=vim.storageDrs.PodConfigSpec(**settings)),
                                                           modify=True))
        return pod.podStorageDrsEntry.storageDrsConfig.podConfig

    config = configure(defaultVmBehavior="manual", ioLoadBalanceEnabled=False)
    assert (config.enabled, config.defaultVmBehavior, config.ioLoadBalanceEnabled) == (True, "manual", False)
    config = configure(defaultVmBehavior="automated", ioLoadBalanceEnabled=True)
    assert (config.enabled, config.defaultVmBehavior, config.ioLoadBalanceEnabled) == (True, "automated", True)
    with pytest.raises(vmodl.fault.InvalidArgument):
        configure(defaultVmBehavior="sometimes")


def test_drs_vm_override(content):
    cluster = find(content, vim.ClusterComputeResource, "cluster-lab")
    master_target = find(content, vim.VirtualMachine, "mt-lin-01")
    info = vim.cluster.DrsVmConfigInfo(key=master_target, enabled=False, behavior="manual")
    add = vim.cluster.ConfigSpecEx(drsVmConfigSpec=[vim.cluster.DrsVmConfigSpec(operation="add", info=info)])
    WaitForTask(cluster.ReconfigureComputeResource_Task(spec=add, modify=True))
    [override] = cluster.configurationEx.drsVmConfig
    assert (override.key, override.enabled, override.behavior) == (master_target, False, "manual")

    remove = vim.cluster.ConfigSpecEx(drsVmConfigSpec=[vim.cluster.DrsVmConfigSpec(operation="remove", removeKey=master_target)])
    WaitForTask(cluster.ReconfigureComputeResource_Task(spec=remove, modify=True))
    assert list(cluster.configurationEx.drsVmConfig) == []


def test_power_off_and_on_through_vsphere(vsphere):
    assert vsphere.power_state("vm-win-02") == "poweredOn"
    assert vsphere.power_off("vm-win-02") is True
    assert vsphere.power_state("vm-win-02") == "poweredOff"
    assert vsphere.vm("vm-win-02").guest.toolsRunningStatus == "guestToolsNotRunning"
    assert vsphere.power_off("vm-win-02") is False
    assert vsphere.power_on("vm-win-02") is True
    assert vsphere.power_state("vm-win-02") == "poweredOn"
    assert vsphere.vm("vm-win-02").guest.toolsRunningStatus == "guestToolsRunning"
    assert vsphere.power_on("vm-win-02") is False
    with pytest.raises(LookupError):
        vsphere.power_state("phys-01")


def test_create_vm_and_reconfigure_extra_config(vsphere):
    assert vsphere.exists("phys-01-failback") is False
    vm = vsphere.create_vm("phys-01-failback", HOST1, "ds-vmfs-01", "windows2019srv_64Guest", disks=[60, 20])
    assert vsphere.exists("phys-01-failback") is True
    assert vsphere.power_state("phys-01-failback") == "poweredOff"
    assert [d.capacityInKB >> 20 for d in vm.config.hardware.device if isinstance(d, vim.vm.device.VirtualDisk)] == [60, 20]

    def extra_config(value):
        WaitForTask(vm.ReconfigVM_Task(spec=vim.vm.ConfigSpec(extraConfig=[vim.option.OptionValue(key="disk.EnableUUID", value=value)])))
        return [o.value for o in vm.config.extraConfig if o.key == "disk.EnableUUID"]

    assert extra_config("FALSE") == ["FALSE"]
    assert extra_config("TRUE") == ["TRUE"]  # replaced, not appended
    assert extra_config("") == []  # an empty value removes the key
    with pytest.raises(ValueError, match="not mounted read-write"):
        vsphere.create_vm("phys-02-failback", HOST3, "ds-vmfs-01", "rhel8_64Guest")


def test_standalone_esxi_is_a_host_agent(esx_info, certs):
    assert esx_info["host"] == "127.0.0.3"
    service = connect(esx_info, vcenter.ssl_context(certs["bundle"]))
    try:
        content = service.RetrieveContent()
        assert content.about.apiType == "HostAgent"
        host = find(content, vim.HostSystem, "esx-dr-01.lab.local")
        assert [(ds.name, ds.summary.type) for ds in host.datastore] == [("datastore1", "VMFS")]
        assert sorted((vm.name, str(vm.runtime.powerState)) for vm in host.vm) == [("esx-vm-lin-01", "poweredOff"), ("esx-vm-win-01", "poweredOn")]
    finally:
        Disconnect(service)


def test_ttl_stops_the_simulator_by_itself(tmp_path, certs):
    info = vcenter.start_simulator(tmp_path, certs, vcenter.inventory_for("classic", kind="esx"), kind="esx", ttl=0.5)
    process = vcenter._PROCESSES[info["pid"]]  # pylint: disable=protected-access
    assert process.wait(timeout=10) == 0
    assert not pathlib.Path(info["ready_file"]).exists()
    assert vcenter.stop_simulator(info) is False


def test_a_wrong_inventory_is_refused_with_its_reason(tmp_path, certs):
    inventory = vcenter.inventory_for("modernized")
    inventory["vms"][0]["scsi"] = "pvscsi"
    started = time.monotonic()
    with pytest.raises(vcenter.SimulatorError, match='unknown field "scsi"'):
        vcenter.start_simulator(tmp_path, certs, inventory, ttl=30)
    assert time.monotonic() - started < 10


def test_modernized_inventory(tmp_path, certs, vcenter_info):
    names = {vm["name"]: vm["power_state"] for vm in vcenter.inventory_for("modernized")["vms"]}
    assert names == {"vm-win-01": "poweredOn", "vm-win-02": "poweredOn", "vm-lin-01": "poweredOn", "appliance-lab-01": "poweredOn"}
    info = vcenter.start_simulator(tmp_path, certs, vcenter.inventory_for("modernized"), ttl=60)
    try:
        assert info["port"] != vcenter_info["port"]
        client = vcenter.VSphere.from_info(info, certs["bundle"])
        assert client.power_state("appliance-lab-01") == "poweredOn"
        assert client.exists("mt-win-01") is False
        client.close()
    finally:
        assert vcenter.stop_simulator(info) is True


@pytest.mark.parametrize("scenario", ["classic", "modernized"])
def test_inventory_matches_the_asr_scenario(scenario):
    """The VMs ASR protects, its master targets and appliance exist in the vCenter, where ASR says they are."""
    described = yaml.safe_load((SCENARIOS / (scenario + ".yml")).read_text())
    inventory = vcenter.inventory_for(scenario)
    vms = {vm["name"]: vm for vm in inventory["vms"]}
    mounts = {ds["name"]: ds["mounts"] for ds in inventory["datastores"]}
    for machine in described["machines"]:
        if machine["kind"] == "physical":
            assert machine["name"] not in vms
            continue
        vm = vms[machine["name"]]
        assert (vm["ip_address"], vm["disks"], vm["memory_mb"], vm["cpus"]) == (machine["ip"], machine["disks"], machine["memory_mb"], machine["cores"])
        assert vm["guest_id"].startswith("win") == (machine["os_type"] == "Windows")
    servers = described.get("master_targets", []) + ([described["appliance"]] if "appliance" in described else [])
    if "configuration_server" in described:
        assert vms[described["configuration_server"]["name"]]["ip_address"] == described["configuration_server"]["ip"]
    for server in servers:
        vm = vms[server["name"]]
        assert vm["ip_address"] == server["ip"]
        for datastore in server["datastores"]:
            assert mounts[datastore].get(vm["host"]) == "readWrite", (server["name"], datastore)


def test_a_scenario_master_target_is_a_ready_vm_and_in_the_fabric(tmp_path):
    """A scenario's second Windows master target (the failback plan's tests choose between two that pass) is a VM as ready
    as mt-win-01 in the vCenter, and in the configuration server's masterTargetServers."""
    from asrlab import fabrics, scenario  # pylint: disable=import-outside-toplevel

    data = yaml.safe_load((SCENARIOS / "classic.yml").read_text())
    data["master_targets"].append({"name": "mt-win-02", "os_type": "Windows", "os_version": "Windows Server 2019", "ip": "10.0.0.13",
                                   "retention_drive": "F", "datastores": ["ds-vmfs-01"]})
    path = tmp_path / "classic-two-windows-master-targets.yml"
    path.write_text(yaml.safe_dump(data))
    loaded = scenario.load(path)
    vms = {vm["name"]: vm for vm in vcenter.inventory_for(loaded)["vms"]}
    assert {"mt-win-01", "mt-win-02", "mt-lin-01", "cs-lab-01", "vm-win-01"} <= set(vms)
    added = vms["mt-win-02"]
    assert (added["host"], added["datastore"], added["scsi_controller"], added["extra_config"]) == (
        HOST1, "ds-vmfs-01", "lsilogic-sas", {"disk.EnableUUID": "TRUE"})
    assert added["guest_id"] == vcenter.WINDOWS_2019 and added["ip_address"] == "10.0.0.13"
    masters = fabrics.classic_fabric("/vault", loaded)["properties"]["customDetails"]["masterTargetServers"]
    record = next(m for m in masters if m["name"] == "mt-win-02")
    assert record["osType"] == "Windows" and [d["symbolicName"] for d in record["dataStores"]] == ["ds-vmfs-01"]
    assert record["retentionVolumes"][0]["volumeName"] == "F"
