#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: asr_recovery_plan_info
short_description: Read the recovery plans of an Azure Site Recovery vault
version_added: 0.3.0
description:
  - Reads one recovery plan, or all of a vault's, with each boot group's machines (by the machine's name and the item's id),
    its actions, the operations ASR allows on the plan now, its current job and its last failovers.
  - A plan the vault does not have gives an empty list.
author:
  - siterecovery.vmware maintainers (@siterecovery)
options:
  name:
    description: One plan, by its name. All the vault's plans when not given.
    type: str
extends_documentation_fragment:
  - siterecovery.vmware.azure
  - siterecovery.vmware.azure.vault
  - siterecovery.vmware.attributes.asr_info
"""

EXAMPLES = r"""
- name: Read plan-app
  siterecovery.vmware.asr_recovery_plan_info:
    resource_group: rg-dr
    vault_name: vault-dr
    name: plan-app
  register: plan
"""

RETURN = r"""
recovery_plans:
  description: The plans read.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The plan's name.
      type: str
    id:
      description: The plan's ARM id.
      type: str
    groups:
      description: The boot groups in order, each with C(machines), C(item_ids), C(start_actions) and C(end_actions).
      type: list
      elements: dict
    item_ids:
      description: Every member's item id, lower case.
      type: list
      elements: str
    allowed_operations:
      description: The operations ASR allows on the plan now (ASR's names).
      type: list
      elements: str
    providers:
      description: The replication providers of the plan's machines.
      type: list
      elements: str
    current_job:
      description: The plan's running job (scenario, id, start time, status); null when none runs.
      type: dict
    last_job:
      description: The plan's last job, running or not.
      type: dict
    last_unplanned_failover_time:
      description: When the plan last failed over (unplanned).
      type: str
    last_planned_failover_time:
      description: When the plan last failed over (planned).
      type: str
    last_test_failover_time:
      description: When the plan's last test failover ran.
      type: str
"""

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_plans import plan_info
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_module import AsrModule


def main():
    AsrModule(argument_spec=dict(name=dict(type="str")), supports_check_mode=True).run(plan_info)


if __name__ == "__main__":
    main()
