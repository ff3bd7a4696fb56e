# -*- coding: utf-8 -*-
"""The asr_items inventory's pure parts on recorded items: host names, host vars, groups."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_items import item_facts
from ansible_collections.siterecovery.vmware.plugins.module_utils._inventory_facts import (
    check_group_prefix,
    group_names,
    group_part,
    host_vars,
    inventory_hosts,
)

VAULT = dict(resource_group="rg-dr", vault_name="vault-dr")


@pytest.mark.parametrize("value, camel, expected", [
    ("UnplannedFailoverCommitted", True, "unplanned_failover_committed"),
    ("UnplannedFailoverCommitPendingStatesBegin", True, "unplanned_failover_commit_pending_states_begin"),
    ("VMNotFound", True, "vm_not_found"),
    ("InMageAzureV2", False, "inmageazurev2"),
    ("app-tier", False, "app_tier"),
    ("cs-lab-01", False, "cs_lab_01"),
    ("  Tier 1 / SQL (prod)  ", False, "tier_1_sql_prod"),
    ("--", False, ""),
    (None, False, ""),
])
def test_group_part(value, camel, expected):
    assert group_part(value, camel=camel) == expected


@pytest.mark.parametrize("prefix, ok", [("asr_", True), ("", True), ("dr", True), ("_x1", True), ("dr-", False), ("1dr_", False), ("d r", False)])
def test_group_prefix(prefix, ok):
    problem = check_group_prefix(prefix)
    assert (problem is None) is ok
    if not ok:
        assert repr(prefix) in problem


def test_host_vars_of_a_classic_item(recording):
    item = recording("classic_item_inmageazurev2.json")
    variables = host_vars(item, VAULT)
    facts = item_facts(item)
    assert variables["asr_item_name"] == "V2A-W2K16-201-new" and variables["asr_item_id"] == item["id"]
    assert variables["asr_friendly_name"] == "V2A-W2K16-201"
    assert (variables["asr_provider"], variables["asr_generation"], variables["asr_running_in"]) == ("InMageAzureV2", "classic", "onprem")
    assert (variables["asr_protection_state"], variables["asr_replication_health"], variables["asr_item_stage"]) == ("Protected", "Normal", "replicating")
    assert variables["asr_allowed_operations"] == item["properties"]["allowedOperations"]
    assert variables["asr_health_errors"] == facts["health_errors"]
    assert variables["asr_recovery_vm"]["size"] == "Standard_F2s_v2" and variables["asr_recovery_vm"]["subnet"] == "subnet1"
    # The fabric by the name the portal shows; its ARM name beside it.
    assert variables["asr_fabric"] == "PwsTestCS" and variables["asr_fabric_name"] == facts["fabric"] != "PwsTestCS"
    assert (variables["asr_resource_group"], variables["asr_vault_name"]) == ("rg-dr", "vault-dr")
    # No connection variable, and none of the names the roles keep for themselves.
    assert not [name for name in variables if name.startswith("ansible_")]
    assert not {"asr_item", "asr_stage", "asr_job", "asr_status"} & set(variables)


def test_host_vars_of_modernized_items(recording):
    committed = host_vars(recording("rcm_item_committed.json"))
    assert (committed["asr_provider"], committed["asr_generation"], committed["asr_running_in"]) == ("InMageRcm", "modernized", "azure")
    assert committed["asr_item_stage"] == "committed" and committed["asr_fabric"] == "Rcm-Vault-150-vmwarefabric"
    assert "asr_vault_name" not in committed
    failback = host_vars(recording("rcm_failback_item.json"))
    assert (failback["asr_provider"], failback["asr_running_in"]) == ("InMageRcmFailback", "azure")
    assert failback["asr_recovery_vm"] is None  # the failback provider has no Azure VM to create


def test_groups(recording):
    assert group_names(host_vars(recording("rcm_item_committed.json"))) == [
        "asr_items", "asr_running_in_azure", "asr_state_unplanned_failover_committed", "asr_provider_inmagercm",
        "asr_generation_modernized", "asr_health_normal", "asr_fabric_rcm_vault_150_vmwarefabric",
    ]
    variables = host_vars(recording("classic_item_inmage.json"))
    variables["asr_multi_vm_group"] = "App-Tier 1"
    variables["asr_replication_health"] = "Critical"
    assert group_names(variables, prefix="dr_") == [
        "dr_items", "dr_running_in_azure", "dr_state_protected", "dr_provider_inmage", "dr_generation_classic",
        "dr_health_critical", "dr_group_app_tier_1", "dr_fabric_pwstestcs",
    ]
    variables["asr_multi_vm_group"] = None
    variables["asr_fabric"] = "---"
    assert [g for g in group_names(variables, prefix="") if g.startswith(("group_", "fabric_"))] == []
    assert group_names(variables, prefix="")[0] == "items"


def test_hosts_named_after_the_machines(recording):
    classic = recording("classic_item_inmageazurev2.json")
    modernized = recording("rcm_item_committed.json")
    hosts, warnings = inventory_hosts([classic, modernized], VAULT)
    assert warnings == []
    assert [name for name, _vars, _groups in hosts] == ["Rcm-W2K19-152", "V2A-W2K16-201"]
    name, variables, groups = hosts[1]
    assert variables["asr_item_name"] == "V2A-W2K16-201-new" and "asr_running_in_onprem" in groups


def test_machines_sharing_a_name_are_named_by_their_items(recording):
    first = recording("rcm_item_committed.json")
    second = copy.deepcopy(first)
    second["name"] = "vcenter67_other"
    second["id"] = first["id"].rsplit("/", 1)[0] + "/vcenter67_other"
    second["properties"]["friendlyName"] = "rcm-w2k19-152"  # ASR compares names without case; so does the lookup
    hosts, warnings = inventory_hosts([first, second])
    assert sorted(name for name, _vars, _groups in hosts) == ["vcenter67_50158471-87c2-d4ad-caa2-abe22face6d8", "vcenter67_other"]
    assert len(warnings) == 2 and "2 replicated items are named" in warnings[0]
    unnamed = copy.deepcopy(first)
    unnamed["properties"]["friendlyName"] = None
    [(name, variables, _groups)], _warnings = inventory_hosts([unnamed])
    assert name == first["name"] and variables["asr_friendly_name"] is None
