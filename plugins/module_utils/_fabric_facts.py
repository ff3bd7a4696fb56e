# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Normalised facts about ASR fabrics (configuration servers and replication appliances).

Private to the collection. Pure functions over the fabric's JSON as ASR sends
it (the SDK model's ``as_dict()``): no Ansible, no SDK, no I/O. The shapes are
those of the recorded fabrics (docs/architecture.md, "What each step sends").
"""

from __future__ import annotations

from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError
from ansible_collections.siterecovery.vmware.plugins.module_utils._facts import (
    HEALTH_ERROR_FIELDS,
    pick,
    pick_each,
    with_health_errors,
)

# Each *_FIELDS table maps a fact to the wire key(s) it is read from (see _facts.pick).

# customDetails.instanceType -> (generation, what the fabric is)
FABRIC_KINDS = {
    "VMware": ("classic", "configuration server"),
    "InMageRcm": ("modernized", "replication appliance"),
    "Azure": ("azure", "Azure region"),
    "VMwareV2": ("classic", "VMware site"),
    "HyperVSite": (None, "Hyper-V site"),
    "VMM": (None, "VMM server"),
}

# Modernized appliance components listed beside the process servers.
RCM_COMPONENTS = (
    ("replicationAgents", "replication_agents"),
    ("rcmProxies", "rcm_proxies"),
    ("pushInstallers", "push_installers"),
    ("marsAgents", "mars_agents"),
    ("dras", "dras"),
)


# The fields every modernized appliance component shares.
COMPONENT_FIELDS = (
    ("id", "id"),
    ("name", "name"),
    ("fqdn", "fqdn"),
    ("version", "version"),
    ("last_heartbeat", ("lastHeartbeatUtc", "lastHeartbeat")),
    ("health", "health"),
)
MODERNIZED_PROCESS_SERVER_FIELDS = COMPONENT_FIELDS + (
    ("ip_addresses", "ipAddresses"),
    ("total_space_bytes", "totalSpaceInBytes"),
    ("free_space_bytes", "availableSpaceInBytes"),
    ("space_status", "diskUsageStatus"),
    ("memory_status", "memoryUsageStatus"),
    ("cpu_status", "processorUsageStatus"),
    ("system_load_status", "systemLoadStatus"),
    ("protected_machines", "protectedItemCount"),
)
REPROTECT_AGENT_FIELDS = COMPONENT_FIELDS + (
    ("accessible_datastores", "accessibleDatastores"),
    ("vcenter_id", "vcenterId"),
    ("last_discovery", "lastDiscoveryInUtc"),
    ("protected_machines", "protectedItemCount"),
)
CLASSIC_PROCESS_SERVER_FIELDS = (
    ("id", "id"),
    ("name", "friendlyName"),
    ("os_type", "osType"),
    ("version", "agentVersion"),
    ("version_status", "versionStatus"),
    ("last_heartbeat", "lastHeartbeat"),
    ("health", "health"),
    ("services_status", "psServiceStatus"),
    ("total_space_bytes", "totalSpaceInBytes"),
    ("free_space_bytes", "availableSpaceInBytes"),
    ("space_status", "spaceUsageStatus"),
    ("memory_status", "memoryUsageStatus"),
    ("cpu_status", "cpuLoadStatus"),
    ("system_load_status", "systemLoadStatus"),
    ("protected_machines", "machineCount"),
    ("replication_pairs", "replicationPairCount"),
)
MASTER_TARGET_FIELDS = (
    ("id", "id"),
    ("name", "name"),
    ("ip_address", "ipAddress"),
    ("os_type", "osType"),
    ("os_version", "osVersion"),
    ("version", "agentVersion"),
    ("version_status", "versionStatus"),
    ("last_heartbeat", "lastHeartbeat"),
    ("disk_count", "diskCount"),
)
RETENTION_VOLUME_FIELDS = (
    ("name", "volumeName"),
    ("capacity_bytes", "capacityInBytes"),
    ("free_bytes", "freeSpaceInBytes"),
    ("threshold_percentage", "thresholdPercentage"),
)
DATASTORE_FIELDS = (
    ("name", "symbolicName"),
    ("uuid", "uuid"),
    ("type", "type"),
    ("capacity_gb", "capacity"),
    ("free_gb", "freeSpace"),
)
CONFIGURATION_SERVER_FIELDS = (
    ("host_name", "hostName"),
    ("ip_address", "ipAddress"),
    ("version", "agentVersion"),
    ("version_status", "versionStatus"),
    ("last_heartbeat", "lastHeartbeat"),
    ("services_status", "csServiceStatus"),
    ("protected_servers", "protectedServers"),
    ("process_server_count", "processServerCount"),
    ("agent_count", "agentCount"),
)
RUN_AS_ACCOUNT_FIELDS = (("id", "accountId"), ("name", "accountName"))
APPLIANCE_FIELDS = (("vmware_site_id", "vmwareSiteId"), ("physical_site_id", "physicalSiteId"))


def classic_process_server(data):
    facts = with_health_errors(data, CLASSIC_PROCESS_SERVER_FIELDS)
    facts["ip_addresses"] = [data["ipAddress"]] if data.get("ipAddress") else []
    return facts


def master_target(data):
    """A classic master target with its retention volumes and datastores."""
    facts = with_health_errors(data, MASTER_TARGET_FIELDS)
    facts["validation_errors"] = pick_each(data, "validationErrors", HEALTH_ERROR_FIELDS)
    facts["retention_volumes"] = pick_each(data, "retentionVolumes", RETENTION_VOLUME_FIELDS)
    facts["datastores"] = pick_each(data, "dataStores", DATASTORE_FIELDS)
    return facts


def _classic_details(custom):
    return dict(
        configuration_server=pick(custom, CONFIGURATION_SERVER_FIELDS),
        process_servers=[classic_process_server(p) for p in custom.get("processServers") or []],
        master_targets=[master_target(m) for m in custom.get("masterTargetServers") or []],
        run_as_accounts=pick_each(custom, "runAsAccounts", RUN_AS_ACCOUNT_FIELDS),
    )


def _modernized_details(custom):
    details = dict(
        appliance=pick(custom, APPLIANCE_FIELDS),
        process_servers=[with_health_errors(p, MODERNIZED_PROCESS_SERVER_FIELDS) for p in custom.get("processServers") or []],
        reprotect_agents=[with_health_errors(r, REPROTECT_AGENT_FIELDS) for r in custom.get("reprotectAgents") or []],
    )
    for wire_name, fact_name in RCM_COMPONENTS:
        details[fact_name] = [with_health_errors(c, COMPONENT_FIELDS) for c in custom.get(wire_name) or []]
    return details


def fabric_facts(fabric):
    """Normalised facts for one fabric (its JSON as ASR sends it)."""
    properties = fabric.get("properties") or {}
    custom = properties.get("customDetails") or {}
    instance_type = custom.get("instanceType")
    generation, kind = FABRIC_KINDS.get(instance_type, (None, instance_type))
    facts = dict(
        name=fabric.get("name"),
        id=fabric.get("id"),
        friendly_name=properties.get("friendlyName"),
        location=fabric.get("location"),
        fabric_type=instance_type,
        kind=kind,
        generation=generation,
        health=properties.get("health"),
        health_errors=pick_each(properties, "healthErrorDetails", HEALTH_ERROR_FIELDS),
        bcdr_state=properties.get("bcdrState"),
        internal_identifier=properties.get("internalIdentifier"),
    )
    if instance_type == "VMware":
        facts.update(_classic_details(custom))
    elif instance_type == "InMageRcm":
        facts.update(_modernized_details(custom))
    return facts


def matches(fabric, name):
    """True when ``name`` is the fabric's ARM name or its friendly name (case-insensitive)."""
    wanted = name.lower()
    properties = fabric.get("properties") or {}
    return wanted in ((fabric.get("name") or "").lower(), (properties.get("friendlyName") or "").lower())


# The fabrics a task on premises works with: configuration servers and replication appliances (the ones with process servers).
ONPREM_FABRIC_TYPES = ("VMware", "InMageRcm")
CONFIGURATION_SERVER = ("VMware",)


def _instance_type(fabric):
    return ((fabric.get("properties") or {}).get("customDetails") or {}).get("instanceType")


def _names(fabrics):
    """"name (friendly name)" of each fabric: what ``fabric`` may be set to."""
    return ", ".join(sorted("%s (%s)" % (f.get("name"), (f.get("properties") or {}).get("friendlyName")) for f in fabrics))


def named_fabrics(fabrics, wanted, vault_name):
    """The fabrics ``wanted`` names (ARM or friendly name), or all of them when ``wanted`` is empty; FabricNotFound, naming
    the vault's fabrics, when a name matches none."""
    if not wanted:
        return list(fabrics)
    chosen = [f for f in fabrics if matches(f, wanted)]
    if not chosen:
        raise SiteRecoveryError("No fabric named %r in vault %s; it has: %s" % (wanted, vault_name, _names(fabrics) or "no fabric"),
                                code="FabricNotFound")
    return chosen


def choose_fabric(fabrics, wanted, vault_name, default_types=ONPREM_FABRIC_TYPES):
    """The one configuration server or appliance a task works on: the one ``wanted`` names, else the vault's only fabric of
    ``default_types`` (None when it has none: what that means is the caller's). FabricNotFound for a name that matches none,
    FabricAmbiguous when the name or the default fits several."""
    onprem = [f for f in fabrics if _instance_type(f) in ONPREM_FABRIC_TYPES]
    chosen = named_fabrics(onprem, wanted, vault_name) if wanted else [f for f in onprem if _instance_type(f) in default_types]
    if len(chosen) > 1:
        raise SiteRecoveryError("Vault %s has several configuration servers and appliances (%s): set fabric" % (vault_name, _names(chosen)),
                                code="FabricAmbiguous")
    return chosen[0] if chosen else None


VCENTER_FIELDS = (("name", "friendlyName"), ("ip_address", "ipAddress"), ("port", "port"), ("last_heartbeat", "lastHeartbeat"),
                  ("discovery_status", "discoveryStatus"), ("process_server_id", "processServerId"), ("run_as_account_id", "runAsAccountId"))


def vcenter_facts(vcenter):
    """One replicationvCenters entry of a fabric."""
    return dict(with_health_errors(vcenter.get("properties") or {}, VCENTER_FIELDS), id=vcenter.get("id"))
