#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: asr_failback_plan_info
short_description: Decide every input of the failback path before its first write, or say why the machine cannot go through it
version_added: 0.2.0
description:
  - For one replicated item and the stages of the failback path still to run (O(stages)), resolves every input a later stage
    needs, from the vault and, when the vSphere options are given, from vCenter - the failback's process server, the master
    target, datastore, retention volume, run-as account and failback policy of the reprotect to on-premises (modernized, the
    appliance, datastore, cache storage account and policy), the recovery point of the failback, and the process server,
    run-as account and policy of the reprotect to Azure - and returns them (RV(plan)) with why each was chosen (RV(choices)),
    or refuses the machine with every reason (RV(problems), RV(ready)).
  - A choice the documented rules make unambiguous is made and said (the configuration server's in-built process server for the
    reprotect to Azure; the master target of the machine's OS family whose checks all pass, the others listed with why not; the
    only datastore, the first retention volume, the only policy mapped). Any other choice is refused with the values to choose
    from. The rules are those of the collection's C(docs/failback_plan.md).
  - The roles take their inputs from RV(plan) (roles/asr tasks_from plan), so that no later stage decides differently, and a run
    that could only fail halfway is refused before its first write - in check mode too.
  - An info module; it does not fail on a refusal (RV(ready) says whether the machine can go through). It fails on bad options, an
    item that is not found, and Azure or vSphere errors.
author:
  - siterecovery.vmware maintainers (@siterecovery)
options:
  stages:
    description:
      - The stages still to run, of V(failback_prepare), V(reprotect_to_onprem), V(failback_to_onprem), V(commit_failback) and
        V(reprotect_to_azure) (roles/asr vars asr_stage_table). Only their inputs are decided.
    type: list
    elements: str
    required: true
    choices: [failback_prepare, reprotect_to_onprem, failback_to_onprem, commit_failback, reprotect_to_azure]
  name_prefix:
    description: Put before each option's name in the reasons (the roles give C(asr_), so that a reason names the playbook variable).
    type: str
    default: ""
  process_server:
    description: The failback's process server (M(siterecovery.vmware.asr_process_server) O(siterecovery.vmware.asr_process_server#module:name)).
    type: str
  process_server_location:
    description: Where the failback's process server runs (V(onprem), V(azure)); by default V(azure) over a VPN, else V(onprem).
    type: str
    choices: [onprem, azure]
  link:
    description: The link between the site and Azure, V(expressroute) or V(vpn) (a VPN needs a process server in Azure).
    type: str
    choices: [expressroute, vpn]
  azure_network:
    description: The Azure network the machines failed over into, by name (with O(azure_resource_group)) or ARM id; needed for a process server in Azure.
    type: str
  azure_resource_group:
    description: The resource group of O(azure_network) when it is a name.
    type: str
  max_heartbeat_age:
    description: Minutes since the last heartbeat after which a process server or master target is not reporting.
    type: int
    default: 15
  min_free_space_percent:
    description: Free space of a process server's cache volume under which its check fails.
    type: int
    default: 25
  master_target:
    description: Classic. The master target; when omitted, one that passes every check is chosen.
    type: str
  datastore:
    description: The datastore the master target (classic) or the appliance (modernized) writes the machine to.
    type: str
  retention_drive:
    description: Classic. The master target's retention volume; its first one when omitted.
    type: str
  run_as_account:
    description: Classic. The configuration server's run-as account of the reprotect to on-premises.
    type: str
  failback_policy:
    description: The failback policy (InMage or InMageRcmFailback), by name or ARM id; needed when several are mapped.
    type: str
  appliance:
    description: Modernized. The appliance (reprotect agent); the only one when omitted.
    type: str
  log_storage_account_id:
    description: Modernized. The cache storage account's ARM id of the reprotect to on-premises.
    type: str
  failback_recovery_point:
    description: The failback's recovery point, checked against what the failback's provider takes and its failback policy gives.
    type: str
    default: latest
    choices: [latest, latest_processed, latest_app_consistent, latest_crash_consistent, custom]
  failback_recovery_point_id:
    description: With O(failback_recovery_point=custom), the point's id.
    type: str
  reprotect_process_server:
    description: The process server of the reprotect to Azure; classic default the configuration server's in-built one.
    type: str
  reprotect_run_as_account:
    description: The run-as account of the reprotect to Azure.
    type: str
  replication_policy:
    description: The replication policy of the reprotect to Azure (InMageAzureV2 or InMageRcm); needed when several are mapped.
    type: str
extends_documentation_fragment:
  - siterecovery.vmware.azure
  - siterecovery.vmware.azure.vault
  - siterecovery.vmware.azure.item
  - siterecovery.vmware.vsphere
  - siterecovery.vmware.attributes.asr_info
notes:
  - The vSphere options are optional. With them (O(hostname) or E(VMWARE_HOST)), each master target of the machine's OS family is
    checked in vCenter as M(siterecovery.vmware.vmware_master_target) checks it (read only); without them, on ASR's record alone,
    and RV(notes) says so.
"""

EXAMPLES = r"""
- name: Decide the failback path of vm-web-01 before anything is sent
  siterecovery.vmware.asr_failback_plan_info:
    name: vm-web-01
    stages: [failback_prepare, reprotect_to_onprem, failback_to_onprem, commit_failback, reprotect_to_azure]
    datastore: ds-vmfs-01
  register: plan

- name: Stop when the machine cannot go through
  ansible.builtin.assert:
    that: plan.ready
    fail_msg: "{{ plan.msg }}"
"""

RETURN = r"""
plan:
  description:
    - The inputs of each stage, by stage (V(failback_prepare), V(reprotect_to_onprem), V(failback_to_onprem), V(reprotect_to_azure));
      an empty string where the stage takes none; plus C(generation), C(provider) and C(stages).
  returned: always
  type: dict
  sample:
    reprotect_to_onprem: {master_target: mt-win-01, process_server: cs-lab-01, datastore: ds-vmfs-01, retention_drive: E,
                          run_as_account: vcenteruser, policy: policy-lab-failback}
    failback_to_onprem: {recovery_point: latest, recovery_point_id: ""}
    reprotect_to_azure: {process_server: cs-lab-01, run_as_account: "", policy: policy-lab}
choices:
  description: What was chosen for each input, and why.
  returned: always
  type: list
  elements: dict
  sample:
    - input: master target
      value: mt-win-01
      why: "of the machine's OS family and every check passing; 16 checks pass, 1 warn (its checks in vCenter and ASR's record);
        not chosen: cs-lab-01 (os_match: ...; disk_enable_uuid: ...)"
master_targets:
  description: Classic. Every master target considered, with C(chosen), C(summary), C(failed) and C(why_not).
  returned: always
  type: list
  elements: dict
problems:
  description: Why the machine cannot go through the stages, one sentence each; empty when it can.
  returned: always
  type: list
  elements: str
notes:
  description: What the plan could not check.
  returned: always
  type: list
  elements: str
ready:
  description: True when nothing was refused.
  returned: always
  type: bool
group:
  description: The machine's multi-VM group (C(name), C(members)), or null.
  returned: always
  type: dict
replicated_item:
  description: The item's facts (see M(siterecovery.vmware.asr_replicated_item_info)).
  returned: always
  type: dict
msg:
  description: The choices, or every reason of the refusal.
  returned: always
  type: str
"""

from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_module import AsrModule
from ansible_collections.siterecovery.vmware.plugins.module_utils._failback_plan import STAGES
from ansible_collections.siterecovery.vmware.plugins.module_utils._failback_plan_reads import run
from ansible_collections.siterecovery.vmware.plugins.module_utils._vsphere_spec import vsphere_argument_spec


def main():
    spec = dict(
        name=dict(type="str", required=True),
        stages=dict(type="list", elements="str", required=True, choices=list(STAGES)),
        name_prefix=dict(type="str", default=""),
        process_server=dict(type="str"),
        process_server_location=dict(type="str", choices=["onprem", "azure"]),
        link=dict(type="str", choices=["expressroute", "vpn"]),
        azure_network=dict(type="str"),
        azure_resource_group=dict(type="str"),
        max_heartbeat_age=dict(type="int", default=15),
        min_free_space_percent=dict(type="int", default=25),
        master_target=dict(type="str"),
        datastore=dict(type="str"),
        retention_drive=dict(type="str"),
        run_as_account=dict(type="str"),
        failback_policy=dict(type="str"),
        appliance=dict(type="str"),
        log_storage_account_id=dict(type="str"),
        failback_recovery_point=dict(type="str", default="latest",
                                     choices=["latest", "latest_processed", "latest_app_consistent", "latest_crash_consistent", "custom"]),
        failback_recovery_point_id=dict(type="str"),
        reprotect_process_server=dict(type="str"),
        reprotect_run_as_account=dict(type="str"),
        replication_policy=dict(type="str"),
        **vsphere_argument_spec()
    )
    AsrModule(argument_spec=spec, supports_check_mode=True).run(run)


if __name__ == "__main__":
    main()
