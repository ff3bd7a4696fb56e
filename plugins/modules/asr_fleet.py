#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: asr_fleet
short_description: Fail many replicated machines over to Azure, validate and commit them, in one process
version_added: 0.3.0
description:
  - The fleet engine of C(failover.yml) (docs/fleet.md). O(stage=failover) runs, for every machine of O(machines), the preflight,
    the failover to Azure, the following of its job and the built-in validation of the recovered VM; O(stage=commit) commits the
    failovers of the machines given (those whose validation passed).
  - It runs on the controller (an action plugin of the same name), in the task's own process, for the whole play at once
    (C(run_once)) - one sign-in, one SDK import and one process instead of a module process per machine and per read.
  - The vault's items are listed once per phase, and each machine's stage is decided from where it stands (its C(next_stages),
    as the stage roles decide it) - a machine that is done already is skipped, a job that runs already is followed, never started
    twice.
  - The preflight is that of M(siterecovery.vmware.asr_preflight_info); what is per region (the vault's region, VM sizes, vCPU
    quotas) or per network is read once per run.
  - Each machine's write is the one M(siterecovery.vmware.asr_failover) or M(siterecovery.vmware.asr_commit) sends, sent the moment
    the machine is decided, O(writers) at once; a write whose answer was lost is never re-sent blindly.
  - Every job is followed with one list of the vault's jobs per O(wait_sleep) seconds (not one read per machine); a line is
    printed when a machine's job state or current task changes, and one line for the fleet per read.
  - A machine that fails (its preflight, a refusal, its job, its validation) is reported in RV(machines) with the error; the
    others go on. The task itself fails only for bad options or when the vault cannot be read.
author:
  - siterecovery.vmware maintainers (@siterecovery)
options:
  stage:
    description:
      - V(failover) - preflight, failover to Azure, follow the jobs, validate the recovered VMs.
      - V(commit) - commit the failovers (follow a commit job that runs already).
    type: str
    required: true
    choices: [failover, commit]
  machines:
    description: The machines, each an inventory host and its replicated item.
    type: list
    elements: dict
    required: true
    suboptions:
      host:
        description: The inventory host; RV(machines) is keyed by it, and progress lines name it.
        type: str
        required: true
      name:
        description: The replicated item - the machine's name, the item's name, or its ARM id. Defaults to O(machines[].host).
        type: str
  recovery_point:
    description: The recovery point of the failovers, as M(siterecovery.vmware.asr_failover)'s O(siterecovery.vmware.asr_failover#module:recovery_point).
    type: str
    default: latest
    choices: [latest, latest_processed, latest_app_consistent, latest_crash_consistent, custom]
  recovery_point_id:
    description: With O(recovery_point=custom), the recovery point's id.
    type: str
  shutdown_source:
    description: Shut the source machines down before their failovers.
    type: bool
    default: false
  preflight:
    description: Run the preflight checks before each failover; a machine whose checks fail is not failed over.
    type: bool
    default: true
  rpo_threshold:
    description: The preflight's recovery point freshness, in minutes.
    type: int
    default: 30
  preflight_fail_on_warning:
    description: A preflight warning stops the machine too.
    type: bool
    default: false
  validation_port:
    description: The port each recovered VM must answer on; V(0) - 22 for Linux, 3389 for Windows.
    type: int
    default: 0
  validation_timeout:
    description: Seconds each recovered VM may take to run, get its private IP and answer.
    type: int
    default: 600
  writers:
    description: How many machines are preflighted and sent their write at once (1 to 64).
    type: int
    default: 16
  wait_timeout:
    description: How long the jobs are followed, in seconds; a job still running then is left running, never cancelled.
    type: int
    default: 3600
  wait_sleep:
    description: Seconds between two lists of the vault's jobs.
    type: int
    default: 30
  wait_timeout_name:
    description: How the caller names the timeout, for the message of a wait that ran out.
    type: str
    default: wait_timeout
  recovery_plan:
    description:
      - A recovery plan whose members are O(machines) (docs/recovery_plans.md). Each member is read, decided and checked (the
        preflight) as a machine of its own; then the stage is the plan's, one job for all its members (the failover to Azure with
        O(recovery_point) and O(shutdown_source), or the commit), as M(siterecovery.vmware.asr_recovery_plan_job) runs it, with a
        line per read giving each boot group's and each member's state. Each member's own job in the plan's job is recorded as its
        stage's job; the validation runs on each member.
      - A member of the plan out of the run (its check failed here, or O(plan_members_out) names it) stops the plan's job, which
        would move it unchecked - nothing is sent, and each member says which member failed and why (for the commit, unless
        O(plan_commit_others)).
      - O(recovery_point=custom) is refused with a plan.
    type: str
  plan_commit_others:
    description: With O(recovery_plan), when a member is out of the run, commit the other members machine by machine instead of
      sending nothing.
    type: bool
    default: false
  plan_commit_others_name:
    description: How the caller names O(plan_commit_others), for the message of a plan commit that a member stopped.
    type: str
    default: plan_commit_others
  plan_members_out:
    description: With O(recovery_plan), the members an earlier task of the run stopped ({host - why}), not given in O(machines).
      A member of the plan that is neither in O(machines) nor here is out of the run too.
    type: dict
    default: {}
attributes:
  check_mode:
    description:
      - Can run in check mode. The items are read and each machine's stages decided, and no write request is sent;
        RV(machines) says what each machine would go through.
    support: full
  diff_mode:
    description: No diff is returned; RV(machines) holds each machine's state before.
    support: none
  action_group:
    description: Use C(group/siterecovery.vmware.asr) in C(module_defaults) to set the Azure and vault options once.
    support: full
    membership:
      - siterecovery.vmware.asr
notes:
  - The action plugin reads the Azure options from the task, C(module_defaults) and the controller's environment
    variables; the task keyword C(environment) does not apply to it.
extends_documentation_fragment:
  - siterecovery.vmware.azure
  - siterecovery.vmware.azure.vault
"""

EXAMPLES = r"""
- name: Fail the play's machines over, in one process
  siterecovery.vmware.asr_fleet:
    stage: failover
    machines:
      - host: vm-web-01
      - host: vm-web-02
      - host: vm-db-01
        name: db-01-item
    wait_sleep: 30
  run_once: true
  register: fleet

- name: Commit the machines whose validation passed
  siterecovery.vmware.asr_fleet:
    stage: commit
    machines:
      - host: vm-web-01
      - host: vm-web-02
        name: vm-web-02
  run_once: true

- name: Fail recovery plan plan-web over, one plan job for its members once each passed its checks
  siterecovery.vmware.asr_fleet:
    stage: failover
    recovery_plan: plan-web
    machines:
      - host: vm-web-01
      - host: vm-web-02
  run_once: true
"""

RETURN = r"""
machines:
  description:
    - Per inventory host - C(item) (the item's facts as read at the phase's start), C(stages) (each stage of the phase
      - C(stage), C(title), C(todo), C(reason), C(job), C(error), C(seconds), C(extra)), C(error) (why the machine stopped, or null)
      and C(validation_failed).
  returned: always
  type: dict
seconds:
  description: How long the phase took.
  returned: success
  type: float
item_lists:
  description: How many times the vault's items were listed.
  returned: success
  type: int
job_lists:
  description: How many times the vault's jobs were listed while following them.
  returned: success
  type: int
single_job_reads:
  description: Jobs read by their id because the list did not show them yet.
  returned: success
  type: int
shared_reads:
  description: The preflight's region-wide reads (vault region, VM sizes, quotas, networks) sent for the whole run.
  returned: success
  type: int
"""

from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_module import AsrModule
from ansible_collections.siterecovery.vmware.plugins.module_utils._fleet import ARGUMENT_SPEC, REQUIRED_IF, fleet_problems, run_fleet


def main():
    asr = AsrModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True, required_if=REQUIRED_IF)
    problems = fleet_problems(asr.params)
    if problems:
        asr.module.fail_json(msg="Invalid options: " + "; ".join(problems))
    asr.run(run_fleet)


if __name__ == "__main__":
    main()
