# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Replicated items as inventory hosts: host names, host vars and groups.

Private to the collection. Pure: no Ansible, no SDK, no I/O. The inventory
plugin ``siterecovery.vmware.asr_items`` reads the items and hands them here;
the facts come from ``_asr_items.item_facts``, the same the modules return.
"""

from __future__ import annotations

import re

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_items import item_facts

DEFAULT_GROUP_PREFIX = "asr_"
GROUP_PREFIX = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)?$")

# Host var -> item fact. Names the roles also set as variables of their own
# (asr_item, asr_stage, asr_job, ...) are left alone on purpose.
HOST_VAR_FACTS = (
    ("asr_item_name", "name"),
    ("asr_item_id", "id"),
    ("asr_friendly_name", "friendly_name"),
    ("asr_provider", "provider"),
    ("asr_generation", "generation"),
    ("asr_running_in", "running_in"),
    ("asr_replicates_to_azure", "replicates_to_azure"),
    ("asr_item_stage", "stage"),
    ("asr_next_step", "next_step"),
    ("asr_next_stages", "next_stages"),
    ("asr_protection_state", "protection_state"),
    ("asr_protection_state_description", "protection_state_description"),
    ("asr_active_location", "active_location"),
    ("asr_replication_health", "replication_health"),
    ("asr_failover_health", "failover_health"),
    ("asr_health_errors", "health_errors"),
    ("asr_allowed_operations", "allowed_operations"),
    ("asr_current_job", "current_job"),
    ("asr_resync_required", "resync_required"),
    ("asr_multi_vm_group", "multi_vm_group"),
    ("asr_fabric_name", "fabric"),
    ("asr_container", "container"),
    ("asr_policy", "policy"),
    ("asr_recovery_vm", "recovery_vm"),
    ("asr_last_failover_time", "last_failover_time"),
    ("asr_os_type", "os_type"),
    ("asr_os_version", "os_version"),
    ("asr_ip_address", "ip_address"),
    ("asr_rpo_seconds", "rpo_seconds"),
    ("asr_last_recovery_point", "last_recovery_point"),
)

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def group_part(value, camel=False):
    """``value`` as part of a group name: lower case letters, digits and single underscores; '' when nothing is left.

    ``camel`` splits CamelCase words first (UnplannedFailoverCommitted -> unplanned_failover_committed).
    """
    text = str(value or "")
    if camel:
        text = _CAMEL_BOUNDARY.sub("_", text)
    return _NOT_WORD.sub("_", text.lower()).strip("_")


def check_group_prefix(prefix):
    """A problem with the group prefix, as a sentence, or None."""
    if not GROUP_PREFIX.match(prefix or ""):
        return "group_prefix %r is not usable in group names: letters, digits and underscores, not starting with a digit" % prefix
    return None


def host_vars(item, vault=None):
    """The host vars of one item: its facts under asr_* names, plus the vault (resource_group, vault_name) it was read from."""
    facts = item_facts(item)
    variables = dict((var, facts.get(fact)) for var, fact in HOST_VAR_FACTS)
    # The on-premises fabric (configuration server or appliance) by the name the portal shows; ASR names
    # it primaryFabricFriendlyName for every provider, in both directions (recordings).
    variables["asr_fabric"] = (item.get("properties") or {}).get("primaryFabricFriendlyName") or facts["fabric"]
    if vault:
        variables["asr_resource_group"] = vault.get("resource_group")
        variables["asr_vault_name"] = vault.get("vault_name")
    return variables


def group_names(variables, prefix=DEFAULT_GROUP_PREFIX):
    """The groups a host with these host vars belongs to, ``prefix`` first; parts with nothing left after sanitising make no group."""
    parts = [
        ("items", "items"),
        ("running_in_", group_part(variables.get("asr_running_in"))),
        ("state_", group_part(variables.get("asr_protection_state"), camel=True)),
        ("provider_", group_part(variables.get("asr_provider"))),
        ("generation_", group_part(variables.get("asr_generation"))),
        ("health_", group_part(variables.get("asr_replication_health"), camel=True)),
        ("group_", group_part(variables.get("asr_multi_vm_group"))),
        ("fabric_", group_part(variables.get("asr_fabric"))),
    ]
    return [prefix + kind + ("" if kind == value else value) for kind, value in parts if value]


def inventory_hosts(items, vault=None, prefix=DEFAULT_GROUP_PREFIX):
    """(hosts, warnings) for a vault's items; ``hosts`` is a list of (host name, host vars, groups) sorted by name.

    A host is named after the machine (the item's friendly name). Machines that
    share a friendly name are named by their items' names instead, so that no
    host hides another, and a warning says so.
    """
    rows = [(item, host_vars(item, vault)) for item in items]
    counts = {}
    for _item, variables in rows:
        key = (variables["asr_friendly_name"] or variables["asr_item_name"]).lower()
        counts[key] = counts.get(key, 0) + 1
    hosts, warnings = [], []
    for _item, variables in rows:
        name = variables["asr_friendly_name"] or variables["asr_item_name"]
        if counts[name.lower()] > 1:
            warnings.append("%d replicated items are named %r: the host of item %s is named %s" % (
                counts[name.lower()], name, variables["asr_item_id"], variables["asr_item_name"]))
            name = variables["asr_item_name"]
        hosts.append((name, variables, group_names(variables, prefix)))
    hosts.sort(key=lambda host: host[0].lower())
    return hosts, warnings
