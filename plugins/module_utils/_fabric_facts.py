# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Normalised facts about ASR fabrics (configuration servers and replication appliances).

Private to the collection. Pure functions over the fabric's JSON as ASR sends
it (the SDK model's ``as_dict()``): no Ansible, no SDK, no I/O. The shapes are
those of the recordings in shared/asr-recordings (SUMMARY.md, section 5).
"""

from __future__ import annotations

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


def _get(data, *keys):
    for key in keys:
        if data.get(key) is not None:
            return data[key]
    return None


def _prune(facts):
    return dict((k, v) for k, v in facts.items() if v is not None)


def health_error(error):
    """One ASR HealthError as snake_case facts."""
    return _prune(
        dict(
            code=_get(error, "errorCode"),
            message=_get(error, "errorMessage", "summaryMessage"),
            severity=_get(error, "errorLevel"),
            possible_causes=_get(error, "possibleCauses"),
            recommended_action=_get(error, "recommendedAction"),
            created=_get(error, "creationTimeUtc"),
            source=_get(error, "errorSource"),
        )
    )


def _health_errors(data):
    return [health_error(e) for e in (data.get("healthErrors") or []) if isinstance(e, dict)]


def _component(data):
    """The fields every modernized appliance component shares."""
    return _prune(
        dict(
            id=_get(data, "id"),
            name=_get(data, "name"),
            fqdn=_get(data, "fqdn"),
            version=_get(data, "version"),
            last_heartbeat=_get(data, "lastHeartbeatUtc", "lastHeartbeat"),
            health=_get(data, "health"),
            health_errors=_health_errors(data),
        )
    )


def classic_process_server(data):
    facts = dict(
        id=_get(data, "id"),
        name=_get(data, "friendlyName"),
        ip_addresses=[data["ipAddress"]] if data.get("ipAddress") else [],
        os_type=_get(data, "osType"),
        version=_get(data, "agentVersion"),
        version_status=_get(data, "versionStatus"),
        last_heartbeat=_get(data, "lastHeartbeat"),
        health=_get(data, "health"),
        health_errors=_health_errors(data),
        services_status=_get(data, "psServiceStatus"),
        total_space_bytes=_get(data, "totalSpaceInBytes"),
        free_space_bytes=_get(data, "availableSpaceInBytes"),
        space_status=_get(data, "spaceUsageStatus"),
        memory_status=_get(data, "memoryUsageStatus"),
        cpu_status=_get(data, "cpuLoadStatus"),
        system_load_status=_get(data, "systemLoadStatus"),
        protected_machines=_get(data, "machineCount"),
        replication_pairs=_get(data, "replicationPairCount"),
    )
    return _prune(facts)


def modernized_process_server(data):
    facts = _component(data)
    facts.update(
        _prune(
            dict(
                ip_addresses=list(data.get("ipAddresses") or []),
                total_space_bytes=_get(data, "totalSpaceInBytes"),
                free_space_bytes=_get(data, "availableSpaceInBytes"),
                space_status=_get(data, "diskUsageStatus"),
                memory_status=_get(data, "memoryUsageStatus"),
                cpu_status=_get(data, "processorUsageStatus"),
                system_load_status=_get(data, "systemLoadStatus"),
                protected_machines=_get(data, "protectedItemCount"),
            )
        )
    )
    return facts


def master_target(data):
    """A classic master target with its retention volumes and datastores."""
    return _prune(
        dict(
            id=_get(data, "id"),
            name=_get(data, "name"),
            ip_address=_get(data, "ipAddress"),
            os_type=_get(data, "osType"),
            os_version=_get(data, "osVersion"),
            version=_get(data, "agentVersion"),
            version_status=_get(data, "versionStatus"),
            last_heartbeat=_get(data, "lastHeartbeat"),
            disk_count=_get(data, "diskCount"),
            health_errors=_health_errors(data),
            validation_errors=_health_errors({"healthErrors": data.get("validationErrors")}),
            retention_volumes=[
                _prune(
                    dict(
                        name=_get(v, "volumeName"),
                        capacity_bytes=_get(v, "capacityInBytes"),
                        free_bytes=_get(v, "freeSpaceInBytes"),
                        threshold_percentage=_get(v, "thresholdPercentage"),
                    )
                )
                for v in data.get("retentionVolumes") or []
            ],
            datastores=[
                _prune(
                    dict(
                        name=_get(d, "symbolicName"),
                        uuid=_get(d, "uuid"),
                        type=_get(d, "type"),
                        capacity_gb=_get(d, "capacity"),
                        free_gb=_get(d, "freeSpace"),
                    )
                )
                for d in data.get("dataStores") or []
            ],
        )
    )


def reprotect_agent(data):
    facts = _component(data)
    facts.update(
        _prune(
            dict(
                accessible_datastores=list(data.get("accessibleDatastores") or []),
                vcenter_id=_get(data, "vcenterId"),
                last_discovery=_get(data, "lastDiscoveryInUtc"),
                protected_machines=_get(data, "protectedItemCount"),
            )
        )
    )
    return facts


def _classic_details(custom):
    return dict(
        configuration_server=_prune(
            dict(
                host_name=_get(custom, "hostName"),
                ip_address=_get(custom, "ipAddress"),
                version=_get(custom, "agentVersion"),
                version_status=_get(custom, "versionStatus"),
                last_heartbeat=_get(custom, "lastHeartbeat"),
                services_status=_get(custom, "csServiceStatus"),
                protected_servers=_get(custom, "protectedServers"),
                process_server_count=_get(custom, "processServerCount"),
                agent_count=_get(custom, "agentCount"),
            )
        ),
        process_servers=[classic_process_server(p) for p in custom.get("processServers") or []],
        master_targets=[master_target(m) for m in custom.get("masterTargetServers") or []],
        run_as_accounts=[
            _prune(dict(id=_get(a, "accountId"), name=_get(a, "accountName"))) for a in custom.get("runAsAccounts") or []
        ],
    )


def _modernized_details(custom):
    details = dict(
        appliance=_prune(
            dict(
                vmware_site_id=_get(custom, "vmwareSiteId"),
                physical_site_id=_get(custom, "physicalSiteId"),
            )
        ),
        process_servers=[modernized_process_server(p) for p in custom.get("processServers") or []],
        reprotect_agents=[reprotect_agent(r) for r in custom.get("reprotectAgents") or []],
    )
    for wire_name, fact_name in RCM_COMPONENTS:
        details[fact_name] = [_component(c) for c in custom.get(wire_name) or []]
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
        health_errors=[health_error(e) for e in properties.get("healthErrorDetails") or [] if isinstance(e, dict)],
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
