# -*- coding: utf-8 -*-
from __future__ import annotations

import pytest

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_compute import (
    current_settings,
    desired_settings,
    patch_body,
    problems,
)
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_items import item_facts
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_state import StateError

NETWORK = {"name": "vnet-dr", "properties": {"subnets": [{"name": "default", "properties": {"addressPrefix": "10.10.0.0/24"}}]}}
SIZES = ["Standard_D2s_v3", "Standard_F2s_v2"]


def test_patch_keeps_what_it_does_not_change(recording):
    item = recording("classic_item_inmageazurev2.json")
    current = current_settings(item_facts(item))
    desired = desired_settings(current, {"size": "Standard_D2s_v3", "static_ip": None})
    body = patch_body("InMageAzureV2", item["properties"], desired)["properties"]
    # The recorded SetRPI body's keys, with the item's current values where the task changed nothing.
    assert body["recoveryAzureVMName"] == "V2A-W2K16-201" and body["recoveryAzureVMSize"] == "Standard_D2s_v3"
    assert body["selectedRecoveryAzureNetworkId"].endswith("/virtualNetworks/PwsTestNw")
    assert body["vmNics"] == [{"nicId": "00:50:56:95:F8:F5", "ipConfigs": [{"recoverySubnetName": "subnet1", "recoveryStaticIPAddress": ""}],
                               "selectionType": "SelectedByUser"}]
    assert body["providerSpecificDetails"]["recoveryAzureV2ResourceGroupId"].endswith("/resourceGroups/PwsTestRG")


def test_rcm_patch(recording):
    item = recording("rcm_item_committed.json")
    desired = desired_settings(current_settings(item_facts(item)), {"static_ip": "10.10.0.9", "vm_name": "rcm152"})
    details = patch_body("InMageRcm", item["properties"], desired)["properties"]["providerSpecificDetails"]
    assert (details["targetVmName"], details["targetVmSize"]) == ("rcm152", "Standard_F2s_v2")
    assert details["vmNics"][0]["targetStaticIPAddress"] == "10.10.0.9" and details["vmNics"][0]["targetSubnetName"] == "Subnet1"


def test_failback_items_take_no_recovery_vm(recording):
    with pytest.raises(StateError):
        patch_body("InMageRcmFailback", recording("rcm_failback_item.json")["properties"], {})


def settings(**changes):
    base = dict(vm_name="vm-web-01", size="Standard_D2s_v3", network_id="/n", subnet="default", static_ip=None)
    base.update(changes)
    return base


@pytest.mark.parametrize(
    "changes, os_type, fragment",
    [
        (dict(vm_name="vm-web-01-in-azure"), "Windows", "is not a valid Windows VM name (1-15"),
        (dict(vm_name="bad name"), "Linux", "is not a valid Linux VM name"),
        (dict(size="Standard_Z9"), "Windows", "size 'Standard_Z9' is not offered"),
        (dict(subnet="app"), "Windows", "subnet 'app' is not in network vnet-dr; its subnets: default"),
        (dict(static_ip="10.10.1.5"), "Windows", "static_ip 10.10.1.5 is not a usable address of subnet default"),
        (dict(static_ip="10.10.0.2"), "Windows", "static_ip 10.10.0.2 is not a usable address"),
        (dict(static_ip="ten"), "Windows", "static_ip 'ten'"),
    ],
)
def test_what_azure_would_refuse(changes, os_type, fragment):
    found = problems(settings(**changes), os_type, SIZES, NETWORK)
    assert len(found) == 1 and fragment in found[0], found


def test_good_settings_and_a_missing_network():
    assert problems(settings(static_ip="10.10.0.4"), "Windows", SIZES, NETWORK) == []
    assert problems(settings(), "Linux", SIZES, None) == ["network /n does not exist"]
