# -*- coding: utf-8 -*-
from __future__ import annotations

import pathlib

import pytest
import yaml
from azure.identity import AzureCliCredential, ChainedTokenCredential, ClientSecretCredential, ManagedIdentityCredential

from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_auth import (
    COLLECTION_VERSION,
    build_credential,
    build_site_recovery_client,
    credential_kind,
    missing_libraries,
)
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_cloud import KNOWN_CLOUDS, CloudEndpoints

SP = dict(client_id="aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", secret="s3cret", tenant="contoso.onmicrosoft.com")
LAB = CloudEndpoints("Lab", "https://127.0.0.1:8443/", "https://127.0.0.1:8443/", "https://management.lab.local", False)


@pytest.mark.parametrize(
    "params, kind",
    [
        (dict(SP, auth_source="auto"), "service_principal"),
        (dict(auth_source="auto"), "cli_then_msi"),
        (dict(SP, auth_source="env"), "service_principal"),
        (dict(SP, auth_source="cli"), "cli"),
        (dict(auth_source="msi", client_id=SP["client_id"]), "msi"),
        (dict(auth_source=None), "cli_then_msi"),
    ],
)
def test_credential_kind(params, kind):
    assert credential_kind(params) == kind


@pytest.mark.parametrize(
    "params, expected",
    [
        (dict(SP, auth_source="auto"), ClientSecretCredential),
        (dict(auth_source="cli"), AzureCliCredential),
        (dict(auth_source="msi"), ManagedIdentityCredential),
        (dict(auth_source="auto"), ChainedTokenCredential),
    ],
)
def test_build_credential_types(params, expected):
    assert isinstance(build_credential(params, KNOWN_CLOUDS["azurecloud"]), expected)


def test_client_aims_at_the_cloud_with_its_audience():
    client = build_site_recovery_client(build_credential(dict(SP, auth_source="env"), LAB), "sub", LAB)
    assert client._config.base_url == "https://127.0.0.1:8443/"
    assert client._config.credential_scopes == ["https://management.lab.local/.default"]
    assert client._config.api_version == "2025-08-01"
    assert "ansible-siterecovery.vmware" in client._config.user_agent_policy.user_agent


def test_sdks_are_present_in_the_test_environment():
    assert missing_libraries() == []


def test_user_agent_version_is_the_collection_version():
    galaxy = yaml.safe_load((pathlib.Path(__file__).resolve().parents[4] / "galaxy.yml").read_text())
    assert COLLECTION_VERSION == galaxy["version"]
