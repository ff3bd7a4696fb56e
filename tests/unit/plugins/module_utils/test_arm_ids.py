# -*- coding: utf-8 -*-
"""The forms of the ARM ids and names (_arm_ids), and the roles' variables checked with the same patterns."""

from __future__ import annotations

import pathlib

import pytest
import yaml
from ansible_collections.siterecovery.vmware.plugins.module_utils._arm_ids import ARM_IDS, arm_id_problem, ipv4_problem, resource_group_problem
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_compute import option_problems
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_spec import RESOURCE_GROUP_NAME, VAULT_NAME

ROOT = pathlib.Path(__file__).resolve().parents[4]
ACCOUNT = "/subscriptions/6d0b5f4e/resourceGroups/rg-dr/providers/Microsoft.Storage/storageAccounts/labcache"


@pytest.mark.parametrize("option, value, what, fragment", [
    ("log_storage_account_id", ACCOUNT, "storage account", None),
    ("log_storage_account_id", "labcache", "storage account",
     "log_storage_account_id 'labcache' is not the ARM id of a storage account (/subscriptions/ID/resourceGroups/GROUP/providers/"),
    ("log_storage_account_id", ACCOUNT.replace("labcache", "Lab_Cache"), "storage account", "is not the ARM id of a storage account"),
    ("network_id", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-dr", "virtual network", None),
    ("network_id", "vnet-dr", "virtual network", "network_id 'vnet-dr' is not the ARM id of a virtual network"),
    ("availability_set_id", "avset-01", "availability set", "is not the ARM id of an availability set"),
])
def test_arm_id_problem(option, value, what, fragment):
    found = arm_id_problem(option, value, what)
    assert (found is None) if fragment is None else (fragment in found), found


@pytest.mark.parametrize("value, fragment", [
    ("rg-dr", None), ("rg.dr(1)", None), ("/subscriptions/s/resourceGroups/rg-dr", None),
    ("rg dr!", "target_resource_group 'rg dr!' is not a valid resource group name"), ("rg-dr.", "not ending with a period"),
    ("/subscriptions/s/rg-dr", "is not the ARM id of a resource group"),
])
def test_resource_group_problem(value, fragment):
    found = resource_group_problem("target_resource_group", value)
    assert (found is None) if fragment is None else (fragment in found), found


def test_ipv4_and_the_item_options_together():
    assert ipv4_problem("static_ip", "10.0.1.25") is None
    assert "static_ip '10.0.0.999' is not an IPv4 address" in ipv4_problem("static_ip", "10.0.0.999")
    found = option_problems(dict(static_ip="10.0.0.999", network_id="vnet-dr", availability_set_id=None, target_resource_group="rg-dr"))
    assert [p.split(" ", 1)[0] for p in found] == ["network_id", "static_ip"]


def test_the_roles_check_their_variables_with_the_modules_patterns():
    [task] = yaml.safe_load((ROOT / "roles" / "asr" / "tasks" / "validate.yml").read_text())
    variables = task["vars"]
    assert variables["asr_storage_account_pattern"] == ARM_IDS["storage account"][0]
    assert variables["asr_resource_group_pattern"] == RESOURCE_GROUP_NAME.pattern
    assert variables["asr_vault_pattern"] == VAULT_NAME.pattern
