"""The lab's Recovery Services vault: fabric, container, policies, mappings, items, Azure VMs.

Everything the ARM routes read comes from here; every change goes through a
job (jobs.py) whose outcome this module applies when the job ends.
"""

from __future__ import annotations

import datetime
import logging

from . import drills
from .arm import ArmError
from .clock import iso
from .cycle import GENERATION_START, PHASES
from .fabrics import classic_fabric, modernized_fabric, stable_id
from .items import ReplicatedItem
from .jobs import JobFault
from .plans import action_job

LOG = logging.getLogger("asrlab")
# Sizes the lab's region offers: cores, memory, family (compute usages are per family).
VM_SIZES = {
    "Standard_D2s_v3": (2, 8192, "standardDSv3Family"),
    "Standard_D4s_v3": (4, 16384, "standardDSv3Family"),
    "Standard_D8s_v3": (8, 32768, "standardDSv3Family"),
    "Standard_F2s_v2": (2, 4096, "standardFSv2Family"),
    "Standard_F4s_v2": (4, 8192, "standardFSv2Family"),
    "Standard_B2ms": (2, 8192, "standardBSFamily"),
}


class Vault:  # pylint: disable=too-many-instance-attributes,too-many-public-methods
    """The vault and the Azure resources around it."""

    def __init__(self, config, scenario, jobs, vsphere=None):
        """``vsphere``: None, or a callable that returns a connected VSphere client (vcenter.py)."""
        self.config = config
        self.scenario = scenario
        self.jobs = jobs
        self.clock = jobs.clock
        self.vsphere = vsphere
        self.vsphere_address = None  # {host, port} of the lab's vCenter, when one runs
        self.classic = scenario.generation == "classic"
        self.location = scenario.location
        self.vault_id = config.vault_id
        self.vault_name = config.vault_name
        self.resource_group_id = config.resource_group_id
        if self.classic:
            self.fabric = classic_fabric(self.vault_id, scenario)
            self.container_name = "cloud_" + stable_id(self.vault_id, "container")
            self.container_friendly_name = scenario.configuration_server["name"]
        else:
            self.fabric = modernized_fabric(self.vault_id, self.resource_group_id, scenario)
            self.container_name = config.vault_name + "replicationcontainer"
            self.container_friendly_name = self.container_name
        self.fabric_id = self.fabric["id"]
        self.fabric_friendly_name = self.fabric["properties"]["friendlyName"]
        self.container_id = "%s/replicationProtectionContainers/%s" % (self.fabric_id, self.container_name)
        azure_fabric = stable_id(self.vault_id, "azure").replace("-", "") * 2
        self.azure_container_id = "%s/replicationFabrics/%s/replicationProtectionContainers/%s" % (
            self.vault_id, azure_fabric, stable_id(self.vault_id, "azure-container"))
        self.policies = self._policies()
        self.azure_vms = {}
        self.recovery_plans = {}  # name (lower case) -> recovery_plans.RecoveryPlan
        self.job_faults = []  # control API: jobs that fail at a task or never end
        self.job_holds = set()  # control API /lab/hold: (machine name, action or "*") whose jobs stay at their current task
        self.deployments = {}  # (resource group, name) -> template deployment
        self.quota_override = {}  # control API /lab/quota: vCPU limits that replace the scenario's until a reset
        self.stopped_heartbeats = set()  # control API: (component list, id) whose heartbeat stopped
        self.registration_held = False  # control API: deployed process servers do not register (nobody ran the setup in the VM)
        recovery_group = "/subscriptions/%s/resourceGroups/%s" % (config.subscription_id, scenario.recovery["resource_group"])
        self.recovery_group_id = recovery_group
        self.network_id = "%s/providers/Microsoft.Network/virtualNetworks/%s" % (recovery_group, scenario.recovery["network"])
        now = self.clock.now()
        self.items = {}
        for machine in scenario.machines:
            item = ReplicatedItem(machine=machine, name=self._item_name(machine.name), vault=self, phase=GENERATION_START[scenario.generation],
                                  history_start=now - datetime.timedelta(hours=26), app_minutes=60)
            item.settings = dict(vm_name=machine.name, size=machine.size, resource_group_id=recovery_group, network_id=self.network_id,
                                 subnet=scenario.recovery["subnet"], static_ip=None, availability_set_id=None)
            self.items[item.name.lower()] = item

    # ---- names and ids the items use ------------------------------------------------------
    def _item_name(self, machine_name):
        if self.classic:
            return machine_name + "-rpi"
        return "vcenter-lab_" + stable_id(self.vault_id, machine_name)

    @property
    def custom(self):
        return self.fabric["properties"]["customDetails"]

    @property
    def agent_id(self):
        """The id of the agent that serves the items: the in-built process server, or the appliance."""
        return self.custom["processServers"][0]["id"]

    @property
    def fabric_agent_name(self):
        return self.custom["processServers"][0].get("name") or self.custom["processServers"][0].get("friendlyName")

    process_server_name = fabric_agent_name

    @property
    def process_server_id(self):
        return self.custom["processServers"][0]["id"]

    @property
    def vmware_site_id(self):
        return self.custom.get("vmwareSiteId") or "%s/providers/Microsoft.OffAzure/VMwareSites/%svmwaresite" % (
            self.resource_group_id, self.scenario.configuration_server["name"])

    def run_as_accounts(self):
        """Microsoft.OffAzure VMware site run-as accounts (the modernized reprotect to Azure names one)."""
        names = ("vcenter-lab-account", "windows-guest-account", "linux-guest-account")
        return [dict(id="%s/runasaccounts/%s" % (self.vmware_site_id, stable_id(self.vault_id, n)), name=stable_id(self.vault_id, n),
                     type="Microsoft.OffAzure/VMwareSites/runasaccounts",
                     properties=dict(displayName=n, credentialType="VMwareFabric" if "vcenter" in n else
                                     ("WindowsGuest" if "windows" in n else "LinuxGuest"), createdTimestamp="2026-01-01T00:00:00Z",
                                     updatedTimestamp="2026-01-01T00:00:00Z"))
                for n in names]

    def vcenters(self):
        """The vCenter the configuration server or appliance discovers the VMs from."""
        address = (self.vsphere_address or {}).get("host", "127.0.0.2")
        name = "vcenter-lab"
        return [dict(id="%s/replicationvCenters/%s" % (self.fabric_id, name), name=name,
                     type="Microsoft.RecoveryServices/vaults/replicationFabrics/replicationvCenters",
                     properties=dict(friendlyName=name, internalId=stable_id(self.vault_id, name), lastHeartbeat=iso(self.clock.now()),
                                     discoveryStatus="Completed", processServerId=self.process_server_id, ipAddress=address,
                                     infrastructureId=stable_id(self.vault_id, name, "infrastructure"),
                                     port=str((self.vsphere_address or {}).get("port", 443)),
                                     runAsAccountId="1" if self.classic else self.run_as_accounts()[0]["id"],
                                     fabricArmResourceName=self.fabric["name"], healthErrors=[]))]

    def _policies(self):
        prefix = "%s/replicationPolicies/" % self.vault_id
        if self.classic:
            forward = dict(instanceType="InMageAzureV2", crashConsistentFrequencyInMinutes=5, recoveryPointThresholdInMinutes=60,
                           recoveryPointHistory=1440, appConsistentFrequencyInMinutes=60, multiVmSyncStatus="Enable")
        else:
            forward = dict(instanceType="InMageRcm", recoveryPointHistoryInMinutes=1440, appConsistentFrequencyInMinutes=60,
                           crashConsistentFrequencyInMinutes=5, enableMultiVmSync="true")
        chosen = [("policy-lab", forward)]
        for back in self.scenario.failback_policies:  # the scenario's failback policies, each mapped (mappings())
            if self.classic:
                details = dict(instanceType="InMage", recoveryPointThresholdInMinutes=15, recoveryPointHistory=1440,
                               appConsistentFrequencyInMinutes=back.app_consistent_minutes, multiVmSyncStatus="Enable")
            else:
                details = dict(instanceType="InMageRcmFailback", appConsistentFrequencyInMinutes=back.app_consistent_minutes,
                               crashConsistentFrequencyInMinutes=5)
            chosen.append((back.name, details))
        policies = {}
        for name, details in chosen:
            policies[name] = dict(id=prefix + name, name=name, type="Microsoft.RecoveryServices/vaults/replicationPolicies",
                                  properties=dict(friendlyName=name, providerSpecificDetails=details))
        return policies

    def policy_for(self, provider):
        """The first policy of ``provider``: the one the items report until a reprotect names another."""
        return self.policies_for(provider)[0]

    def policy_of(self, provider, policy_id=None):
        """The policy ``policy_id`` names when it is one of ``provider``'s (the one a reprotect chose), else the first."""
        return next((p for p in self.policies_for(provider) if p["id"].lower() == str(policy_id).lower()), None) or self.policy_for(provider)

    def policies_for(self, provider):
        found = [p for p in self.policies.values() if p["properties"]["providerSpecificDetails"]["instanceType"] == provider]
        if not found:
            raise KeyError(provider)
        return found

    def container(self):
        return dict(id=self.container_id, name=self.container_name,
                    type="Microsoft.RecoveryServices/vaults/replicationFabrics/replicationProtectionContainers",
                    properties=dict(fabricFriendlyName=self.fabric_friendly_name, friendlyName=self.container_friendly_name,
                                    fabricType="VMware" if self.classic else "InMageRcm", protectedItemCount=len(self.items),
                                    pairingStatus="Paired", role="Primary", fabricSpecificDetails=None))

    def mappings(self):
        result = []
        pairs = [(self.policy_for("InMageAzureV2" if self.classic else "InMageRcm"), self.azure_container_id, "Microsoft Azure", "Microsoft Azure")]
        pairs += [(policy, self.container_id, self.container_friendly_name, self.fabric_friendly_name)
                  for policy in self.policies_for("InMage" if self.classic else "InMageRcmFailback")]
        for policy, target, target_name, target_fabric in pairs:
            name = policy["name"] + "-containerpairing"
            result.append(dict(
                id="%s/replicationProtectionContainerMappings/%s" % (self.container_id, name), name=name,
                type="Microsoft.RecoveryServices/vaults/replicationFabrics/replicationProtectionContainers/replicationProtectionContainerMappings",
                properties=dict(targetProtectionContainerId=target, targetProtectionContainerFriendlyName=target_name, providerSpecificDetails=None,
                                health="Normal", healthErrorDetails=[], policyId=policy["id"], state="Paired",
                                sourceProtectionContainerFriendlyName=self.container_friendly_name, sourceFabricFriendlyName=self.fabric_friendly_name,
                                targetFabricFriendlyName=target_fabric, policyFriendlyName=policy["name"])))
        return result

    # ---- lookups ---------------------------------------------------------------------------
    def item(self, fabric, container, name):
        if fabric.lower() != self.fabric["name"].lower():
            raise ArmError(404, "NotFound", "Fabric '%s' was not found in vault '%s'." % (fabric, self.vault_name))
        if container.lower() != self.container_name.lower():
            raise ArmError(404, "NotFound", "Protection container '%s' was not found in fabric '%s'." % (container, fabric))
        item = self.items.get(name.lower())
        if item is None:
            raise ArmError(404, "NotFound", "Replicated item '%s' was not found in protection container '%s'." % (name, container))
        return item

    def item_document(self, item):
        return item.document(self.clock.now(), self.jobs.running_on(item.id))

    # ---- Azure VMs -------------------------------------------------------------------------
    def azure_vm_id(self, item):
        settings = item.settings
        return "%s/providers/Microsoft.Compute/virtualMachines/%s" % (settings["resource_group_id"], settings["vm_name"])

    def cores_in_use(self, family=None):
        used = 0
        for vm in self.azure_vms.values():
            if vm["power"] != "deallocated" and (family is None or VM_SIZES[vm["size"]][2] == family):
                used += VM_SIZES[vm["size"]][0]
        return used

    def cores_quota(self):
        """The region's vCPU limits per family and "total": the scenario's, with the control API's overrides."""
        return dict(self.scenario.recovery.get("cores_quota") or {}, **self.quota_override)

    def quota_problem(self, item):
        """None, or the recorded core-quota error (28031) when the item's VM does not fit."""
        size = item.settings["size"]
        cores, _memory, family = VM_SIZES[size]
        quotas = self.cores_quota()
        for scope, used, limit in ((family, self.cores_in_use(family), quotas.get(family)), ("total", self.cores_in_use(), quotas.get("total"))):
            if limit is not None and used + cores > limit:
                return dict(code="28031", message="The failover of the virtual machine %s failed because the %s core quota of the "
                            "subscription in %s would be exceeded (%d in use, %d needed, limit %d)."
                            % (item.machine.name, scope, self.location, used, cores, limit),
                            possibleCauses="The subscription's vCPU quota in the target region is used up.",
                            recommendedAction="Request a quota increase for %s in %s, or choose a smaller size, then retry the failover."
                            % (scope, self.location))
        return None

    def start_azure_vm(self, item):
        vm_id = self.azure_vm_id(item)
        self.azure_vms[vm_id.lower()] = dict(id=vm_id, name=item.settings["vm_name"], size=item.settings["size"], power="running",
                                             item=item.name, os_type=item.machine.os_type, location=self.location,
                                             created=iso(self.clock.now()))
        item.azure_vm_id = vm_id

    def set_azure_vm_power(self, item, power):
        vm = self.azure_vms.get((item.azure_vm_id or "").lower())
        if vm:
            vm["power"] = power

    def delete_azure_vm(self, item):
        self.azure_vms.pop((item.azure_vm_id or "").lower(), None)

    # ---- the on-premises VM (vCenter simulator, when the lab runs one) --------------------------
    def vcenter(self, work, what):
        """Run ``work(client)`` on a fresh vCenter session; the lab goes on (and logs) when it fails."""
        if self.vsphere is None:
            return None
        client = None
        try:
            client = self.vsphere()
            return work(client)
        except Exception as exc:  # pylint: disable=broad-except  # the lab goes on; the log says why
            LOG.warning("vCenter: %s failed: %s", what, exc)
            return None
        finally:
            if client is not None:
                client.close()

    def onprem_power(self, item, on):
        """Power the machine's on-premises VM on or off (a physical server has one only once failback created it)."""
        if item.machine.kind != "vmware" and not item.reprotect.get("created_vm"):
            return
        name = item.machine.name
        self.vcenter(lambda client: client.power_on(name) if on else client.power_off(name), "power %s of %s" % ("on" if on else "off", name))

    def create_onprem_vm(self, item):
        """Failback to an alternate location: a new VM on the master target's (or appliance's) host and the chosen datastore."""
        details = item.reprotect
        writer = self.fabric_agent_name
        if details.get("masterTargetId"):
            writer = next((m["name"] for m in self.custom.get("masterTargetServers") or []
                           if m["id"].lower() == str(details["masterTargetId"]).lower()), writer)
        machine = item.machine
        guest = "rhel8_64Guest" if machine.os_type == "Linux" else "windows2019srv_64Guest"

        def create(client):
            host = client.vm(writer).runtime.host.name
            return client.create_vm(machine.name, host, details.get("datastoreName"), guest, disks=machine.disks,
                                    memory_mb=machine.memory_mb, cpus=machine.cores)

        self.vcenter(create, "create %s next to %s" % (machine.name, writer))

    def onprem_exists(self, item):
        return bool(self.vcenter(lambda client: client.exists(item.machine.name), "look up " + item.machine.name))

    # ---- actions ---------------------------------------------------------------------------
    def act(self, item, action, body):
        """Validate an item action as ASR does, then start its job; return the job."""
        self.check_idle(item)
        if action in drills.ACTIONS:
            return drills.action_job(self, item, action, body or {})
        return action_job(self, item, action, body or {})

    def check_idle(self, item):
        """ASR starts no second operation on an item while one runs."""
        running = self.jobs.running_on(item.id)
        if running is not None:
            raise ArmError(409, "OperationInProgress",
                           "The operation could not be started because the job '%s' (%s) is in progress on the replicated item '%s'."
                           % (running.id, running.scenario_name, item.machine.name),
                           possible_causes="Another operation is running on the replicated item.",
                           recommended_action="Wait for job %s to end, then retry." % running.id)

    def register_process_server(self, name):
        """A process server deployed in Azure has registered with the configuration server (classic)."""
        if not self.classic or any(p.get("friendlyName") == name for p in self.custom["processServers"]):
            return
        template = dict(self.custom["processServers"][0])
        template.update(friendlyName=name, id=stable_id(self.vault_id, name, "ps").upper(), ipAddress="10.10.0.%d" % (4 + len(self.custom["processServers"])),
                        machineCount="0", replicationPairCount="0", lastHeartbeat=iso(self.clock.now()), healthErrors=[], health="Normal")
        self.custom["processServers"].append(template)
        self.custom["processServerCount"] = str(len(self.custom["processServers"]))
        LOG.info("process server %s registered with %s", name, self.fabric_friendly_name)

    def put_in_stage(self, item, phase):
        """Set an item straight into a phase, with what the cycle would have left on both sides (control API)."""
        now = self.clock.now()
        running_in = PHASES[phase].running_in
        replicating = phase.endswith("_protected") or phase.endswith("_reprotected")
        item.frozen_at = None if replicating else now - datetime.timedelta(minutes=10)
        item.last_failover = None if phase.endswith("_protected") else now - datetime.timedelta(minutes=10)
        item.agent_ready_at = None
        item.points_after = now - datetime.timedelta(hours=2) if phase.endswith("reprotected") else None
        points = item.recovery_points(now)
        item.failover_point = None if replicating else (points[0] if points else None)
        item.reprotect = {}
        if phase.endswith("reprotected") or "failed_back" in phase or "failback" in phase:
            item.reprotect = self.default_reprotect(item)
        if phase.endswith("_protected"):
            self.delete_azure_vm(item)
            item.azure_vm_id = None
        else:
            if item.azure_vm_id is None:
                self.start_azure_vm(item)
            self.set_azure_vm_power(item, "running" if running_in == "azure" else "deallocated")
            if phase.endswith("failback_committed"):
                self.delete_azure_vm(item)
                item.azure_vm_id = None
        self.onprem_power(item, running_in == "onprem")
        self.apply_phase(item, phase)

    def set_resync_required(self, item, required):
        """Replication broke: ASR says a resync is required (health error) and allows RepairReplication."""
        item.resync_required = required
        item.health_errors = [dict(
            errorCode="ECH00014" if self.classic else "InMageRcmResyncRequired", errorLevel="Error", errorSource="ProtectedItem",
            errorType="Replication", errorMessage="Resynchronization is required for the replicated item '%s'." % item.machine.name,
            summaryMessage="Resynchronization required", possibleCauses="The replication of the machine's disks stopped being consistent.",
            recommendedAction="Resynchronize the replicated item (repair replication).", creationTimeUtc=iso(self.clock.now()),
            entityId=item.name, innerHealthErrors=[], errorCategory="Replication", customerResolvability="Allowed",
            errorId=stable_id(item.id, "resync"))] if required else []

    def default_reprotect(self, item):
        """The reprotect inputs a stage set by the control API stands for: the first fitting master target or agent."""
        if self.classic:
            masters = [m for m in self.custom["masterTargetServers"] if item.machine.os_type != "Linux" or m["osType"] == "Linux"]
            master = masters[-1] if item.machine.os_type == "Linux" else masters[0]
            return dict(instanceType="InMage", masterTargetId=master["id"], processServerId=self.process_server_id,
                        retentionDrive=master["retentionVolumes"][0]["volumeName"], datastoreName=master["dataStores"][0]["symbolicName"],
                        profileId=self.policy_for("InMage")["id"])
        agent = self.custom["reprotectAgents"][0]
        return dict(instanceType="InMageRcm", reprotectAgentId=agent["id"], datastoreName=agent["accessibleDatastores"][0],
                    logStorageAccountId="%s/providers/Microsoft.Storage/storageAccounts/labcache" % self.resource_group_id)

    def start_job(self, job):
        """Book a job that an action started; a hold of the control API on its item and action keeps it at its first task."""
        if {(job.target_name, job.action), (job.target_name, "*")} & self.job_holds:
            job.hold(self.clock.now(), at_start=True)
        return self.jobs.start(job)

    def hold_jobs(self, item, action, hold, now):
        """Hold (or release) the running job of ``action`` ("*": any) on ``item``, and those it starts until released
        (``agentRegistration``: the agent's re-registration after a failover).

        The job that is held or released, or None."""
        if action == "agentRegistration":  # not a job: the agent's re-registration after a failover
            (item.hold_agent if hold else item.release_agent)(now)
            return None
        key = (item.machine.name, action)
        running = self.jobs.running_on(item.id)
        if running is not None and action not in ("*", running.action):
            running = None
        if hold:
            self.job_holds.add(key)
            if running is not None:
                running.hold(now)
        else:
            self.job_holds.discard(key)
            if running is not None and not {(item.machine.name, running.action), (item.machine.name, "*")} & self.job_holds:
                running.release(now)
        return running

    def take_job_fault(self, action, item):
        """The first pending job fault that matches this action and item, used up by one; or None."""
        for fault in self.job_faults:
            if fault["action"] in (action, "*") and fault.get("item") in (None, item.machine.name, item.name):
                fault["count"] -= 1
                if fault["count"] <= 0:
                    self.job_faults.remove(fault)
                return JobFault(fail_at=fault.get("fail_at_task"), never_ends=bool(fault.get("never_ends")), suspend_at=fault.get("suspend_at_task"),
                                error=fault.get("error") or dict(code="499", message="An internal error occurred."))
        return None

    def apply_phase(self, item, phase):
        if phase not in PHASES:
            raise ValueError("unknown phase %s" % phase)
        LOG.info("%s: %s -> %s", item.machine.name, item.phase, phase)
        item.phase = phase
