# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Recovery plans, the workflows: read, save (create or update), delete, and run a plan operation (docs/recovery_plans.md).

Private to the collection. Reads and writes go through the vault gateway (``VaultGateway``); a plan operation is an
:class:`ItemAction` whose target is the plan: the same refusals first, attach to a running job, one POST with
the lost-answer handling, and one wait (``JobWaiter``, one ``Poll``), here with a line per read that gives
each boot group's and each machine's state from the plan job's tasks.
"""

from __future__ import annotations

import time

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_actions import THROTTLED_SECONDS, ItemAction, Overtaken, job_id_of
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_items import item_facts
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_jobs import JobWaiter, job_facts
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_plan_body import (
    PLAN_POINT_CHOICES, PlanError, comparable, done_message, group_progress, member_refusals, multi_vm_problems, operation_body, plan_action,
    plan_facts, plan_groups, progress_line)
from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError
from ansible_collections.siterecovery.vmware.plugins.module_utils._poll import send_until_taken
from ansible_collections.siterecovery.vmware.plugins.module_utils._vault_gateway import VaultGateway

COMMON_ACTION_SPEC = dict(name=dict(type="str", required=True), position=dict(type="str", default="after", choices=["before", "after"]),
                          failover_types=dict(type="list", elements="str", choices=["unplanned_failover", "planned_failover", "test_failover"],
                                              default=["unplanned_failover", "planned_failover", "test_failover"]))
GROUP_SPEC = dict(machines=dict(type="list", elements="str", required=True),
                  manual_actions=dict(type="list", elements="dict", options=dict(COMMON_ACTION_SPEC, description=dict(type="str")), default=[]),
                  runbook_actions=dict(type="list", elements="dict", default=[],
                                       options=dict(COMMON_ACTION_SPEC, runbook_id=dict(type="str", required=True), timeout=dict(type="str"))))
PLAN_SPEC = dict(name=dict(type="str", required=True), state=dict(type="str", default="present", choices=["present", "absent"]),
                 groups=dict(type="list", elements="dict", options=GROUP_SPEC))
JOB_SPEC = dict(name=dict(type="str", required=True), operation=dict(type="str", required=True,
                                                                     choices=["failover", "test_failover", "test_failover_cleanup", "commit", "cancel"]),
                direction=dict(type="str", choices=["to_azure", "to_onprem"]),
                recovery_point=dict(type="str", default="latest", choices=list(PLAN_POINT_CHOICES)),
                use_multi_vm_sync_point=dict(type="bool", default=False), shutdown_source=dict(type="bool", default=False),
                test_network_id=dict(type="str"), comments=dict(type="str"))
JOB_REQUIRED_IF = [("operation", "failover", ["direction"])]


def _wait_job(asr, vault, job_id, context, progress=None):
    params = asr.params

    def read(job):
        with asr.step("reading job %s" % job):
            return vault.job(job)

    if not params.get("wait", True):
        return job_facts(read(job_id))
    return JobWaiter(read, params["wait_timeout"], params["wait_sleep"], progress=progress).wait(job_id, context)


def _members(plan, items):
    by_id = {i["id"].lower(): i for i in items}
    return [by_id[i] for i in plan["item_ids"] if i in by_id]


def plan_info(asr):
    """asr_recovery_plan_info: one plan (``name``) or all, with their members named."""
    vault = VaultGateway.of(asr)
    with asr.step("listing the replicated items of vault %s" % asr.vault_name):
        items = vault.items()
    name = asr.params.get("name")
    with asr.step("reading the recovery plans of vault %s" % asr.vault_name):
        plans = [vault.plan(name)] if name else vault.plans()
    return dict(changed=False, recovery_plans=[plan_facts(p, items) for p in plans if p])


def _send_plan(asr, write, context):
    """One write of a plan (``write(hook)``: the gateway's PUT or DELETE), re-sent only after Resource Manager's 429 (not taken);
    the id of the job its 202 names."""
    answer = {}

    def send_once():
        with asr.step(context):
            write(lambda response: answer.update(headers=response.http_response.headers))

    send_until_taken(send_once, context, asr.params.get("wait_timeout") or THROTTLED_SECONDS)
    job_id = job_id_of(answer.get("headers") or {})
    if job_id is None:
        raise SiteRecoveryError("%s: ASR's answer named no job" % context, code="JobNotFound")
    return job_id


def save_plan(asr):
    """asr_recovery_plan: create, update or delete a plan; check mode and diff."""
    params = asr.params
    name = params["name"]
    vault = VaultGateway.of(asr)
    with asr.step("reading recovery plan %s of vault %s" % (name, asr.vault_name)):
        current = vault.plan(name)
    with asr.step("listing the replicated items of vault %s" % asr.vault_name):
        items = vault.items()
    before = plan_facts(current, items) if current else None
    if params["state"] == "absent":
        if current is None:
            return dict(changed=False, recovery_plan=None, diff=dict(before=None, after=None))
        if asr.check_mode:
            return dict(changed=True, recovery_plan=before, msg="would delete recovery plan %s" % name, diff=dict(before=before, after=None))
        if before["current_job"]:
            raise SiteRecoveryError("recovery plan %s runs a %s job (%s); wait for it and run again" % (
                name, before["current_job"]["scenario"], before["current_job"]["id"]), code="OperationInProgress")
        job_id = _send_plan(asr, lambda hook: vault.delete_plan(name, hook), "deleting recovery plan %s" % name)
        job = _wait_job(asr, vault, job_id, "deleting recovery plan %s" % name)
        return dict(changed=True, recovery_plan=None, job=job, diff=dict(before=before, after=None))
    if not params.get("groups"):
        raise SiteRecoveryError("state=present needs groups: the plan's boot groups, each with its machines", code="InvalidInput")
    try:
        groups, members = plan_groups(params["groups"], items)
    except PlanError as exc:
        raise SiteRecoveryError("recovery plan %s: %s" % (name, exc), code="InvalidRecoveryPlan") from None
    with asr.step("reading the recovery plans of vault %s" % asr.vault_name):
        others = [plan_facts(p) for p in vault.plans()]
    problems = multi_vm_problems(members, items, others, name)
    if problems:
        raise SiteRecoveryError("recovery plan %s: %s" % (name, "; ".join(problems)), code="MultiVmGroupSplit",
                                recommended_action="put every member of a multi-VM group in the same plan")
    wanted = dict(groups=comparable(groups))
    if current is not None and comparable((current.get("properties") or {}).get("groups") or []) == wanted["groups"]:
        return dict(changed=False, recovery_plan=before, diff=dict(before=before, after=before))
    after_preview = plan_facts(dict(name=name, properties=dict(groups=groups)), items)
    if asr.check_mode:
        return dict(changed=True, recovery_plan=before, msg="would %s recovery plan %s" % ("update" if current else "create", name),
                    diff=dict(before=before, after=after_preview))
    if current is None:
        fabric_id = members[0]["id"].split("/replicationProtectionContainers/")[0]  # the members' fabric (the source site)
        body = dict(properties=dict(primaryFabricId=fabric_id, recoveryFabricId="Microsoft Azure", failoverDeploymentModel="ResourceManager",
                                    groups=groups))
    else:
        if before["current_job"]:
            raise SiteRecoveryError("recovery plan %s runs a %s job (%s); wait for it and run again" % (
                name, before["current_job"]["scenario"], before["current_job"]["id"]), code="OperationInProgress")
        body = dict(properties=dict(groups=groups))  # PUT: ASR's update (PATCH) takes the same groups; a PUT replaces them as one
    context = "%s recovery plan %s" % ("updating" if current else "creating", name)
    job_id = _send_plan(asr, lambda hook: vault.put_plan(name, body, hook), context)
    job = _wait_job(asr, vault, job_id, context)
    with asr.step("reading recovery plan %s" % name):
        saved = vault.plan(name)
    after = plan_facts(saved, items) if saved else after_preview
    return dict(changed=True, recovery_plan=after, job=job, diff=dict(before=before, after=after))


class PlanAction(ItemAction):
    """A plan operation: ItemAction's start (attach, one POST, lost answers, refusals re-read) aimed at a recovery plan."""

    def __init__(self, asr, plan_name, clock=time.monotonic, pause=time.sleep, options=None):  # pylint: disable=super-init-not-called,too-many-arguments
        """``options``: the operation's (JOB_SPEC's and WAIT_SPEC's names; the session's own parameters when None)."""
        self.asr = asr
        self.options = asr.params if options is None else options
        self.clock = clock
        self.pause = pause
        self.vault = VaultGateway.of(asr)
        self.name = plan_name
        with asr.step("reading recovery plan %s of vault %s" % (plan_name, asr.vault_name)):
            plan = self.vault.plan(plan_name)
        if plan is None:
            raise SiteRecoveryError("vault %s has no recovery plan named %s" % (asr.vault_name, plan_name), code="RecoveryPlanNotFound",
                                    recommended_action="create it with siterecovery.vmware.asr_recovery_plan")
        with asr.step("listing the replicated items of vault %s" % asr.vault_name):
            self.items = self.vault.items()
        self.before = plan_facts(plan, self.items)
        self.members = [item_facts(i) for i in _members(self.before, self.items)]

    def reread(self):
        with self.asr.step("reading recovery plan %s" % self.name):
            plan = self.vault.plan(self.name)
        return plan_facts(plan or dict(name=self.name), self.items)

    def send(self, action, body, hook):
        self.vault.send_plan_action(self.name, action, body, hook)

    def members_now(self):
        with self.asr.step("listing the replicated items of vault %s" % self.asr.vault_name):
            self.items = self.vault.items()
        return [item_facts(i) for i in _members(self.before, self.items)]

    def run(self, progress=None):
        """The whole operation: refusals first, attach or start once, wait with a line per read."""
        params = self.options
        operation = params["operation"]
        providers = sorted({m["provider"] for m in self.members})
        try:
            action = plan_action(operation, providers, params.get("direction"))
            body = operation_body(action, providers, params)
        except PlanError as exc:
            raise SiteRecoveryError("recovery plan %s: %s" % (self.name, exc), code="InvalidInput") from None
        problems = multi_vm_problems([dict(id=m["id"]) for m in self.members], self.items, [], self.name)
        if problems:
            raise SiteRecoveryError("recovery plan %s: %s" % (self.name, "; ".join(problems)), code="MultiVmGroupSplit",
                                    recommended_action="put every member of a multi-VM group in this plan (asr_recovery_plan)")
        context = "%s of recovery plan %s" % (operation.replace("_", " "), self.name)
        attached = self.running_job_of(action)
        if attached:
            return self._result(True, self._wait(attached, context, progress), "attached to the job that was running: " + context)
        message = done_message(operation, params.get("direction"), self.members)
        if message:
            return self._result(False, message=message)
        refusals = member_refusals(action, self.members)
        if self.before["current_job"]:
            refusals.insert(0, "the plan runs a %s job (%s)" % (self.before["current_job"]["scenario"], self.before["current_job"]["id"]))
        if refusals:
            raise SiteRecoveryError("%s: refused before any request: %s" % (context, "; ".join(refusals)), code="OperationNotAllowed",
                                    recommended_action="bring every machine of the plan to a state that allows it, or take it out of the plan")
        if self.asr.check_mode:
            return self._result(True, message="would run " + context)
        try:
            job_id = self.start(action, body, done=lambda _facts: done_message(operation, params.get("direction"), self.members_now()))
        except Overtaken as over:
            return self._result(False, message=str(over))
        return self._result(True, self._wait(job_id, context, progress))

    def _wait(self, job_id, context, progress):
        raw = {}

        def read(job):
            with self.asr.step("reading job %s" % job):
                raw["job"] = self.vault.job(job)
            return raw["job"]

        def line(_facts):
            if progress:
                progress(progress_line(self.name, group_progress(raw["job"])))

        params = self.options
        if not params.get("wait", True):
            facts = job_facts(read(job_id))
        else:
            facts = JobWaiter(read, params["wait_timeout"], params["wait_sleep"], progress=line, clock=self.clock, pause=self.pause).wait(job_id, context)
        facts["groups"] = group_progress(raw["job"])
        return facts

    def _result(self, changed, job=None, message=None):
        members = self.members_now() if changed else self.members
        summary = [dict(name=m["friendly_name"] or m["name"], running_in=m["running_in"], stage=m["stage"], protection_state=m["protection_state"])
                   for m in members]
        before = [dict(name=m["friendly_name"] or m["name"], running_in=m["running_in"], stage=m["stage"], protection_state=m["protection_state"])
                  for m in self.members]
        result = dict(changed=changed, recovery_plan=self.reread() if changed else self.before, job=job, machines=summary,
                      diff=dict(before=dict(machines=before), after=dict(machines=summary)))
        if message:
            result["msg"] = message
        return result


def run_plan_job(asr, progress=None):
    """asr_recovery_plan_job (module and action plugin)."""
    return PlanAction(asr, asr.params["name"]).run(progress)
