"""Replicated items: their state in the cycle, their recovery points, and their documents.

A document is the recorded item of the same provider (templates/), with every
value the lab models set from the item's state, and the recorded subscription,
resource group and names rebased in the values it does not model.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime
import functools
import json
import pathlib
import re
import typing
import uuid

from . import drills
from .clock import NO_TIME, iso
from .cycle import PHASES
from .fabrics import stable_id

TEMPLATE_DIR = pathlib.Path(__file__).resolve().parent / "templates"
ITEM_TYPE = "Microsoft.RecoveryServices/vaults/replicationFabrics/replicationProtectionContainers/replicationProtectedItems"
POINT_TYPE = ITEM_TYPE + "/recoveryPoints"
# The recorded prefixes the templates carry: rebased onto the lab's subscription and group.
_RECORDED_GROUP = re.compile(r"/subscriptions/[0-9a-fA-F-]{36}/resourcegroups/[^/\"]+", re.IGNORECASE)
# Recording names that appear inside unmodeled values (disk names, agent details).
_RECORDED_NAMES = ("Rcm-W2K19-152", "Rcm_W2K19_152", "V2A-W2K16-201", "Rcm-Vault-150", "PwsTestVault")

CRASH_MINUTES = 5
RETENTION_MINUTES = 24 * 60
REPLICATION_LAG = datetime.timedelta(minutes=2)


@functools.lru_cache(maxsize=None)
def _template_text(provider):
    return (TEMPLATE_DIR / (provider + ".json")).read_text()


def template(provider, resource_group_id, friendly_name, vault_name):
    """The recorded item of ``provider``, rebased on the lab's group and names."""
    text = _RECORDED_GROUP.sub(resource_group_id.replace("\\", "\\\\"), _template_text(provider))
    for recorded in _RECORDED_NAMES:
        text = text.replace(recorded, vault_name if "Vault" in recorded else friendly_name)
    return json.loads(text)


@dataclasses.dataclass
class RecoveryPoint:
    """One recovery point of an item."""

    time: datetime.datetime
    kind: str  # CrashConsistent | AppConsistent
    id: str


@dataclasses.dataclass
class ReplicatedItem:  # pylint: disable=too-many-instance-attributes
    """A protected machine and where it stands."""

    machine: typing.Any  # scenario.Machine
    name: str
    vault: typing.Any  # vault.Vault (ids, names, policies)
    phase: str
    history_start: datetime.datetime
    app_minutes: int = 60
    frozen_at: typing.Optional[datetime.datetime] = None  # replication stopped (failover)
    points_after: typing.Optional[datetime.datetime] = None  # points older than this were deleted (commit, reprotect)
    failover_point: typing.Optional[RecoveryPoint] = None
    last_failover: typing.Optional[datetime.datetime] = None
    last_planned_failover: typing.Optional[datetime.datetime] = None
    agent_ready_at: typing.Optional[datetime.datetime] = None
    agent_wait_from: typing.Optional[datetime.datetime] = None  # when the agent's re-registration began (the failover's end)
    agent_held_since: typing.Optional[datetime.datetime] = None  # control API /lab/hold: the re-registration stands still
    resync_required: bool = False
    test_failover: bool = False  # a test failover ran and was not cleaned up yet (recovery plans)
    health_errors: list = dataclasses.field(default_factory=list)
    azure_vm_id: typing.Optional[str] = None
    reprotect: dict = dataclasses.field(default_factory=dict)  # the inputs of the last reprotect
    settings: dict = dataclasses.field(default_factory=dict)  # recovery VM (compute and network)
    correlation: str = dataclasses.field(default_factory=lambda: str(uuid.uuid4()))

    # ---- identity -------------------------------------------------------------------------
    @property
    def id(self):
        return "%s/replicationProtectedItems/%s" % (self.vault.container_id, self.name)

    @property
    def state(self):
        return PHASES[self.phase]

    @property
    def provider(self):
        return self.state.provider

    @property
    def target_object_id(self):
        """What jobs name as their targetObjectId: the VM id (classic) or the item's internal identifier (modernized)."""
        return self.vm_id if self.vault.classic else stable_id(self.id, "internal")

    @property
    def vm_id(self):
        return stable_id(self.vault.vault_id, self.machine.name, "vm")

    # ---- recovery points ------------------------------------------------------------------
    @property
    def replicating(self):
        return self.frozen_at is None

    def recovery_points(self, now):
        """The item's points, newest first: every 5 minutes, app-consistent each app_minutes, 24 h kept."""
        end = (self.frozen_at or now) - REPLICATION_LAG
        start = max(self.history_start, end - datetime.timedelta(minutes=RETENTION_MINUTES))
        if self.points_after:
            start = max(start, self.points_after)
        step = datetime.timedelta(minutes=CRASH_MINUTES)
        anchor = self.history_start.replace(second=0, microsecond=0)
        first = anchor + step * max(0, -(-(start - anchor) // step))
        points = []
        moment = first
        while moment <= end:
            index = (moment - anchor) // step
            kind = "AppConsistent" if self.app_minutes and index % (self.app_minutes // CRASH_MINUTES) == 0 else "CrashConsistent"
            points.append(RecoveryPoint(moment, kind, str(uuid.uuid5(uuid.NAMESPACE_URL, "%s@%s" % (self.id, iso(moment))))))
            moment += step
        if self.failover_point and all(p.id != self.failover_point.id for p in points):
            points.append(self.failover_point)
        return sorted(points, key=lambda p: p.time, reverse=True)

    def point_document(self, point):
        return dict(name=point.id, type=POINT_TYPE, id="%s/recoveryPoints/%s" % (self.id, point.id),
                    properties=dict(recoveryPointTime=iso(point.time), recoveryPointType=point.kind,
                                    providerSpecificDetails=dict(instanceType=self.provider, isMultiVmSyncPoint="false")))

    def point_id(self, point):
        return "%s/recoveryPoints/%s" % (self.id, point.id) if point else ""

    # ---- the document ---------------------------------------------------------------------
    def allowed_operations(self):
        allowed = list(self.state.allowed)
        if self.test_failover:  # its test VM runs until the cleanup, which only then is allowed
            allowed = [a for a in allowed if a != "TestFailover"] + ["TestFailoverCleanup"]
        if self.resync_required and self.state.protection_state == "Protected":
            allowed.append("RepairReplication")
        return drills.allowed(self, allowed)

    def replication_health(self):
        levels = [e.get("errorLevel") for e in self.health_errors]  # the agent's registration is a warning of its own
        if "Error" in levels:
            return "Critical"
        return "Warning" if levels else "Normal"

    def document(self, now, running_job=None):
        """GET replicationProtectedItems/{name}, as ASR answers it now."""
        vault = self.vault
        state = self.state
        forward = state.provider in ("InMageAzureV2", "InMageRcm")
        doc = template(state.provider, vault.resource_group_id, self.machine.name, vault.vault_name)
        policy = vault.policy_of(state.provider, self.reprotect.get("profileId") or self.reprotect.get("policyId"))  # the reprotect's choice
        points = self.recovery_points(now)
        latest = points[0] if points else None
        properties = doc["properties"]
        properties.update(
            friendlyName=self.machine.name,
            protectableItemId="%s/replicationProtectableItems/%s" % (vault.container_id, self.vm_id) if vault.classic else None,
            recoveryServicesProviderId="%s/replicationRecoveryServicesProviders/%s" % (vault.fabric_id, vault.agent_id),
            primaryFabricFriendlyName=vault.fabric_friendly_name,
            primaryFabricProvider="InMageFabric" if vault.classic else "InMageRcmFabric",
            recoveryFabricFriendlyName="Microsoft Azure" if forward else vault.fabric_friendly_name,
            recoveryFabricId="Microsoft Azure" if forward else vault.fabric_id,
            primaryProtectionContainerFriendlyName=vault.container_friendly_name,
            recoveryProtectionContainerFriendlyName="Microsoft Azure" if forward else vault.container_friendly_name,
            protectionState=state.protection_state,
            protectionStateDescription=state.description,
            activeLocation=state.active_location,
            testFailoverState="None",
            testFailoverStateDescription="None",
            allowedOperations=self.allowed_operations(),
            replicationHealth=self.replication_health(),
            failoverHealth="Normal",
            healthErrors=copy.deepcopy(self.health_errors) + self._agent_errors(now),
            policyId=policy["id"],
            policyFriendlyName=policy["name"],
            currentScenario=dict(scenarioName=running_job.scenario_name, jobId=running_job.id_path, startTime=iso(running_job.created))
            if running_job else dict(scenarioName="None", jobId="%s/replicationJobs/None" % vault.vault_id, startTime=NO_TIME),
            failoverRecoveryPointId=self.point_id(self.failover_point),
            recoveryContainerId=vault.azure_container_id if forward else vault.container_id,
            eventCorrelationId=self.correlation,
        )
        for key in ("lastSuccessfulFailoverTime", "lastSuccessfulTestFailoverTime"):
            properties.pop(key, None)
        if self.last_failover:
            properties["lastSuccessfulFailoverTime"] = iso(self.last_failover)
        doc.update(id=self.id, name=self.name, type=ITEM_TYPE)
        details = properties["providerSpecificDetails"]
        getattr(self, "_details_" + state.provider.lower())(details, now, latest)
        drills.decorate(vault, self, doc, running_job)
        return doc

    def _target(self, key, default=None):
        return self.settings.get(key, default)

    def _details_inmageazurev2(self, details, now, latest):
        machine, vault = self.machine, self.vault
        static_ip = self._target("static_ip")
        nic = copy.deepcopy(details["vmNics"][0])
        nic["ipConfigs"][0].update(subnetName="Subnet-1", recoverySubnetName=self._target("subnet"), recoveryStaticIPAddress=static_ip,
                                   recoveryIPAddressType="Static" if static_ip else "Dynamic")
        nic.update(nicId=self.mac, vMNetworkName="VMXNET3 Ethernet Adapter", recoveryVMNetworkId=self._target("network_id"))
        details.update(
            infrastructureVmId=self.vm_id, vmId=self.vm_id, vCenterInfrastructureId="1" if machine.kind == "vmware" else None,
            protectionStage="DifferentialSync" if self.replicating else "None",
            vmProtectionState="Protected", vmProtectionStateDescription="Protected",
            rpoInSeconds=int((now - latest.time).total_seconds()) if latest and self.replicating else None,
            ipAddress=machine.ip, lastHeartbeat=iso(now) if self.replicating else details.get("lastHeartbeat"),
            processServerId=vault.process_server_id, processServerName=vault.process_server_name,
            multiVmGroupId=stable_id(vault.vault_id, machine.group) if machine.group else self.vm_id,
            multiVmGroupName=machine.group or self.vm_id, multiVmSyncStatus="Enabled" if machine.group else "Disabled",
            masterTargetId=vault.process_server_id, sourceVmCpuCount=machine.cores, sourceVmRamSizeInMB=machine.memory_mb,
            osType=machine.os_type, osVersion=machine.os_version,
            recoveryAzureVMName=self._target("vm_name", machine.name), recoveryAzureVMSize=self._target("size", machine.size),
            recoveryAzureResourceGroupId=self._target("resource_group_id"), recoveryAvailabilitySetId=self._target("availability_set_id"),
            selectedRecoveryAzureNetworkId=self._target("network_id"), selectedSourceNicId=self.mac, vmNics=[nic],
            targetVmId=self.azure_vm_id or "%s/providers/Microsoft.Compute/virtualMachines/" % self._target("resource_group_id"),
            useManagedDisks="true", discoveryType="vCenter" if machine.kind == "vmware" else "Physical",
            lastRecoveryPointReceived=iso(latest.time) if latest else None,
            lastUpdateReceivedTime=iso(now) if self.replicating else details.get("lastUpdateReceivedTime"),
            lastRpoCalculatedTime=iso(now) if self.replicating else details.get("lastRpoCalculatedTime"),
        )

    def _details_inmage(self, details, now, latest):
        machine, vault = self.machine, self.vault
        details.update(
            activeSiteType=self.state.active_site_type, vmId=self.vm_id, infrastructureVmId=self.vm_id,
            sourceVmCpuCount=machine.cores, sourceVmRamSizeInMB=machine.memory_mb,
            protectionStage="DifferentialSync" if self.replicating else "None",
            retentionWindowStart=iso(self.recovery_points(now)[-1].time) if latest else None,
            retentionWindowEnd=iso(latest.time) if latest else None,
            rpoInSeconds=int((now - latest.time).total_seconds()) if latest and self.replicating else None,
            ipAddress=machine.ip, lastHeartbeat=iso(now),
            processServerId=self.reprotect.get("processServerId", vault.process_server_id),
            masterTargetId=self.reprotect.get("masterTargetId", vault.process_server_id),
            multiVmGroupId=stable_id(vault.vault_id, machine.group) if machine.group else self.vm_id,
            multiVmGroupName=machine.group or self.vm_id, multiVmSyncStatus="Enabled" if machine.group else "Disabled",
            discoveryType="Physical", osVersion=machine.os_version,
            datastores=[self.reprotect["datastoreName"]] if self.reprotect.get("datastoreName") else [],
            lastUpdateReceivedTime=iso(now), lastRpoCalculatedTime=iso(now),
        )
        details["osDetails"].update(osType=machine.os_type)

    def _details_inmagercm(self, details, now, latest):
        machine, vault = self.machine, self.vault
        nic = copy.deepcopy(details["vmNics"][0])
        nic.update(nicId=self.mac, sourceIPAddress=machine.ip, targetSubnetName=self._target("subnet"), testSubnetName=self._target("subnet"),
                   targetIPAddress=self._target("static_ip") or "", targetIPAddressType="Static" if self._target("static_ip") else "Dynamic")
        details.update(
            internalIdentifier=stable_id(self.id, "internal"),
            fabricDiscoveryMachineId="%s/machines/%s" % (vault.vmware_site_id, self.name),
            multiVmGroupName=machine.group, processServerId=vault.agent_id, processServerName=vault.fabric_agent_name,
            runAsAccountId="%s/runasaccounts/%s" % (vault.vmware_site_id, stable_id(vault.vault_id, "runas")),
            processorCoreCount=machine.cores, allocatedMemoryInMB=float(machine.memory_mb), osType=machine.os_type,
            primaryNicIpAddress=machine.ip, targetVmName=self._target("vm_name", machine.name), targetVmSize=self._target("size", machine.size),
            targetResourceGroupId=self._target("resource_group_id"), targetLocation=vault.location,
            targetAvailabilitySetId=self._target("availability_set_id") or "", targetNetworkId=self._target("network_id"),
            testNetworkId=self._target("network_id"), failoverRecoveryPointId=self.point_id(self.failover_point),
            lastRecoveryPointReceived=iso(latest.time) if latest else None,
            lastRpoInSeconds=int((now - latest.time).total_seconds()) if latest and self.replicating else details.get("lastRpoInSeconds"),
            lastRpoCalculatedTime=iso(now) if self.replicating else details.get("lastRpoCalculatedTime"),
            lastRecoveryPointId=self.point_id(latest), resyncRequired="true" if self.resync_required else "false",
            resyncState="None", isAgentRegistrationSuccessfulAfterFailover=self.agent_registered(now), vmNics=[nic],
        )
        details.pop("agentUpgradeBlockingErrorDetails", None)
        details["agentUpgradeBlockingErrorDetails"] = []

    def _details_inmagercmfailback(self, details, now, latest):
        machine, vault = self.machine, self.vault
        details.update(
            internalIdentifier=stable_id(self.id, "failback"), azureVirtualMachineId=self.azure_vm_id, multiVmGroupName=machine.group,
            reprotectAgentId=self.reprotect.get("reprotectAgentId", vault.agent_id), reprotectAgentName=vault.fabric_agent_name,
            osType=machine.os_type, logStorageAccountId=self.reprotect.get("logStorageAccountId"),
            targetvCenterId="%s/vcenters/vcenter-lab" % vault.vmware_site_id, targetDataStoreName=self.reprotect.get("datastoreName"),
            targetVmName=machine.name, resyncRequired="true" if self.resync_required else "false",
            lastPlannedFailoverStartTime=iso(self.last_planned_failover) if self.last_planned_failover else None,
            lastPlannedFailoverStatus="Succeeded" if self.last_planned_failover else None,
            lastUsedPolicyId=vault.policy_for("InMageRcm")["id"], lastUsedPolicyFriendlyName=vault.policy_for("InMageRcm")["name"],
            isAgentRegistrationSuccessfulAfterFailover=self.agent_registered(now),
        )

    @property
    def mac(self):
        digest = uuid.uuid5(uuid.NAMESPACE_URL, self.machine.name).hex
        return "00:50:56:%s:%s:%s" % (digest[0:2], digest[2:4], digest[4:6])

    def _agent_errors(self, now):
        """While the failed-over machine's agent re-registers, ASR reports it (and refuses a reprotect)."""
        if self.agent_registered(now):
            return []
        return [dict(errorCode="150273", errorLevel="Warning", errorSource="ProtectedItem", errorType="Agent",
                     errorMessage="The Mobility service agent on '%s' has not registered with Site Recovery since the failover."
                     % self.machine.name, summaryMessage="Agent registration after failover is in progress",
                     possibleCauses="After a failover the agent in the Azure virtual machine re-registers, which takes up to 15 minutes.",
                     recommendedAction="Wait for the registration to finish before reprotecting.",
                     creationTimeUtc=iso(self.last_failover or now), entityId=self.name, innerHealthErrors=[],
                     errorCategory="AgentAutoUpdate", customerResolvability="Allowed", errorId=str(uuid.uuid5(uuid.NAMESPACE_URL, self.id)))]

    def agent_registered(self, now):
        """Registered again after the failover (a hold keeps a registration still to come from happening)."""
        until = now if self.agent_held_since is None else min(now, self.agent_held_since)
        return self.agent_ready_at is None or until >= self.agent_ready_at

    def hold_agent(self, now):
        if self.agent_held_since is None:
            self.agent_held_since = now

    def release_agent(self, now):
        """The re-registration goes on from where the hold found it: what was left of it is still to come."""
        held, self.agent_held_since = self.agent_held_since, None
        if held is None or self.agent_ready_at is None:
            return
        start = max(held, self.agent_wait_from or held)
        if self.agent_ready_at > start:
            self.agent_ready_at += now - start
