# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An Azure VM as a failover or a drill leaves it: its power state and private IP address, read through ARM.

Private to the collection. The VM (with its instance view) names its network interfaces; the primary one carries
the private address. Reads go through the vault gateway (_vault_gateway.py).
"""

from __future__ import annotations

from ansible_collections.siterecovery.vmware.plugins.module_utils._vault_gateway import VaultGateway


def vm_id(resource_group_id, name):
    return "%s/providers/Microsoft.Compute/virtualMachines/%s" % (resource_group_id.rstrip("/"), name)


def power_state(document):
    """running, stopped, deallocated, ... from the instance view's PowerState/ status; None when unknown."""
    statuses = ((document.get("properties") or {}).get("instanceView") or {}).get("statuses") or []
    codes = [s.get("code") or "" for s in statuses if isinstance(s, dict)]
    return next((c.split("/", 1)[1] for c in codes if c.startswith("PowerState/")), None)


def primary_nic_id(document):
    nics = ((document.get("properties") or {}).get("networkProfile") or {}).get("networkInterfaces") or []
    primary = [n for n in nics if (n.get("properties") or {}).get("primary")] or nics
    return primary[0].get("id") if primary else None


def private_ip(nic):
    configs = (nic.get("properties") or {}).get("ipConfigurations") or []
    primary = [c for c in configs if (c.get("properties") or {}).get("primary")] or configs
    return ((primary[0].get("properties") or {}).get("privateIPAddress")) if primary else None


def read_vm(asr, arm_id):
    """The VM's facts (id, name, power_state, private_ip, os_type), or None when Azure has no such VM (404)."""
    gateway = VaultGateway.of(asr)
    with asr.step("reading Azure VM %s" % arm_id.rsplit("/", 1)[-1]):
        document = gateway.azure_vm(arm_id, expand="instanceView")
    if document is None:
        return None
    facts = dict(id=document.get("id"), name=document.get("name"), power_state=power_state(document), private_ip=None,
                 os_type=(((document.get("properties") or {}).get("storageProfile") or {}).get("osDisk") or {}).get("osType"))
    nic_id = primary_nic_id(document)
    if nic_id:
        with asr.step("reading the network interface of Azure VM %s" % facts["name"]):
            facts["private_ip"] = private_ip(gateway.network_interface(nic_id) or {})
    return facts
