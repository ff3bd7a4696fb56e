# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Replicated items and recovery points: finding one by the name people use, and its normalised facts.

Private to the collection. Pure: no Ansible, no SDK, no I/O. Items are their JSON as ASR sends it.
"""

from __future__ import annotations

import difflib

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_state import FORWARD_PROVIDERS, GENERATION_OF_PROVIDER, generation
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_state import next_stages, next_step, running_in, stage
from ansible_collections.siterecovery.vmware.plugins.module_utils._facts import HEALTH_ERROR_FIELDS, pick, pick_each


class ItemLookupError(LookupError):
    """No item, or more than one, answers to a name."""


def _segment(arm_id, collection):
    parts = (arm_id or "").split("/")
    lowered = [p.lower() for p in parts]
    return parts[lowered.index(collection.lower()) + 1] if collection.lower() in lowered else None


def address(item):
    """(fabric, container, item name) of an item, as the SDK's operations take them."""
    return _segment(item["id"], "replicationFabrics"), _segment(item["id"], "replicationProtectionContainers"), item["name"]


def find_item(items, wanted):
    """The one item ``wanted`` names: its ARM id, its name, or its friendly name (the VM's name), case-insensitive."""
    key = wanted.strip().lower()
    if key.startswith("/subscriptions/"):
        matches = [i for i in items if i["id"].lower() == key]
    else:
        matches = [i for i in items if i["name"].lower() == key]
        if not matches:
            matches = [i for i in items if (i["properties"].get("friendlyName") or "").lower() == key]
    if len(matches) == 1:
        return matches[0]
    if matches:
        names = ", ".join(sorted(i["name"] for i in matches))
        raise ItemLookupError("%d replicated items are named %r: use the item's name or id instead (%s)" % (len(matches), wanted, names))
    names = sorted({i["properties"].get("friendlyName") or i["name"] for i in items})
    near = difflib.get_close_matches(wanted, names, n=5, cutoff=0.5)
    if near:
        hint = "; did you mean %s?" % ", ".join(near)
    else:
        hint = "; the vault protects: %s" % ", ".join(names[:20]) if names else "; the vault protects no machine"
    raise ItemLookupError("no replicated item is named %r%s" % (wanted, hint))


RECOVERY_VM_FIELDS = {
    "InMageAzureV2": (("name", "recoveryAzureVMName"), ("size", "recoveryAzureVMSize"), ("resource_group_id", "recoveryAzureResourceGroupId"),
                      ("availability_set_id", "recoveryAvailabilitySetId"), ("network_id", "selectedRecoveryAzureNetworkId"),
                      ("use_managed_disks", "useManagedDisks"), ("license_type", "licenseType"), ("azure_vm_id", "targetVmId")),
    "InMageRcm": (("name", "targetVmName"), ("size", "targetVmSize"), ("resource_group_id", "targetResourceGroupId"),
                  ("availability_set_id", "targetAvailabilitySetId"), ("network_id", "targetNetworkId"), ("license_type", "licenseType")),
}
# The keys of recovery_vm, whatever the provider.
RECOVERY_VM_KEYS = tuple(sorted({fact for fields in RECOVERY_VM_FIELDS.values() for fact, _wire in fields} | {"subnet", "static_ip", "nic_id"}))
ITEM_DETAIL_FIELDS = (
    ("os_type", "osType"),
    ("os_version", ("osVersion", "osName")),
    ("ip_address", ("ipAddress", "primaryNicIpAddress")),
    ("rpo_seconds", ("rpoInSeconds", "lastRpoInSeconds")),
    ("last_heartbeat", "lastHeartbeat"),
    ("last_recovery_point", "lastRecoveryPointReceived"),
    ("process_server_id", "processServerId"),
    ("process_server_name", "processServerName"),
    ("master_target_id", "masterTargetId"),
    ("reprotect_agent_id", "reprotectAgentId"),
    ("reprotect_agent_name", "reprotectAgentName"),
    ("target_datastore", "targetDataStoreName"),
    ("azure_vm_id", "azureVirtualMachineId"),
    ("agent_registered_after_failover", "isAgentRegistrationSuccessfulAfterFailover"),
    ("protection_stage", "protectionStage"),
)


def _recovery_vm(provider, details):
    fields = RECOVERY_VM_FIELDS.get(provider)
    if fields is None:
        return None
    facts = pick(details, fields)
    nics = details.get("vmNics") or []
    if nics:
        nic = nics[0]
        if provider == "InMageRcm":
            facts.update(pick(nic, (("subnet", "targetSubnetName"), ("static_ip", "targetIPAddress"), ("nic_id", "nicId"))))
        else:
            config = (nic.get("ipConfigs") or [{}])[0]
            facts.update(pick(config, (("subnet", "recoverySubnetName"), ("static_ip", "recoveryStaticIPAddress"))))
            facts.update(pick(nic, (("nic_id", "nicId"),)))
    if not facts.get("static_ip"):
        facts.pop("static_ip", None)
    # One shape for both generations: every key, null where the provider has no value.
    return dict(dict.fromkeys(RECOVERY_VM_KEYS), **facts)


def drill_is_pending(properties):
    """Whether a test failover has ended and waits for its cleanup (ASR then allows only TestFailoverCleanup)."""
    current = properties.get("currentScenario") or {}
    return current.get("scenarioName") == "TestFailover" and "TestFailoverCleanup" in (properties.get("allowedOperations") or [])


def _test_network(provider, details):
    """The network a drill of the item uses unless told otherwise: InMageRcm testNetworkId / testSubnetName,
    InMageAzureV2 selectedTfoAzureNetworkId; None when the item has none set."""
    if provider == "InMageRcm":
        nic = (details.get("vmNics") or [{}])[0]
        return dict(id=details.get("testNetworkId"), subnet=nic.get("testSubnetName")) if details.get("testNetworkId") else None
    if provider == "InMageAzureV2":
        return dict(id=details.get("selectedTfoAzureNetworkId"), subnet=None) if details.get("selectedTfoAzureNetworkId") else None
    return None


def item_facts(item):
    """Normalised facts about one replicated item."""
    properties = item["properties"]
    details = properties.get("providerSpecificDetails") or {}
    provider = details.get("instanceType")
    current = properties.get("currentScenario") or {}
    allowed = list(properties.get("allowedOperations") or [])
    drill_pending = drill_is_pending(properties)
    # A drill that waits for its cleanup keeps its job as the current scenario, though the job has ended.
    job_running = current.get("scenarioName") not in (None, "", "None") and not drill_pending
    where = running_in(provider, properties.get("activeLocation"), details.get("activeSiteType"))
    item_stage = "drill_pending" if drill_pending else stage(allowed, job_running)
    group = details.get("multiVmGroupName")
    if group and group in (details.get("vmId"), details.get("multiVmGroupId")) and details.get("multiVmSyncStatus") != "Enabled":
        group = None  # classic items name a group after themselves when they are in none
    fabric, container, _name = address(item)
    forward = (provider in FORWARD_PROVIDERS) if provider in GENERATION_OF_PROVIDER else None
    scenario = current.get("scenarioName") if job_running else None
    facts = dict(
        name=item["name"], id=item["id"], friendly_name=properties.get("friendlyName"), provider=provider, generation=generation(provider),
        running_in=where, replicates_to_azure=forward, stage=item_stage, next_step=next_step(where, item_stage, forward, scenario),
        next_stages=next_stages(where, item_stage, forward, scenario), protection_state=properties.get("protectionState"),
        protection_state_description=properties.get("protectionStateDescription"), active_location=properties.get("activeLocation"),
        active_site_type=details.get("activeSiteType"), replication_health=properties.get("replicationHealth"),
        failover_health=properties.get("failoverHealth"), health_errors=pick_each(properties, "healthErrors", HEALTH_ERROR_FIELDS),
        allowed_operations=allowed,
        current_job=dict(scenario=current.get("scenarioName"), id=(current.get("jobId") or "").rsplit("/", 1)[-1],
                         start_time=current.get("startTime")) if job_running else None,
        policy=dict(id=properties.get("policyId"), name=properties.get("policyFriendlyName")), fabric=fabric, container=container,
        multi_vm_group=group, failover_recovery_point_id=properties.get("failoverRecoveryPointId") or None,
        last_failover_time=properties.get("lastSuccessfulFailoverTime"),
        test_failover_state=properties.get("testFailoverState"),
        last_successful_test_failover_time=properties.get("lastSuccessfulTestFailoverTime"),
        drill_job=dict(scenario=current.get("scenarioName"), id=(current.get("jobId") or "").rsplit("/", 1)[-1],
                       start_time=current.get("startTime")) if drill_pending else None,
        test_network=_test_network(provider, details),
        test_vm=None,
        resync_required=str(details.get("resyncRequired", "")).lower() == "true" or "RepairReplication" in allowed,
        recovery_vm=_recovery_vm(provider, details),
        disks=[pick(d, (("id", "diskId"), ("name", "diskName"), ("capacity_bytes", "capacityInBytes"), ("os_disk", "isOSDisk")))
               for d in details.get("protectedDisks") or [] if isinstance(d, dict)],
    )
    facts.update(pick(details, ITEM_DETAIL_FIELDS))
    return facts


def point_facts(point):
    """One recovery point: id, name, time, type."""
    properties = point.get("properties") or {}
    return dict(id=point.get("id"), name=point.get("name"), time=properties.get("recoveryPointTime"), type=properties.get("recoveryPointType"))


def points_summary(points):
    """Count, newest, newest app-consistent and oldest of a list of point facts (newest first)."""
    ordered = sorted(points, key=lambda p: p["time"] or "", reverse=True)
    app = [p for p in ordered if p["type"] == "AppConsistent"]
    return dict(count=len(ordered), latest=ordered[0] if ordered else None, latest_app_consistent=app[0] if app else None,
                oldest=ordered[-1] if ordered else None)
