"""What the lab's vault holds at start: a classic or a modernized on-premises site.

The documents follow the shapes of the real recordings (shared/asr-recordings,
SUMMARY.md section 5): a classic ``VMware`` fabric is a configuration server
with process servers, master targets and run-as accounts; a modernized
``InMageRcm`` fabric is a replication appliance with process servers and agents.
"""

from __future__ import annotations

import datetime
import uuid

SCENARIOS = ("classic", "modernized")


def _now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f0Z")


def _stable_id(*parts):
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
            "internalIdentifier": _stable_id(vault_id, name),
            "bcdrState": "Valid",
            "customDetails": custom,
            "healthErrorDetails": [],
            "health": "Normal",
        },
    }


def classic_fabric(vault_id, cs_name="cs-lab-01", ip="10.0.0.10"):
    """A configuration server with its in-built process server, which is also its master target."""
    server_id = _stable_id(cs_name, "ps").upper()
    heartbeat = _now()
    process_server = {
        "friendlyName": cs_name, "id": server_id, "ipAddress": ip, "osType": "Windows",
        "agentVersion": "9.62.7172.1", "lastHeartbeat": heartbeat, "versionStatus": "Supported",
        "machineCount": "0", "replicationPairCount": "0", "systemLoadStatus": "Healthy", "cpuLoadStatus": "Healthy",
        "memoryUsageStatus": "Healthy", "totalSpaceInBytes": 644245094400, "availableSpaceInBytes": 536870912000,
        "spaceUsageStatus": "Healthy", "psServiceStatus": "Running", "health": "Normal", "healthErrors": [],
    }
    master_target = {
        "id": server_id, "ipAddress": ip, "name": cs_name, "osType": "Windows", "agentVersion": "9.62.7172.1",
        "lastHeartbeat": heartbeat, "versionStatus": "Supported",
        "retentionVolumes": [{"volumeName": "E", "capacityInBytes": 214748364800, "freeSpaceInBytes": 193273528320,
                              "thresholdPercentage": None}],
        "dataStores": [{"symbolicName": "datastore1", "uuid": _stable_id(cs_name, "datastore1"), "capacity": "2048",
                        "freeSpace": "1536", "type": "VMFS"}],
        "validationErrors": [], "healthErrors": [], "diskCount": 1, "osVersion": "Windows Server 2016",
    }
    custom = {
        "instanceType": "VMware", "hostName": cs_name, "ipAddress": ip, "agentVersion": "9.62.7172.1",
        "lastHeartbeat": heartbeat, "versionStatus": "Supported", "csServiceStatus": "Running",
        "protectedServers": "0", "processServerCount": "1", "agentCount": "0", "replicationPairCount": "0",
        "processServers": [process_server], "masterTargetServers": [master_target],
        "runAsAccounts": [{"accountId": "1", "accountName": "vcenteruser"}, {"accountId": "2", "accountName": "windowsuser"},
                          {"accountId": "3", "accountName": "linuxuser"}],
    }
    return _fabric(vault_id, _stable_id(vault_id, cs_name).replace("-", "") * 2, cs_name, custom)


def modernized_fabric(vault_id, resource_group_id, appliance="appliance-lab-01"):
    """A replication appliance: one machine that is process server, reprotect agent and the rest."""
    site = "%s/providers/Microsoft.OffAzure/VMwareSites/%svmwaresite" % (resource_group_id, appliance)
    agent_id = _stable_id(appliance, "agent")
    heartbeat = _now()
    common = {"id": agent_id, "name": appliance, "biosId": _stable_id(appliance, "bios").upper(),
              "fabricObjectId": "%s/machines/%s" % (site, appliance), "fqdn": appliance + ".lab.local",
              "version": "9.62.7172.1", "lastHeartbeatUtc": heartbeat, "health": "Normal", "healthErrors": []}
    process_server = dict(common, ipAddresses=["10.0.0.20"], totalSpaceInBytes=665717829632, availableSpaceInBytes=662597852501,
                          usedSpaceInBytes=3119977131, freeSpacePercentage=99.5, systemLoad=0, systemLoadStatus="Healthy",
                          diskUsageStatus="Healthy", memoryUsageStatus="Healthy", processorUsageStatus="Healthy",
                          throughputStatus="Healthy", protectedItemCount=0, historicHealth="Normal")
    reprotect_agent = dict(common, accessibleDatastores=["datastore1"], vcenterId="%s/vcenters/vcenter-lab" % site,
                           lastDiscoveryInUtc=heartbeat, protectedItemCount=0)
    custom = {
        "instanceType": "InMageRcm", "vmwareSiteId": site,
        "physicalSiteId": "%s/providers/Microsoft.OffAzure/ServerSites/%sphysicalsite" % (resource_group_id, appliance),
        "processServers": [process_server], "rcmProxies": [dict(common, clientAuthenticationType="Certificate")],
        "pushInstallers": [dict(common)], "replicationAgents": [dict(common)], "reprotectAgents": [reprotect_agent],
        "marsAgents": [dict(common)], "dras": [dict(common)], "agentDetails": [],
    }
    return _fabric(vault_id, appliance + "-vmwarefabric", appliance + "-vmwarefabric", custom)
