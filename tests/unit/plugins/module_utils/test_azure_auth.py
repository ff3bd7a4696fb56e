# -*- coding: utf-8 -*-
from __future__ import annotations

import pathlib

import pytest
import yaml
from azure.identity import (
    AzureCliCredential,
    CertificateCredential,
    ClientSecretCredential,
    DefaultAzureCredential,
    ManagedIdentityCredential,
    WorkloadIdentityCredential,
)

from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_auth import (
    AUTH_ADVICE,
    COLLECTION_VERSION,
    auth_advice,
    build_credential,
    build_site_recovery_client,
    credential_kind,
    missing_libraries,
)
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_cloud import KNOWN_CLOUDS, CloudEndpoints

SP = dict(client_id="aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", secret="s3cret", tenant="contoso.onmicrosoft.com")
LAB = CloudEndpoints("Lab", "https://127.0.0.1:8443/", "https://127.0.0.1:8443/", "https://management.lab.local", False)


CERT = dict(client_id=SP["client_id"], tenant=SP["tenant"], client_certificate_path="/etc/pki/sp.pem")
FEDERATED = dict(client_id=SP["client_id"], tenant=SP["tenant"], federated_token_file="/var/run/secrets/azure/tokens/azure-identity-token")


@pytest.mark.parametrize(
    "params, kind",
    [
        (dict(SP, auth_source="auto"), "secret"),
        (dict(CERT, auth_source="auto"), "certificate"),
        (dict(FEDERATED, auth_source="auto"), "workload_identity"),
        (dict(SP, client_certificate_path="/etc/pki/sp.pem", auth_source="auto"), "secret"),  # azure-identity's order too
        (dict(auth_source="auto"), "default"),
        (dict(auth_source="auto", client_id=SP["client_id"]), "default"),  # a user-assigned managed identity, say
        (dict(SP, auth_source="env"), "secret"),
        (dict(CERT, auth_source="env"), "certificate"),
        (dict(SP, auth_source="credential_file", credentials_from="default"), "secret"),
        (dict(auth_source="auto", credentials_from="prod", **CERT), "certificate"),
        (dict(SP, auth_source="cli"), "cli"),
        (dict(auth_source="msi", client_id=SP["client_id"]), "msi"),
        (dict(FEDERATED, auth_source="workload_identity"), "workload_identity"),
        (dict(auth_source=None), "default"),
    ],
)
def test_credential_kind(params, kind):
    assert credential_kind(params) == kind


def test_build_credential_types(tmp_path):
    token = tmp_path / "token"
    token.write_text("header.payload.signature")
    cases = [
        (dict(SP, auth_source="auto"), ClientSecretCredential),
        (dict(FEDERATED, federated_token_file=str(token), auth_source="auto"), WorkloadIdentityCredential),
        (dict(auth_source="cli"), AzureCliCredential),
        (dict(auth_source="msi"), ManagedIdentityCredential),
        (dict(auth_source="auto"), DefaultAzureCredential),
    ]
    for params, expected in cases:
        assert isinstance(build_credential(params, KNOWN_CLOUDS["azurecloud"]), expected)
        assert isinstance(build_credential(params, LAB), expected)


def test_a_certificate_credential_reads_its_file(tmp_path):
    from cryptography import x509  # pylint: disable=import-outside-toplevel
    from cryptography.hazmat.primitives import hashes, serialization  # pylint: disable=import-outside-toplevel
    from cryptography.hazmat.primitives.asymmetric import rsa  # pylint: disable=import-outside-toplevel
    import datetime  # pylint: disable=import-outside-toplevel
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, "sp")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    path = tmp_path / "sp.pem"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
                     + cert.public_bytes(serialization.Encoding.PEM))
    assert isinstance(build_credential(dict(CERT, client_certificate_path=str(path), auth_source="env"), LAB), CertificateCredential)


@pytest.mark.parametrize("params, named", [
    (dict(auth_source="cli"), ["az login", "Azure CLI"]),
    (dict(auth_source="auto"), ["AZURE_CLIENT_ID", "AZURE_TENANT", "AZURE_SECRET", "AZURE_FEDERATED_TOKEN_FILE", "az login"]),
    (dict(SP, auth_source="auto"), ["tenant, client_id and secret"]),
    (dict(CERT, auth_source="auto"), ["client_certificate_path"]),
    (dict(FEDERATED, auth_source="auto"), ["federated_token_file", "api://AzureADTokenExchange"]),
    (dict(SP, auth_source="credential_file", credentials_from="prod"), ["profile [prod] of ~/.azure/credentials"]),
])
def test_advice_names_what_to_set_for_the_credential_chosen(params, named):
    advice = auth_advice(params)
    assert [n for n in named if n not in advice] == []
    if params.get("auth_source") == "cli":
        assert "secret" in advice and "tenant, client_id and secret" not in advice  # the CLI is what to fix, an SP the way out
    assert set(AUTH_ADVICE) == {"secret", "certificate", "workload_identity", "cli", "msi", "default"}


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
