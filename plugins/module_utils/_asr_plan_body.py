# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Recovery plans, the pure part: the plan's body from boot groups, its facts, the refusals made before any request,
and the input of each plan operation per provider (docs/recovery_plans.md).

Private to the collection. No Ansible, no SDK, no I/O: items and plans are the JSON the vault answers.
"""

from __future__ import annotations

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_items import ItemLookupError, find_item, item_facts
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_state import FORWARD_PROVIDERS, OPERATION_OF_ACTION

MAX_MACHINES = 100  # ASR's limit of protected items in one plan
FAILOVER_TYPES = {"unplanned_failover": "UnplannedFailover", "planned_failover": "PlannedFailover", "test_failover": "TestFailover"}
ENDED = ("Succeeded", "Failed", "Cancelled", "CompletedWithInformation", "Skipped", "None", None, "")
# The plan operations of asr_recovery_plan_job -> the plan action (URL verb); failover depends on the members' provider.
OPERATIONS = ("failover", "test_failover", "test_failover_cleanup", "commit", "cancel")
PLAN_ACTION = {"test_failover": "testFailover", "test_failover_cleanup": "testFailoverCleanup", "commit": "failoverCommit",
               "cancel": "failoverCancel"}
# recovery_point choice -> recoveryPointType of each provider's plan input; a choice missing here is refused.
POINT_TYPES = {
    "InMageAzureV2": {"latest": "Latest", "latest_processed": "LatestProcessed", "latest_app_consistent": "LatestApplicationConsistent",
                      "latest_crash_consistent": "LatestCrashConsistent"},
    "InMageRcm": {"latest": "Latest", "latest_processed": "LatestProcessed", "latest_app_consistent": "LatestApplicationConsistent",
                  "latest_crash_consistent": "LatestCrashConsistent"},
    "InMageRcmFailback": {"latest": "CrashConsistent", "latest_crash_consistent": "CrashConsistent",
                          "latest_app_consistent": "ApplicationConsistent"},
    "InMage": {"latest": "LatestTime", "latest_app_consistent": "LatestTag"},
}
PLAN_POINT_CHOICES = ("latest", "latest_processed", "latest_app_consistent", "latest_crash_consistent")


class PlanError(ValueError):
    """A plan or plan operation that ASR would refuse, or that would break a rule of the collection; said before any request."""


def _vm_id(item):
    details = item["properties"].get("providerSpecificDetails") or {}
    return details.get("internalIdentifier") or details.get("vmId") or item["name"]


def _action(spec, kind, providers):
    types = [FAILOVER_TYPES[t] for t in spec["failover_types"]]
    if kind == "manual":
        return dict(actionName=spec["name"], failoverTypes=types, failoverDirections=["PrimaryToRecovery", "RecoveryToPrimary"],
                    customDetails=dict(instanceType="ManualActionDetails", description=spec.get("description") or ""))
    backward = sorted(set(providers) - set(FORWARD_PROVIDERS))
    if backward:
        raise PlanError("runbook action %s: a runbook runs in Azure on a failover to Azure only; the plan's machines %s replicate back to "
                        "on-premises" % (spec["name"], "(%s)" % ", ".join(backward)))
    details = dict(instanceType="AutomationRunbookActionDetails", runbookId=spec["runbook_id"], fabricLocation="Recovery")
    if spec.get("timeout"):
        details["timeout"] = spec["timeout"]
    return dict(actionName=spec["name"], failoverTypes=types, failoverDirections=["PrimaryToRecovery"], customDetails=details)


def plan_groups(groups, items):
    """(ASR's Boot groups for ``groups`` (the module's option), the members' items); PlanError before any request."""
    body, members, names = [], [], set()
    for number, group in enumerate(groups, start=1):
        chosen = []
        for wanted in group["machines"]:
            try:
                item = find_item(items, wanted)
            except ItemLookupError as exc:
                raise PlanError("group %d: %s" % (number, exc)) from None
            if any(item["id"].lower() == m["id"].lower() for m in members):
                raise PlanError("group %d: %s is in the plan twice (a machine is in one group of a plan)" % (number, wanted))
            chosen.append(item)
            members.append(item)
        providers = {item_facts(i)["provider"] for i in chosen}
        start, end = [], []
        for kind, key in (("manual", "manual_actions"), ("runbook", "runbook_actions")):
            for spec in group.get(key) or []:
                if spec["name"].lower() in names:
                    raise PlanError("group %d: the action name %s is used twice in the plan" % (number, spec["name"]))
                names.add(spec["name"].lower())
                (start if spec.get("position") == "before" else end).append(_action(spec, kind, providers))
        body.append(dict(groupType="Boot", replicationProtectedItems=[dict(id=i["id"], virtualMachineId=_vm_id(i)) for i in chosen],
                         startGroupActions=start, endGroupActions=end))
    if len(members) > MAX_MACHINES:
        raise PlanError("a recovery plan holds at most %d machines; this one has %d: split them into several plans" % (MAX_MACHINES, len(members)))
    if not members:
        raise PlanError("the plan has no machine: give each group its machines")
    return body, members


def multi_vm_problems(members, items, plans, plan_name):
    """Sentences naming the multi-VM groups ``members`` hold only in part, and where the others are (``plans``: other plans' facts)."""
    problems = []
    member_ids = {m["id"].lower() for m in members}
    facts = [item_facts(i) for i in items]
    for group in sorted({f["multi_vm_group"] for f in facts if f["id"].lower() in member_ids and f["multi_vm_group"]}):
        missing = [f for f in facts if f["multi_vm_group"] == group and f["id"].lower() not in member_ids]
        if not missing:
            continue
        where = []
        for fact in missing:
            holders = [p["name"] for p in plans if p["name"].lower() != plan_name.lower() and fact["id"].lower() in p["item_ids"]]
            where.append("%s%s" % (fact["friendly_name"] or fact["name"], " (in plan %s)" % ", ".join(holders) if holders else ""))
        problems.append("the multi-VM group %s fails over together, and plan %s leaves out %s" % (group, plan_name, ", ".join(where)))
    return problems


def _action_facts(action):
    details = action.get("customDetails") or {}
    return dict(name=action.get("actionName"), kind=details.get("instanceType"), failover_types=sorted(action.get("failoverTypes") or []),
                failover_directions=sorted(action.get("failoverDirections") or []), description=details.get("description"),
                runbook_id=details.get("runbookId"), timeout=details.get("timeout"), fabric_location=details.get("fabricLocation"))


def plan_facts(plan, items=None):
    """Normalised facts of a plan: its boot groups (members by item id and machine name, actions), operations, current job."""
    properties = plan.get("properties") or {}
    names = {i["id"].lower(): (i["properties"].get("friendlyName") or i["name"]) for i in items or []}
    groups = []
    for group in properties.get("groups") or []:
        if group.get("groupType") != "Boot":
            continue
        ids = [m.get("id") for m in group.get("replicationProtectedItems") or []]
        groups.append(dict(item_ids=ids, machines=[names.get((i or "").lower(), (i or "").rsplit("/", 1)[-1]) for i in ids],
                           start_actions=[_action_facts(a) for a in group.get("startGroupActions") or []],
                           end_actions=[_action_facts(a) for a in group.get("endGroupActions") or []]))
    current = properties.get("currentScenario") or {}
    running = current.get("scenarioName") not in ENDED and properties.get("currentScenarioStatus") not in ENDED
    last = dict(scenario=current.get("scenarioName"), id=(current.get("jobId") or "").rsplit("/", 1)[-1], start_time=current.get("startTime"),
                status=properties.get("currentScenarioStatus")) if current.get("jobId") else None
    return dict(name=plan.get("name"), id=plan.get("id"), friendly_name=properties.get("friendlyName"), groups=groups,
                item_ids=[i.lower() for g in groups for i in g["item_ids"] if i], allowed_operations=list(properties.get("allowedOperations") or []),
                providers=list(properties.get("replicationProviders") or []), current_job=last if running else None, last_job=last,
                last_unplanned_failover_time=properties.get("lastUnplannedFailoverTime"),
                last_planned_failover_time=properties.get("lastPlannedFailoverTime"), last_test_failover_time=properties.get("lastTestFailoverTime"),
                primary_fabric_id=properties.get("primaryFabricId"), recovery_fabric_id=properties.get("recoveryFabricId"))


def comparable(groups):
    """Boot groups (ASR's JSON, sent or read) in a form that compares equal when ASR would hold the same plan."""
    return [dict(items=sorted((m.get("id") or "").lower() for m in g.get("replicationProtectedItems") or []),
                 start=[_action_facts(a) for a in g.get("startGroupActions") or []], end=[_action_facts(a) for a in g.get("endGroupActions") or []])
            for g in groups if g.get("groupType") == "Boot"]


def _failover_action(providers, direction):
    """(plan action, the members' allowedOperations name) of a failover of members of ``providers`` toward ``direction``."""
    forward = set(providers) <= set(FORWARD_PROVIDERS)
    backward = not set(providers) & set(FORWARD_PROVIDERS)
    if direction == "to_azure" and not forward:
        raise PlanError("a failover to Azure needs machines that replicate to Azure; the plan's machines are %s" % ", ".join(sorted(providers)))
    if direction == "to_onprem" and not backward:
        raise PlanError("a failback needs machines reprotected to on-premises; the plan's machines are %s" % ", ".join(sorted(providers)))
    action = "plannedFailover" if direction == "to_onprem" and "InMageRcmFailback" in providers else "unplannedFailover"
    if direction == "to_onprem" and len(set(providers)) > 1:
        raise PlanError("the plan mixes classic and modernized machines (%s): fail them back in a plan each" % ", ".join(sorted(providers)))
    return action


def plan_action(operation, providers, direction=None):
    """The plan action (URL verb) of ``operation`` on members of ``providers``."""
    if operation == "failover":
        return _failover_action(providers, direction)
    if operation == "test_failover" and not set(providers) <= set(FORWARD_PROVIDERS):
        raise PlanError("a test failover runs to Azure: the plan's machines must replicate to Azure (they are %s)" % ", ".join(sorted(providers)))
    return PLAN_ACTION[operation]


def provider_inputs(providers, recovery_point, multi_vm_sync_point):
    """The plan's providerSpecificDetails: one input per provider of its members; PlanError for a choice a provider lacks."""
    inputs = []
    for provider in sorted(set(providers)):
        types = POINT_TYPES.get(provider)
        if types is None:
            raise PlanError("a %s machine cannot be in a plan this collection runs" % provider)
        if recovery_point not in types:
            raise PlanError("recovery_point %s is not offered for the plan's %s machines: use %s (a plan takes no custom recovery point)"
                            % (recovery_point, provider, " or ".join(sorted(types))))
        entry = dict(instanceType=provider, recoveryPointType=types[recovery_point])
        if provider != "InMage":
            entry["useMultiVmSyncPoint"] = "Enable" if multi_vm_sync_point else "Disable"
        inputs.append(entry)
    return inputs


def operation_body(action, providers, params):
    """The body of plan action ``action`` (None: it takes none) from the module's options."""
    if action in ("failoverCommit", "failoverCancel"):
        return None
    if action == "testFailoverCleanup":
        return dict(properties=dict(comments=params.get("comments") or "Test failover cleanup by siterecovery.vmware"))
    inputs = provider_inputs(providers, params["recovery_point"], params["use_multi_vm_sync_point"])
    properties = dict(failoverDirection="PrimaryToRecovery", providerSpecificDetails=inputs)
    if action == "unplannedFailover":
        properties["sourceSiteOperations"] = "Required" if params.get("shutdown_source") else "NotRequired"
    if action == "testFailover":
        if not params.get("test_network_id"):
            raise PlanError("test_failover needs test_network_id: the Azure network the test machines join")
        properties.update(networkType="VmNetworkAsInput", networkId=params["test_network_id"])
    return dict(properties=properties)


def member_refusals(action, member_facts):
    """Sentences naming each member that ASR would refuse ``action`` for: busy, or its allowedOperations lack the operation."""
    operation = OPERATION_OF_ACTION[action]
    problems = []
    for facts in member_facts:
        name = facts["friendly_name"] or facts["name"]
        if facts["current_job"]:
            problems.append("%s runs a %s job (%s)" % (name, facts["current_job"]["scenario"], facts["current_job"]["id"]))
        elif operation not in facts["allowed_operations"]:
            problems.append("%s does not allow %s now (%s; ASR allows %s)" % (name, operation, facts["protection_state"],
                                                                              ", ".join(facts["allowed_operations"]) or "nothing"))
    return problems


def done_message(operation, direction, member_facts):
    """The sentence saying ``operation`` is done on every member already (nothing to send), or None."""
    def all_of(test):
        return bool(member_facts) and all(test(f) for f in member_facts)

    target = "azure" if direction == "to_azure" else "onprem"
    if operation == "failover" and all_of(lambda f: f["running_in"] == target and "UnplannedFailover" not in f["allowed_operations"]
                                          and "PlannedFailover" not in f["allowed_operations"]):
        return "every machine of the plan runs in %s already" % ("Azure" if target == "azure" else "on-premises")
    if operation == "commit" and all_of(lambda f: f["stage"] == "committed"):
        return "every machine of the plan is committed already"
    if operation == "test_failover" and all_of(lambda f: "TestFailoverCleanup" in f["allowed_operations"]):
        return "every machine of the plan has a test failover already (clean it up with test_failover_cleanup)"
    if operation == "test_failover_cleanup" and all_of(lambda f: "TestFailoverCleanup" not in f["allowed_operations"] and f["stage"] != "busy"):
        return "no machine of the plan has a test failover to clean up"
    return None


def group_progress(job):
    """Per boot group and per machine, what the plan job's tasks say: [{group, state, machines: [{name, state, job_id}]}]."""
    groups = []
    for task in (job.get("properties") or {}).get("tasks") or []:
        details = task.get("groupTaskCustomDetails") or {}
        if not details:
            continue
        machines = []
        for child in details.get("childTasks") or []:
            entity = (child.get("customDetails") or {}).get("jobTask") or {}
            machines.append(dict(name=entity.get("targetObjectName") or (child.get("friendlyName") or "").split(": ")[-1], state=child.get("state"),
                                 job_id=(entity.get("jobId") or "").rsplit("/", 1)[-1] or None))
        groups.append(dict(group=details.get("name") or task.get("friendlyName"), type=details.get("rpGroupType"), state=task.get("state"),
                           machines=machines))
    return groups


def progress_line(label, groups):
    """One line: each group's state and its machines' states."""
    parts = ["%s %s [%s]" % (g["group"], g["state"], ", ".join("%s %s" % (m["name"], m["state"]) for m in g["machines"])) for g in groups]
    return "%s: %s" % (label, "; ".join(parts) or "not started")
