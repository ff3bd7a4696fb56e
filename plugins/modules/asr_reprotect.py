#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: asr_reprotect
short_description: Reprotect a failed-over machine, to on-premises or to Azure
version_added: 0.1.0
description:
  - ASR's C(reProtect) (operation C(SwitchProtection)) with the input the item's provider takes, by the names the portal shows;
    each name is resolved to its id through the vault's fabric, and a name that does not exist fails with the valid ones.
  - V(to_onprem) after a failover to Azure (classic, through a master target and a process server; modernized, through the
    appliance's reprotect agent); V(to_azure) after a failback.
  - The replication policy is one that the container mappings of the item's protection container pair with the provider the item
    will have (C(InMage) or C(InMageRcmFailback) to on-premises, C(InMageAzureV2) or C(InMageRcm) to Azure). When exactly one is
    mapped it is used, and RV(policy) says which; when several are (an app-consistency and a crash-consistency failback policy, say),
    O(policy) must name one, and the task fails before any write and lists them.
  - Nothing is guessed or ignored. An option that does not apply to the item's generation and direction (O(appliance) for a classic
    item, O(master_target) or O(retention_drive) for a modernized one, O(datastore) to Azure) fails before any write, naming the
    option that does apply. A classic master target must run the machine's OS family, at the same or a later version, by the rule
    M(siterecovery.vmware.vmware_master_target) checks as C(os_match), applied to ASR's records of both; a Windows machine through a
    Linux master target is refused too.
  - While the machine's agent re-registers after a failover (up to 15 minutes in Azure), it waits and retries within
    O(wait_timeout) instead of failing.
  - Idempotent. A machine already replicating in that direction reports C(changed=false); a reprotect job already running is
    waited on. It never completes a migration (C(CompleteMigration)), which would end protection.
  - A modernized item may be reprotected straight from the commit-pending state (ASR commits first).
author:
  - siterecovery.vmware maintainers (@siterecovery)
options:
  direction:
    description: V(to_onprem) replicates the machine running in Azure back to on-premises; V(to_azure) replicates it to Azure again.
    type: str
    required: true
    choices: [to_onprem, to_azure]
  master_target:
    description: Classic, to on-premises. The master target server's name (a Linux machine needs a Linux one); the only one when omitted.
    type: str
  process_server:
    description: Classic, and modernized to Azure. The process server's name; the only one when omitted.
    type: str
  datastore:
    description: To on-premises. The datastore the master target (classic) or the appliance (modernized) writes the machine to.
    type: str
  retention_drive:
    description: Classic, to on-premises. The master target's retention volume; its first one when omitted.
    type: str
  run_as_account:
    description:
      - The run-as account's name. Classic, the configuration server's account; modernized to Azure, the VMware site's account.
    type: str
  appliance:
    description: Modernized, to on-premises. The appliance (reprotect agent) name; the only one when omitted.
    type: str
  log_storage_account_id:
    description: Modernized, to on-premises. The ARM id of the cache storage account in Azure.
    type: str
  policy:
    description:
      - The replication policy of the reprotect, by its name or ARM id, among those mapped to the item's protection container for the
        provider the item will have (see M(siterecovery.vmware.asr_fabric_info) and the portal's replication policies).
      - Required when more than one fits; when omitted, the only one that fits.
    type: str
  wait_for:
    description: V(job) waits for the reprotect job; V(protected) also waits until the item reports C(Protected).
    type: str
    default: job
    choices: [job, protected]
extends_documentation_fragment:
  - siterecovery.vmware.azure
  - siterecovery.vmware.azure.vault
  - siterecovery.vmware.azure.item
  - siterecovery.vmware.wait
  - siterecovery.vmware.attributes.asr_action
"""

EXAMPLES = r"""
- name: Classic - replicate vm-web-01 back to on-premises through the Windows master target
  siterecovery.vmware.asr_reprotect:
    resource_group: rg-dr
    vault_name: vault-dr
    name: vm-web-01
    direction: to_onprem
    master_target: mt-win-01
    process_server: ps-azure-01
    datastore: ds-vmfs-02
    run_as_account: vcenteruser

- name: Modernized - replicate vm-web-02 back through the appliance
  siterecovery.vmware.asr_reprotect:
    resource_group: rg-dr
    vault_name: vault-dr
    name: vm-web-02
    direction: to_onprem
    datastore: ds-vmfs-01
    log_storage_account_id: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-dr/providers/Microsoft.Storage/storageAccounts/drcache

- name: Modernized, with two failback policies mapped - name the crash-consistency one
  siterecovery.vmware.asr_reprotect:
    resource_group: rg-dr
    vault_name: vault-dr
    name: vm-web-03
    direction: to_onprem
    datastore: ds-vmfs-01
    log_storage_account_id: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-dr/providers/Microsoft.Storage/storageAccounts/drcache
    policy: crashconsistency-policy-failback

- name: After the failback, replicate to Azure again and wait until protected
  siterecovery.vmware.asr_reprotect:
    resource_group: rg-dr
    vault_name: vault-dr
    name: vm-web-01
    direction: to_azure
    wait_for: protected
"""

RETURN = r"""
replicated_item:
  description: The item's facts afterwards (see M(siterecovery.vmware.asr_replicated_item_info)).
  returned: always
  type: dict
job:
  description: The reprotect job; null when nothing was done.
  returned: always
  type: dict
request:
  description: The reProtect body sent (or that would be sent in check mode).
  returned: when a reprotect is (or would be) started
  type: dict
policy:
  description: The replication policy of the reprotect, and why it was chosen.
  returned: when a reprotect is (or would be) started
  type: dict
  contains:
    id:
      description: The policy's ARM id (the body's C(policyId), or C(profileId) for a classic reprotect to on-premises).
      type: str
    name:
      description: The policy's name.
      type: str
    mapping:
      description: The container mapping that pairs it with the item's protection container.
      type: str
    chosen:
      description: Why this one (C(named by the policy option), or C(the only InMage policy mapped) and the like).
      type: str
  sample:
    id: /subscriptions/0000/resourceGroups/rg-dr/providers/Microsoft.RecoveryServices/vaults/vault-dr/replicationPolicies/policy-failback
    name: policy-failback
    mapping: policy-failback-containerpairing
    chosen: the only InMage policy mapped
"""

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_jobs import WAIT_SPEC
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_module import AsrModule
from ansible_collections.siterecovery.vmware.plugins.module_utils._reprotect_task import reprotect


def main():
    spec = dict(
        name=dict(type="str", required=True),
        direction=dict(type="str", required=True, choices=["to_onprem", "to_azure"]),
        master_target=dict(type="str"),
        process_server=dict(type="str"),
        datastore=dict(type="str"),
        retention_drive=dict(type="str"),
        run_as_account=dict(type="str"),
        appliance=dict(type="str"),
        log_storage_account_id=dict(type="str"),
        policy=dict(type="str"),
        wait_for=dict(type="str", default="job", choices=["job", "protected"]),
        **WAIT_SPEC
    )
    AsrModule(argument_spec=spec, supports_check_mode=True).run(reprotect)


if __name__ == "__main__":
    main()
