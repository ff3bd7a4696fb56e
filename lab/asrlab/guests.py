"""The guests of the lab's Azure VMs: a private address each, and the port they answer on while they run.

Every Azure VM (a failover's or a drill's test VM) gets a private IP address of its own on loopback
(127.0.1.x, 127.0.2.x, ...), exposed as Azure does it: the VM's
networkProfile names a network interface whose ipConfigurations carry privateIPAddress. While the VM runs,
the lab listens there on its guest's port (22 for Linux, 3389 for Windows): an SSH server's banner, or an
accepted connection for RDP. So a validation after a failover or in a drill connects to something real.

An address is this lab's alone while its VM exists, whatever else runs on the machine: the lab holds an exclusive
lock on a file named after the address (ADDRESS_LOCKS); another lab, in this process or another, skips an address
whose lock it cannot take. A bound socket alone would not keep it: two sockets with SO_REUSEADDR may share an address
while neither listens, so a silent VM's address could be taken by another lab's answering one.

Control API: ``POST /lab/guest {"item": "vm-lin-01", "answers": false}``: that machine's VMs boot without
answering (the guest's service did not come up) until ``answers: true`` or a reset; ``GET /lab/guests``: each
VM's address, port, and whether it listens.
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import socket
import tempfile
import threading

from flask import current_app, jsonify, request

from .arm import SUBSCRIPTION, ArmError, arm_response, route
from .control import _bad, _item, blueprint

LOG = logging.getLogger("asrlab")
NETWORK_API_VERSIONS = ("2023-04-01", "2023-09-01", "2023-11-01", "2024-01-01", "2024-03-01", "2024-05-01")
PORTS = {"Linux": 22, "Windows": 3389}
_TAKEN = {}  # address -> the open lock file of that address, for the addresses this process gave out (every lab of the process)
ADDRESS_LOCKS = os.path.join(tempfile.gettempdir(), "asrlab-guest-addresses")
_LOCK = threading.Lock()
_VAULTS = {}  # id of a lab's configuration -> its current vault (a reset makes a new one)


class Listener:
    """A socket on (address, port) that answers each connection as the guest's service would, in a thread of its own."""

    def __init__(self, sock, banner):
        self.sock = sock
        self.banner = banner
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                conn, _peer = self.sock.accept()
            except OSError:
                return  # closed: the VM stopped or went
            try:
                if self.banner:
                    conn.sendall(self.banner)
            except OSError:
                pass
            finally:
                conn.close()

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


def _bind(address, port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((address, port))
    except OSError:
        sock.close()
        raise
    return sock


def _candidates():
    for third in range(1, 255):
        for fourth in range(4, 255):
            yield "127.0.%d.%d" % (third, fourth)


def _lock_address(address):
    """The address's lock file, locked for this process; None where another process (another lab) holds it."""
    os.makedirs(ADDRESS_LOCKS, exist_ok=True)
    handle = open(os.path.join(ADDRESS_LOCKS, address), "a+", encoding="ascii")  # pylint: disable=consider-using-with
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


def _release(address):
    """The VM went: its address is free for any lab again. Called under _LOCK."""
    handle = _TAKEN.pop(address, None)
    if handle is not None:
        handle.close()  # closing the file lets its lock go


def _reserve(vm):
    """Give ``vm`` its address: a socket bound to (address, port), not listening yet (a connection is refused)."""
    port = PORTS.get(vm["os_type"], 22)
    kept = vm.get("private_ip")
    with _LOCK:
        for address in [kept] if kept else _candidates():
            if address in _TAKEN and not kept:
                continue  # another VM's, of a lab of this process
            if address not in _TAKEN:  # a new address, or the VM's own after a restart of the lab
                handle = _lock_address(address)
                if handle is None and kept:
                    LOG.warning("guest %s: another lab holds its address %s", vm["name"], address)
                    return None
                if handle is None:
                    continue  # another lab's guest
                _TAKEN[address] = handle
            try:
                sock = _bind(address, port)
            except OSError as exc:
                if exc.errno in (errno.EADDRINUSE, errno.EADDRNOTAVAIL) and not kept:
                    _release(address)
                    continue  # something else on the machine holds it
                LOG.warning("guest %s: cannot bind %s:%d: %s", vm["name"], address, port, exc)
                return None
            vm.update(private_ip=address, port=port)
            return sock
    return None


def _listen(vm):
    sock = vm.pop("socket", None) or _reserve(vm)
    if sock is None:
        return
    sock.listen(16)
    vm["listener"] = Listener(sock, b"SSH-2.0-asrlab_guest\r\n" if vm["port"] == 22 else b"")


def _quiet(vm, keep_address=True):
    """Stop answering; keep the address bound (a connection is refused) unless the VM went."""
    listener = vm.pop("listener", None)
    if listener is not None:
        listener.close()
    if keep_address and "socket" not in vm:
        sock = _reserve(vm)
        if sock is not None:
            vm["socket"] = sock
    elif not keep_address and "socket" in vm:
        vm.pop("socket").close()


def sync(vault):
    """Each running VM listens (unless its machine is silenced); a stopped VM does not; a deleted one lets its address go.

    Called before every ARM and control request (app.py's TICKS), after the jobs that ended changed the VMs."""
    previous = _VAULTS.get(id(vault.config))
    if previous is not None and previous is not vault:  # a reset replaced the vault: its guests go
        close_all(previous)
    _VAULTS[id(vault.config)] = vault
    guests = vault.__dict__.setdefault("guests", {})  # vm id -> the VM's dict, as last seen
    silent = vault.__dict__.setdefault("silent_guests", set())
    for key, vm in list(guests.items()):
        if key not in vault.azure_vms:
            _quiet(vm, keep_address=False)
            with _LOCK:
                _release(vm.get("private_ip"))
            del guests[key]
    for key, vm in vault.azure_vms.items():
        guests[key] = vm
        vm.setdefault("nic_id", "%s/providers/Microsoft.Network/networkInterfaces/%s-nic" % (vm["id"].split("/providers/", 1)[0], vm["name"]))
        answering = vm["power"] == "running" and vm.get("item") not in silent
        if answering and "listener" not in vm:
            _listen(vm)
        elif not answering and "listener" in vm or "socket" not in vm and "listener" not in vm:
            _quiet(vm)


def close_all(vault):
    """A reset: every guest stops listening and gives its address back."""
    for vm in (vault.__dict__.get("guests") or {}).values():
        _quiet(vm, keep_address=False)
        with _LOCK:
            _release(vm.get("private_ip"))


def network_profile(vm):
    """The VM's networkProfile, as Compute answers it."""
    if not vm.get("nic_id"):
        return None
    return dict(networkInterfaces=[dict(id=vm["nic_id"], properties=dict(primary=True))])


@route(SUBSCRIPTION + r"/resourcegroups/(?P<group>[^/]+)/providers/microsoft\.network/networkinterfaces/(?P<name>[^/]+)",
       api_versions=NETWORK_API_VERSIONS)
def get_network_interface(subscription, group, name):
    vault = current_app.config["VAULT"]
    del subscription
    for vm in vault.azure_vms.values():
        if (vm.get("nic_id") or "").lower().endswith("/resourcegroups/%s/providers/microsoft.network/networkinterfaces/%s" % (group.lower(), name.lower())):
            network = vm.get("network_id") or vault.network_id
            config = dict(privateIPAddress=vm.get("private_ip"), privateIPAllocationMethod="Dynamic", primary=True,
                          provisioningState="Succeeded", subnet=dict(id="%s/subnets/%s" % (network, vault.scenario.recovery["subnet"])))
            return arm_response(dict(id=vm["nic_id"], name=name, type="Microsoft.Network/networkInterfaces", location=vm["location"],
                                     properties=dict(provisioningState="Succeeded", primary=True, virtualMachine=dict(id=vm["id"]),
                                                     ipConfigurations=[dict(id=vm["nic_id"] + "/ipConfigurations/ipconfig1", name="ipconfig1",
                                                                            properties=config)])))
    raise ArmError(404, "ResourceNotFound", "The Resource 'Microsoft.Network/networkInterfaces/%s' under resource group '%s' was not found."
                   % (name, group))


@blueprint.route("/guest", methods=["POST"])
def silence():
    """{"item": "vm-lin-01", "answers": false}: the machine's VMs (failover or drill) boot without answering on their port."""
    body = request.get_json(silent=True) or {}
    vault = current_app.config["VAULT"]
    with current_app.config["JOBS"].lock:
        item = _item(vault, body)
        if item is None:
            return _bad("no item %r" % body.get("item"))
        silent = vault.__dict__.setdefault("silent_guests", set())
        (silent.discard if body.get("answers", False) else silent.add)(item.name)
        sync(vault)
        return jsonify(item=item.machine.name, answers=item.name not in silent)


@blueprint.route("/guests")
def guests():
    """Each Azure VM: its address, port, power, and whether its guest answers."""
    vault = current_app.config["VAULT"]
    jobs = current_app.config["JOBS"]
    with jobs.settled():
        sync(vault)
        return jsonify([dict(name=vm["name"], test=bool(vm.get("test")), power=vm["power"], private_ip=vm.get("private_ip"), port=vm.get("port"),
                             listening="listener" in vm, network_id=vm.get("network_id") or vault.network_id)
                        for vm in vault.azure_vms.values()])
