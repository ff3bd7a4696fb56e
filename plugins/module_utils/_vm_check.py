# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validation of a recovered or test VM before anything is committed: it runs, has its private IP, and answers on its port.

Private to the collection. The reads are one Poll (_poll.py): the VM is read, then its port is connected to, until
all three hold or the timeout runs out. No write is sent, so check mode runs it the same.
"""

from __future__ import annotations

import datetime
import socket
import time

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_drill import test_vm
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_items import item_facts
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_state import FORWARD_PROVIDERS
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_vm import read_vm, vm_id
from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError
from ansible_collections.siterecovery.vmware.plugins.module_utils._poll import Poll, PollTimeout
from ansible_collections.siterecovery.vmware.plugins.module_utils._vault_gateway import VaultGateway

PORTS = {"Linux": 22, "Windows": 3389}


def answers(address, port, timeout):
    """None when a TCP connection to (address, port) opens within ``timeout`` seconds, else why not."""
    try:
        with socket.create_connection((address, port), timeout=timeout):
            return None
    except OSError as exc:
        return str(exc) or exc.__class__.__name__


def recovery_vm_ref(facts):
    """The ARM id of the Azure VM a real failover made for the item; SiteRecoveryError when it has none."""
    if facts["running_in"] != "azure" or facts["provider"] not in FORWARD_PROVIDERS:
        raise SiteRecoveryError("%s is not failed over to Azure (it runs in %s, %s, %s): there is no recovered VM to validate"
                                % (facts["friendly_name"], facts["running_in"], facts["provider"], facts["protection_state"]),
                                code="NoRecoveredVm")
    vm = facts.get("recovery_vm") or {}
    named = vm.get("azure_vm_id") or ""
    if named.rstrip("/").lower().endswith("/virtualmachines") or not named:
        named = vm_id(vm.get("resource_group_id") or "", vm.get("name") or facts["friendly_name"])
    return named


def checks_of(vm, port, problem):
    """The three checks, each {name, passed, detail}."""
    running = bool(vm) and vm.get("power_state") == "running"
    address = (vm or {}).get("private_ip")
    return [
        dict(name="running", passed=running, detail="power state %s" % ((vm or {}).get("power_state") or "unknown") if vm else "the VM does not exist"),
        dict(name="private_ip", passed=bool(address), detail=address or "no private IP address on its network interface"),
        dict(name="port", passed=running and bool(address) and problem is None,
             detail=("%s:%d answered" % (address, port)) if running and address and problem is None else
             ("%s:%d did not answer: %s" % (address, port, problem) if address and running else "not tried")),
    ]


def validate(asr, clock=time.monotonic, pause=time.sleep):
    params = asr.params
    vault = VaultGateway.of(asr)
    with asr.step("reading replicated item %s" % params["name"]):
        facts = item_facts(vault.find(params["name"]))
    return validate_facts(asr, facts, params, clock=clock, pause=pause)


def validate_facts(asr, facts, params, clock=time.monotonic, pause=time.sleep):
    """The validation of the item of ``facts`` (read already), with ``params`` vm, port, wait_timeout, wait_sleep."""
    name = facts["friendly_name"] or facts["name"]
    if params["vm"] == "test":
        found = test_vm(asr, facts)
        if not found:
            raise SiteRecoveryError("%s has no drill waiting for its cleanup (stage %s): there is no test VM to validate" % (name, facts["stage"]),
                                    code="NoTestVm")
        ref = found["id"]
    else:
        ref = recovery_vm_ref(facts)
    port = params["port"] or PORTS.get(facts.get("os_type") or "", 22)
    started = datetime.datetime.now(datetime.timezone.utc)
    poll = Poll(params["wait_timeout"], params["wait_sleep"], clock=clock, pause=pause)
    state = {}

    def read():
        vm = read_vm(asr, ref)
        problem = "not tried"
        if vm and vm.get("power_state") == "running" and vm.get("private_ip"):
            problem = answers(vm["private_ip"], port, min(5, max(1, params["wait_sleep"])))
        state.update(vm=vm, checks=checks_of(vm, port, problem))
        return state["checks"]

    try:
        poll.until(read, lambda checks: all(c["passed"] for c in checks))
        passed = True
    except PollTimeout:
        passed = False
    vm = state.get("vm") or dict(id=ref, name=ref.rsplit("/", 1)[-1])
    seconds = round(poll.elapsed(), 1)
    result = dict(changed=False, passed=passed, vm=dict(vm, port=port, kind=params["vm"]), checks=state.get("checks") or [],
                  started=started.isoformat(), seconds=seconds, reads=poll.reads,
                  answered_at=datetime.datetime.now(datetime.timezone.utc).isoformat() if passed else None)
    if not passed:
        failed = "; ".join("%s: %s" % (c["name"], c["detail"]) for c in result["checks"] if not c["passed"])
        result["msg"] = "the %s VM %s of %s did not pass its validation within %d s (timeout): %s" % (
            "test" if params["vm"] == "test" else "recovered", vm.get("name"), name, params["wait_timeout"], failed)
        result["failed"] = True
    return result
