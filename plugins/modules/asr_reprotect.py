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

from ansible_collections.siterecovery.vmware.plugins.module_utils._arm import arm_list
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_actions import ItemAction, Overtaken
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_items import address
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_jobs import WAIT_SPEC
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_reprotect import REPROTECT_OF_PROVIDER, reprotect_inputs
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_state import FAILBACK_PROVIDERS, FORWARD_PROVIDERS
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_state import StateError, reprotect_body
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_wait import AGENT_NOT_REGISTERED, agent_pending, wait_for_item
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_module import AsrModule
from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError
from ansible_collections.siterecovery.vmware.plugins.module_utils._poll import Poll

OFFAZURE_API_VERSION = "2023-06-06"
RESOLVED_OPTIONS = ("master_target", "process_server", "datastore", "retention_drive", "run_as_account", "appliance", "log_storage_account_id",
                    "policy")


def read_inputs(asr, action):
    """(the inputs of reprotect_body, the policy chosen), from the fabric, the mappings and the policies; refuses bad options before any write."""
    client, group, vault = asr.client, asr.resource_group, asr.vault_name
    fabric, container, _name = address(action.item)
    with asr.step("reading fabric %s, its container mappings and the vault's policies" % fabric):
        custom = client.replication_fabrics.get(group, vault, fabric).as_dict()["properties"]["customDetails"]
        mappings = [m.as_dict() for m in client.replication_protection_container_mappings.list_by_replication_protection_containers(
            group, vault, fabric, container)]
        policies = [p.as_dict() for p in client.replication_policies.list(group, vault)]
    accounts = []
    if action.before["provider"] == "InMageRcmFailback" and asr.params["run_as_account"]:
        with asr.step("reading the run-as accounts of the VMware site"):
            accounts = arm_list(client, custom["vmwareSiteId"] + "/runasaccounts", OFFAZURE_API_VERSION)
    options = dict((k, asr.params[k]) for k in RESOLVED_OPTIONS)
    try:
        return reprotect_inputs(action.before, custom, mappings, policies, options, accounts)
    except StateError as exc:
        raise SiteRecoveryError("reprotecting %s: %s" % (action.name, exc), code="InvalidReprotectInput") from exc


def reprotect(asr):
    params = asr.params
    action = ItemAction(asr, params["name"])
    facts = action.before
    attached = action.running_job_of("reProtect")
    if attached:
        return finish(asr, action, action.wait(attached, "reprotecting %s" % action.name), "attached to the running reprotect")
    provider = facts["provider"]
    done_provider = {"to_onprem": FAILBACK_PROVIDERS, "to_azure": FORWARD_PROVIDERS}[params["direction"]]
    if provider in done_provider and facts["stage"] in ("replicating", "other"):
        return action.result(False, message=replicating_already(action, facts, params["direction"], done_provider))
    if REPROTECT_OF_PROVIDER.get(provider, (None,))[0] != params["direction"]:
        raise SiteRecoveryError("%s cannot be reprotected %s now: it is a %s item running in %s; its next step is: %s"
                                % (action.name, params["direction"].replace("_", " "), provider, facts["running_in"], facts["next_step"]),
                                code="InvalidReprotectDirection")
    action.refuse_unless_allowed("reProtect")
    inputs, policy = read_inputs(asr, action)
    body = reprotect_body(provider, **inputs)
    if asr.check_mode:
        result = action.result(True, message="would reprotect %s %s" % (action.name, params["direction"].replace("_", " ")))
        result.update(request=body, policy=policy)
        return result
    # One wait for the whole reprotect: the agent's registration, the job, and a resend when ASR's preflight found the agent
    # not ready yet (150273), all within wait_timeout.
    poll = Poll(params["wait_timeout"], params["wait_sleep"])
    while True:
        if agent_pending(action.before):
            action.before = wait_for_item(asr, action.vault, action.item, "agent_registered", action.name, poll)
        try:
            job_id = action.start("reProtect", body, done=lambda now: replicating_already(action, now, params["direction"], done_provider))
        except Overtaken as over:
            return action.result(False, message=str(over))
        try:
            job = action.wait(job_id, "reprotecting %s" % action.name)
        except SiteRecoveryError as error:
            if error.code in AGENT_NOT_REGISTERED and poll.remaining() > 0:
                action.before = action.reread()
                continue  # ASR's preflight found the agent not ready yet: wait and send again
            raise
        result = finish(asr, action, job)
        result.update(request=body, policy=policy)
        return result


def replicating_already(action, facts, direction, done_provider):
    """What says that the item replicates in ``direction`` already (its provider is the one a reprotect leads to), or None."""
    if facts["provider"] not in done_provider:
        return None
    return "%s replicates %s already (%s, %s)" % (action.name, direction.replace("_", " "), facts["provider"], facts["protection_state"])


def finish(asr, action, job, message=None):
    if asr.params["wait_for"] == "protected" and asr.params["wait"]:
        poll = Poll(asr.params["wait_timeout"], asr.params["wait_sleep"])
        wait_for_item(asr, action.vault, action.item, "protected", action.name, poll)
    return action.result(True, job, message)


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
