"""The lab app registration's other credentials: a certificate, and a federated identity (workload identity).

Entra ID lets one application prove itself three ways; the lab's app has all three:

- a client secret (``identity.py`` compares it);
- a certificate: the client signs a JWT (``client_assertion``) with the certificate's RSA key, names the
  certificate by its thumbprint (``x5t``, SHA-1, or ``x5t#S256``), with ``iss`` and ``sub`` its client id and ``aud``
  the token endpoint; the lab checks it against the certificate registered for the app;
- a federated identity credential: an outside issuer (Kubernetes' service account issuer for AKS workload
  identity, a CI system's OIDC issuer) signs a token for ``api://AzureADTokenExchange``; the client sends it as its
  ``client_assertion`` and the lab checks issuer, subject and audience against the one federated credential
  registered, and the signature against the issuer's key.

``make_app_credentials`` writes, at each start: ``client-cert.pem`` (the private key and the certificate, as
azure-identity's CertificateCredential reads them), ``client-cert-password.pem`` (the same, the key encrypted with
the password in lab.json), ``federated-token`` (a token of the issuer, as AKS projects it into
AZURE_FEDERATED_TOKEN_FILE) and ``federated-issuer-key.pem`` (the issuer's key, for tests that sign tokens of their
own: expired, another subject).
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import pathlib
import secrets
import time

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
EXCHANGE_AUDIENCE = "api://AzureADTokenExchange"
FEDERATED_SUBJECT = "system:serviceaccount:awx:awx-ee"


@dataclasses.dataclass
class AppCredentials:
    """What the lab's app registration trusts besides its secret."""

    certificates: dict  # thumbprint (base64url SHA-1 or SHA-256) -> the certificate's public key
    issuer: str
    subject: str
    issuer_key: object  # the federated issuer's public key


class AssertionRefused(Exception):
    """A client assertion Entra ID would refuse: ``code`` (AADSTS number), ``error`` and a sentence."""

    def __init__(self, code, error, description):
        super().__init__(description)
        self.code = code
        self.error = error
        self.description = description


def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem(key, password=None):
    encryption = serialization.BestAvailableEncryption(password.encode()) if password else serialization.NoEncryption()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def _private(path, data):
    path.write_bytes(data)
    path.chmod(0o600)


def sign_federated_token(issuer_key, issuer, subject=FEDERATED_SUBJECT, audience=EXCHANGE_AUDIENCE, lifetime=3600, now=None):
    """A token of the lab's workload identity issuer, as Kubernetes projects it for a service account."""
    now = time.time() if now is None else now
    claims = dict(iss=issuer, sub=subject, aud=[audience], iat=int(now), nbf=int(now), exp=int(now + lifetime))
    return jwt.encode(claims, issuer_key, algorithm="RS256", headers={"kid": "lab-issuer"})


def make_app_credentials(directory, issuer, token_lifetime):
    """Write the certificate and federated token files into ``directory``; (AppCredentials, dict of their paths, password)."""
    directory = pathlib.Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.timezone.utc)
    key = _rsa_key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "siterecovery.vmware lab automation")])
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=2))
        .sign(key, hashes.SHA256())
    )
    certificate_pem = certificate.public_bytes(serialization.Encoding.PEM)
    password = secrets.token_urlsafe(12)
    issuer_key = _rsa_key()
    paths = dict(
        client_certificate_path=directory / "client-cert.pem",
        client_certificate_with_password_path=directory / "client-cert-password.pem",
        federated_token_file=directory / "federated-token",
        federated_issuer_key_path=directory / "federated-issuer-key.pem",
    )
    _private(paths["client_certificate_path"], _pem(key) + certificate_pem)
    _private(paths["client_certificate_with_password_path"], _pem(key, password) + certificate_pem)
    _private(paths["federated_token_file"], sign_federated_token(issuer_key, issuer, lifetime=token_lifetime).encode())
    _private(paths["federated_issuer_key_path"], _pem(issuer_key))
    thumbprints = {_b64url(certificate.fingerprint(hashes.SHA1())): key.public_key(),  # nosec - a thumbprint, as Entra ID's x5t
                   _b64url(certificate.fingerprint(hashes.SHA256())): key.public_key()}
    return AppCredentials(thumbprints, issuer, FEDERATED_SUBJECT, issuer_key.public_key()), paths, password


def check_assertion(credentials, assertion, client_id, token_endpoint):
    """Accept ``assertion`` for ``client_id`` (the certificate's, or the federated issuer's), or raise AssertionRefused."""
    try:
        header = jwt.get_unverified_header(assertion)
        claims = jwt.decode(assertion, options=dict(verify_signature=False))
    except jwt.PyJWTError as exc:
        raise AssertionRefused(50027, "invalid_request", "JWT token is invalid or malformed (%s)." % exc) from exc
    if claims.get("iss") == credentials.issuer:
        return _check_federated(credentials, assertion, header)
    thumbprint = (header.get("x5t#S256") or header.get("x5t") or "").rstrip("=")
    key = credentials.certificates.get(thumbprint)
    if key is None:
        raise AssertionRefused(700027, "invalid_client", "The certificate with identifier used to sign the client assertion is not "
                               "registered on application. [Reason - The key was not found., Thumbprint of key used by client: '%s', "
                               "Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for "
                               "app Id '%s'.]" % (thumbprint, client_id))
    try:
        claims = jwt.decode(assertion, key, algorithms=["RS256", "PS256"], audience=token_endpoint,
                            options=dict(require=["exp", "aud", "iss", "sub"]), leeway=300)
    except jwt.ExpiredSignatureError as exc:
        raise AssertionRefused(700024, "invalid_client", "Client assertion is not within its valid time range.") from exc
    except jwt.InvalidAudienceError as exc:
        raise AssertionRefused(700021, "invalid_client", "Client assertion audience claim does not match Realm issuer.") from exc
    except jwt.PyJWTError as exc:
        raise AssertionRefused(700027, "invalid_client", "Client assertion failed signature validation. (%s)" % exc) from exc
    if claims["iss"].lower() != client_id.lower() or claims["sub"].lower() != client_id.lower():
        raise AssertionRefused(700021, "invalid_client", "Client assertion application identifier doesn't match 'client_id' parameter.")
    return "certificate"


def _check_federated(credentials, assertion, header):
    try:
        claims = jwt.decode(assertion, credentials.issuer_key, algorithms=["RS256"], options=dict(verify_aud=False, require=["exp"]))
    except jwt.ExpiredSignatureError as exc:
        raise AssertionRefused(700024, "invalid_client", "Client assertion is not within its valid time range.") from exc
    except jwt.PyJWTError as exc:
        raise AssertionRefused(50013, "invalid_client", "Assertion failed signature validation. [Reason - The key was not found., "
                               "Key ID: '%s']" % header.get("kid")) from exc
    audiences = claims.get("aud") or []
    audiences = [audiences] if isinstance(audiences, str) else audiences
    if claims.get("sub") != credentials.subject or EXCHANGE_AUDIENCE not in audiences:
        raise AssertionRefused(70021, "invalid_client", "No matching federated identity record found for presented assertion. "
                               "Assertion Issuer: '%s'. Assertion Subject: '%s'. Assertion Audience: '%s'."
                               % (claims.get("iss"), claims.get("sub"), ",".join(audiences)))
    return "federated"
