#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: asr_job_info
short_description: Read Azure Site Recovery jobs, and optionally wait for one to end
version_added: 0.1.0
description:
  - Reads one job by its id, or the vault's jobs filtered by replicated item, operation and state.
  - With O(wait), follows the job given by O(job_id) until it ends; the task fails when the job fails, and when the wait
    times out, naming the job and its state. The job is never cancelled.
author:
  - siterecovery.vmware maintainers (@siterecovery)
options:
  job_id:
    description: One job, by its id (the name at the end of its ARM id).
    type: str
  item:
    description: Only the jobs of this replicated item (the machine's name, as the jobs name it).
    type: str
  operation:
    description: Only the jobs of this operation (ASR's scenario name, for example V(UnplannedFailover), V(SwitchReplicationGroupProtection)).
    type: str
  state:
    description: Only the jobs in this state.
    type: str
    choices: [NotStarted, InProgress, Succeeded, Failed, Cancelled, Suspended]
  wait:
    description:
      - Wait for the job of O(job_id) to end.
    type: bool
    default: false
  wait_timeout:
    description: How long to wait, in seconds; the job keeps running when the wait runs out.
    type: int
    default: 3600
  wait_sleep:
    description: Seconds between two reads of the job.
    type: int
    default: 30
extends_documentation_fragment:
  - siterecovery.vmware.azure
  - siterecovery.vmware.azure.vault
  - siterecovery.vmware.attributes.asr_info
"""

EXAMPLES = r"""
- name: The failovers that failed
  siterecovery.vmware.asr_job_info:
    resource_group: rg-dr
    vault_name: vault-dr
    operation: UnplannedFailover
    state: Failed
  register: failed

- name: Wait again for a job whose wait ran out
  siterecovery.vmware.asr_job_info:
    resource_group: rg-dr
    vault_name: vault-dr
    job_id: 35545cdd-48dd-4c36-9201-28e3256ceb21
    wait: true
    wait_timeout: 7200
"""

RETURN = r"""
jobs:
  description: The jobs, newest first.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The job's id.
      type: str
    operation:
      description: ASR's scenario name.
      type: str
      sample: UnplannedFailover
    state:
      description: NotStarted, InProgress, Succeeded, Failed, Cancelled or Suspended.
      type: str
    start_time:
      description: When it started.
      type: str
    end_time:
      description: When it ended, or null.
      type: str
    target_name:
      description: The machine it works on.
      type: str
    current_task:
      description: The task running now, or null.
      type: str
    tasks:
      description: Each task's name, friendly_name, state, start_time, end_time and errors.
      type: list
      elements: dict
    errors:
      description: The job's errors (code, message, possible_causes, recommended_action).
      type: list
      elements: dict
    seconds:
      description: How long the job ran, from its start and end times; null while it runs.
      type: float
    recovery_point:
      description:
        - A failover job's recovery point (ASR's C(FailoverJobDetails)), null for other jobs.
        - C(age_seconds) is the point's age when the job started, the recovery point objective achieved.
      type: dict
      sample: {"id": "e34dccf5-cc56-470c-a648-d43b8ef4cce2", "time": "2021-04-06T09:48:12.0073939Z", "age_seconds": 120.8}
"""

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_jobs import WAIT_SPEC
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_module import AsrModule
from ansible_collections.siterecovery.vmware.plugins.module_utils._info_reads import read_jobs


def main():
    spec = dict(
        job_id=dict(type="str"),
        item=dict(type="str"),
        operation=dict(type="str"),
        state=dict(type="str", choices=["NotStarted", "InProgress", "Succeeded", "Failed", "Cancelled", "Suspended"]),
        **dict(WAIT_SPEC, wait=dict(type="bool", default=False))
    )
    AsrModule(argument_spec=spec, supports_check_mode=True, required_if=[("wait", True, ["job_id"])]).run(read_jobs)


if __name__ == "__main__":
    main()
