"""Entra ID as azure-identity's credentials meet it: discovery and the token endpoint.

The client-credentials grant, with the app's secret (ClientSecretCredential), or a ``client_assertion``: a JWT
signed with the app's certificate (CertificateCredential) or a federated token (WorkloadIdentityCredential,
AZURE_FEDERATED_TOKEN_FILE); ``assertions.py`` checks those. The password grant (username mode) is refused, as
Entra ID refuses it for an account with multi-factor authentication, which Azure Resource Manager requires.

Tokens are opaque random strings the lab remembers with their tenant, client,
audience, grant and expiry; Resource Manager routes accept only those. Errors have
Entra ID's shape: ``error``, ``error_description`` with an AADSTS code,
``error_codes``, ``trace_id``, ``correlation_id``. ``GET /lab/grants`` lists the tokens given: when, to which
client, by which proof (secret, certificate, federated).
"""

from __future__ import annotations

import datetime
import secrets
import threading
import time
import uuid

from flask import Blueprint, current_app, jsonify, request

from . import control
from .assertions import ASSERTION_TYPE, AssertionRefused, check_assertion

blueprint = Blueprint("identity", __name__)

TOKEN_LIFETIME = 3599


class TokenStore:
    """Access tokens issued by the lab."""

    def __init__(self):
        self._tokens = {}
        self._grants = []
        self._lock = threading.Lock()

    def issue(self, tenant, client_id, audience, grant="secret"):
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[token] = dict(tenant=tenant, client_id=client_id, audience=audience, expires=time.time() + TOKEN_LIFETIME)
            self._grants.append(dict(time=time.time(), client_id=client_id, grant=grant))
        return token

    def grants(self):
        """The tokens given so far: time, client id, and the proof (secret, certificate, federated)."""
        with self._lock:
            return list(self._grants)

    def lookup(self, token):
        with self._lock:
            return self._tokens.get(token)


def _base():
    return request.host_url.rstrip("/")


def entra_error(status, error, code, description):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ")
    trace = str(uuid.uuid4())
    body = dict(
        error=error,
        error_description="AADSTS%d: %s Trace ID: %s Correlation ID: %s Timestamp: %s" % (code, description, trace, trace, now),
        error_codes=[code],
        timestamp=now,
        trace_id=trace,
        correlation_id=trace,
    )
    return jsonify(body), status


def _tenant_or_error(tenant):
    config = current_app.config["LAB"]
    if tenant.lower() not in (config.tenant_id.lower(), config.tenant_domain.lower()):
        return entra_error(400, "invalid_request", 90002, "Tenant '%s' not found. Check to make sure you have the correct tenant ID "
                           "and are signing into the correct cloud." % tenant)
    return None


@blueprint.route("/<tenant>/v2.0/.well-known/openid-configuration")
def openid_configuration(tenant):
    if control.login_down():
        control.drop_connection()
    problem = _tenant_or_error(tenant)
    if problem:
        return problem
    base = _base()
    return jsonify(
        issuer="%s/%s/v2.0" % (base, tenant),
        authorization_endpoint="%s/%s/oauth2/v2.0/authorize" % (base, tenant),
        token_endpoint="%s/%s/oauth2/v2.0/token" % (base, tenant),
        device_authorization_endpoint="%s/%s/oauth2/v2.0/devicecode" % (base, tenant),
        jwks_uri="%s/%s/discovery/v2.0/keys" % (base, tenant),
        response_types_supported=["code", "id_token", "code id_token", "id_token token"],
        subject_types_supported=["pairwise"],
        id_token_signing_alg_values_supported=["RS256"],
        token_endpoint_auth_methods_supported=["client_secret_post", "private_key_jwt", "client_secret_basic"],
        scopes_supported=["openid", "profile", "email", "offline_access"],
        tenant_region_scope="WW",
        cloud_instance_name="siterecovery.lab",
    )


@blueprint.route("/<tenant>/oauth2/v2.0/token", methods=["POST"])
def token(tenant):
    if control.login_down():
        control.drop_connection()
    problem = _tenant_or_error(tenant)
    if problem:
        return problem
    config = current_app.config["LAB"]
    form = request.form
    if form.get("grant_type") == "password":
        return entra_error(400, "invalid_grant", 50076, "Due to a configuration change made by your administrator, or because you "
                           "moved to a new location, you must use multi-factor authentication to access '%s'." % config.audience)
    if form.get("grant_type") != "client_credentials":
        return entra_error(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type '%s'." % form.get("grant_type"))
    client_id = form.get("client_id", "")
    if client_id.lower() != config.client_id.lower():
        return entra_error(400, "unauthorized_client", 700016, "Application with identifier '%s' was not found in the directory '%s'."
                           % (client_id, tenant))
    if form.get("client_assertion") or form.get("client_assertion_type"):
        if form.get("client_assertion_type") != ASSERTION_TYPE:
            return entra_error(400, "invalid_request", 50027, "Invalid client_assertion_type '%s'." % form.get("client_assertion_type"))
        try:
            grant = check_assertion(config.app_credentials, form.get("client_assertion", ""), config.client_id, request.base_url)
        except AssertionRefused as refused:
            return entra_error(401 if refused.error == "invalid_client" else 400, refused.error, refused.code, refused.description)
    elif not secrets.compare_digest(form.get("client_secret", ""), config.client_secret):
        return entra_error(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request "
                           "is the client secret value, not the client secret ID, for a secret added to app '%s'." % client_id)
    else:
        grant = "secret"
    scope = form.get("scope", "")
    resource = scope.split()[0][: -len("/.default")] if scope.endswith("/.default") else scope
    if resource.rstrip("/") != config.audience.rstrip("/"):
        return entra_error(400, "invalid_scope", 500011, "The resource principal named %s was not found in the tenant named %s."
                           % (resource, tenant))
    access = current_app.config["TOKENS"].issue(config.tenant_id, client_id, config.audience, grant)
    return jsonify(token_type="Bearer", expires_in=TOKEN_LIFETIME, ext_expires_in=TOKEN_LIFETIME, access_token=access)
