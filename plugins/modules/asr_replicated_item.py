#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: asr_replicated_item
short_description: Set the Azure VM a failover will create (the portal's "Compute and Network")
version_added: 0.1.0
description:
  - Sets the recovery VM's name, size, resource group, availability set, network, subnet and static IP address of a machine
    that replicates to Azure.
  - ASR's PATCH replaces what it carries, so the module sends the item's current values merged with the options given,
    then waits for the UpdateVmProperties job and fails with its error.
  - Values Azure would refuse (a VM name too long for Windows, a size the region does not offer, a subnet the network does not
    have, an address outside the subnet or among the ones Azure keeps) fail the task before any request, all of them at once.
  - Idempotent, with a before/after diff of the settings.
author:
  - siterecovery.vmware maintainers (@siterecovery)
options:
  vm_name:
    description: The Azure VM's name.
    type: str
  size:
    description: The Azure VM size, for example V(Standard_D4s_v3).
    type: str
  target_resource_group:
    description: The resource group the VM goes in (its name, in the vault's subscription, or its ARM id).
    type: str
  availability_set_id:
    description: The ARM id of an availability set; an empty string removes it.
    type: str
  network_id:
    description: The ARM id of the virtual network the VM's NIC joins.
    type: str
  subnet:
    description: The subnet of that network.
    type: str
  static_ip:
    description: The primary NIC's static address in the subnet; an empty string makes it dynamic.
    type: str
  license_type:
    description: V(WindowsServer) applies Azure Hybrid Benefit; V(NotSpecified) does not.
    type: str
    choices: [NotSpecified, WindowsServer]
extends_documentation_fragment:
  - siterecovery.vmware.azure
  - siterecovery.vmware.azure.vault
  - siterecovery.vmware.azure.item
  - siterecovery.vmware.wait
  - siterecovery.vmware.attributes.asr_action
"""

EXAMPLES = r"""
- name: Give vm-web-01 a bigger VM and a fixed address in Azure
  siterecovery.vmware.asr_replicated_item:
    resource_group: rg-dr
    vault_name: vault-dr
    name: vm-web-01
    size: Standard_D4s_v3
    subnet: app
    static_ip: 10.20.1.25
"""

RETURN = r"""
replicated_item:
  description: The item's facts afterwards (see M(siterecovery.vmware.asr_replicated_item_info)).
  returned: always
  type: dict
job:
  description: The UpdateVmProperties job; null when nothing was done.
  returned: always
  type: dict
settings:
  description:
    - The recovery VM's settings after the task
      (vm_name, size, resource_group_id, availability_set_id, network_id, subnet, static_ip, license_type).
  returned: always
  type: dict
"""

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_actions import ItemAction
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_compute import (
    SETTINGS,
    current_settings,
    desired_settings,
    option_problems,
    patch_body,
    problems,
)
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_jobs import WAIT_SPEC
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_state import FORWARD_PROVIDERS
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_module import AsrModule
from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError
from ansible_collections.siterecovery.vmware.plugins.module_utils._preflight_azure import PreflightReads


def update(asr):
    params = asr.params
    invalid = option_problems(params)
    if invalid:
        raise SiteRecoveryError("Invalid options: " + "; ".join(invalid), code="InvalidParameter")
    action = ItemAction(asr, params["name"])
    facts = action.before
    attached = action.running_job_of("update")
    if attached:
        job = action.wait(attached, "updating the recovery VM of %s" % action.name)
        return dict(action.result(True, job, "attached to the running update"), settings=current_settings(action.reread()))
    if facts["provider"] not in FORWARD_PROVIDERS or facts["running_in"] != "onprem":
        raise SiteRecoveryError("%s: the recovery VM's settings can be changed while the machine replicates to Azure; it is a %s item running in %s"
                                % (action.name, facts["provider"], facts["running_in"]), code="OperationNotAllowed")
    group = params["target_resource_group"]
    changes = dict((k, params.get(k)) for k in SETTINGS)
    if group:
        changes["resource_group_id"] = group if group.startswith("/") else "/subscriptions/%s/resourceGroups/%s" % (params["subscription_id"], group)
    current = current_settings(facts)
    desired = desired_settings(current, changes)
    diff = dict(before=dict((k, current[k]) for k in SETTINGS), after=dict((k, desired[k]) for k in SETTINGS))
    if diff["before"] == diff["after"]:
        return dict(action.result(False, message="the recovery VM of %s has these settings already" % action.name), settings=diff["before"],
                    diff=diff)
    reads = PreflightReads(asr)
    location = reads.location(action.item)
    with asr.step("reading the VM sizes offered in the target region"):
        sizes = [s["name"] for s in reads.gateway.vm_sizes(location)]
    found = problems(desired, facts.get("os_type"), sizes, reads.network(desired["network_id"]))
    if found:
        raise SiteRecoveryError("%s: Azure would refuse these settings: %s" % (action.name, "; ".join(found)), code="InvalidRecoveryVmSettings")
    body = patch_body(facts["provider"], action.item["properties"], desired)
    if asr.check_mode:
        return dict(action.result(True, message="would update the recovery VM of %s" % action.name), settings=diff["after"], diff=diff)
    job_id = action.start("update", body)
    result = action.result(True, action.wait(job_id, "updating the recovery VM of %s" % action.name))
    after = current_settings(result["replicated_item"])
    result.update(settings=dict((k, after[k]) for k in SETTINGS), diff=dict(before=diff["before"], after=dict((k, after[k]) for k in SETTINGS)))
    return result


def main():
    spec = dict(
        name=dict(type="str", required=True),
        vm_name=dict(type="str"),
        size=dict(type="str"),
        target_resource_group=dict(type="str"),
        availability_set_id=dict(type="str"),
        network_id=dict(type="str"),
        subnet=dict(type="str"),
        static_ip=dict(type="str"),
        license_type=dict(type="str", choices=["NotSpecified", "WindowsServer"]),
        **WAIT_SPEC
    )
    AsrModule(argument_spec=spec, supports_check_mode=True).run(update)


if __name__ == "__main__":
    main()
