# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where a replicated item stands, what comes next, and what each step sends to ASR.

Private to the collection. Pure: no Ansible, no SDK, no I/O. The tables are docs/architecture.md's
(Semantics): ``activeLocation`` means opposite things for the forward and the failback
providers, so everything is decided from one normalised fact, ``running_in``.
"""

from __future__ import annotations

GENERATION_OF_PROVIDER = {
    "InMageAzureV2": "classic",
    "InMage": "classic",
    "InMageRcm": "modernized",
    "InMageRcmFailback": "modernized",
}
# The providers that replicate to Azure (the machine runs on-premises when activeLocation is Primary),
# and those that replicate back to on-premises after a reprotect from Azure.
FORWARD_PROVIDERS = ("InMageAzureV2", "InMageRcm")
FAILBACK_PROVIDERS = ("InMage", "InMageRcmFailback")
# An item's provider -> the provider it has while it replicates back to on-premises, and while it replicates to Azure.
FAILBACK_PROVIDER_OF = {"InMageAzureV2": "InMage", "InMage": "InMage", "InMageRcm": "InMageRcmFailback", "InMageRcmFailback": "InMageRcmFailback"}
FORWARD_PROVIDER_OF = {"InMageAzureV2": "InMageAzureV2", "InMage": "InMageAzureV2", "InMageRcm": "InMageRcm", "InMageRcmFailback": "InMageRcm"}

# Action (the URL verb after the item) -> the allowedOperations name ASR requires for it.
OPERATION_OF_ACTION = {
    "unplannedFailover": "UnplannedFailover",
    "plannedFailover": "PlannedFailover",
    "failoverCommit": "Commit",
    "applyRecoveryPoint": "ChangePit",
    "reProtect": "SwitchProtection",
    "failoverCancel": "CancelFailover",
    "testFailover": "TestFailover",
    "testFailoverCleanup": "TestFailoverCleanup",
    "repairReplication": "RepairReplication",
}
# Recovery point choices of the modules.
RECOVERY_POINT_CHOICES = ("latest", "latest_processed", "latest_app_consistent", "latest_crash_consistent", "custom")
# What InMage (classic failback) and InMageRcmFailback (modernized failback) take as recoveryPointType.
INMAGE_POINT_TYPES = {"latest": "LatestTime", "latest_app_consistent": "LatestTag", "custom": "Custom"}
RCM_FAILBACK_POINT_TYPES = {"latest": "CrashConsistent", "latest_crash_consistent": "CrashConsistent",
                            "latest_app_consistent": "ApplicationConsistent"}


class StateError(ValueError):
    """A request the item's state or provider cannot take; the message says what can be done."""


def generation(provider):
    return GENERATION_OF_PROVIDER.get(provider)


def running_in(provider, active_location, active_site_type=None):
    """``azure`` or ``onprem``: where the machine runs now (docs/architecture.md, "Where a machine runs")."""
    if provider == "InMage" and active_site_type in ("Azure", "OnPrem"):
        return "azure" if active_site_type == "Azure" else "onprem"
    if provider not in GENERATION_OF_PROVIDER or active_location not in ("Primary", "Recovery"):
        return None
    forward = provider in FORWARD_PROVIDERS
    on_primary = active_location == "Primary"
    return "onprem" if forward == on_primary else "azure"


def stage(allowed_operations, running_job=False):
    """The item's stage, from what ASR allows next.

    ``replicating``: protected, can fail over; ``commit_pending``: failed over, not committed;
    ``committed``: failed over and committed, waiting for a reprotect; ``busy``: a job runs; ``drill_pending``
    (set by _asr_items): a test failover ended and waits for its cleanup;
    ``other``: none of these (initial replication, resync required, ...).
    """
    allowed = set(allowed_operations or ())
    if running_job:
        return "busy"
    if "Commit" in allowed:
        return "commit_pending"
    if "SwitchProtection" in allowed:
        return "committed"
    if allowed & {"UnplannedFailover", "PlannedFailover"}:
        return "replicating"
    return "other"


# ASR's job scenario names (currentScenario.scenarioName, a job's scenarioName) of each action's job: a job of one of
# these names running on the item is that action in progress, which a rerun follows instead of starting another.
JOB_SCENARIOS = {
    "unplannedFailover": ("UnplannedFailover",),
    "plannedFailover": ("PlannedFailover",),
    "failoverCommit": ("CommitFailover", "FinalizeFailback", "Commit"),
    "applyRecoveryPoint": ("ChangePit", "ChangeRecoveryPoint"),
    "reProtect": ("SwitchReplicationGroupProtection", "Reprotect", "SwitchProtection"),
    "failoverCancel": ("CancelFailover",),
    "testFailover": ("TestFailover",),
    "testFailoverCleanup": ("TestFailoverCleanup",),
    "repairReplication": ("RepairReplication", "ResynchronizeReplication"),
    "update": ("UpdateVmProperties",),
}


def _stage(name, title, at, leaves, actions):
    running, item_stage, forward = at
    left_in, left_stage, left_forward = leaves
    return dict(name=name, title=title, at=dict(running_in=running, stage=item_stage, forward=forward),
                leaves=dict(running_in=left_in, stage=left_stage, forward=left_forward), actions=list(actions),
                jobs=[scenario for action in actions for scenario in JOB_SCENARIOS[action]])


# The cycle, stated once (docs/architecture.md, "The cycle"): each stage in order, where the machine stands for it to
# run (``at``: running_in, stage, replicates to Azure), where it leaves the machine, and the actions whose jobs mean
# the stage runs. Items carry the stages that can run from where they stand (next_stages); the roles read this table
# through the lookup siterecovery.vmware.asr_cycle and compare the stage they run against the item's next_stages.
CYCLE = (
    _stage("failover_to_azure", "fail over to Azure", ("onprem", "replicating", True), ("azure", "commit_pending", True),
           ("unplannedFailover",)),
    # No job of its own: the recovered VM runs, has its private IP and answers, before anything is committed.
    _stage("validate_recovery", "validate the recovered VM before the commit", ("azure", "commit_pending", True),
           ("azure", "commit_pending", True), ()),
    _stage("commit_failover", "commit the failover", ("azure", "commit_pending", True), ("azure", "committed", True),
           ("failoverCommit",)),
    # No job of its own: it readies the process server and master target the reprotect needs, from the same place.
    _stage("failback_prepare", "prepare the failback (process server, master target)", ("azure", "committed", True),
           ("azure", "committed", True), ()),
    _stage("reprotect_to_onprem", "reprotect to on-premises", ("azure", "committed", True), ("azure", "replicating", False),
           ("reProtect",)),
    _stage("failback_to_onprem", "fail back to on-premises", ("azure", "replicating", False), ("onprem", "commit_pending", False),
           ("unplannedFailover", "plannedFailover")),
    _stage("commit_failback", "commit the failback", ("onprem", "commit_pending", False), ("onprem", "committed", False),
           ("failoverCommit",)),
    _stage("reprotect_to_azure", "reprotect to Azure", ("onprem", "committed", False), ("onprem", "replicating", True),
           ("reProtect",)),
)
# The drill (playbooks/drill.yml, docs/architecture.md "DR drills"), outside the cycle: the machine keeps running and replicating
# on-premises; a test VM runs in Azure from the test failover until its cleanup, which leaves the machine where it was.
DRILL = (
    _stage("test_failover", "drill (test failover)", ("onprem", "replicating", True), ("onprem", "drill_pending", True),
           ("testFailover",)),
    _stage("validate_drill", "validate the test VM", ("onprem", "drill_pending", True), ("onprem", "drill_pending", True), ()),
    _stage("test_failover_cleanup", "clean the drill up (delete the test VM)", ("onprem", "drill_pending", True),
           ("onprem", "replicating", True), ("testFailoverCleanup",)),
)
# Every stage a role runs: the cycle's, then the drill's.
STAGES = CYCLE + DRILL
STAGE_NAMES = tuple(s["name"] for s in STAGES)
# Words of a next step other than its stage's title: a failed-over machine may change its recovery point before the commit.
_STEP_WORDS = {"commit_failover": "commit (or change the recovery point)",
               "test_failover_cleanup": "clean the test failover up (asr_test_failover_cleanup)"}


def next_stages(where, item_stage, forward, job_scenario=None):
    """The stages of the cycle, or of a drill, that run next from where the machine stands, in order.

    ``item_stage`` ``busy``: the stage whose job (``job_scenario``) runs from this place, which is followed; none
    when the running job is not a stage's (a resync).
    """
    found = []
    for entry in STAGES:
        at = entry["at"]
        if at["running_in"] != where or at["forward"] != forward:
            continue
        if item_stage == at["stage"] or (item_stage == "busy" and job_scenario in entry["jobs"]):
            found.append(entry["name"])
    return found


def next_step(where, item_stage, forward=None, job_scenario=None):
    """What the cycle does next for a machine running ``where`` at ``item_stage``, in words."""
    if forward is None:  # the place alone: where a machine stands in the cycle says which way it replicates
        forward = {"replicating": where == "onprem", "commit_pending": where == "azure", "committed": where == "azure",
                   "drill_pending": where == "onprem"}.get(item_stage)
    stages = [s for s in next_stages(where, item_stage, forward, job_scenario) if STAGES[STAGE_NAMES.index(s)]["jobs"]]
    if stages:
        return _STEP_WORDS.get(stages[0], STAGES[STAGE_NAMES.index(stages[0])]["title"])
    return "wait" if item_stage == "busy" else "none"


def stages_after(name):
    """The stages that run next from where stage ``name`` leaves the machine (what check mode decides the next ones from)."""
    left = STAGES[STAGE_NAMES.index(name)]["leaves"]
    return next_stages(left["running_in"], left["stage"], left["forward"])


def failover_action(provider, direction):
    """(action, failoverDirection or None) for a failover of a ``provider`` item toward ``direction``."""
    table = {
        ("InMageAzureV2", "to_azure"): ("unplannedFailover", "PrimaryToRecovery"),
        ("InMageRcm", "to_azure"): ("unplannedFailover", "PrimaryToRecovery"),
        # After the reprotect to on-premises Azure is the item's primary: classic failback is PrimaryToRecovery.
        ("InMage", "to_onprem"): ("unplannedFailover", "PrimaryToRecovery"),
        # Modernized failback is a planned failover that sends no direction at all.
        ("InMageRcmFailback", "to_onprem"): ("plannedFailover", None),
    }
    if (provider, direction) not in table:
        where = "Azure" if direction == "to_azure" else "on-premises"
        article = "an" if provider[:1] in "AEIOU" else "a"
        raise StateError("%s %s item cannot fail over to %s: %s" % (article, provider, where, _provider_hint(provider)))
    return table[(provider, direction)]


def _provider_hint(provider):
    return {
        "InMageAzureV2": "it replicates from on-premises to Azure; to fail back, reprotect it to on-premises first",
        "InMageRcm": "it replicates from on-premises to Azure; to fail back, reprotect it to on-premises first",
        "InMage": "it replicates from Azure to on-premises; to fail over to Azure again, commit the failback and reprotect it to Azure first",
        "InMageRcmFailback": "it replicates from Azure to on-premises; to fail over to Azure again, commit the failback and reprotect it to Azure first",
    }.get(provider, "this collection handles VMware and physical servers (InMageAzureV2, InMage, InMageRcm, InMageRcmFailback)")


def newest(points, kind=None):
    """The newest recovery point (dicts with id, time, type), of ``kind`` when given; None when there is none."""
    chosen = [p for p in points if kind is None or p.get("type") == kind]
    return max(chosen, key=lambda p: p["time"]) if chosen else None


def recovery_point_input(provider, choice, points, recovery_point_id=None):
    """The provider input keys that choose the recovery point: recoveryPointId and/or recoveryPointType.

    ``points``: the item's recovery points (id, time, type). A choice the provider cannot express
    raises StateError naming the ones it can.
    """
    if choice not in RECOVERY_POINT_CHOICES:
        raise StateError("recovery_point must be one of %s" % ", ".join(RECOVERY_POINT_CHOICES))
    if provider == "InMageRcmFailback":
        if choice not in RCM_FAILBACK_POINT_TYPES:
            raise StateError("a modernized failback takes recovery_point latest, latest_app_consistent or latest_crash_consistent "
                             "(ASR chooses the point itself), not %s" % choice)
        return {"recoveryPointType": RCM_FAILBACK_POINT_TYPES[choice]}
    if choice == "custom":
        if not recovery_point_id:
            raise StateError("recovery_point=custom needs recovery_point_id")
        known = [p for p in points if recovery_point_id in (p["id"], p["id"].rsplit("/", 1)[-1])]
        if not known:
            raise StateError("recovery point %s is not one of the item's %d recovery points (newest: %s)"
                             % (recovery_point_id, len(points), (newest(points) or {}).get("time", "none")))
        recovery_point_id = known[0]["id"]
    if provider == "InMage":
        if choice in INMAGE_POINT_TYPES:
            keys = {"recoveryPointType": INMAGE_POINT_TYPES[choice]}
            if choice == "custom":
                keys["recoveryPointId"] = recovery_point_id
            return keys
        return {"recoveryPointType": "Custom", "recoveryPointId": _resolved(choice, points)["id"]}
    # InMageAzureV2 and InMageRcm take only an id; none means the latest (ASR processes what is pending).
    if choice == "latest":
        return {}
    if choice == "custom":
        return {"recoveryPointId": recovery_point_id}
    return {"recoveryPointId": _resolved(choice, points)["id"]}


def _resolved(choice, points):
    kind = {"latest_processed": None, "latest_app_consistent": "AppConsistent", "latest_crash_consistent": "CrashConsistent"}[choice]
    point = newest(points, kind)
    if point is None:
        raise StateError("the item has no %s recovery point" % choice.replace("latest_", "").replace("_", "-"))
    return point


def failover_body(provider, direction, choice, points, recovery_point_id=None, shutdown_source=False):
    """(action, body) of a failover: docs/architecture.md's table of what each step sends, exactly."""
    action, failover_direction = failover_action(provider, direction)
    details = {"instanceType": provider}
    if provider == "InMageRcm":
        details["performShutdown"] = "true" if shutdown_source else "false"
    details.update(recovery_point_input(provider, choice, points, recovery_point_id))
    properties = {}
    if failover_direction:
        properties["failoverDirection"] = failover_direction
    if provider != "InMageRcmFailback":
        # Classic shuts the source down through sourceSiteOperations; modernized through performShutdown,
        # with sourceSiteOperations NotRequired (both recorded clients send it).
        properties["sourceSiteOperations"] = "Required" if shutdown_source and provider != "InMageRcm" else "NotRequired"
    properties["providerSpecificDetails"] = details
    return action, {"properties": properties}


def reprotect_body(provider, **inputs):
    """The reProtect body for an item of ``provider`` (the provider it has before the reprotect).

    Classic to on-premises (InMageAzureV2 item): master_target_id, process_server_id, retention_drive,
    datastore_name, failback_policy_id, run_as_account_id (optional). Classic to Azure (InMage item):
    process_server_id, run_as_account_id, policy_id. Modernized to on-premises (InMageRcm item):
    reprotect_agent_id, datastore_name, log_storage_account_id, failback_policy_id. Modernized to Azure
    (InMageRcmFailback item): process_server_id, run_as_account_id, policy_id.
    """
    if provider == "InMageAzureV2":
        details = {"instanceType": "InMage", "masterTargetId": inputs["master_target_id"], "processServerId": inputs["process_server_id"],
                   "retentionDrive": inputs["retention_drive"]}
        if inputs.get("run_as_account_id"):
            details["runAsAccountId"] = inputs["run_as_account_id"]
        details.update(datastoreName=inputs["datastore_name"],
                       # The Azure VM's temporary disk must not come back on-premises.
                       diskExclusionInput={"volumeOptions": [{"volumeLabel": "Temporary Storage", "OnlyExcludeIfSingleVolume": "Yes"}]},
                       profileId=inputs["failback_policy_id"])
        return {"properties": {"failoverDirection": "RecoveryToPrimary", "providerSpecificDetails": details}}
    if provider == "InMage":
        details = {"instanceType": "InMageAzureV2", "masterTargetId": inputs["process_server_id"], "processServerId": inputs["process_server_id"]}
        if inputs.get("run_as_account_id"):
            details["runAsAccountId"] = inputs["run_as_account_id"]
        details["policyId"] = inputs["policy_id"]
        return {"properties": {"failoverDirection": "RecoveryToPrimary", "providerSpecificDetails": details}}
    if provider == "InMageRcm":
        details = {"instanceType": "InMageRcm", "reprotectAgentId": inputs["reprotect_agent_id"], "datastoreName": inputs["datastore_name"],
                   "logStorageAccountId": inputs["log_storage_account_id"]}
        if inputs.get("failback_policy_id"):
            details["policyId"] = inputs["failback_policy_id"]
        return {"properties": {"failoverDirection": "RecoveryToPrimary", "providerSpecificDetails": details}}
    if provider == "InMageRcmFailback":
        details = {"instanceType": "InMageRcmFailback", "processServerId": inputs["process_server_id"]}
        if inputs.get("run_as_account_id"):
            details["runAsAccountId"] = inputs["run_as_account_id"]
        details["policyId"] = inputs["policy_id"]
        return {"properties": {"providerSpecificDetails": details}}
    raise StateError("a %s item cannot be reprotected by this collection: %s" % (provider, _provider_hint(provider)))


def refusal(operation, allowed, item_name, protection_state):
    """None when ASR allows ``operation`` now; else the sentence that says why not and what is allowed."""
    if operation in (allowed or ()):
        return None
    return "%s is not allowed on %s now (protection state %s); ASR allows: %s" % (
        operation, item_name, protection_state, ", ".join(allowed or ()) or "nothing (a job may be running)")
