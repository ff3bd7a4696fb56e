# -*- coding: utf-8 -*-
"""The lab's Entra ID and Resource Manager, through the real azure-identity and ASR SDK clients."""

from __future__ import annotations

import pytest
import requests
from asr_client import AUDIENCE, client, credential
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError, ResourceNotFoundError
from azure.mgmt.recoveryservicessiterecovery.models import InMageRcmFabricSpecificDetails, VMwareDetails


def get(lab, path, token=None, **params):
    headers = {"Authorization": "Bearer " + token} if token else {}
    return requests.get(lab.arm_endpoint.rstrip("/") + path, params=params, headers=headers, verify=lab.ca_bundle, timeout=10)


def test_token_flow(lab):
    token = credential(lab).get_token(AUDIENCE)
    assert token.token
    assert token.expires_on > 0


@pytest.mark.parametrize(
    "changes, code",
    [
        (dict(client_secret="wrong"), "AADSTS7000215"),
        (dict(client_id="99999999-9999-9999-9999-999999999999"), "AADSTS700016"),
    ],
)
def test_token_errors_carry_aadsts_codes(lab, changes, code):
    with pytest.raises(ClientAuthenticationError, match=code):
        credential(lab, **changes).get_token(AUDIENCE)


def test_wrong_audience_is_refused(lab):
    with pytest.raises(ClientAuthenticationError, match="AADSTS500011"):
        credential(lab).get_token("https://management.azure.com/.default")


def test_unknown_tenant_discovery_answers_entra_error(lab):
    answer = requests.get(lab.authority_host + "contoso.example/v2.0/.well-known/openid-configuration",
                          verify=lab.ca_bundle, timeout=10)
    assert answer.status_code == 400
    assert answer.json()["error_codes"] == [90002]
    assert answer.json()["error_description"].startswith("AADSTS90002: Tenant 'contoso.example' not found.")


@pytest.mark.parametrize("api_version", ["2022-09-01", "2019-05-01"])
def test_metadata_azure_form(lab, api_version):
    [cloud] = requests.get(lab.arm_endpoint + "metadata/endpoints", params={"api-version": api_version},
                           verify=lab.ca_bundle, timeout=10).json()
    assert cloud["resourceManager"] == lab.arm_endpoint
    assert cloud["authentication"]["loginEndpoint"].rstrip("/") == lab.authority_host.rstrip("/")


def test_metadata_stack_hub_form(lab):
    document = requests.get(lab.arm_endpoint + "metadata/endpoints", params={"api-version": "1.0"},
                            verify=lab.ca_bundle, timeout=10).json()
    assert "resourceManager" not in document
    assert document["authentication"]["audiences"][0] == "https://management.siterecovery.lab"


def test_arm_without_token_is_401_with_arm_body(lab):
    answer = get(lab, "/subscriptions/%s/resourceGroups/rg-dr/providers/Microsoft.RecoveryServices/vaults/vault-dr/replicationFabrics"
                 % lab.subscription_id, **{"api-version": "2025-08-01"})
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "AuthenticationFailed"
    assert answer.headers["WWW-Authenticate"].startswith("Bearer authorization_uri=")


def test_arm_with_an_unknown_token_is_401(lab):
    answer = get(lab, "/subscriptions/%s/resourceGroups/rg-dr" % lab.subscription_id, token="forged", **{"api-version": "2025-08-01"})
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "InvalidAuthenticationToken"


def test_api_version_is_required_and_checked(lab):
    token = credential(lab).get_token(AUDIENCE).token
    path = "/subscriptions/%s/resourceGroups/rg-dr/providers/Microsoft.RecoveryServices/vaults/vault-dr/replicationFabrics" % lab.subscription_id
    assert get(lab, path, token=token).json()["error"]["code"] == "MissingApiVersionParameter"
    answer = get(lab, path, token=token, **{"api-version": "1999-01-01"})
    assert answer.status_code == 400
    assert "2025-08-01" in answer.json()["error"]["message"]
    # An older version from the recordings is still answered.
    assert get(lab, path, token=token, **{"api-version": "2018-07-10"}).status_code == 200


def test_fabrics_deserialize_into_the_sdk_provider_classes(lab, modernized_lab):
    [classic] = list(client(lab).replication_fabrics.list(lab.resource_group, lab.vault_name))
    assert isinstance(classic.properties.custom_details, VMwareDetails)
    assert classic.properties.custom_details.master_target_servers[0].retention_volumes[0].volume_name == "E"
    [modern] = list(client(modernized_lab).replication_fabrics.list(modernized_lab.resource_group, modernized_lab.vault_name))
    assert isinstance(modern.properties.custom_details, InMageRcmFabricSpecificDetails)
    assert modern.properties.custom_details.reprotect_agents[0].accessible_datastores == ["ds-vmfs-01", "ds-vmfs-02"]
    again = client(modernized_lab).replication_fabrics.get(modernized_lab.resource_group, modernized_lab.vault_name, modern.name.upper())
    assert again.id == modern.id


@pytest.mark.parametrize(
    "group, vault, code",
    [("rg-dr", "vault-nope", "ResourceNotFound"), ("rg-nope", "vault-dr", "ResourceGroupNotFound")],
)
def test_missing_vault_or_group_is_404(lab, group, vault, code):
    with pytest.raises(ResourceNotFoundError) as raised:
        list(client(lab).replication_fabrics.list(group, vault))
    assert raised.value.error.code == code


def test_unknown_fabric_is_404(lab):
    with pytest.raises(HttpResponseError) as raised:
        client(lab).replication_fabrics.get(lab.resource_group, lab.vault_name, "no-such-fabric")
    assert raised.value.status_code == 404


def test_requests_are_counted(lab):
    before = len(requests.get(lab.control_url + "/requests", verify=lab.ca_bundle, timeout=10).json())
    list(client(lab).replication_fabrics.list(lab.resource_group, lab.vault_name))
    made = requests.get(lab.control_url + "/requests", verify=lab.ca_bundle, timeout=10).json()
    assert len(made) == before + 1
    assert made[-1]["method"] == "GET" and made[-1]["path"].endswith("/replicationFabrics") and made[-1]["status"] == 200
