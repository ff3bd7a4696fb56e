# -*- coding: utf-8 -*-
"""asr_process_server's workflow (_process_server_task.run) through the real Site Recovery SDK: the vault's fabrics are the
recorded ones (tests/fixtures/recordings: PwsTestCS with its process servers, the modernized Rcm-Vault-150 appliance); the Azure
network and the template deployment are Resource Manager's answers as the test gives them. Checks, refusals, and the one PUT of
a deployment, never in check mode."""

from __future__ import annotations

import pytest
from recorded_vault import Failed, RecordedSession

from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError
from ansible_collections.siterecovery.vmware.plugins.module_utils._process_server_task import run

SUBSCRIPTION = "b8aef8e1-37df-4f17-a537-f10e183c8eca"
VAULT = "/subscriptions/%s/resourceGroups/PwsTestRG/providers/Microsoft.RecoveryServices/vaults/PwsTestVault" % SUBSCRIPTION
GROUP = "/subscriptions/%s/resourceGroups/rg-dr-recovery" % SUBSCRIPTION
NETWORK = GROUP + "/providers/Microsoft.Network/virtualNetworks/vnet-dr"
DEPLOYMENT = GROUP + "/providers/Microsoft.Resources/deployments/asr-process-server-ps-azure-01"
VNET = {"id": NETWORK, "name": "vnet-dr", "location": "westeurope", "properties": {
    "addressSpace": {"addressPrefixes": ["10.150.0.0/16"]}, "subnets": [{"name": "default", "id": NETWORK + "/subnets/default"}]}}
# The recorded heartbeats are from 2021: an age of 10**8 minutes (190 years) lets them pass, the default of 15 does not.
FOREVER = 10 ** 8
DEPLOY = dict(state="present", location="azure", link="vpn", name="ps-azure-01", azure_network="vnet-dr", azure_resource_group="rg-dr-recovery",
              subnet="default", admin_username="psadmin", admin_password="Lab-Passw0rd-ps!", image=dict(publisher="p", offer="o", sku="s"))


def routes(recording, *fabrics):
    return {
        VAULT + "/replicationFabrics": (200, {"value": [recording(name) for name in fabrics or ("classic_fabric.json",)]}),
        NETWORK: (200, VNET),
        ("PUT", DEPLOYMENT): (201, {"id": DEPLOYMENT, "name": DEPLOYMENT.rsplit("/", 1)[1], "properties": {"provisioningState": "Accepted"}}),
    }


def params(**changes):
    values = dict(subscription_id=SUBSCRIPTION, resource_group="PwsTestRG", vault_name="PwsTestVault", fabric=None, name=None, location=None,
                  link=None, state="validated", max_heartbeat_age=15, min_free_space_percent=25, azure_network=None, azure_resource_group=None,
                  subnet=None, ip_address=None, vm_name=None, vm_size="Standard_A8_v2", admin_username=None, admin_password=None, image=None,
                  deployment_name=None, wait=True, wait_timeout=3600, wait_sleep=30)
    values.update(changes)
    return values


def statuses(checks):
    return dict((c["name"], c["status"]) for c in checks)


def test_the_recorded_configuration_servers_process_server_is_fit(monkeypatch, recording):
    asr = RecordedSession(monkeypatch, routes(recording), params(name="PwsTestCS", location="onprem", max_heartbeat_age=FOREVER))
    result = run(asr)
    assert result["changed"] is False and result["generation"] == "classic" and result["process_server"]["name"] == "PwsTestCS"
    assert result["msg"].startswith("process server PwsTestCS (") and "is fit for reprotect and failback" in result["msg"]
    assert "fail" not in statuses(result["checks"]).values()
    assert sorted(s["name"] for s in result["process_servers"]) == ["PwsTestCS", "V2A-PS-200"]
    assert asr.answers.writes() == []


@pytest.mark.parametrize("changes, failed, says", [
    (dict(name="V2A-PS-200", max_heartbeat_age=FOREVER), "free_space", "V2A-PS-200"),  # 8.8 % free of its cache volume, 25 % asked
    (dict(name="PwsTestCS"), "heartbeat", "PwsTestCS"),  # the recorded heartbeat is years old
])
def test_a_process_server_that_is_not_fit_fails_with_every_check(monkeypatch, recording, changes, failed, says):
    asr = RecordedSession(monkeypatch, routes(recording), params(location="onprem", **changes))
    with pytest.raises(Failed) as caught:
        run(asr)
    assert caught.value.error.code == "ProcessServerNotFit" and says in caught.value.error.message
    assert statuses(caught.value.result["checks"])[failed] == "fail", caught.value.result["checks"]
    assert asr.answers.writes() == []


def test_check_mode_says_what_it_would_deploy_and_sends_nothing(monkeypatch, recording):
    asr = RecordedSession(monkeypatch, routes(recording), params(**DEPLOY), check_mode=True)
    result = run(asr)
    assert result["changed"] is True and result["process_server"] is None
    assert result["msg"].startswith("would deploy process server VM ps-azure-01 (deployment asr-process-server-ps-azure-01 in resource group "
                                    "rg-dr-recovery); it has not registered yet.")
    assert asr.answers.writes() == []
    assert ("GET", DEPLOYMENT, "2024-03-01") in asr.answers.sent  # read: not deployed yet (404)


def test_a_deployment_is_put_once_into_the_networks_region_and_its_secret_not_returned(monkeypatch, recording):
    asr = RecordedSession(monkeypatch, routes(recording), params(wait=False, **DEPLOY))
    result = run(asr)
    assert asr.answers.writes() == [("PUT", DEPLOYMENT)]
    _method, _path, body = asr.answers.bodies[0]
    assert body["properties"]["mode"] == "Incremental" and "westeurope" in str(body) and NETWORK + "/subnets/default" in str(body)
    assert result["changed"] is True and result["deployment"]["provisioning_state"] == "Accepted"
    assert result["msg"].startswith("deployed process server VM ps-azure-01") and "Lab-Passw0rd-ps!" not in str(result)


def test_a_modernized_appliance_has_no_process_server_in_azure(monkeypatch, recording):
    asr = RecordedSession(monkeypatch, routes(recording, "rcm_fabric.json"), params(location="azure", azure_network="vnet-dr",
                                                                                    azure_resource_group="rg-dr-recovery"))
    with pytest.raises(SiteRecoveryError) as refused:
        run(asr)
    assert refused.value.code == "NoAzureProcessServerInModernized"
    assert [path for _method, path, _version in asr.answers.sent] == [VAULT + "/replicationFabrics"]
