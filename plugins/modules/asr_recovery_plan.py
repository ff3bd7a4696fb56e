#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: asr_recovery_plan
short_description: Create, update or delete an Azure Site Recovery recovery plan from boot groups
version_added: 0.3.0
description:
  - Saves a recovery plan (ASR's unit for failing a site over, up to 100 machines in one job) from a list of boot groups, in
    order, each with its machines and its manual actions, and runbook actions where the provider allows them
    (failover to Azure only, for VMware and physical machines). ASR adds its own Shutdown and Failover groups.
  - The request is ASR's PUT of C(replicationRecoveryPlans) (202 and a SaveRecoveryPlan job, which the module waits on); see
    C(docs/recovery_plans.md).
  - Idempotent. A plan whose boot groups already hold the same machines and actions reports C(changed=false), and so does
    deleting a plan the vault does not have.
  - Refused before any request - machines named twice or not found (close names are suggested), more than 100 machines, an
    action name used twice, a runbook action in a plan of machines that replicate back to on-premises, a multi-VM consistency
    group only part of which is in the plan (the others are named, with the plans that hold them), and a plan whose job runs.
  - Script actions are not offered; ASR runs them on a VMM server only.
author:
  - siterecovery.vmware maintainers (@siterecovery)
options:
  name:
    description: The plan's name (also its friendly name).
    type: str
    required: true
  state:
    description: V(present) creates or updates the plan; V(absent) deletes it (the machines stay protected).
    type: str
    default: present
    choices: [present, absent]
  groups:
    description:
      - The plan's boot groups, in the order they start on a failover. Required with O(state=present).
      - On an update the plan's groups are replaced by these.
    type: list
    elements: dict
    suboptions:
      machines:
        description:
          - The group's machines, by the machine's name (the item's friendly name, as the inventory names hosts), the item's name or its ARM id.
        type: list
        elements: str
        required: true
      manual_actions:
        description: Manual actions of the group; the plan job waits at each until someone resumes it.
        type: list
        elements: dict
        default: []
        suboptions:
          name:
            description: The action's name, unique in the plan.
            type: str
            required: true
          description:
            description: What the operator does.
            type: str
          position:
            description: Before the group's machines start, or after.
            type: str
            default: after
            choices: [before, after]
          failover_types:
            description: The failovers the action runs on.
            type: list
            elements: str
            choices: [unplanned_failover, planned_failover, test_failover]
            default: [unplanned_failover, planned_failover, test_failover]
      runbook_actions:
        description:
          - Azure Automation runbooks the group runs in Azure (fabric location Recovery) on a failover to Azure.
          - Refused in a plan of machines that replicate back to on-premises.
        type: list
        elements: dict
        default: []
        suboptions:
          name:
            description: The action's name, unique in the plan.
            type: str
            required: true
          runbook_id:
            description: The runbook's ARM id.
            type: str
            required: true
          timeout:
            description: ASR's timeout of the runbook (an ISO 8601 duration, for example V(PT1H)).
            type: str
          position:
            description: Before the group's machines start, or after.
            type: str
            default: after
            choices: [before, after]
          failover_types:
            description: The failovers the action runs on.
            type: list
            elements: str
            choices: [unplanned_failover, planned_failover, test_failover]
            default: [unplanned_failover, planned_failover, test_failover]
extends_documentation_fragment:
  - siterecovery.vmware.azure
  - siterecovery.vmware.azure.vault
  - siterecovery.vmware.wait
  - siterecovery.vmware.attributes.asr_action
"""

EXAMPLES = r"""
- name: Databases first, then the application servers
  siterecovery.vmware.asr_recovery_plan:
    resource_group: rg-dr
    vault_name: vault-dr
    name: plan-app
    groups:
      - machines: [vm-db-01, vm-db-02]
        manual_actions:
          - name: check-db
            description: Check that the databases answer before the application servers start
      - machines: "{{ groups['app_servers'] }}"
        runbook_actions:
          - name: dns
            runbook_id: /subscriptions/.../automationAccounts/dr/runbooks/update-dns
            failover_types: [unplanned_failover, test_failover]

- name: Delete the plan
  siterecovery.vmware.asr_recovery_plan:
    name: plan-app
    state: absent
"""

RETURN = r"""
recovery_plan:
  description:
    - The plan's facts after the change (see M(siterecovery.vmware.asr_recovery_plan_info)); before it in check mode; null once deleted.
  returned: always
  type: dict
job:
  description: The SaveRecoveryPlan or DeleteRecoveryPlan job; absent when nothing was sent.
  returned: when changed and not in check mode
  type: dict
"""

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_jobs import WAIT_SPEC
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_plans import PLAN_SPEC, save_plan
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_module import AsrModule


def main():
    AsrModule(argument_spec=dict(PLAN_SPEC, **WAIT_SPEC), supports_check_mode=True, required_if=[("state", "present", ["groups"])]).run(save_plan)


if __name__ == "__main__":
    main()
