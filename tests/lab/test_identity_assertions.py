# -*- coding: utf-8 -*-
"""The lab's Entra ID proves an app by its certificate or by a federated token, as Entra ID does, through the real
azure-identity credentials; the password grant is refused as for an account that must use multi-factor authentication."""

from __future__ import annotations

import pathlib
import sys
import time

import pytest
import requests
from asr_client import AUDIENCE, client
from azure.core.exceptions import ClientAuthenticationError
from azure.identity import CertificateCredential, ClientAssertionCredential, WorkloadIdentityCredential
from cryptography.hazmat.primitives import serialization
from labrunner import ROOT, control

if str(ROOT / "lab") not in sys.path:
    sys.path.insert(0, str(ROOT / "lab"))
from asrlab.assertions import sign_federated_token  # noqa: E402  pylint: disable=wrong-import-position


def _authority(lab):
    return dict(authority=lab.authority_host, disable_instance_discovery=True, connection_verify=lab.ca_bundle)


def last_grant(lab):
    return control(lab, "grants")[-1]


def test_a_certificate_gets_a_token_that_resource_manager_takes(lab):
    credential = CertificateCredential(lab.tenant_id, lab.client_id, lab.client_certificate_path, **_authority(lab))
    assert credential.get_token(AUDIENCE).token
    assert last_grant(lab)["grant"] == "certificate"
    assert list(client(lab, credential).replication_fabrics.list(lab.resource_group, lab.vault_name))


def test_a_certificate_whose_key_has_a_password(lab):
    credential = CertificateCredential(lab.tenant_id, lab.client_id, lab.client_certificate_with_password_path,
                                       password=lab.client_certificate_password, **_authority(lab))
    assert credential.get_token(AUDIENCE).token
    assert last_grant(lab)["grant"] == "certificate"


def test_a_certificate_not_registered_for_the_app_is_refused(lab, tmp_path):
    # The same key pair under another certificate has another thumbprint: not the one registered.
    from cryptography import x509  # pylint: disable=import-outside-toplevel
    from cryptography.hazmat.primitives import hashes  # pylint: disable=import-outside-toplevel
    pem = pathlib.Path(lab.client_certificate_path).read_bytes()
    key = serialization.load_pem_private_key(pem, None)
    original = x509.load_pem_x509_certificate(pem[pem.index(b"-----BEGIN CERTIFICATE-----"):])
    other = (x509.CertificateBuilder().subject_name(original.subject).issuer_name(original.issuer).public_key(key.public_key())
             .serial_number(x509.random_serial_number()).not_valid_before(original.not_valid_before_utc)
             .not_valid_after(original.not_valid_after_utc).sign(key, hashes.SHA256()))
    path = tmp_path / "other.pem"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
                     + other.public_bytes(serialization.Encoding.PEM))
    with pytest.raises(ClientAuthenticationError, match="AADSTS700027"):
        CertificateCredential(lab.tenant_id, lab.client_id, str(path), **_authority(lab)).get_token(AUDIENCE)


def test_a_federated_token_file_gets_a_token(lab):
    credential = WorkloadIdentityCredential(tenant_id=lab.tenant_id, client_id=lab.client_id, token_file_path=lab.federated_token_file,
                                            **_authority(lab))
    assert credential.get_token(AUDIENCE).token
    assert last_grant(lab)["grant"] == "federated"
    assert list(client(lab, credential).replication_fabrics.list(lab.resource_group, lab.vault_name))


def _issuer_key(lab):
    return serialization.load_pem_private_key(pathlib.Path(lab.federated_issuer_key_path).read_bytes(), None)


@pytest.mark.parametrize("claims, code", [
    (dict(subject="system:serviceaccount:other:default"), "AADSTS70021"),
    (dict(audience="api://SomethingElse"), "AADSTS70021"),
    (dict(lifetime=60, now=time.time() - 3600), "AADSTS700024"),
])
def test_federated_tokens_entra_id_would_refuse(lab, claims, code):
    issuer = lab.arm_endpoint + "workload-issuer"
    token = sign_federated_token(_issuer_key(lab), issuer, **claims)
    credential = ClientAssertionCredential(lab.tenant_id, lab.client_id, lambda: token, **_authority(lab))
    with pytest.raises(ClientAuthenticationError, match=code):
        credential.get_token(AUDIENCE)


def test_a_token_of_another_issuer_key_is_refused(lab):
    from cryptography.hazmat.primitives.asymmetric import rsa  # pylint: disable=import-outside-toplevel
    token = sign_federated_token(rsa.generate_private_key(public_exponent=65537, key_size=2048), lab.arm_endpoint + "workload-issuer")
    credential = ClientAssertionCredential(lab.tenant_id, lab.client_id, lambda: token, **_authority(lab))
    with pytest.raises(ClientAuthenticationError, match="AADSTS50013"):
        credential.get_token(AUDIENCE)


def test_the_password_grant_is_refused_for_multi_factor_authentication(lab):
    answer = requests.post(lab.authority_host + lab.tenant_id + "/oauth2/v2.0/token", verify=lab.ca_bundle, timeout=10, data=dict(
        grant_type="password", client_id=lab.client_id, username="ops@siterecovery.lab", password="x", scope=AUDIENCE))
    assert answer.status_code == 400
    assert answer.json()["error_codes"] == [50076]
