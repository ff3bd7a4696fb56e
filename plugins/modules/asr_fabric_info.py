#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: asr_fabric_info
short_description: List the fabrics of a Recovery Services vault (configuration servers and replication appliances)
version_added: 0.1.0
description:
  - Reads the Site Recovery fabrics of a Recovery Services vault and returns normalised facts about each one.
  - A classic fabric (C(VMware)) is a configuration server, with its process servers, master target servers
    (retention volumes and datastores) and run-as accounts, which reprotection to on-premises needs.
  - A modernized fabric (C(InMageRcm)) is a replication appliance, with its process servers, reprotect agents
    (and the datastores they can reach) and the other appliance components.
  - The C(Azure) fabric of the recovery region is listed too.
author:
  - siterecovery.vmware maintainers (@siterecovery)
options:
  name:
    description:
      - Return only this fabric, by its name or its friendly name (case-insensitive).
      - The task fails, listing the fabrics there are, when none matches.
    type: str
extends_documentation_fragment:
  - siterecovery.vmware.azure
  - siterecovery.vmware.azure.vault
  - siterecovery.vmware.attributes.asr_info
"""

EXAMPLES = r"""
- name: List the configuration servers and appliances of the vault
  siterecovery.vmware.asr_fabric_info:
    resource_group: rg-dr
    vault_name: vault-dr
  register: fabrics

- name: Show the health of each process server
  ansible.builtin.debug:
    msg: "{{ item.0.friendly_name }} / {{ item.1.name }}: {{ item.1.health | default('unknown') }}"
  loop: "{{ fabrics.fabrics | subelements('process_servers', skip_missing=true) }}"

- name: Read one configuration server, with the options set once for the play
  module_defaults:
    group/siterecovery.vmware.asr:
      subscription_id: "{{ azure_subscription_id }}"
      resource_group: rg-dr
      vault_name: vault-dr
  siterecovery.vmware.asr_fabric_info:
    name: cs-prod-01
  register: cs
"""

RETURN = r"""
fabrics:
  description:
    - The fabrics, in the order ASR lists them.
    - The keys common to all fabrics are always there (null when ASR did not send the value);
      inside the lists (process servers, master targets, agents), keys ASR did not send are left out.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The fabric's ARM name.
      type: str
      sample: Rcm-Vault-150-vmwarefabric
    id:
      description: The fabric's ARM id.
      type: str
    friendly_name:
      description: The name shown in the portal.
      type: str
    fabric_type:
      description: ASR's C(customDetails.instanceType).
      type: str
      sample: InMageRcm
    kind:
      description: What the fabric is, in words.
      type: str
      sample: replication appliance
    generation:
      description: V(classic) (configuration server), V(modernized) (replication appliance), V(azure), or null.
      type: str
      sample: modernized
    health:
      description: ASR's health of the fabric.
      type: str
    health_errors:
      description: The fabric's health errors (code, message, severity, possible_causes, recommended_action).
      type: list
      elements: dict
    configuration_server:
      description: Classic only. Host name, IP address, version, last heartbeat and service status of the configuration server.
      type: dict
      returned: when generation is classic
    process_servers:
      description:
        - The process servers, with id, name, ip_addresses, version, last_heartbeat, health, health_errors,
          free and total space, and load statuses.
      type: list
      elements: dict
      returned: when generation is classic or modernized
    master_targets:
      description:
        - Classic only. Master target servers with id, name, os_type, version, last_heartbeat,
          retention_volumes (name, capacity_bytes, free_bytes) and datastores (name, uuid, type, capacity_gb, free_gb).
      type: list
      elements: dict
      returned: when generation is classic
    run_as_accounts:
      description: Classic only. The configuration server's run-as accounts (id, name).
      type: list
      elements: dict
      returned: when generation is classic
    appliance:
      description: Modernized only. The Azure Migrate VMware and physical site ids of the appliance.
      type: dict
      returned: when generation is modernized
    reprotect_agents:
      description: Modernized only. Reprotect agents with health, last_heartbeat, accessible_datastores and vcenter_id.
      type: list
      elements: dict
      returned: when generation is modernized
    vcenters:
      description:
        - The vCenters the configuration server or appliance discovers machines from
          (name, ip_address, port, last_heartbeat, discovery_status, health_errors).
      type: list
      elements: dict
      returned: when generation is classic or modernized
    replication_agents:
      description: Modernized only. The appliance's replication agents (id, name, version, last_heartbeat, health).
      type: list
      elements: dict
      returned: when generation is modernized
  sample:
    - name: Rcm-Vault-150-vmwarefabric
      friendly_name: Rcm-Vault-150-vmwarefabric
      fabric_type: InMageRcm
      kind: replication appliance
      generation: modernized
      process_servers:
        - id: 7d30ec24-f20e-4c17-8dfd-d7ccb444b072
          name: Rcm-App-150
          health: Normal
      reprotect_agents:
        - id: 7d30ec24-f20e-4c17-8dfd-d7ccb444b072
          name: Rcm-App-150
          accessible_datastores: [datastore-85]
vault_id:
  description: The ARM id of the vault that was read.
  returned: always
  type: str
"""

from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_module import AsrModule
from ansible_collections.siterecovery.vmware.plugins.module_utils._info_reads import list_fabrics


def main():
    asr = AsrModule(argument_spec=dict(name=dict(type="str")), supports_check_mode=True)
    asr.run(list_fabrics)


if __name__ == "__main__":
    main()
