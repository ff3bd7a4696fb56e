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

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_jobs import WAIT_SPEC
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_module import AsrModule
from ansible_collections.siterecovery.vmware.plugins.module_utils._recovery_vm_task import update


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
