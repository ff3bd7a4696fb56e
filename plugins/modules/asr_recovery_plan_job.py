#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: asr_recovery_plan_job
short_description: Fail a recovery plan over, test it, clean the test up, commit it or cancel it
version_added: 0.3.0
description:
  - Runs one operation on a recovery plan (M(siterecovery.vmware.asr_recovery_plan)); ASR runs its boot groups in order, each
    machine through its own failover (or commit, ...), and the module follows the plan job.
  - It runs on the controller (an action plugin of the same name) and prints one line per read with each boot group's state and
    each machine's, from the plan job's tasks.
  - O(operation=failover) is C(unplannedFailover) toward Azure and for the classic failback, C(plannedFailover) for the
    modernized failback, with each provider's plan input (C(RecoveryPlanInMageAzureV2FailoverInput), C(RecoveryPlanInMageRcmFailoverInput),
    C(RecoveryPlanInMageFailoverInput), C(RecoveryPlanInMageRcmFailbackFailoverInput)).
  - Refused before any request - a machine of the plan whose allowed operations lack the operation, or that runs a job (each named);
    a multi-VM consistency group only part of which is in the plan (the others named); a recovery point a provider does not offer.
  - Idempotent. A plan job of the operation already running is followed, never started twice; a POST whose answer was lost is
    resolved by reading the plan and the vault's jobs, as the per-machine modules do; an operation every machine has done already
    reports C(changed=false).
  - The reprotect of a plan is deprecated by ASR (it no longer works); reprotect the machines one by one
    (M(siterecovery.vmware.asr_reprotect)), in parallel.
author:
  - siterecovery.vmware maintainers (@siterecovery)
options:
  name:
    description: The recovery plan's name.
    type: str
    required: true
  operation:
    description: What to run on the plan.
    type: str
    required: true
    choices: [failover, test_failover, test_failover_cleanup, commit, cancel]
  direction:
    description:
      - With O(operation=failover), V(to_azure) or V(to_onprem) (the failback, after the machines' reprotect to on-premises).
    type: str
    choices: [to_azure, to_onprem]
  recovery_point:
    description:
      - The recovery point each machine fails over to, as the plan input of its provider takes it; a plan takes no custom point.
      - Classic to Azure and modernized to Azure take all four; the classic failback V(latest) (LatestTime) and
        V(latest_app_consistent) (LatestTag); the modernized failback V(latest) and V(latest_crash_consistent) (CrashConsistent)
        and V(latest_app_consistent) (ApplicationConsistent). Another choice fails before any request.
    type: str
    default: latest
    choices: [latest, latest_processed, latest_app_consistent, latest_crash_consistent]
  use_multi_vm_sync_point:
    description: The machines of a multi-VM consistency group fail over to their common (multi-VM) sync point.
    type: bool
    default: false
  shutdown_source:
    description: With an unplanned failover, shut the source machines down first (C(sourceSiteOperations=Required)).
    type: bool
    default: false
  test_network_id:
    description: With O(operation=test_failover), the ARM id of the Azure virtual network the test machines join.
    type: str
  comments:
    description: With O(operation=test_failover_cleanup), the notes of the test that ASR keeps.
    type: str
notes:
  - The action plugin reads the Azure options from the task, C(module_defaults) and the controller's environment variables; the
    task keyword C(environment) does not apply to it.
extends_documentation_fragment:
  - siterecovery.vmware.azure
  - siterecovery.vmware.azure.vault
  - siterecovery.vmware.wait
  - siterecovery.vmware.attributes.asr_action
"""

EXAMPLES = r"""
- name: Fail plan-app over to Azure, to the latest app-consistent points, the multi-VM groups together
  siterecovery.vmware.asr_recovery_plan_job:
    resource_group: rg-dr
    vault_name: vault-dr
    name: plan-app
    operation: failover
    direction: to_azure
    recovery_point: latest_app_consistent
    use_multi_vm_sync_point: true
    wait_sleep: 30

- name: Commit it
  siterecovery.vmware.asr_recovery_plan_job:
    name: plan-app
    operation: commit
"""

RETURN = r"""
recovery_plan:
  description: The plan's facts (see M(siterecovery.vmware.asr_recovery_plan_info)).
  returned: always
  type: dict
job:
  description:
    - The plan job (id, operation, state, times, tasks, errors; see M(siterecovery.vmware.asr_job_info)), with C(groups) - per boot
      group its state and each machine's name, state and child job id. Null when nothing was done.
  returned: always
  type: dict
machines:
  description: Each machine of the plan after the operation - name, running_in, stage, protection_state.
  returned: always
  type: list
  elements: dict
"""

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_jobs import WAIT_SPEC
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_plans import JOB_REQUIRED_IF, JOB_SPEC, run_plan_job
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_module import AsrModule


def main():
    AsrModule(argument_spec=dict(JOB_SPEC, **WAIT_SPEC), supports_check_mode=True, required_if=JOB_REQUIRED_IF).run(run_plan_job)


if __name__ == "__main__":
    main()
