"""Recovery plans: their documents, what ASR checks on a PUT and on a plan operation, and the jobs they start.

The shapes follow the REST specification (api-version 2025-08-01, replicationRecoveryPlans) and the
recording of azure-powershell's AsrV2ARCMTests TestV2ARCMRecoveryPlan (one Boot group; a member
is named by the item's id and its ``virtualMachineId``; the PUT answers 202 and a SaveRecoveryPlan job).
A plan operation runs each member through the per-item action of the same name (plans.start_item_job),
group after group (plan_jobs.PlanJob). Error codes not recorded are the lab's own, in ASR's error shape.
"""

from __future__ import annotations

import dataclasses
import typing

from .arm import ArmError
from .clock import iso
from .cycle import INPUTS, OPERATION_OF_ACTION
from .jobs import Job, TaskPlan
from .plan_jobs import RUNNING, PlanJob
from .plans import refuse, start_item_job

PLAN_TYPE = "Microsoft.RecoveryServices/vaults/replicationRecoveryPlans"
MAX_MACHINES = 100  # ASR: up to 100 protected items per plan
ACTION_KINDS = ("ManualActionDetails", "ScriptActionDetails", "AutomationRunbookActionDetails")
# Plan operation (URL verb) -> (job scenarioName, friendlyName, job details type).
PLAN_JOBS = {
    "unplannedFailover": ("UnplannedFailover", "Failover", "FailoverJobDetails"),
    "plannedFailover": ("PlannedFailover", "Planned failover", "FailoverJobDetails"),
    "testFailover": ("TestFailover", "Test failover", "FailoverJobDetails"),
    "testFailoverCleanup": ("TestFailoverCleanup", "Cleanup test failover", "AsrJobDetails"),
    "failoverCommit": ("CommitFailover", "Commit", "AsrJobDetails"),
    "failoverCancel": ("CancelFailover", "Cancel failover", "AsrJobDetails"),
}
PLAN_OPERATIONS = tuple(PLAN_JOBS) + ("reProtect",)
# The recovery point types of each provider's plan input (RecoveryPlan<provider>FailoverInput); Custom is not one.
POINT_TYPES = {
    "InMageAzureV2": ("Latest", "LatestApplicationConsistent", "LatestCrashConsistent", "LatestProcessed"),
    "InMageRcm": ("Latest", "LatestApplicationConsistent", "LatestCrashConsistent", "LatestProcessed"),
    "InMageRcmFailback": ("ApplicationConsistent", "CrashConsistent"),
    "InMage": ("LatestTime", "LatestTag"),
}
APP_CONSISTENT = ("LatestApplicationConsistent", "ApplicationConsistent", "LatestTag")
TAKES_INPUT = ("unplannedFailover", "plannedFailover", "testFailover")


@dataclasses.dataclass
class RecoveryPlan:  # pylint: disable=too-many-instance-attributes
    """A saved plan: its boot groups (items and actions) and what it last did."""

    name: str
    groups: list  # [{"items": [ReplicatedItem], "start": [action], "end": [action]}]
    primary_fabric_id: str
    recovery_fabric_id: str
    deployment_model: str
    last: dict = dataclasses.field(default_factory=dict)  # scenario name -> time of the last such job
    job: typing.Optional[Job] = None  # the last plan job


def _groups_of(body):
    properties = body.get("properties") if isinstance(body, dict) else None
    if not isinstance(properties, dict) or not isinstance(properties.get("groups"), list):
        raise refuse("The request body must carry properties.groups (a list of recovery plan groups).", code="InvalidRequestContent")
    return properties, properties["groups"]


def _check_action(action, names):
    if not isinstance(action, dict) or not action.get("actionName"):
        raise refuse("Every recovery plan action needs an actionName.", code="MissingRequiredField")
    if action["actionName"].lower() in names:
        raise refuse("The action name '%s' is used twice in the recovery plan." % action["actionName"], code="DuplicateActionName")
    names.add(action["actionName"].lower())
    kind = (action.get("customDetails") or {}).get("instanceType")
    if kind not in ACTION_KINDS:
        raise refuse("Action '%s': customDetails.instanceType must be one of %s (it is %r)." % (action["actionName"], ", ".join(ACTION_KINDS), kind),
                     code="InvalidRecoveryPlanAction")
    if kind == "ScriptActionDetails":
        raise refuse("Action '%s': script actions run on a VMM server; a VMware or physical site to Azure takes manual actions and "
                     "Azure Automation runbooks only." % action["actionName"], code="ScriptActionNotSupported")
    if kind == "AutomationRunbookActionDetails":
        details = action["customDetails"]
        if details.get("fabricLocation") != "Recovery" or set(action.get("failoverDirections") or []) != {"PrimaryToRecovery"}:
            raise refuse("Action '%s': a runbook runs in Azure, on failover to Azure only (fabricLocation Recovery, failoverDirections "
                         "[PrimaryToRecovery])." % action["actionName"], code="RunbookActionNotSupported")
        if not details.get("runbookId"):
            raise refuse("Action '%s': runbookId is required." % action["actionName"], code="MissingRequiredField")


def parse_groups(vault, body):
    """The boot groups a PUT describes, checked as ASR checks them; (properties, groups)."""
    properties, groups = _groups_of(body)
    parsed, seen, names = [], set(), set()
    for index, group in enumerate(groups):
        kind = (group or {}).get("groupType")
        if kind in ("Shutdown", "Failover"):
            continue  # ASR makes these two itself
        if kind != "Boot":
            raise refuse("Group %d: groupType must be Boot, Shutdown or Failover (it is %r)." % (index + 1, kind), code="InvalidGroupType")
        items = []
        for member in group.get("replicationProtectedItems") or []:
            wanted = str((member or {}).get("id") or "").lower()
            item = next((i for i in vault.items.values() if i.id.lower() == wanted), None)
            if item is None:
                raise refuse("The replicated item '%s' is not protected in this vault." % (member or {}).get("id"), code="ProtectedItemNotFound")
            if item.name in seen:
                raise refuse("The replicated item '%s' is in the recovery plan twice." % item.machine.name, code="DuplicateProtectedItem")
            seen.add(item.name)
            items.append(item)
        for action in (group.get("startGroupActions") or []) + (group.get("endGroupActions") or []):
            _check_action(action, names)
        parsed.append(dict(items=items, start=list(group.get("startGroupActions") or []), end=list(group.get("endGroupActions") or [])))
    if len(seen) > MAX_MACHINES:
        raise refuse("A recovery plan holds at most %d replicated items; this one has %d." % (MAX_MACHINES, len(seen)),
                     code="RecoveryPlanMaxItemsExceeded", causes="ASR limits a recovery plan to 100 protected items.",
                     action="Split the machines into several recovery plans.")
    members = [i for g in parsed for i in g["items"]]
    for item in members:
        group = item.machine.group
        partners = [i.machine.name for i in vault.items.values() if group and i.machine.group == group]
        left_out = [name for name in partners if name not in [m.machine.name for m in members]]
        if left_out:
            raise refuse("The multi-VM consistency group '%s' fails over together: add %s to the plan with %s."
                         % (group, ", ".join(left_out), item.machine.name), code="MultiVmGroupSplit")
    return properties, parsed


def save_job(vault, name, body):
    """PUT of a plan: checked now; 202 and a SaveRecoveryPlan job that saves it."""
    existing = vault.recovery_plans.get(name.lower())
    if existing is not None:
        check_plan_idle(vault, existing)
    properties, groups = parse_groups(vault, body)
    if existing is None:
        for key in ("primaryFabricId", "recoveryFabricId"):
            if not properties.get(key):
                raise refuse("properties.%s is required to create a recovery plan." % key, code="MissingRequiredField")
        if properties["primaryFabricId"].lower() not in (vault.fabric_id.lower(), "microsoft azure") or \
                properties["recoveryFabricId"].lower() not in (vault.fabric_id.lower(), "microsoft azure"):
            raise refuse("primaryFabricId and recoveryFabricId must be the vault's fabric and 'Microsoft Azure'.", code="InvalidFabric")
    plan = existing or RecoveryPlan(name=name, groups=[], primary_fabric_id=properties["primaryFabricId"],
                                    recovery_fabric_id=properties["recoveryFabricId"],
                                    deployment_model=properties.get("failoverDeploymentModel") or "ResourceManager")

    def saved(_job):
        plan.groups = groups
        vault.recovery_plans[name.lower()] = plan

    return _small_job(vault, name, "SaveRecoveryPlan", "Save the recovery plan", "saveRecoveryPlan", saved)


def delete_job(vault, plan):
    check_plan_idle(vault, plan)
    return _small_job(vault, plan.name, "DeleteRecoveryPlan", "Delete the recovery plan", "deleteRecoveryPlan",
                      lambda _job: vault.recovery_plans.pop(plan.name.lower(), None))


def _small_job(vault, name, scenario, friendly, action, on_success):  # pylint: disable=too-many-arguments
    job = Job(vault_id=vault.vault_id, item_id=plan_id(vault, name), scenario_name=scenario, friendly_name=friendly, target_id=name,
              target_name=name, details_type="AsrJobDetails", tasks=[TaskPlan(scenario, friendly, 3)], created=vault.clock.now(),
              scale=vault.clock.scale, action=action)
    job.on_success = on_success
    return vault.start_job(job)


def plan_id(vault, name):
    return "%s/replicationRecoveryPlans/%s" % (vault.vault_id, name)


def check_plan_idle(vault, plan):
    now = vault.clock.now()
    running = vault.jobs.running_on(plan_id(vault, plan.name))
    if running is not None and running.state(now) in RUNNING:
        raise refuse("The job '%s' (%s) is in progress on the recovery plan '%s'." % (running.id, running.scenario_name, plan.name),
                     code="OperationInProgress", causes="Another operation is running on the recovery plan.",
                     action="Wait for job %s to end, then retry." % running.id)


def members(plan):
    return [i for g in plan.groups for i in g["items"]]


def allowed_operations(vault, plan):
    """The operations every member allows now (ASR's names); SwitchProtection never: a plan's reprotect no longer works."""
    sets = [set(i.allowed_operations()) for i in members(plan)]
    common = set.intersection(*sets) if sets else set()
    names = [OPERATION_OF_ACTION[a] for a in PLAN_JOBS if a in OPERATION_OF_ACTION]
    busy = any(vault.jobs.running_on(i.id) for i in members(plan))
    return [] if busy else [n for n in names if n in common]


def document(vault, plan):
    now = vault.clock.now()
    job = plan.job
    current = dict(scenarioName=job.scenario_name, jobId=job.id_path, startTime=iso(job.created)) if job else None
    state = job.state(now) if job else None
    groups = [dict(groupType="Shutdown", replicationProtectedItems=[], startGroupActions=[], endGroupActions=[]),
              dict(groupType="Failover", replicationProtectedItems=[], startGroupActions=[], endGroupActions=[])]
    for group in plan.groups:
        groups.append(dict(groupType="Boot", startGroupActions=group["start"], endGroupActions=group["end"],
                           replicationProtectedItems=[dict(id=i.id, virtualMachineId=i.target_object_id) for i in group["items"]]))
    return dict(id=plan_id(vault, plan.name), name=plan.name, type=PLAN_TYPE, location=vault.location, properties=dict(
        friendlyName=plan.name, primaryFabricId=plan.primary_fabric_id, primaryFabricFriendlyName=vault.fabric_friendly_name,
        recoveryFabricId=plan.recovery_fabric_id, recoveryFabricFriendlyName="Microsoft Azure", failoverDeploymentModel=plan.deployment_model,
        replicationProviders=sorted({i.provider for i in members(plan)}), allowedOperations=allowed_operations(vault, plan),
        lastPlannedFailoverTime=iso(plan.last.get("PlannedFailover")) if plan.last.get("PlannedFailover") else None,
        lastUnplannedFailoverTime=iso(plan.last.get("UnplannedFailover")) if plan.last.get("UnplannedFailover") else None,
        lastTestFailoverTime=iso(plan.last.get("TestFailover")) if plan.last.get("TestFailover") else None,
        currentScenario=current, currentScenarioStatus=state, currentScenarioStatusDescription={"Succeeded": "Completed"}.get(state, state),
        groups=groups, providerSpecificDetails=[]))


def _plan_input(item, action, properties):
    """The item-level provider input a plan operation stands for, from the plan's input of the member's provider."""
    if action not in TAKES_INPUT:
        return {}
    expected = INPUTS.get((item.phase, action))
    direction = properties.get("failoverDirection")
    if direction not in ("PrimaryToRecovery", "RecoveryToPrimary"):
        raise refuse("failoverDirection (PrimaryToRecovery or RecoveryToPrimary) is required for a recovery plan's %s." % action,
                     code="InvalidFailoverDirection")
    if expected and expected[1] not in (None, "any") and direction != expected[1]:
        raise refuse("failoverDirection must be %s for %s of '%s' (%s, %s)." % (expected[1], action, item.machine.name, item.provider,
                                                                                item.state.protection_state), code="InvalidFailoverDirection")
    if action == "unplannedFailover" and properties.get("sourceSiteOperations") not in ("Required", "NotRequired"):
        raise refuse("sourceSiteOperations (Required or NotRequired) is required for a recovery plan's unplannedFailover.",
                     code="MissingRequiredField")
    inputs = [d for d in properties.get("providerSpecificDetails") or [] if isinstance(d, dict)]
    mine = next((d for d in inputs if d.get("instanceType") == item.provider), None)
    if mine is None and item.provider == "InMageRcmFailback":
        raise refuse("A plan's planned failover of %s members needs a RecoveryPlanInMageRcmFailbackFailoverInput (recoveryPointType)."
                     % item.provider, code="MissingRequiredField")
    mine = mine or {}
    kind = mine.get("recoveryPointType")
    if kind is not None and kind not in POINT_TYPES[item.provider]:
        raise refuse("recoveryPointType %r is not one of %s for a plan's %s input (a plan takes no custom recovery point)."
                     % (kind, ", ".join(POINT_TYPES[item.provider]), item.provider), code="InvalidRecoveryPointType")
    return dict(instanceType=item.provider, recoveryPointType="ApplicationConsistent" if kind in APP_CONSISTENT else None,
                performShutdown=str(properties.get("sourceSiteOperations") == "Required").lower(),
                useMultiVmSyncPoint=mine.get("useMultiVmSyncPoint"))


def plan_action_job(vault, plan, action, body):
    """A plan operation, checked on every member first (nothing starts when one member refuses); the plan job."""
    if action == "reProtect":
        raise refuse("The reprotect of a recovery plan is deprecated and no longer works; reprotect its replicated items one by one.",
                     code="OperationDeprecated", causes="ASR deprecated the recovery plan reprotect.",
                     action="Reprotect each replicated item of the plan.")
    check_plan_idle(vault, plan)
    properties = (body or {}).get("properties") or {}
    if not members(plan):
        raise refuse("The recovery plan '%s' has no replicated items." % plan.name, code="RecoveryPlanEmpty")
    operation = OPERATION_OF_ACTION[action]
    inputs = {}
    for item in members(plan):
        vault.check_idle(item)
        allowed = item.allowed_operations()
        if operation not in allowed:
            raise refuse("The operation '%s' is not allowed on the replicated item '%s' of recovery plan '%s' in state %s; allowed operations: %s."
                         % (operation, item.machine.name, plan.name, item.state.protection_state, ", ".join(allowed)), code="OperationNotAllowed",
                         causes="A member of the recovery plan is not in a state where this operation applies.",
                         action="Bring every member to a state that allows it, or take the member out of the plan.")
        inputs[item.name] = _plan_input(item, action, properties)
    shutdown = properties.get("sourceSiteOperations") == "Required"
    scenario, friendly, details_type = PLAN_JOBS[action]
    job = PlanJob(vault_id=vault.vault_id, item_id=plan_id(vault, plan.name), scenario_name=scenario, friendly_name=friendly,
                  target_id=plan.name, target_name=plan.name, details_type=details_type, tasks=[], created=vault.clock.now(),
                  scale=vault.clock.scale, action="recoveryPlan:" + action, groups=[g["items"] for g in plan.groups if g["items"]],
                  now_of=vault.clock.now)
    job.start_child = lambda item, created: start_item_job(vault, item, action, inputs[item.name], shutdown, created)

    def ended(finished):
        plan.last[finished.scenario_name] = finished.created

    job.on_success = ended
    plan.job = job
    return vault.jobs.start(job)


def plan_at(vault, name):
    plan = vault.recovery_plans.get(name.lower())
    if plan is None:
        raise refuse_not_found(vault, name)
    return plan


def refuse_not_found(vault, name):
    return ArmError(404, "NotFound", "Recovery plan '%s' was not found in vault '%s'." % (name, vault.vault_name))
