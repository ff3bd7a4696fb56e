#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: asr_wait
short_description: Follow an Azure Site Recovery job until it ends, or wait until a replicated item meets a condition
version_added: 0.2.0
description:
  - Follows the job O(job_id) until it ends, or waits until the item O(name) meets O(wait_for), reading every
    O(wait_sleep) seconds for up to O(wait_timeout) seconds. Nothing is ever written, cancelled or resumed.
  - It runs on the controller (an action plugin of the same name); each read is one request from the task's own
    process, and each read prints one line (the job's state, its current task and the seconds since it started)
    through Ansible's display, so a wait of hours costs neither a module process per read nor task events per read.
  - A read that fails with a transient error (no answer, a reset or refused connection, 408, 429, 5xx) is read again
    at the next interval while the wait's deadline allows; the result lists those failed reads.
  - The task fails when the job fails, is cancelled or suspended (with ASR's error, possible causes and recommended
    action), and when the wait runs out (with the job's id, state, current task and the real elapsed time; the job keeps
    running, and a rerun follows it again).
  - Used by the collection's roles to follow every stage's job (see the C(asr) role's C(wait) tasks).
author:
  - siterecovery.vmware maintainers (@siterecovery)
options:
  job_id:
    description:
      - The job to follow, by its id (the name at the end of its ARM id, as M(siterecovery.vmware.asr_failover) and the
        other action modules return it). Required when O(wait_for=job).
    type: str
  name:
    description:
      - The replicated item, by the machine's name, the item's name, or its ARM id (one request; a name lists the
        vault's items once). Required when O(wait_for) is a condition of the item.
    type: str
  wait_for:
    description:
      - V(job) follows O(job_id) until it ends.
      - V(agent_registered) waits until the failed-over machine's Mobility agent has registered again (ASR reports
        C(isAgentRegistrationSuccessfulAfterFailover) false and health error 150273 meanwhile; it takes up to 15 minutes
        after a failover, and a reprotect to on-premises fails before it).
      - V(protected) waits until the item's protection state is C(Protected) (the end of the initial replication after a
        reprotect).
    type: str
    choices: [job, agent_registered, protected]
    default: job
  label:
    description:
      - The words that begin each progress line and message, for example the machine and the stage.
      - Defaults to the job's id, or the machine's name.
    type: str
  wait_timeout:
    description:
      - How long to wait, in seconds (1 or more). When it runs out the task fails; the job keeps running.
    type: int
    default: 3600
  wait_sleep:
    description:
      - Seconds between two reads (1 or more). A longer C(Retry-After) from ASR is honoured, up to 300 seconds.
    type: int
    default: 30
  wait_timeout_name:
    description:
      - How the caller names the timeout, for the message of a wait that ran out (the roles pass V(asr_wait_timeout)).
    type: str
    default: wait_timeout
notes:
  - The action plugin reads the Azure options from the task, C(module_defaults) and the controller's environment
    variables; the task keyword C(environment) does not apply to it.
extends_documentation_fragment:
  - siterecovery.vmware.azure
  - siterecovery.vmware.azure.vault
  - siterecovery.vmware.attributes.asr_info
"""

EXAMPLES = r"""
- name: Fail over without waiting in the module
  siterecovery.vmware.asr_failover:
    name: vm-web-01
    direction: to_azure
    wait: false
  register: failover

- name: Follow the failover job, one line per read
  siterecovery.vmware.asr_wait:
    job_id: "{{ failover.job.id }}"
    label: "vm-web-01: fail over to Azure"
    wait_timeout: 14400
    wait_sleep: 30
  register: followed

- name: Wait until the agent of vm-web-01 has registered again after the failover
  siterecovery.vmware.asr_wait:
    name: vm-web-01
    wait_for: agent_registered
    wait_timeout: 1800
"""

RETURN = r"""
job:
  description: The job's facts once it ended (see M(siterecovery.vmware.asr_job_info)).
  returned: when O(wait_for=job)
  type: dict
replicated_item:
  description: The item's facts once the condition held (see M(siterecovery.vmware.asr_replicated_item_info)).
  returned: when O(wait_for) is a condition of the item
  type: dict
seconds:
  description: How long the wait took.
  returned: success
  type: float
reads:
  description: How many reads the wait made.
  returned: success
  type: int
failed_reads:
  description: The messages of the reads that failed and were read again.
  returned: success
  type: list
  elements: str
"""

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_wait import ARGUMENT_SPEC, REQUIRED_IF, wait
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_module import AsrModule


def main():
    AsrModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True, required_if=REQUIRED_IF).run(wait)


if __name__ == "__main__":
    main()
