# -*- coding: utf-8 -*-
"""asr_fabric_info's own logic, with the SDK client replaced by one that answers recorded fabrics."""

from __future__ import annotations

import json

import pytest
from ansible.module_utils.testing import patch_module_args
from azure.mgmt.recoveryservicessiterecovery.models import Fabric, VCenter

from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_module import AsrModule
from ansible_collections.siterecovery.vmware.plugins.modules import asr_fabric_info

ARGS = dict(
    subscription_id="b364ed8d-4279-4bf8-8fd1-56f8fa0ae05c",
    client_id="aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
    secret="do-not-print-me",
    tenant="72f988bf-86f1-41af-91ab-2d7cd011db47",
    resource_group="V2A-ECY",
    vault_name="Rcm-Vault-150",
)


class FakeClient:
    """Stands in for SiteRecoveryManagementClient: records the calls, answers SDK models."""

    def __init__(self, fabrics):
        self.calls = []
        self.replication_fabrics = self
        self.replicationv_centers = self
        self._fabrics = fabrics

    def list(self, resource_group, vault_name):
        self.calls.append((resource_group, vault_name))
        return iter(self._fabrics)

    def list_by_replication_fabrics(self, resource_group, vault_name, fabric):
        self.calls.append((resource_group, vault_name, fabric))
        return iter([VCenter({"name": "vc1", "id": "/x/replicationvCenters/vc1", "properties": {
            "friendlyName": "vc1", "ipAddress": "10.0.0.5", "port": "443", "discoveryStatus": "Completed", "healthErrors": []}})])


@pytest.fixture
def fake_client(monkeypatch, recording):
    client = FakeClient([Fabric(recording("classic_fabric.json")), Fabric(recording("rcm_fabric.json"))])
    monkeypatch.setattr(AsrModule, "client", property(lambda self: client))
    return client


def run(capsys, **args):
    with patch_module_args(dict(ARGS, **args)):
        with pytest.raises(SystemExit) as exited:
            asr_fabric_info.main()
    out = capsys.readouterr().out
    return exited.value.code, json.loads(out), out


def test_lists_every_fabric(capsys, fake_client):
    code, result, out = run(capsys)
    assert code == 0
    assert result["changed"] is False
    assert [f["generation"] for f in result["fabrics"]] == ["classic", "modernized"]
    assert result["vault_id"].endswith("/resourceGroups/V2A-ECY/providers/Microsoft.RecoveryServices/vaults/Rcm-Vault-150")
    assert fake_client.calls[0] == ("V2A-ECY", "Rcm-Vault-150")
    assert len(fake_client.calls) == 3  # the list, then the vCenters of each of the two fabrics
    assert result["fabrics"][0]["vcenters"] == [dict(id="/x/replicationvCenters/vc1", name="vc1", ip_address="10.0.0.5", port="443",
                                                     discovery_status="Completed", health_errors=[])]
    assert "do-not-print-me" not in out


def test_one_fabric_by_friendly_name(capsys, fake_client):
    code, result, _out = run(capsys, name="pwstestcs")
    assert code == 0
    assert [f["friendly_name"] for f in result["fabrics"]] == ["PwsTestCS"]


def test_unknown_fabric_lists_the_ones_there_are(capsys, fake_client):
    code, result, _out = run(capsys, name="cs-nowhere")
    assert code == 1
    assert "No fabric named 'cs-nowhere' in vault Rcm-Vault-150" in result["msg"]
    assert "Rcm-Vault-150-vmwarefabric (Rcm-Vault-150-vmwarefabric)" in result["msg"]
    assert result["error"]["code"] == "FabricNotFound"


def test_bad_input_fails_before_any_request(capsys, fake_client):
    code, result, _out = run(capsys, vault_name="1-not-a-vault", subscription_id="nope")
    assert code == 1
    assert "vault_name '1-not-a-vault' is not a valid vault name" in result["msg"]
    assert "subscription_id 'nope' is not a subscription id" in result["msg"]
    assert fake_client.calls == []


def test_environment_fills_the_vault_options(capsys, fake_client, monkeypatch):
    monkeypatch.setenv("ASR_RESOURCE_GROUP", "rg-from-env")
    monkeypatch.setenv("ASR_VAULT_NAME", "vault-from-env")
    args = dict(ARGS)
    del args["resource_group"], args["vault_name"]
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            asr_fabric_info.main()
    capsys.readouterr()
    assert fake_client.calls[0] == ("rg-from-env", "vault-from-env")
