"""The vault's fabric: a classic configuration server or a modernized replication appliance.

The documents follow the shapes of the real recordings (azure-powershell's SessionRecords;
docs/architecture.md, "What each step sends"): a classic ``VMware`` fabric is a configuration server
with process servers, master targets and run-as accounts; a modernized
``InMageRcm`` fabric is a replication appliance with process servers and agents.
"""

from __future__ import annotations

import datetime
import uuid

from .clock import Clock, iso


def now_iso():
    return iso(Clock.now())


def stable_id(*parts):
    """A GUID derived from names, so ids stay the same across lab restarts."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(parts)))


def _fabric(vault_id, name, friendly_name, custom):
    return {
        "name": name,
        "type": "Microsoft.RecoveryServices/vaults/replicationFabrics",
        "id": "%s/replicationFabrics/%s" % (vault_id, name),
        "properties": {
            "friendlyName": friendly_name,
            "encryptionDetails": {"kekState": "None", "kekCertThumbprint": None},
            "rolloverEncryptionDetails": {"kekState": "None", "kekCertThumbprint": None},
            "internalIdentifier": stable_id(vault_id, name),
            "bcdrState": "Valid",
            "customDetails": custom,
            "healthErrorDetails": [],
            "health": "Normal",
        },
    }


def _master_target(name, os_type, os_version, ip, retention_drive, datastores, heartbeat):
    return {
        "id": stable_id(name, "agent").upper(), "ipAddress": ip, "name": name, "osType": os_type, "agentVersion": "9.62.7172.1",
        "lastHeartbeat": heartbeat, "versionStatus": "Supported",
        "retentionVolumes": [{"volumeName": retention_drive, "capacityInBytes": 214748364800, "freeSpaceInBytes": 193273528320,
                              "thresholdPercentage": None}],
        "dataStores": [{"symbolicName": d, "uuid": stable_id(name, d), "capacity": "2048", "freeSpace": "1536", "type": "VMFS"}
                       for d in datastores],
        "validationErrors": [], "healthErrors": [], "diskCount": 1, "osVersion": os_version,
    }


def classic_fabric(vault_id, scenario):
    """A configuration server with its in-built process server (also a Windows master target) and the scenario's master targets."""
    cs_name = scenario.configuration_server["name"]
    ip = scenario.configuration_server["ip"]
    server_id = stable_id(cs_name, "agent").upper()
    heartbeat = now_iso()
    datastores = sorted({d for m in scenario.master_targets for d in m.datastores})
    process_server = {
        "friendlyName": cs_name, "id": server_id, "ipAddress": ip, "osType": "Windows",
        "agentVersion": "9.62.7172.1", "lastHeartbeat": heartbeat, "versionStatus": "Supported",
        "machineCount": str(len(scenario.machines)), "replicationPairCount": str(len(scenario.machines)),
        "systemLoadStatus": "Healthy", "cpuLoadStatus": "Healthy",
        "memoryUsageStatus": "Healthy", "totalSpaceInBytes": 644245094400, "availableSpaceInBytes": 536870912000,
        "spaceUsageStatus": "Healthy", "psServiceStatus": "Running", "health": "Normal", "healthErrors": [],
    }
    master_targets = [_master_target(cs_name, "Windows", "Windows Server 2016", ip, "E", datastores, heartbeat)]
    master_targets += [_master_target(m.name, m.os_type, m.os_version, m.ip, m.retention_drive, m.datastores, heartbeat)
                       for m in scenario.master_targets]
    custom = {
        "instanceType": "VMware", "hostName": cs_name, "ipAddress": ip, "agentVersion": "9.62.7172.1",
        "lastHeartbeat": heartbeat, "versionStatus": "Supported", "csServiceStatus": "Running",
        "protectedServers": str(len(scenario.machines)), "processServerCount": "1", "agentCount": str(len(scenario.machines)),
        "replicationPairCount": str(len(scenario.machines)),
        "processServers": [process_server], "masterTargetServers": master_targets,
        "runAsAccounts": [{"accountId": "1", "accountName": "vcenteruser"}, {"accountId": "2", "accountName": "windowsuser"},
                          {"accountId": "3", "accountName": "linuxuser"}],
    }
    return _fabric(vault_id, stable_id(vault_id, cs_name).replace("-", "") * 2, cs_name, custom)


def modernized_fabric(vault_id, resource_group_id, scenario):
    """A replication appliance: one machine that is process server, reprotect agent and the rest."""
    appliance = scenario.appliance["name"]
    site = "%s/providers/Microsoft.OffAzure/VMwareSites/%svmwaresite" % (resource_group_id, appliance)
    agent_id = stable_id(appliance, "agent")
    heartbeat = now_iso()
    common = {"id": agent_id, "name": appliance, "biosId": stable_id(appliance, "bios").upper(),
              "fabricObjectId": "%s/machines/%s" % (site, appliance), "fqdn": appliance + ".lab.local",
              "version": "9.62.7172.1", "lastHeartbeatUtc": heartbeat, "health": "Normal", "healthErrors": []}
    process_server = dict(common, ipAddresses=[scenario.appliance["ip"]], totalSpaceInBytes=665717829632, availableSpaceInBytes=662597852501,
                          usedSpaceInBytes=3119977131, freeSpacePercentage=99.5, systemLoad=0, systemLoadStatus="Healthy",
                          diskUsageStatus="Healthy", memoryUsageStatus="Healthy", processorUsageStatus="Healthy",
                          throughputStatus="Healthy", protectedItemCount=0, historicHealth="Normal")
    reprotect_agent = dict(common, accessibleDatastores=list(scenario.appliance["datastores"]), vcenterId="%s/vcenters/vcenter-lab" % site,
                           lastDiscoveryInUtc=heartbeat, protectedItemCount=0)
    custom = {
        "instanceType": "InMageRcm", "vmwareSiteId": site,
        "physicalSiteId": "%s/providers/Microsoft.OffAzure/ServerSites/%sphysicalsite" % (resource_group_id, appliance),
        "processServers": [process_server], "rcmProxies": [dict(common, clientAuthenticationType="Certificate")],
        "pushInstallers": [dict(common)], "replicationAgents": [dict(common)], "reprotectAgents": [reprotect_agent],
        "marsAgents": [dict(common)], "dras": [dict(common)], "agentDetails": [],
    }
    return _fabric(vault_id, appliance + "-vmwarefabric", appliance + "-vmwarefabric", custom)


# The fabric's component lists, by what the control API calls them (POST /lab/component).
COMPONENT_LISTS = {"process_server": "processServers", "master_target": "masterTargetServers", "reprotect_agent": "reprotectAgents",
                   "rcm_proxy": "rcmProxies", "push_installer": "pushInstallers", "replication_agent": "replicationAgents",
                   "mars_agent": "marsAgents", "dra": "dras"}


def _heartbeat_key(component):
    return "lastHeartbeatUtc" if "lastHeartbeatUtc" in component else "lastHeartbeat"


def refresh_heartbeats(vault):
    """Running components send a heartbeat every few minutes: each read shows a recent one, except for those
    whose heartbeat the control API has stopped (``vault.stopped_heartbeats``: (list, id) pairs)."""
    now = now_iso()
    custom = vault.fabric["properties"]["customDetails"]
    if "lastHeartbeat" in custom:
        custom["lastHeartbeat"] = now
    for wire in COMPONENT_LISTS.values():
        for component in custom.get(wire) or []:
            if (wire, component.get("id")) not in vault.stopped_heartbeats:
                component[_heartbeat_key(component)] = now


def set_component_state(vault, kind, name, change):
    """Control API: a component's health, heartbeat age (Azure minutes, or null for running), services, free space,
    load and health errors. Returns the component's document."""
    if kind not in COMPONENT_LISTS:
        raise ValueError("kind must be one of %s" % ", ".join(sorted(COMPONENT_LISTS)))
    wire = COMPONENT_LISTS[kind]
    components = vault.fabric["properties"]["customDetails"].get(wire) or []
    found = next((c for c in components if name in (c.get("name"), c.get("friendlyName"), c.get("id"))), None)
    if found is None:
        raise ValueError("no %s %r (there are: %s)" % (kind, name, ", ".join(str(c.get("name") or c.get("friendlyName")) for c in components)))
    if "health" in change:
        found["health"] = change["health"]
    if "health_errors" in change:
        found["healthErrors"] = [dict(errorCode=e.get("code"), errorMessage=e.get("message"), possibleCauses=e.get("possible_causes"),
                                      recommendedAction=e.get("recommended_action"), errorLevel=e.get("severity", "Error"),
                                      creationTimeUtc=now_iso()) for e in change["health_errors"] or []]
    if "heartbeat_minutes_ago" in change:
        minutes = change["heartbeat_minutes_ago"]
        if minutes is None:
            vault.stopped_heartbeats.discard((wire, found.get("id")))
            found[_heartbeat_key(found)] = now_iso()
        else:
            vault.stopped_heartbeats.add((wire, found.get("id")))
            found[_heartbeat_key(found)] = iso(Clock.now() - datetime.timedelta(minutes=float(minutes)))
    if "services_status" in change:
        found["psServiceStatus"] = change["services_status"]
    if "free_space_percent" in change and found.get("totalSpaceInBytes"):
        found["availableSpaceInBytes"] = int(found["totalSpaceInBytes"] * float(change["free_space_percent"]) / 100)
        if "freeSpacePercentage" in found:
            found["freeSpacePercentage"] = float(change["free_space_percent"])
    cpu_key = "cpuLoadStatus" if "cpuLoadStatus" in found else "processorUsageStatus"
    space_key = "spaceUsageStatus" if "spaceUsageStatus" in found else "diskUsageStatus"
    for key, wire_key in (("system_load_status", "systemLoadStatus"), ("cpu_status", cpu_key), ("memory_status", "memoryUsageStatus"),
                          ("space_status", space_key)):
        if key in change:
            found[wire_key] = change[key]
    return found
