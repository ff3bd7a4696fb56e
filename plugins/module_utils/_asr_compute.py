# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The recovery VM's compute and network properties: what an item has, what is asked, and the PATCH that sets it.

Private to the collection. Pure: no Ansible, no SDK. ASR's PATCH replaces what it carries, so the body
holds the current values merged with the changes, never the changes alone.
"""

from __future__ import annotations

import ipaddress
import re

from ansible_collections.siterecovery.vmware.plugins.module_utils._arm_ids import arm_id_problem, ipv4_problem, resource_group_problem
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_state import StateError

SETTINGS = ("vm_name", "size", "resource_group_id", "availability_set_id", "network_id", "subnet", "static_ip", "license_type")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def option_problems(params):
    """What is wrong in the options' form alone (ARM ids, the address), before any request; an empty list when nothing is."""
    checks = (("target_resource_group", resource_group_problem), ("availability_set_id", lambda o, v: arm_id_problem(o, v, "availability set")),
              ("network_id", lambda o, v: arm_id_problem(o, v, "virtual network")), ("static_ip", ipv4_problem))
    found = [check(option, params[option]) for option, check in checks if params.get(option)]
    return [problem for problem in found if problem]


def current_settings(item_facts):
    """The settings an item has now, from its facts (asr_replicated_item_info's recovery_vm)."""
    vm = item_facts.get("recovery_vm") or {}
    return dict(vm_name=vm.get("name"), size=vm.get("size"), resource_group_id=vm.get("resource_group_id"),
                availability_set_id=vm.get("availability_set_id") or None, network_id=vm.get("network_id"), subnet=vm.get("subnet"),
                static_ip=vm.get("static_ip") or None, license_type=vm.get("license_type"), nic_id=vm.get("nic_id"))


def desired_settings(current, changes):
    """The current settings with the options that were given (None leaves a setting as it is; "" clears an optional one)."""
    desired = dict(current)
    for key in SETTINGS:
        value = changes.get(key)
        if value is not None:
            desired[key] = value or None
    return desired


def problems(settings, os_type, sizes, network):
    """What Azure would refuse in ``settings``: the VM sizes offered (names) and the network's document (or None)."""
    found = []
    name = settings.get("vm_name") or ""
    limit = 15 if os_type == "Windows" else 64
    if not _NAME.match(name) or len(name) > limit or name.endswith((".", "-")):
        found.append("vm_name %r is not a valid %s VM name (1-%d letters, digits, '.', '_' and '-', a letter or digit first, not ending "
                     "with '.' or '-')" % (name, os_type or "Azure", limit))
    if settings.get("size") not in sizes:
        found.append("size %r is not offered in the target region; offered: %s" % (settings.get("size"), ", ".join(sorted(sizes))))
    if network is None:
        found.append("network %s does not exist" % settings.get("network_id"))
        return found
    subnets = dict((s["name"], (s.get("properties") or {}).get("addressPrefix")) for s in (network.get("properties") or {}).get("subnets") or [])
    if settings.get("subnet") not in subnets:
        found.append("subnet %r is not in network %s; its subnets: %s" % (settings.get("subnet"), network.get("name"), ", ".join(sorted(subnets))))
    elif settings.get("static_ip"):
        try:
            address = ipaddress.ip_address(settings["static_ip"])
            prefix = ipaddress.ip_network(subnets[settings["subnet"]])
        except ValueError as exc:
            found.append("static_ip %r: %s" % (settings["static_ip"], exc))
        else:
            usable = list(prefix.hosts())[3:]  # Azure keeps the first three host addresses
            if address not in prefix or address not in usable:
                found.append("static_ip %s is not a usable address of subnet %s (%s; Azure keeps .0 to .3 and the last)"
                             % (address, settings["subnet"], prefix))
    return found


def patch_body(provider, item_properties, settings):
    """The PATCH body: every compute and network value the item will have, current ones included."""
    details = item_properties.get("providerSpecificDetails") or {}
    nic_id = settings.get("nic_id") or ((details.get("vmNics") or [{}])[0].get("nicId"))
    static_ip = settings.get("static_ip")
    if provider == "InMageAzureV2":
        return {"properties": {
            "recoveryAzureVMName": settings["vm_name"], "recoveryAzureVMSize": settings["size"],
            "selectedRecoveryAzureNetworkId": settings["network_id"], "selectedSourceNicId": nic_id,
            "vmNics": [{"nicId": nic_id, "ipConfigs": [{"recoverySubnetName": settings["subnet"], "recoveryStaticIPAddress": static_ip or ""}],
                        "selectionType": "SelectedByUser"}],
            "licenseType": settings.get("license_type") or "NotSpecified",
            "recoveryAvailabilitySetId": settings.get("availability_set_id") or "",
            "providerSpecificDetails": {"instanceType": "InMageAzureV2", "recoveryAzureV2ResourceGroupId": settings["resource_group_id"],
                                        "useManagedDisks": "True"}}}
    if provider == "InMageRcm":
        return {"properties": {"providerSpecificDetails": {
            "instanceType": "InMageRcm", "targetVmName": settings["vm_name"], "targetVmSize": settings["size"],
            "targetResourceGroupId": settings["resource_group_id"], "targetAvailabilitySetId": settings.get("availability_set_id") or "",
            "targetNetworkId": settings["network_id"], "testNetworkId": settings["network_id"],
            "vmNics": [{"nicId": nic_id, "isPrimaryNic": "true", "isSelectedForFailover": "true", "targetSubnetName": settings["subnet"],
                        "targetStaticIPAddress": static_ip or "", "testSubnetName": settings["subnet"]}],
            "licenseType": settings.get("license_type") or "NotSpecified"}}}
    raise StateError("the recovery VM of a %s item is set while it replicates to Azure (InMageAzureV2 or InMageRcm)" % provider)
