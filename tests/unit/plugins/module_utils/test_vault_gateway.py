# -*- coding: utf-8 -*-
"""The vault gateway (_vault_gateway.py): "404 means none" one way, the api-version table on every request, and the fabric
choice written once. The client is the real SiteRecoveryManagementClient, as _azure_auth builds it, over a transport that
answers each path as the test says."""

from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError
from recorded_vault import recorded_client

from ansible_collections.siterecovery.vmware.plugins.module_utils import _api_versions as versions
from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError
from ansible_collections.siterecovery.vmware.plugins.module_utils._fabric_facts import CONFIGURATION_SERVER, choose_fabric, named_fabrics
from ansible_collections.siterecovery.vmware.plugins.module_utils._vault_gateway import VaultGateway

SUBSCRIPTION = "b364ed8d-4279-4bf8-8fd1-56f8fa0ae05c"
VAULT = "/subscriptions/%s/resourceGroups/rg-dr/providers/Microsoft.RecoveryServices/vaults/vault-dr" % SUBSCRIPTION
GROUP = "/subscriptions/%s/resourceGroups/rg-dr" % SUBSCRIPTION
VM = GROUP + "/providers/Microsoft.Compute/virtualMachines/vm-dr"
NETWORK = GROUP + "/providers/Microsoft.Network/virtualNetworks/vnet-dr"
DEPLOYMENT = GROUP + "/providers/Microsoft.Resources/deployments/asr-process-server-ps1"
ITEM = VAULT + "/replicationFabrics/cs/replicationProtectionContainers/c1/replicationProtectedItems/gone"


@pytest.fixture
def gateway(monkeypatch):
    def make(routes):
        client, answers = recorded_client(monkeypatch, routes, SUBSCRIPTION)
        return VaultGateway(client, "rg-dr", "vault-dr", SUBSCRIPTION), answers
    return make


def test_a_404_is_none_for_what_is_looked_for(gateway):
    vault, transport = gateway({})
    assert vault.plan("missing") is None
    assert vault.azure_vm(VM) is None and vault.instance_view(VM) is None
    assert vault.deployment(DEPLOYMENT) is None
    assert vault.or_none(vault.network, NETWORK) is None
    assert len(transport.sent) == 5


def test_a_404_of_what_must_exist_is_an_error(gateway):
    vault, _transport = gateway({})
    with pytest.raises(HttpResponseError) as raised:
        vault.network(NETWORK)
    assert raised.value.status_code == 404
    with pytest.raises(SiteRecoveryError) as missing:
        vault.get_by_id(ITEM)
    assert missing.value.code == "ReplicatedItemNotFound" and "no replicated item has the id" in missing.value.message


def test_another_error_is_not_none(gateway):
    vault, _transport = gateway({VAULT + "/replicationRecoveryPlans/p1": (403, {"error": {"code": "AuthorizationFailed", "message": "no"}}),
                                 DEPLOYMENT: (403, {"error": {"code": "AuthorizationFailed", "message": "no"}})})
    for call in (lambda: vault.plan("p1"), lambda: vault.deployment(DEPLOYMENT)):
        with pytest.raises(HttpResponseError) as raised:
            call()
        assert raised.value.status_code == 403


def test_a_400_of_the_address_check_is_no_answer(gateway):
    vault, _transport = gateway({NETWORK + "/CheckIPAddressAvailability": (400, {"error": {"code": "PrivateIPAddressNotInAnySubnet", "message": "x"}})})
    assert vault.ip_available(NETWORK, "10.9.9.9") is None


def test_every_request_carries_the_table_version(gateway):
    vault, transport = gateway({
        VAULT: (200, {"location": "westeurope"}),
        VM: (200, {"id": VM, "name": "vm-dr"}),
        NETWORK: (200, {"id": NETWORK}),
        NETWORK + "/CheckIPAddressAvailability": (200, {"available": True}),
        "/subscriptions/%s/providers/Microsoft.Compute/locations/westeurope/usages" % SUBSCRIPTION: (200, {"value": []}),
        "/subscriptions/%s/providers/Microsoft.Compute/locations/westeurope/vmSizes" % SUBSCRIPTION: (200, {"value": [{"name": "Standard_D2s_v3"}]}),
        "/subscriptions/%s/providers/Microsoft.Compute/skus" % SUBSCRIPTION: (200, {"value": []}),
        DEPLOYMENT: (200, {"id": DEPLOYMENT}),
        "/site/runasaccounts": (200, {"value": [{"id": "/site/runasaccounts/a1"}]}),
        VAULT + "/replicationPolicies": (200, {"value": []}),
    })
    assert vault.vault_location() == "westeurope"
    assert vault.azure_vm(VM, expand="instanceView")["name"] == "vm-dr"
    assert vault.network(NETWORK)["id"] == NETWORK and vault.ip_available(NETWORK, "10.0.0.4") is True
    assert vault.usages("westeurope") == [] and vault.skus("westeurope") == []
    assert [s["name"] for s in vault.vm_sizes("westeurope")] == ["Standard_D2s_v3"]
    assert vault.deployment(DEPLOYMENT)["id"] == DEPLOYMENT and vault.put_deployment(DEPLOYMENT, {"properties": {}})["id"] == DEPLOYMENT
    assert vault.run_as_accounts("/site") == [{"id": "/site/runasaccounts/a1"}]
    assert vault.policies() == []
    by_path = dict((path.lower(), version) for _method, path, version in transport.sent)
    assert by_path[VAULT.lower()] == versions.RECOVERY_SERVICES
    assert by_path[(VAULT + "/replicationPolicies").lower()] == versions.RECOVERY_SERVICES  # the SDK's, set from the table
    assert by_path[VM.lower()] == versions.COMPUTE
    assert by_path[NETWORK.lower()] == by_path[(NETWORK + "/CheckIPAddressAvailability").lower()] == versions.NETWORK
    assert by_path["/subscriptions/%s/providers/microsoft.compute/skus" % SUBSCRIPTION] == versions.COMPUTE_SKUS
    assert by_path[DEPLOYMENT.lower()] == versions.RESOURCES and by_path["/site/runasaccounts"] == versions.OFFAZURE


@pytest.fixture
def fabrics(recording):
    azure = dict(name="Azure-fabric", id="/x/replicationFabrics/Azure-fabric",
                 properties=dict(friendlyName="West Europe", customDetails=dict(instanceType="Azure")))
    return [recording("classic_fabric.json"), recording("rcm_fabric.json"), azure]


def test_a_fabric_is_chosen_by_its_arm_or_friendly_name(fabrics):
    assert choose_fabric(fabrics, "pwstestcs", "vault-dr")["properties"]["friendlyName"] == "PwsTestCS"
    assert choose_fabric(fabrics, fabrics[0]["name"].upper(), "vault-dr") is fabrics[0]
    assert choose_fabric(fabrics, "Rcm-Vault-150-vmwarefabric", "vault-dr") is fabrics[1]


def test_without_a_name_the_only_onprem_fabric_is_chosen(fabrics):
    assert choose_fabric([fabrics[1], fabrics[2]], None, "vault-dr") is fabrics[1]  # an Azure fabric is not on premises
    assert choose_fabric(fabrics, None, "vault-dr", CONFIGURATION_SERVER) is fabrics[0]  # a master target's: the configuration server
    assert choose_fabric([fabrics[1], fabrics[2]], None, "vault-dr", CONFIGURATION_SERVER) is None  # none: the caller says what that means


def test_several_onprem_fabrics_need_a_name(fabrics):
    with pytest.raises(SiteRecoveryError) as raised:
        choose_fabric(fabrics, "", "vault-dr")
    assert raised.value.code == "FabricAmbiguous" and "set fabric" in raised.value.message
    assert "PwsTestCS" in raised.value.message and "Rcm-Vault-150-vmwarefabric" in raised.value.message


def test_a_name_that_matches_none_lists_the_fabrics(fabrics):
    with pytest.raises(SiteRecoveryError) as raised:
        choose_fabric(fabrics, "West Europe", "vault-dr")  # the Azure fabric is not one a task on premises works with
    assert raised.value.code == "FabricNotFound"
    assert raised.value.message.startswith("No fabric named 'West Europe' in vault vault-dr; it has: ") and "West Europe" not in raised.value.message[40:]
    with pytest.raises(SiteRecoveryError) as listed:
        named_fabrics(fabrics, "cs-nowhere", "vault-dr")
    assert "Azure-fabric (West Europe)" in listed.value.message


def test_named_fabrics_without_a_name_is_every_fabric(fabrics):
    assert named_fabrics(fabrics, None, "vault-dr") == fabrics
    assert named_fabrics(fabrics, "west europe", "vault-dr") == [fabrics[2]]
