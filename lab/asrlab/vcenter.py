"""The lab's vCenter and standalone ESXi: govmomi's simulator, started through our launcher.

``start_simulator`` writes an inventory (``inventory_for`` gives the two scenarios'), starts
``.lab/bin/labvcsim`` on a loopback address with the lab's certificate, and returns where it
listens and how to log in. ``VSphere`` is the small pyvmomi client the ASR emulator uses to couple
failover and failback to the on-premises VMs' power, as the real systems are coupled.
"""

from __future__ import annotations

import copy
import json
import os
import pathlib
import secrets
import signal
import ssl
import subprocess
import time

from pyVim.connect import Disconnect, SmartConnect
from pyVim.task import WaitForTask
from pyVmomi import vim

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = ROOT / ".lab" / "bin" / "labvcsim"
BUILD_SCRIPT = ROOT / "tools" / "build_vcsim.sh"
ADDRESSES = {"vcenter": "127.0.0.2", "esx": "127.0.0.3"}
DEFAULT_USER = {"vcenter": "administrator@vsphere.local", "esx": "root"}

HOSTS = ("esx-01.lab.local", "esx-02.lab.local", "esx-03.lab.local")
WINDOWS_2019 = "windows2019srv_64Guest"
WINDOWS_2016 = "windows9Server64Guest"
RHEL_8 = "rhel8_64Guest"

_PROCESSES = {}


class SimulatorError(RuntimeError):
    """The simulator could not be built or started."""


def _vm(name, guest_id, host, datastore, power_state="poweredOn", **settings):
    """One VM of the inventory, with the lab's usual defaults."""
    spec = {
        "name": name, "guest_id": guest_id, "power_state": power_state, "host": host, "datastore": datastore,
        "cpus": 2, "memory_mb": 4096, "disks": 1, "disk_gb": 40, "scsi_controller": "lsilogic-sas",
        "extra_config": {}, "tools": "running",
    }
    spec.update(settings)
    return spec


def _infrastructure():
    """The vCenter both scenarios share: one DRS cluster of three hosts, five datastores, one datastore cluster.

    The names follow lab/scenarios/*.yml: ASR's master targets and appliance list ds-vmfs-01 and ds-vmfs-02.
    ds-vmfs-01 is read-write on esx-01 and esx-02 and read-only on esx-03; ds-nfs-01 is not mounted on
    esx-02 at all; ds-vsan-01 is everywhere; ds-vmfs-02 and ds-vmfs-03 form dsc-lab, with Storage DRS on.
    The good master targets run on esx-01 and esx-02, mt-bad-01 on esx-03.
    """
    everywhere = dict.fromkeys(HOSTS, "readWrite")
    return {
        "datacenter": "dc-lab",
        "clusters": [{"name": "cluster-lab", "drs": {"enabled": True, "default_vm_behavior": "fullyAutomated"}, "hosts": list(HOSTS)}],
        "datastores": [
            {"name": "ds-vmfs-01", "type": "VMFS", "capacity_gb": 2048, "free_gb": 1536,
             "mounts": {HOSTS[0]: "readWrite", HOSTS[1]: "readWrite", HOSTS[2]: "readOnly"}},
            {"name": "ds-vmfs-02", "type": "VMFS", "capacity_gb": 2048, "free_gb": 1536, "mounts": dict(everywhere)},
            {"name": "ds-vmfs-03", "type": "VMFS", "capacity_gb": 1024, "free_gb": 768, "mounts": dict(everywhere)},
            {"name": "ds-vsan-01", "type": "vsan", "capacity_gb": 4096, "free_gb": 3072, "mounts": dict(everywhere)},
            {"name": "ds-nfs-01", "type": "NFS", "capacity_gb": 1024, "free_gb": 900, "remote_host": "nfs-01.lab.local",
             "remote_path": "/exports/ds-nfs-01", "mounts": {HOSTS[0]: "readWrite", HOSTS[2]: "readWrite"}},
        ],
        "datastore_clusters": [
            {"name": "dsc-lab", "sdrs": {"enabled": True, "default_vm_behavior": "automated", "io_load_balance_enabled": True},
             "datastores": ["ds-vmfs-02", "ds-vmfs-03"]},
        ],
    }


def _protected_vms():
    """The VMware VMs of lab/scenarios/*.yml (phys-01 is a physical server: no VM)."""
    return [
        _vm("vm-win-01", WINDOWS_2019, HOSTS[0], "ds-vmfs-01", disks=2, ip_address="10.0.1.11"),
        _vm("vm-win-02", WINDOWS_2016, HOSTS[1], "ds-vmfs-02", ip_address="10.0.1.12"),
        _vm("vm-lin-01", RHEL_8, HOSTS[1], "ds-vsan-01", memory_mb=2048, scsi_controller="pvscsi", ip_address="10.0.1.13"),
    ]


def _esx_inventory():
    """The standalone ESXi: one host, one VMFS datastore, two VMs."""
    return {
        "host": "esx-dr-01.lab.local",
        "datastores": [{"name": "datastore1", "type": "VMFS", "capacity_gb": 1024, "free_gb": 800}],
        "vms": [
            _vm("esx-vm-win-01", WINDOWS_2019, "esx-dr-01.lab.local", "datastore1", ip_address="10.0.2.11"),
            _vm("esx-vm-lin-01", RHEL_8, "esx-dr-01.lab.local", "datastore1", power_state="poweredOff", ip_address="10.0.2.21"),
        ],
    }


def inventory_for(scenario, kind="vcenter"):
    """The inventory (see lab/vcsim/README.md) of the lab's vCenter, or of its standalone ESXi, for a scenario.

    classic: the protected VMs, the configuration server cs-lab-01, master targets mt-win-01 and mt-lin-01 (ready
    for failback: LSI Logic SAS / LSI Logic, disk.EnableUUID, tools running, in dsc-lab) and mt-bad-01, which breaks
    every rule (paravirtual SCSI, no disk.EnableUUID, a snapshot, tools not running); a scenario's other master targets
    (a second Windows one, say) are VMs as ready as mt-win-01, on esx-01 and ds-vmfs-01. The physical server phys-01
    has no VM. modernized: the protected VMs and the appliance VM.
    """
    if kind == "esx":
        return _esx_inventory()
    if kind != "vcenter":
        raise ValueError("kind must be vcenter or esx, not %r" % (kind,))
    inventory = _infrastructure()
    vms = _protected_vms()
    extra_masters = []
    if not isinstance(scenario, str):  # a loaded Scenario (a fleet, say): its VMware machines, placed in turn
        extra_masters = list(scenario.master_targets or [])
        known = {vm["name"] for vm in vms}
        machines = [m for m in scenario.machines if m.kind == "vmware"]
        vms = [vm for vm in vms if vm["name"] in {m.name for m in machines}]
        for index, machine in enumerate(m for m in machines if m.name not in known):
            guest = RHEL_8 if machine.os_type == "Linux" else (WINDOWS_2019 if "2019" in machine.os_version else WINDOWS_2016)
            vms.append(_vm(machine.name, guest, HOSTS[index % 2], ("ds-vmfs-01", "ds-vmfs-02")[index % 2], cpus=machine.cores,
                           memory_mb=machine.memory_mb, disks=machine.disks, ip_address=machine.ip))
        scenario = scenario.generation
    if scenario == "classic":
        vms += [
            _vm("cs-lab-01", WINDOWS_2016, HOSTS[0], "ds-vmfs-01", cpus=8, memory_mb=16384, disks=3, disk_gb=200,
                ip_address="10.0.0.10", annotation="ASR configuration server (process server, master target)"),
            _vm("mt-win-01", WINDOWS_2019, HOSTS[0], "ds-vmfs-02", disks=2, disk_gb=100, scsi_controller="lsilogic-sas",
                extra_config={"disk.EnableUUID": "TRUE"}, ip_address="10.0.0.11", annotation="ASR master target (Windows)"),
            _vm("mt-lin-01", RHEL_8, HOSTS[1], "ds-vmfs-03", disks=2, disk_gb=100, scsi_controller="lsilogic",
                extra_config={"disk.EnableUUID": "TRUE"}, ip_address="10.0.0.12", annotation="ASR master target (Linux)"),
            _vm("mt-bad-01", WINDOWS_2016, HOSTS[2], "ds-vsan-01", scsi_controller="pvscsi", tools="notRunning",
                snapshot="before-patching", ip_address="10.0.0.19", annotation="breaks every master target rule (negative tests)"),
        ]
        # A scenario's other master targets (a second Windows one, say): ready for failback, on esx-01 and ds-vmfs-01.
        known = {vm["name"] for vm in vms}
        for master in (m for m in extra_masters if m.name not in known):
            guest = RHEL_8 if master.os_type == "Linux" else (WINDOWS_2019 if "2019" in master.os_version else WINDOWS_2016)
            vms.append(_vm(master.name, guest, HOSTS[0], "ds-vmfs-01", disks=2, disk_gb=100, scsi_controller="lsilogic-sas",
                           extra_config={"disk.EnableUUID": "TRUE"}, ip_address=master.ip, annotation="ASR master target (scenario)"))
    elif scenario == "modernized":
        vms.append(_vm("appliance-lab-01", WINDOWS_2019, HOSTS[0], "ds-vmfs-01", cpus=8, memory_mb=32768, disks=2, disk_gb=200,
                       ip_address="10.0.0.20", annotation="ASR replication appliance"))
    else:
        raise ValueError("scenario must be classic or modernized, not %r" % (scenario,))
    inventory["vms"] = vms
    return copy.deepcopy(inventory)


def build_launcher(force=False):
    """Build .lab/bin/labvcsim with tools/build_vcsim.sh (nothing to do when it is up to date)."""
    command = [str(BUILD_SCRIPT)] + (["--force"] if force else [])
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SimulatorError("building the vCenter simulator failed:\n" + result.stderr.strip())
    return BINARY


def _cert_paths(certs):
    """The certificate and key paths from make_certificates()' result (a dict) or from a directory."""
    if isinstance(certs, dict):
        return pathlib.Path(certs["cert"]), pathlib.Path(certs["key"])
    directory = pathlib.Path(certs)
    return directory / "server.pem", directory / "server-key.pem"


def start_simulator(state_dir, certs, inventory, kind="vcenter", ttl=3600, binary=None, user=None, password=None,
                    listen=None, timeout=60):
    """Start the simulator in the background; return {host, port, user, password, pid, url, kind, ...}.

    ``certs`` is make_certificates()' result (or the directory it wrote). Its files go into ``state_dir``:
    the inventory, the ready file, the datastores' files and the log, each prefixed by the kind. Without
    ``binary`` the launcher is built first when a source is newer than it. It stops by itself after ``ttl`` s.
    """
    if kind not in ADDRESSES:
        raise ValueError("kind must be vcenter or esx, not %r" % (kind,))
    state_dir = pathlib.Path(state_dir)
    state_dir.mkdir(parents=True, exist_ok=True)
    binary = pathlib.Path(binary) if binary else build_launcher()
    cert, key = _cert_paths(certs)
    user = user or DEFAULT_USER[kind]
    password = password or secrets.token_urlsafe(18)
    prefix = "vcsim-" + kind
    inventory_file = state_dir / (prefix + "-inventory.json")
    inventory_file.write_text(json.dumps(inventory, indent=2) + "\n")
    ready = state_dir / (prefix + ".ready.json")
    ready.unlink(missing_ok=True)
    log_path = state_dir / (prefix + ".log")
    command = [
        str(binary), "-listen", listen or ADDRESSES[kind] + ":0", "-cert", str(cert), "-key", str(key),
        "-user", user, "-inventory", str(inventory_file), "-ready", str(ready),
        "-ttl", str(ttl), "-datastores", str(state_dir / (prefix + "-datastores")),
    ] + (["-esx"] if kind == "esx" else [])
    with open(log_path, "wb") as log:
        # The password goes in the environment: a command line is visible to every local user.
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,  # pylint: disable=consider-using-with
                                   env=dict(os.environ, LABVCSIM_PASSWORD=password))
    deadline = time.monotonic() + timeout
    while not ready.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            if process.poll() is None:
                process.kill()
            process.wait()
            raise SimulatorError("the %s simulator did not start (exit %s):\n%s" % (kind, process.returncode, log_path.read_text()))
        time.sleep(0.02)
    info = json.loads(ready.read_text())
    _PROCESSES[info["pid"]] = process
    info.update(state_dir=str(state_dir), log=str(log_path), ready_file=str(ready), inventory=str(inventory_file))
    return info


def _is_ours(pid):
    """True when pid runs our launcher (a recycled pid of another program is left alone)."""
    try:
        return "labvcsim" in pathlib.Path("/proc/%d/cmdline" % pid).read_bytes().decode(errors="replace")
    except OSError:
        return False


def stop_simulator(info, timeout=10):
    """Stop the simulator start_simulator() started (by its pid, SIGTERM then SIGKILL); True if it was running."""
    pid = int(info["pid"])
    process = _PROCESSES.pop(pid, None)
    if process is not None:
        if process.poll() is not None:
            return False
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        return True
    if not _is_ours(pid):
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _is_ours(pid):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            deadline += timeout
        time.sleep(0.05)
    return True


def ssl_context(ca_bundle):
    """A verifying client context that trusts ``ca_bundle`` (the lab's bundle: system CAs plus the lab's CA)."""
    return ssl.create_default_context(cafile=str(ca_bundle))


class VSphere:
    """A small pyvmomi client: find VMs by name, read and change their power, create one.

    Always with an explicit, verifying SSL context: pyvmomi skips verification for localhost
    addresses when it is given none.
    """

    def __init__(self, host, port, user, password, ca_bundle):
        self.service = SmartConnect(host=host, port=int(port), user=user, pwd=password, sslContext=ssl_context(ca_bundle))
        self.content = self.service.RetrieveContent()

    @classmethod
    def from_info(cls, info, ca_bundle):
        """A client of the simulator start_simulator() described in ``info``."""
        return cls(info["host"], info["port"], info["user"], info["password"], ca_bundle)

    def _find(self, kind, name):
        view = self.content.viewManager.CreateContainerView(self.content.rootFolder, [kind], True)
        try:
            for item in view.view:
                if item.name == name:
                    return item
        finally:
            view.Destroy()
        return None

    def vm(self, name):
        """The VM called ``name``; LookupError when there is none."""
        found = self._find(vim.VirtualMachine, name)
        if found is None:
            raise LookupError("no VM named %r" % (name,))
        return found

    def exists(self, name):
        return self._find(vim.VirtualMachine, name) is not None

    def power_state(self, name):
        """poweredOn, poweredOff or suspended."""
        return str(self.vm(name).runtime.powerState)

    @staticmethod
    def _wait(task):
        WaitForTask(task)
        return task.info.result

    def power_on(self, name):
        """Power the VM on; False when it already was (nothing done)."""
        vm = self.vm(name)
        if vm.runtime.powerState == vim.VirtualMachinePowerState.poweredOn:
            return False
        self._wait(vm.PowerOnVM_Task())
        return True

    def power_off(self, name):
        """Power the VM off (hard, as ASR's shutdown of the source does); False when it already was off."""
        vm = self.vm(name)
        if vm.runtime.powerState == vim.VirtualMachinePowerState.poweredOff:
            return False
        self._wait(vm.PowerOffVM_Task())
        return True

    def create_vm(self, name, host, datastore, guest_id, disks=1, disk_gb=40, scsi_controller="lsilogic-sas", memory_mb=4096, cpus=2,
                  disk_uuids=None):
        """Create a powered-off VM on ``host`` with its files and ``disks`` disks on ``datastore``; return it.

        ``disks`` is a number of ``disk_gb`` GB disks or a list of sizes in GB. The datastore must be mounted
        read-write on the host, as vSphere requires (the simulator itself does not check it). ``disk_uuids``, when
        given, are the disks' backing UUIDs in order (a clone that kept its template's disk UUIDs, say).
        """
        if self.exists(name):
            raise ValueError("a VM named %r exists already" % (name,))
        host_system = self._find(vim.HostSystem, host)
        if host_system is None:
            raise LookupError("no host named %r" % (host,))
        store = next((ds for ds in host_system.datastore if ds.name == datastore), None)
        mount = next((m.mountInfo for m in store.host if m.key == host_system), None) if store is not None else None
        if mount is None or not mount.mounted or mount.accessMode != "readWrite":
            raise ValueError("datastore %r is not mounted read-write on host %r" % (datastore, host))
        sizes = [disk_gb] * disks if isinstance(disks, int) else list(disks)
        controllers = {"lsilogic-sas": vim.vm.device.VirtualLsiLogicSASController, "lsilogic": vim.vm.device.VirtualLsiLogicController,
                       "pvscsi": vim.vm.device.ParaVirtualSCSIController, "buslogic": vim.vm.device.VirtualBusLogicController}
        controller = controllers[scsi_controller](key=-100, busNumber=0, sharedBus="noSharing")
        changes = [vim.vm.device.VirtualDeviceSpec(operation="add", device=controller)]
        for unit, size in enumerate(sizes):
            backing = vim.vm.device.VirtualDisk.FlatVer2BackingInfo(fileName="[%s]" % datastore, diskMode="persistent", thinProvisioned=True)
            if disk_uuids and unit < len(disk_uuids):
                backing.uuid = disk_uuids[unit]
            disk = vim.vm.device.VirtualDisk(key=-200 - unit, controllerKey=-100, unitNumber=unit, capacityInKB=int(size) * 1024 * 1024, backing=backing)
            changes.append(vim.vm.device.VirtualDeviceSpec(operation="add", fileOperation="create", device=disk))
        spec = vim.vm.ConfigSpec(name=name, guestId=guest_id, numCPUs=cpus, memoryMB=memory_mb, deviceChange=changes,
                                 files=vim.vm.FileInfo(vmPathName="[%s]" % datastore))
        datacenter = host_system.parent
        while not isinstance(datacenter, vim.Datacenter):
            datacenter = datacenter.parent
        return self._wait(datacenter.vmFolder.CreateVM_Task(config=spec, pool=host_system.parent.resourcePool, host=host_system))

    def close(self):
        if self.service is not None:
            Disconnect(self.service)
            self.service = None
