#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: asr_replicated_item_info
short_description: Read the replicated items of a vault and where each stands in the failover-failback cycle
version_added: 0.1.0
description:
  - Reads one replicated item (a VMware VM or physical server protected by Azure Site Recovery), or all of a vault's,
    and returns normalised facts about each.
  - O(name) accepts the machine's name as people know it (the item's friendly name), the item's name or its ARM id.
  - Each item says where the machine runs now (RV(replicated_items[].running_in), the same for classic and modernized items whatever
    C(activeLocation) says), its stage in the cycle and the next step.
author:
  - siterecovery.vmware maintainers (@siterecovery)
options:
  name:
    description:
      - One item, by the machine's name, the item's name, or its ARM id.
      - The task fails, naming close matches, when no item answers to it, and when several machines share the name.
    type: str
  running_in:
    description: Only the items whose machine runs there now.
    type: str
    choices: [azure, onprem]
  protection_state:
    description: Only the items in this ASR protection state (for example V(Protected), V(UnplannedFailoverCommitted)).
    type: str
  provider:
    description: Only the items of this replication provider.
    type: str
    choices: [InMageAzureV2, InMage, InMageRcm, InMageRcmFailback]
  recovery_points:
    description:
      - Add a summary of each item's recovery points (count, newest, newest app-consistent, oldest).
      - One more request per item; on by default when O(name) is given.
    type: bool
  last_cycle:
    description:
      - Add each item's last failover-failback cycle, read from the vault's jobs (RV(replicated_items[].last_cycle)).
      - The vault's jobs are listed once (since O(cycle_since)) and each item keeps the jobs that worked on it, matched by the
        job's target (the item's VM id or internal identifier) or the machine's name. ASR lists no job by item.
      - This is what C(full_cycle.yml) decides from whether a machine has already been through the cycle, whichever run (or
        person) did it and wherever that run wrote its summary.
    type: bool
    default: false
  cycle_since:
    description:
      - With O(last_cycle), read the vault's jobs that started since this time, ISO 8601 with a time zone (V(2026-12-01T08:00:00Z),
        V(2026-12-01T09:00:00+01:00)). A time without a zone is refused before any request.
      - When not given, the last O(cycle_window_days) days.
    type: str
  cycle_window_days:
    description:
      - With O(last_cycle) and without O(cycle_since), how many days back the vault's jobs are read.
      - 30 by default, longer than a rehearsal or a real disaster takes; a cycle older than that (or older than the jobs the
        vault still keeps) is not seen, and the machine counts as not cycled.
    type: int
    default: 30
extends_documentation_fragment:
  - siterecovery.vmware.azure
  - siterecovery.vmware.azure.vault
  - siterecovery.vmware.attributes.asr_info
"""

EXAMPLES = r"""
- name: Where is vm-web-01, and what comes next?
  siterecovery.vmware.asr_replicated_item_info:
    resource_group: rg-dr
    vault_name: vault-dr
    name: vm-web-01
  register: web

- name: Show it
  ansible.builtin.debug:
    msg: "{{ web.replicated_items[0].friendly_name }} runs in {{ web.replicated_items[0].running_in }}; next: {{ web.replicated_items[0].next_step }}"

- name: Has vm-web-01 been failed over and back since the start of the change window?
  siterecovery.vmware.asr_replicated_item_info:
    resource_group: rg-dr
    vault_name: vault-dr
    name: vm-web-01
    last_cycle: true
    cycle_since: "2026-12-01T08:00:00+01:00"
  register: web_cycle

- name: Every machine that is running in Azure now
  siterecovery.vmware.asr_replicated_item_info:
    resource_group: rg-dr
    vault_name: vault-dr
    running_in: azure
  register: in_azure
"""

RETURN = r"""
replicated_items:
  description: The replicated items, with the keys below (null when ASR does not say).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The item's name (ARM).
      type: str
    id:
      description: The item's ARM id.
      type: str
    friendly_name:
      description: The machine's name.
      type: str
      sample: vm-web-01
    provider:
      description: The replication provider (C(providerSpecificDetails.instanceType)).
      type: str
      sample: InMageAzureV2
    generation:
      description: V(classic) or V(modernized).
      type: str
    running_in:
      description: Where the machine runs now, V(azure) or V(onprem), derived from the provider and C(activeLocation).
      type: str
    replicates_to_azure:
      description:
        - True while the item's provider replicates to Azure (InMageAzureV2, InMageRcm), false while it replicates back to
          on-premises (InMage, InMageRcmFailback); null for another provider. With RV(replicated_items[].running_in) and
          RV(replicated_items[].stage) it places the machine in the cycle (docs/architecture.md).
      type: bool
    stage:
      description:
        - V(replicating) (can fail over), V(commit_pending) (failed over, not committed), V(committed) (waiting for a reprotect),
          V(busy) (a job runs), V(drill_pending) (a test failover ended and waits for its cleanup), V(other).
      type: str
    next_step:
      description: What the cycle does next, in words.
      type: str
      sample: fail over to Azure
    next_stages:
      description:
        - The stages of the cycle that run next from where the machine stands, in order (lookup
          P(siterecovery.vmware.asr_cycle#lookup) names them all); while a stage's job runs, that stage, which a rerun follows.
        - Empty when no stage of the cycle applies (initial replication, a resync, a drill's job).
      type: list
      elements: str
      sample: [failback_prepare, reprotect_to_onprem]
    protection_state:
      description: ASR's protection state.
      type: str
    active_location:
      description: ASR's C(activeLocation) (its meaning depends on the provider; use RV(replicated_items[].running_in)).
      type: str
    replication_health:
      description: V(Normal), V(Warning) or V(Critical).
      type: str
    health_errors:
      description: The item's health errors (code, message, severity, possible_causes, recommended_action).
      type: list
      elements: dict
    allowed_operations:
      description: The operations ASR allows now.
      type: list
      elements: str
    current_job:
      description: The job running on the item (scenario, id, start_time), or null.
      type: dict
    multi_vm_group:
      description: The multi-VM consistency group the item belongs to, or null.
      type: str
    recovery_vm:
      description:
        - The Azure VM a failover creates, in one shape for both generations (name, size, resource_group_id, availability_set_id,
          network_id, subnet, static_ip, nic_id, license_type, use_managed_disks, azure_vm_id), null where the provider has no value
          (modernized items record no azure_vm_id). Null for an item replicating back to on-premises.
      type: dict
    resync_required:
      description: True when ASR says the replication must be resynchronised.
      type: bool
    test_failover_state:
      description: ASR's C(testFailoverState) (V(None), V(InProgress), V(WaitingForCompletion) while a drill waits for its cleanup, ...).
      type: str
    last_successful_test_failover_time:
      description: When the item's last successful drill started (ISO 8601), or null when it has had none.
      type: str
    drill_job:
      description: While a drill waits for its cleanup, its test failover job (scenario, id, start_time); null otherwise.
      type: dict
    test_network:
      description: The network a drill uses unless told otherwise (id, subnet), InMageRcm C(testNetworkId) or InMageAzureV2 C(selectedTfoAzureNetworkId).
      type: dict
    test_vm:
      description: While a drill waits for its cleanup, its test VM read from Azure (name, id, power_state, private_ip); null otherwise.
      type: dict
    recovery_points:
      description: Count, latest, latest_app_consistent and oldest recovery point (id, time, type).
      type: dict
      returned: when O(recovery_points) is true, or O(name) is given
    last_cycle:
      description:
        - The item's last failover-failback cycle from the vault's jobs since RV(replicated_items[].last_cycle.since), read back
          from where the machine runs now (the newest failover brought it there, each earlier one went the other way).
        - The cycle begins with the newest successful failover to Azure, or, when that ended before RV(replicated_items[].last_cycle.since),
          with the oldest job since.
      type: dict
      returned: when O(last_cycle) is true
      contains:
        since:
          description: The start of the record read (O(cycle_since), or O(cycle_window_days) days ago).
          type: str
        complete:
          description:
            - True when a successful reprotect to Azure followed a successful failback and the machine replicates to Azure from
              on-premises again (the cycle is done, in one run or several).
          type: bool
        reached:
          description: The last stage of the cycle with a successful job (a C(full_cycle.yml) stage name), or null.
          type: str
          sample: reprotect_to_onprem
        stages:
          description:
            - Each stage the cycle went through, in order, up to RV(replicated_items[].last_cycle.reached), with its job (C(job_id),
              C(job_state), C(job_start), C(job_end), C(job_seconds), C(recovery_point)).
            - A stage without an ASR job (C(failback_prepare), a commit a modernized reprotect made, a job older than the record)
              has null job keys.
          type: dict
        failover_to_azure:
          description: The failover to Azure of the cycle (as in RV(replicated_items[].last_cycle.stages)), or null.
          type: dict
        failback_to_onprem:
          description: The failback of the cycle, or null.
          type: dict
        reprotect_to_azure:
          description: The reprotect to Azure that closed the cycle, or null.
          type: dict
"""

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_cycle import DEFAULT_WINDOW_DAYS
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_module import AsrModule
from ansible_collections.siterecovery.vmware.plugins.module_utils._info_reads import read_items


def main():
    spec = dict(
        name=dict(type="str"),
        running_in=dict(type="str", choices=["azure", "onprem"]),
        protection_state=dict(type="str"),
        provider=dict(type="str", choices=["InMageAzureV2", "InMage", "InMageRcm", "InMageRcmFailback"]),
        recovery_points=dict(type="bool"),
        last_cycle=dict(type="bool", default=False),
        cycle_since=dict(type="str"),
        cycle_window_days=dict(type="int", default=DEFAULT_WINDOW_DAYS),
    )
    AsrModule(argument_spec=spec, supports_check_mode=True).run(read_items)


if __name__ == "__main__":
    main()
