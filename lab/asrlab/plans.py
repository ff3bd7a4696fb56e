"""Item actions: the checks ASR makes on a request, the job it starts, and what the job changes.

Task names and the share of time each takes follow the recorded jobs
(docs/architecture.md); the scenario may set each action's
duration in Azure seconds (``durations:``), and the clock's scale shrinks it.
"""

from __future__ import annotations

import datetime
import re

from .arm import ArmError
from .clock import iso
from .cycle import INPUTS, OPERATION_OF_ACTION, TRANSITIONS
from .fabrics import stable_id
from .jobs import Job, JobFault, TaskPlan

# Azure seconds each action takes by default (recorded: classic failover ~100 s, modernized
# ~8 min; commit a few seconds; reprotect 2-12 min; planned failback ~20 min).
DURATIONS = {
    ("classic", "unplannedFailover"): 100, ("modernized", "unplannedFailover"): 470,
    ("classic", "failoverCommit"): 3, ("modernized", "failoverCommit"): 2,
    ("classic", "reProtect"): 130, ("modernized", "reProtect"): 720,
    ("modernized", "plannedFailover"): 1200, ("modernized", "failoverCancel"): 120,
    ("classic", "applyRecoveryPoint"): 60, ("modernized", "applyRecoveryPoint"): 60,
    ("classic", "repairReplication"): 60, ("modernized", "repairReplication"): 60,
    ("classic", "updateVmProperties"): 5, ("modernized", "updateVmProperties"): 5,
    ("classic", "agentRegistration"): 900, ("modernized", "agentRegistration"): 900,
}
# action -> (scenarioName, friendlyName, job details type, tasks as (name, friendly name, share of the duration))
JOB_SHAPES = {
    "unplannedFailover": ("UnplannedFailover", "Failover", "FailoverJobDetails", [
        ("VmUfoPrerequisitesCheck", "Prerequisites check for failover", 0.02),
        ("VmShutdownVmOnPrimary", "Shut down the virtual machine", 0.0),
        ("VmPrepareForUnPlannedFailover", "Synchronizing the latest changes", 0.0),
        ("VmFailover", "Start failover", 0.9),
        ("VmFoStartVmOnSecondary", "Start the replica virtual machine", 0.08)]),
    "plannedFailover": ("PlannedFailover", "Planned failover", "FailoverJobDetails", [
        ("VmPfoPrerequisitesCheck", "Prerequisites check for planned failover", 0.02),
        ("VmPrepareForFailover", "Prepare for planned failover", 0.2),
        ("VmFailover", "Shut down the Azure virtual machine", 0.5),
        ("VmPrepareProtectedEntitiesTask", "Prepare the protected entities", 0.1),
        ("VmFoStartVmOnSecondary", "Start the on-premises virtual machine", 0.18)]),
    "failoverCommit": ("CommitFailover", "Commit", "AsrJobDetails", [
        ("VmCommitPrerequisitesCheck", "Prerequisite check", 0.3),
        ("VmCommit", "Commit", 0.7)]),
    "reProtect": ("SwitchReplicationGroupProtection", "Reprotect", "SwitchProtectionJobDetails", [
        ("SwitchReplicationGroupProtectionPreflightTask", "Prerequisite check", 0.01),
        ("VmCommitFailover", "Committing failover", 0.0),
        ("DiscoverReplicaTask", "Discovering replica virtual machine", 0.01),
        ("GetSwitchProtectionRequirementsTask", "Getting reprotection requirements", 0.01),
        ("ProtectReplicaTask", "Reprotecting virtual machine", 0.97)]),
    "failoverCancel": ("CancelFailover", "Cancel failover and resume replication", "AsrJobDetails", [
        ("CancelFailoverPrerequisitesCheck", "Prerequisites check", 0.05),
        ("CancelFailoverRecovery", "Cancel failover on the recovery site", 0.45),
        ("CancelFailoverPrimaryTask", "Resume replication", 0.3),
        ("StartVmOnPrimary", "Start the virtual machine", 0.2)]),
    "testFailover": ("TestFailover", "Test failover", "FailoverJobDetails", [
        ("VmTfoPrerequisitesCheck", "Prerequisites check for test failover", 0.05),
        ("VmTestFailover", "Create the test virtual machine", 0.85),
        ("VmFoStartVmOnSecondary", "Start the test virtual machine", 0.1)]),
    "testFailoverCleanup": ("TestFailoverCleanup", "Cleanup test failover", "AsrJobDetails", [
        ("VmTfoCleanupPrerequisitesCheck", "Prerequisites check", 0.1),
        ("VmTestFailoverCleanup", "Delete the test virtual machine", 0.9)]),
    "applyRecoveryPoint": ("ChangePit", "Change recovery point", "AsrJobDetails", [
        ("VmChangePitPrerequisitesCheck", "Prerequisites check", 0.1),
        ("VmChangePit", "Change the recovery point", 0.9)]),
    "updateVmProperties": ("UpdateVmProperties", "Update the virtual machine", "AsrJobDetails", [
        ("UpdateVmPropertiesTask", "Update the virtual machine properties", 1.0)]),
    "repairReplication": ("RepairReplication", "Resynchronize", "AsrJobDetails", [
        ("RepairReplicationPrerequisitesCheck", "Prerequisites check", 0.1),
        ("RepairReplication", "Resynchronize the replication", 0.9)]),
}
# Required keys of each provider input (the SDK's models mark them Required).
REQUIRED = {
    ("InMageRcm", "unplannedFailover"): ("performShutdown",),
    ("InMageRcmFailback", "plannedFailover"): ("recoveryPointType",),
    ("InMage", "reProtect"): ("masterTargetId", "processServerId", "retentionDrive", "profileId"),
    ("InMageRcm", "reProtect"): ("reprotectAgentId", "datastoreName", "logStorageAccountId"),
    ("InMageRcmFailback", "reProtect"): ("processServerId", "policyId"),
    ("InMageRcm", "applyRecoveryPoint"): ("recoveryPointId",),
}
RECOVERY_POINT_TYPES = {
    "InMage": ("LatestTime", "LatestTag", "Custom"),
    "InMageRcmFailback": ("ApplicationConsistent", "CrashConsistent"),
}


def refuse(message, code="BadRequest", causes="The request does not fit the replicated item's state or provider.",
           action="Read the replicated item (allowedOperations, providerSpecificDetails.instanceType) and send the input it takes."):
    return ArmError(400, code, message, possible_causes=causes, recommended_action=action)


def _duration(vault, action):
    generation = "classic" if vault.classic else "modernized"
    return float(vault.scenario.durations.get(action, DURATIONS.get((generation, action), 60)))


def _properties(body):
    properties = body.get("properties") if isinstance(body, dict) else None
    if not isinstance(properties, dict):
        raise refuse("The request body must be a JSON object with 'properties'.", code="InvalidRequestContent")
    return properties


def _check_input(vault, item, action, body):
    """Check direction, provider input and required fields; return the provider input (dict)."""
    expected = INPUTS.get((item.phase, action))
    if expected is None:
        return {}
    instance_type, direction = expected
    properties = _properties(body)
    details = properties.get("providerSpecificDetails")
    if direction != "any":
        sent = properties.get("failoverDirection")
        if direction is None and sent is not None:
            raise refuse("failoverDirection must not be sent for %s on a %s item (it is %r)." % (action, item.provider, sent),
                         code="InvalidFailoverDirection")
        if direction is not None and sent != direction:
            raise refuse("failoverDirection must be %s for %s on a %s item in state %s (it is %r)."
                         % (direction, action, item.provider, item.state.protection_state, sent), code="InvalidFailoverDirection")
    if not isinstance(details, dict) or details.get("instanceType") != instance_type:
        raise refuse("providerSpecificDetails.instanceType must be %s for %s on this item (it is %r)."
                     % (instance_type, action, (details or {}).get("instanceType") if isinstance(details, dict) else details),
                     code="InvalidProviderSpecificInput")
    for key in REQUIRED.get((instance_type, action), ()):
        if details.get(key) in (None, ""):
            raise refuse("providerSpecificDetails.%s is required for %s with %s." % (key, action, instance_type), code="MissingRequiredField")
    return details


def _find_point(vault, item, point_id):
    now = vault.clock.now()
    for point in item.recovery_points(now):
        if item.point_id(point).lower() == str(point_id).lower() or point.id.lower() == str(point_id).lower():
            return point
    raise refuse("The recovery point '%s' does not exist for the replicated item '%s'." % (point_id, item.machine.name),
                 code="RecoveryPointNotFound", causes="The recovery point was deleted (retention, commit) or belongs to another item.",
                 action="List the item's recovery points and choose one of them.")


def _chosen_point(vault, item, details, action):
    """The recovery point a failover or change of recovery point uses."""
    now = vault.clock.now()
    points = item.recovery_points(now)
    if details.get("recoveryPointId"):
        return _find_point(vault, item, details["recoveryPointId"])
    wanted = details.get("recoveryPointType")
    allowed = RECOVERY_POINT_TYPES.get(details.get("instanceType"))
    if wanted is not None and allowed is not None and wanted not in allowed:
        raise refuse("recoveryPointType %r is not one of %s for %s." % (wanted, ", ".join(allowed), details.get("instanceType")),
                     code="InvalidRecoveryPointType")
    if wanted == "Custom":
        raise refuse("recoveryPointId is required when recoveryPointType is Custom.", code="MissingRequiredField")
    if wanted in ("LatestTag", "ApplicationConsistent"):
        points = [p for p in points if p.kind == "AppConsistent"]
    if not points:
        raise refuse("The replicated item '%s' has no recovery point to %s." % (item.machine.name, action), code="NoRecoveryPoint",
                     causes="Replication has not produced a recovery point yet.", action="Wait for a recovery point, then retry.")
    return points[0]


def _check_reprotect_targets(vault, item, details):
    """The ids a reprotect names must exist, as ASR checks them."""
    custom = vault.custom
    instance_type = details["instanceType"]
    if instance_type == "InMage":
        masters = {m["id"].lower(): m for m in custom.get("masterTargetServers") or []}
        master = masters.get(str(details["masterTargetId"]).lower())
        if master is None:
            raise refuse("Master target '%s' is not registered with the configuration server." % details["masterTargetId"],
                         code="MasterTargetNotFound")
        if item.machine.os_type != master["osType"]:  # either way, as Azure refuses it
            raise refuse("A %s machine fails back only through a %s master target; '%s' runs %s."
                         % (item.machine.os_type, item.machine.os_type, master["name"], master["osType"]), code="MasterTargetOsMismatch",
                         causes="The master target's operating system differs from the machine's: Windows fails back through a Windows "
                         "master target, Linux through a Linux one.", action="Choose a master target of the machine's operating system.")
        if str(details.get("datastoreName") or "") not in [d["symbolicName"] for d in master.get("dataStores") or []]:
            raise refuse("Datastore '%s' is not reachable from master target '%s'." % (details.get("datastoreName"), master["name"]),
                         code="DatastoreNotFound")
        if details["retentionDrive"] not in [v["volumeName"] for v in master.get("retentionVolumes") or []]:
            raise refuse("Retention drive '%s' is not a retention volume of master target '%s'." % (details["retentionDrive"], master["name"]),
                         code="RetentionDriveNotFound")
        _check_process_server(vault, details["processServerId"])
        _check_run_as(vault, details.get("runAsAccountId"), classic=True)
        _check_policy(vault, details["profileId"], "InMage")
    elif instance_type == "InMageAzureV2":
        if details.get("processServerId"):
            _check_process_server(vault, details["processServerId"])
        _check_run_as(vault, details.get("runAsAccountId"), classic=True)
        if details.get("policyId"):
            _check_policy(vault, details["policyId"], "InMageAzureV2")
    elif instance_type == "InMageRcm":
        agents = {a["id"].lower(): a for a in custom.get("reprotectAgents") or []}
        agent = agents.get(str(details["reprotectAgentId"]).lower())
        if agent is None:
            raise refuse("Reprotect agent '%s' is not registered with the appliance." % details["reprotectAgentId"], code="ReprotectAgentNotFound")
        if details["datastoreName"] not in agent.get("accessibleDatastores", []):
            raise refuse("Datastore '%s' is not accessible from reprotect agent '%s'." % (details["datastoreName"], agent["name"]),
                         code="DatastoreNotFound")
        if details.get("policyId"):
            _check_policy(vault, details["policyId"], "InMageRcmFailback")
    elif instance_type == "InMageRcmFailback":
        _check_process_server(vault, details["processServerId"])
        if details.get("runAsAccountId") and details["runAsAccountId"].lower() not in [a["id"].lower() for a in vault.run_as_accounts()]:
            raise refuse("Run-as account '%s' does not exist in the VMware site." % details["runAsAccountId"], code="RunAsAccountNotFound")
        _check_policy(vault, details["policyId"], "InMageRcm")


def _check_process_server(vault, server_id):
    if str(server_id).lower() not in [p["id"].lower() for p in vault.custom.get("processServers") or []]:
        raise refuse("Process server '%s' is not registered in the vault's fabric." % server_id, code="ProcessServerNotFound")


def _check_run_as(vault, account_id, classic):
    if classic and account_id and str(account_id) not in [a["accountId"] for a in vault.custom.get("runAsAccounts") or []]:
        raise refuse("Run-as account '%s' does not exist on the configuration server." % account_id, code="RunAsAccountNotFound")


def _check_policy(vault, policy_id, provider):
    ids = [p["id"] for p in vault.policies_for(provider)]  # every one is mapped (vault.mappings)
    if str(policy_id).lower() not in [i.lower() for i in ids]:
        raise refuse("Policy '%s' is not a %s replication policy of this vault (use %s)." % (policy_id, provider, " or ".join(ids)),
                     code="PolicyNotFound")


def action_job(vault, item, action, body):
    """Check an action as ASR does; start its job; return the job."""
    operation = OPERATION_OF_ACTION[action]
    allowed = item.allowed_operations()
    if operation not in allowed:
        raise refuse("The operation '%s' is not allowed on the replicated item '%s' in state %s (%s); allowed operations: %s."
                     % (operation, item.machine.name, item.state.protection_state, item.state.description, ", ".join(allowed)),
                     code="OperationNotAllowed", causes="The replicated item is not in a state where this operation applies.",
                     action="Run one of the allowed operations, or wait for the current one to finish.")
    details = _check_input(vault, item, action, body)
    point = None
    if action in ("unplannedFailover", "plannedFailover", "applyRecoveryPoint"):
        if action == "applyRecoveryPoint":
            point_id = details.get("recoveryPointId") or _properties(body).get("recoveryPointId")
            if not point_id:
                raise refuse("recoveryPointId is required to change the recovery point.", code="MissingRequiredField")
            point = _find_point(vault, item, point_id)
        else:
            point = _chosen_point(vault, item, details, action)
    if action == "reProtect":
        _check_reprotect_targets(vault, item, details)
    return _start(vault, item, action, details, point, _shuts_down(body, details))


def _shuts_down(body, details):
    """Whether a failover shuts the source machine down first: InMageRcm's performShutdown, or the classic
    providers' sourceSiteOperations Required (the request's property; NotRequired or none: no shutdown)."""
    if details.get("instanceType") == "InMageRcm":
        return str(details.get("performShutdown", "")).lower() == "true"
    return str(_properties(body).get("sourceSiteOperations", "")).lower() == "required" if details else False


def start_item_job(vault, item, action, details, shutdown, created):  # pylint: disable=too-many-arguments
    """A member's child job of a recovery plan's operation: the item's own job of ``action``, from ``created`` on
    (recovery_plans.py has checked the operation and built ``details`` from the plan's input)."""
    point = None
    if action in ("unplannedFailover", "plannedFailover", "testFailover"):
        point = _chosen_point(vault, item, dict(recoveryPointType=details.get("recoveryPointType")), action)
    return _start(vault, item, action, details, point, shutdown, created)


def _start(vault, item, action, details, point, shutdown, created=None):  # pylint: disable=too-many-arguments
    scenario_name, friendly, details_type, shape = JOB_SHAPES[action]
    total = _duration(vault, action)
    # A modernized reprotect from a commit-pending state commits first (recorded).
    commit_first = action == "reProtect" and item.phase in ("modernized_failed_over", "modernized_failed_back")
    tasks = []
    for name, text, share in shape:
        skipped = (name == "VmShutdownVmOnPrimary" and not shutdown) or (name == "VmPrepareForUnPlannedFailover") or (
            name == "VmCommitFailover" and not commit_first)
        tasks.append(TaskPlan(name, text, max(share * total, 0.5 if not skipped else 0), skipped=skipped))
    fault = JobFault()
    if action == "unplannedFailover" and item.state.running_in == "onprem":
        problem = vault.quota_problem(item)
        if problem:
            fault = JobFault(fail_at=3, error=problem)
    if action == "reProtect" and not item.agent_registered(vault.clock.now()):
        fault = JobFault(fail_at=0, error=dict(
            code="150273", message="The reprotect of '%s' cannot start: its Mobility service agent has not registered since the failover."
            % item.machine.name, possibleCauses="After a failover the agent in the Azure virtual machine re-registers, which takes up to 15 minutes.",
            recommendedAction="Wait until isAgentRegistrationSuccessfulAfterFailover is true, then retry the reprotect."))
    fault = vault.take_job_fault(action, item) or fault
    job = Job(vault_id=vault.vault_id, item_id=item.id, scenario_name=scenario_name, friendly_name=friendly, target_id=item.target_object_id,
              target_name=item.machine.name, details_type=details_type, tasks=tasks, created=created or vault.clock.now(), scale=vault.clock.scale,
              fault=fault, details=job_details(vault, item, details_type, point), action=action)
    job.on_success = lambda finished: _succeeded(vault, item, action, details, point, shutdown, finished)
    return vault.start_job(job)


def job_details(vault, item, details_type, point):
    """customDetails of a job, as recorded for each type (the instanceType key is added by the job)."""
    forward = item.state.running_in == "onprem" and item.provider in ("InMageAzureV2", "InMageRcm")
    fabric_provider = "VMware" if vault.classic else "InMageRcm"
    affected = dict(
        primaryVmId=item.target_object_id, primaryVmName=item.machine.name, recoveryVmId="", recoveryVmName=item.settings["vm_name"],
        protectionProfileId=stable_id(vault.vault_id, item.state.provider, "profile"),
        primaryCloudId=vault.container_name, primaryCloudName=vault.container_friendly_name,
        recoveryCloudId=vault.azure_container_id.rsplit("/", 1)[1], recoveryCloudName="Microsoft Azure",
        primaryVmmId=vault.fabric["properties"]["internalIdentifier"], primaryVmmName=vault.fabric_friendly_name,
        recoveryVmmId=stable_id(vault.vault_id, "azure-vmm"), recoveryVmmName="Microsoft Azure",
        primaryFabricProviderId=fabric_provider if forward else "Azure", recoveryFabricProviderId="Azure" if forward else fabric_provider)
    if details_type == "FailoverJobDetails":
        network = item.settings["network_id"].rsplit("/", 1)[1]
        return dict(protectedItemDetails=[dict(name=item.target_object_id, friendlyName=item.machine.name, testVmName=None, testVmFriendlyName=None,
                                               networkConnectionStatus=None, networkFriendlyName=network, subnet=item.settings["subnet"],
                                               recoveryPointId=point.id if point else None,
                                               recoveryPointTime=iso(point.time) if point else None)],
                    affectedObjectDetails=affected)
    if details_type == "SwitchProtectionJobDetails":
        return dict(newReplicationProtectedItemId=None, affectedObjectDetails=affected)
    return dict(affectedObjectDetails=affected)


def _succeeded(vault, item, action, details, point, shutdown, job):  # pylint: disable=too-many-arguments
    """What a finished job changes: the item's phase and the machines on both sides."""
    started, ended = job.created, job.end_time
    next_phase = TRANSITIONS.get((item.phase, action), item.phase)  # a resync leaves the item where it was
    running_in_before = item.state.running_in
    if action == "unplannedFailover" and running_in_before == "onprem":
        item.frozen_at, item.failover_point, item.last_failover = started, point, started
        item.agent_wait_from = ended
        item.agent_ready_at = ended + datetime.timedelta(seconds=_duration(vault, "agentRegistration") * vault.clock.scale)
        vault.start_azure_vm(item)
        if shutdown:
            vault.onprem_power(item, False)
    elif action in ("unplannedFailover", "plannedFailover"):  # failback
        item.frozen_at, item.failover_point, item.last_failover = started, point, started
        if action == "plannedFailover":
            item.last_planned_failover = started
        vault.set_azure_vm_power(item, "deallocated")
        vault.onprem_power(item, True)
    elif action == "applyRecoveryPoint":
        item.failover_point = point
    elif action == "failoverCommit":
        item.points_after = ended
        if running_in_before == "onprem":  # commit after failback: the Azure VM goes
            vault.delete_azure_vm(item)
            item.azure_vm_id = None
    elif action == "failoverCancel":
        item.frozen_at, item.failover_point = None, None
        vault.set_azure_vm_power(item, "running")
        vault.onprem_power(item, False)
    elif action == "reProtect":
        _reprotected(vault, item, details, ended, running_in_before)
    elif action in ("testFailover", "testFailoverCleanup"):
        item.test_failover = action == "testFailover"  # a test VM in the test network until the cleanup; the item replicates on
        from . import drills  # pylint: disable=import-outside-toplevel  # drills imports this module
        if action == "testFailover":  # the test VM, as a machine's own drill makes it (its guest, its network); the cleanup deletes it
            drills.drill_ready(vault, item, job, drills.test_network_id(vault), "VmNetworkAsInput")
        else:
            drills.cleaned(vault, item, job)
    elif action == "repairReplication":
        item.resync_required = False
        item.health_errors = []
    vault.apply_phase(item, next_phase)


def _reprotected(vault, item, details, ended, running_in_before):
    item.frozen_at = None
    item.history_start = item.points_after = ended
    if running_in_before == "azure":  # Azure -> on-premises: the on-premises VM stays off while it receives the replica
        item.reprotect = dict(details)
        if item.machine.kind == "physical" or (vault.vsphere is not None and not vault.onprem_exists(item)):
            # No VM to fail back into (a physical server, or the VM is gone): failback makes a new one
            # on the master target's host and datastore (alternate location).
            item.reprotect["created_vm"] = True
            vault.create_onprem_vm(item)
        vault.onprem_power(item, False)
    else:  # back to Azure: the Azure VM of the last failover is gone
        item.reprotect = {}
        if item.phase.startswith("modernized_failed_back"):
            vault.delete_azure_vm(item)
            item.azure_vm_id = None
        item.failover_point = None


# ---- PATCH of an item: the recovery VM's compute and network properties ----------------------------------
def update_job(vault, item, body):
    """Validate a PATCH as ASR does and start its UpdateVmProperties job; the values apply when it succeeds.

    Like ASR, the PATCH replaces what it carries: a vmNics entry replaces that NIC's settings whole
    (a static IP left out becomes dynamic), a top-level key left out keeps its value.
    """
    properties = _properties(body)
    if item.state.running_in != "onprem" or item.provider not in ("InMageAzureV2", "InMageRcm"):
        raise refuse("The compute and network properties of '%s' can be changed only while it replicates to Azure (it is %s, %s)."
                     % (item.machine.name, item.provider, item.state.protection_state), code="OperationNotAllowed")
    details = properties.get("providerSpecificDetails") or {}
    if details and details.get("instanceType") != item.provider:
        raise refuse("providerSpecificDetails.instanceType must be %s (it is %r)." % (item.provider, details.get("instanceType")),
                     code="InvalidProviderSpecificInput")
    changes, problem = _settings_from_patch(vault, item, properties, details)
    fault = JobFault(fail_at=0, error=problem) if problem else JobFault()
    fault = vault.take_job_fault("updateVmProperties", item) or fault
    scenario_name, friendly, details_type, shape = JOB_SHAPES["updateVmProperties"]
    total = _duration(vault, "updateVmProperties")
    job = Job(vault_id=vault.vault_id, item_id=item.id, scenario_name=scenario_name, friendly_name=friendly, target_id=item.target_object_id,
              target_name=item.machine.name, details_type=details_type, tasks=[TaskPlan(n, t, max(share * total, 0.5)) for n, t, share in shape],
              created=vault.clock.now(), scale=vault.clock.scale, fault=fault, details=job_details(vault, item, details_type, None),
              action="updateVmProperties")
    job.cancellable = True
    job.on_success = lambda finished: item.settings.update(changes)
    return vault.start_job(job)


def _settings_from_patch(vault, item, properties, details):
    """(the settings the PATCH sets, None) or (partial settings, the ASR error the job fails with)."""
    rcm = item.provider == "InMageRcm"
    changes = {}
    pairs = (("vm_name", details.get("targetVmName") if rcm else properties.get("recoveryAzureVMName")),
             ("size", details.get("targetVmSize") if rcm else properties.get("recoveryAzureVMSize")),
             ("network_id", details.get("targetNetworkId") if rcm else properties.get("selectedRecoveryAzureNetworkId")),
             ("resource_group_id", details.get("targetResourceGroupId") if rcm else details.get("recoveryAzureV2ResourceGroupId")),
             ("availability_set_id", details.get("targetAvailabilitySetId") if rcm else properties.get("recoveryAvailabilitySetId")),
             ("license_type", details.get("licenseType") if rcm else properties.get("licenseType")))
    for key, value in pairs:
        if value is not None:
            changes[key] = value or None
    nics = details.get("vmNics") if rcm else properties.get("vmNics")
    if nics:
        nic = nics[0]
        if rcm:
            changes["subnet"], changes["static_ip"] = nic.get("targetSubnetName"), nic.get("targetStaticIPAddress") or None
        else:
            config = (nic.get("ipConfigs") or [{}])[0]
            changes["subnet"], changes["static_ip"] = config.get("recoverySubnetName"), config.get("recoveryStaticIPAddress") or None
    merged = dict(item.settings, **changes)
    return changes, _settings_problem(vault, item, merged)


def _settings_problem(vault, item, settings):
    from .vault import VM_SIZES  # pylint: disable=import-outside-toplevel  # vault imports this module

    def error(code, message, action):
        return dict(code=code, message=message, possibleCauses="The value is not one Azure accepts here.", recommendedAction=action)

    name = settings.get("vm_name") or ""
    limit = 15 if item.machine.os_type == "Windows" else 64
    if not re.match(r"^[A-Za-z0-9][A-Za-z0-9-_.]*$", name) or len(name) > limit:
        return error("28040", "The Azure VM name '%s' is not valid (1-%d letters, digits, - _ . for a %s VM)." % (name, limit, item.machine.os_type),
                     "Choose a valid name.")
    if settings.get("size") not in VM_SIZES:
        return error("28038", "The VM size '%s' is not offered in %s." % (settings.get("size"), vault.location),
                     "Choose one of: %s." % ", ".join(sorted(VM_SIZES)))
    if (settings.get("network_id") or "").lower() != vault.network_id.lower():
        return error("28043", "The virtual network '%s' does not exist in %s." % (settings.get("network_id"), vault.location),
                     "Choose an existing virtual network of the target region.")
    subnets = [vault.scenario.recovery["subnet"]] + list(vault.scenario.recovery.get("other_subnets", []))
    if settings.get("subnet") not in subnets:
        return error("28044", "The subnet '%s' does not exist in the virtual network." % settings.get("subnet"), "Choose one of: %s." % ", ".join(subnets))
    static_ip = settings.get("static_ip")
    if static_ip:
        index = subnets.index(settings["subnet"])
        if not re.match(r"^10\.10\.%d\.(\d{1,3})$" % index, static_ip) or not 4 <= int(static_ip.rsplit(".", 1)[1]) <= 254:
            return error("28045", "The static IP address %s is not in subnet %s (10.10.%d.0/24, first usable .4)."
                         % (static_ip, settings["subnet"], index), "Choose a free address inside the subnet.")
    return None
