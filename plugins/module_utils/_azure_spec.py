# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Azure options every ASR module takes, defined once, and their checks.

Private to the collection. The documentation of these options is the doc
fragments ``siterecovery.vmware.azure`` and ``siterecovery.vmware.azure.vault``.
"""

from __future__ import annotations

import os
import re

from ansible.module_utils.basic import env_fallback

from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_credentials_file import (
    CREDENTIALS_FILE,
    DEFAULT_PROFILE,
    CredentialsFileError,
    has_profile,
    read_profile,
)

AUTH_SOURCES = ("auto", "env", "credential_file", "cli", "msi", "workload_identity")

# The environment variables of each option, in the order read. The plugin doc fragment
# (siterecovery.vmware.azure.plugins) names the same ones: a unit test compares them.
AZURE_ENV = dict(
    auth_source=["ANSIBLE_AZURE_AUTH_SOURCE"],
    subscription_id=["AZURE_SUBSCRIPTION_ID"],
    client_id=["AZURE_CLIENT_ID"],
    secret=["AZURE_SECRET", "AZURE_CLIENT_SECRET"],
    tenant=["AZURE_TENANT", "AZURE_TENANT_ID"],
    client_certificate_path=["AZURE_CLIENT_CERTIFICATE_PATH"],
    client_certificate_password=["AZURE_CLIENT_CERTIFICATE_PASSWORD"],
    federated_token_file=["AZURE_FEDERATED_TOKEN_FILE"],
    profile=["AZURE_PROFILE"],
    cloud_environment=["AZURE_CLOUD_ENVIRONMENT"],
    resource_group=["ASR_RESOURCE_GROUP"],
    vault_name=["ASR_VAULT_NAME"],
)
# AWX's "Microsoft Azure Resource Manager" credential in username mode; refused (see USERNAME_REFUSED).
USERNAME_ENV = ("AZURE_AD_USER", "AZURE_PASSWORD")


def _env(name):
    return (env_fallback, list(AZURE_ENV[name]))


AZURE_AUTH_SPEC = dict(
    auth_source=dict(type="str", choices=list(AUTH_SOURCES), default="auto", fallback=_env("auth_source")),
    subscription_id=dict(type="str", fallback=_env("subscription_id")),
    client_id=dict(type="str", fallback=_env("client_id")),
    secret=dict(type="str", no_log=True, fallback=_env("secret")),
    tenant=dict(type="str", fallback=_env("tenant")),
    client_certificate_path=dict(type="path", aliases=["x509_certificate_path"], fallback=_env("client_certificate_path")),
    client_certificate_password=dict(type="str", no_log=True, fallback=_env("client_certificate_password")),
    federated_token_file=dict(type="path", fallback=_env("federated_token_file")),
    profile=dict(type="str", fallback=_env("profile")),
    cloud_environment=dict(type="str", fallback=_env("cloud_environment")),
)

VAULT_SPEC = dict(
    resource_group=dict(type="str", fallback=_env("resource_group")),
    vault_name=dict(type="str", fallback=_env("vault_name")),
)

_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_TENANT_DOMAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]{0,252}[A-Za-z0-9]$")
# Resource group: 1-90 of letters, digits, underscore, hyphen, period,
# parentheses (Unicode letters allowed by ARM), not ending with a period.
RESOURCE_GROUP_NAME = re.compile(r"^[-\w.()]{1,90}$", re.UNICODE)
# Recovery Services vault: 2-50 characters, a letter first, then letters,
# digits and hyphens.
VAULT_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]{1,49}$")


def azure_argument_spec(vault=True):
    """A fresh copy of the shared spec, to merge into a module's own options."""
    spec = {name: dict(option) for name, option in AZURE_AUTH_SPEC.items()}
    if vault:
        spec.update({name: dict(option) for name, option in VAULT_SPEC.items()})
    return spec


def _missing(what, option, env_names):
    return "%s is required: set the option %s or the environment variable %s" % (what, option, " or ".join(env_names))


def check_azure_params(params, vault=True, source=None):
    """Return the problems in the Azure options, as sentences; empty when all is well.

    Runs before any request, so a typo fails at once and names the option. ``source``: the credential source when
    it is not ``auth_source`` (the credentials file that auto chose).
    """
    problems = []
    subscription = params.get("subscription_id")
    if not subscription:
        problems.append(_missing("the subscription", "subscription_id", ["AZURE_SUBSCRIPTION_ID"]))
    elif not _GUID.match(subscription):
        problems.append("subscription_id %r is not a subscription id (a GUID such as 00000000-0000-0000-0000-000000000000)" % subscription)

    tenant = params.get("tenant")
    if tenant and not (_GUID.match(tenant) or _TENANT_DOMAIN.match(tenant)):
        problems.append("tenant %r is neither a tenant id (GUID) nor a domain name" % tenant)
    client_id = params.get("client_id")
    if client_id and not _GUID.match(client_id):
        problems.append("client_id %r is not an application (client) id: a GUID is expected" % client_id)

    source = source or params.get("auth_source") or "auto"
    if source not in AUTH_SOURCES:
        problems.append("auth_source %r is not one of %s" % (source, ", ".join(AUTH_SOURCES)))
    problems.extend(_credential_problems(params, source))
    for option in ("client_certificate_path", "federated_token_file"):
        path = params.get(option)
        if path and not os.path.isfile(path):
            problems.append("%s %r is not a file" % (option, path))

    if vault:
        group = params.get("resource_group")
        if not group:
            problems.append(_missing("the vault's resource group", "resource_group", ["ASR_RESOURCE_GROUP"]))
        elif not RESOURCE_GROUP_NAME.match(group) or group.endswith("."):
            problems.append(
                "resource_group %r is not a valid resource group name (1-90 letters, digits, _ - . ( ), not ending with a period)" % group
            )
        name = params.get("vault_name")
        if not name:
            problems.append(_missing("the Recovery Services vault", "vault_name", ["ASR_VAULT_NAME"]))
        elif not VAULT_NAME.match(name):
            problems.append("vault_name %r is not a valid vault name (2-50 letters, digits and hyphens, a letter first)" % name)
    return problems


def _credential_problems(params, source):
    """What the chosen credential lacks; the kind itself is decided by _azure_auth.credential_kind."""
    problems = []
    identity = [o for o in ("client_id", "tenant") if not params.get(o)]
    if source in ("env", "credential_file"):
        where = "with auth_source=%s" % source if source == "env" else "the profile [%s] of %s" % (
            params.get("profile") or DEFAULT_PROFILE, CREDENTIALS_FILE)
        for option in identity:
            problems.append(_missing(where + ", " + option, option, AZURE_ENV[option]) if source == "env"
                            else "%s gives no %s" % (where, option))
        if not params.get("secret") and not params.get("client_certificate_path"):
            problems.append(
                "with auth_source=env, secret or client_certificate_path is required: set the option secret or the environment "
                "variable AZURE_SECRET (a client secret), or client_certificate_path or AZURE_CLIENT_CERTIFICATE_PATH (a certificate)"
                if source == "env" else "%s gives neither secret nor client_certificate_path" % where)
    elif source == "workload_identity":
        for option in identity + ([] if params.get("federated_token_file") else ["federated_token_file"]):
            problems.append(_missing("with auth_source=workload_identity, " + option, option, AZURE_ENV[option]))
    elif source == "auto":
        for option, what in (("secret", "a service principal secret"), ("client_certificate_path", "a client certificate"),
                             ("federated_token_file", "a federated token file")):
            if params.get(option) and identity:
                problems.append("%s was given without %s: set %s, or leave %s unset"
                                % (what, " and ".join(identity), " and ".join("%s (%s)" % (o, AZURE_ENV[o][0]) for o in identity),
                                   option))
                break
    return problems


USERNAME_REFUSED = (
    "signing in with a user name and password (AZURE_AD_USER and AZURE_PASSWORD, as AWX's Microsoft Azure Resource Manager "
    "credential gives them when it has a Username instead of a Client ID) is not supported: Azure Resource Manager requires "
    "multi-factor authentication, which a password sign-in cannot do. Use a service principal instead: in AWX, fill the "
    "credential's Client ID, Client Secret and Tenant ID (AZURE_CLIENT_ID, AZURE_SECRET, AZURE_TENANT), or give "
    "client_certificate_path (a certificate), federated_token_file (workload identity) or auth_source=msi (a managed identity)"
)


def azure_options(params, vault=True, environ=None):
    """The Azure options of a task or an inventory source as they will be used, and their problems (before any request).

    The one step modules, the action plugin and the inventory plugin all take: ``params`` (options with their
    environment fallbacks applied) completed by the credentials file when it is the source (auth_source=credential_file,
    or a profile asked for, or auto with nothing else configured and a [default] profile), then checked. Returns
    (params, problems); params carry ``credentials_from`` (the profile's name, or None).
    """
    environ = os.environ if environ is None else environ
    params = dict(params)
    source = params.get("auth_source") or "auto"
    params["auth_source"] = source
    params["credentials_from"] = None
    explicit = params.get("client_id") and params.get("tenant") and (
        params.get("secret") or params.get("client_certificate_path") or params.get("federated_token_file"))
    username = [name for name in USERNAME_ENV if environ.get(name)]
    profile = params.get("profile")
    if source == "auto" and not explicit and not profile and username:
        return params, [USERNAME_REFUSED]
    if source == "credential_file" or (source == "auto" and not explicit and (profile or has_profile())):
        name = profile or DEFAULT_PROFILE
        try:
            found = read_profile(name)
        except CredentialsFileError as exc:
            return params, ["%s: %s" % ("auth_source=credential_file" if source == "credential_file" else "profile", exc)]
        if found.get("ad_user") or found.get("ad_password"):
            return params, ["the profile [%s] of %s has ad_user and password: %s" % (name, CREDENTIALS_FILE, USERNAME_REFUSED)]
        for option in ("client_id", "secret", "tenant", "client_certificate_path", "client_certificate_password"):
            params[option] = found.get(option)
        if params["client_certificate_path"]:
            params["client_certificate_path"] = os.path.expanduser(params["client_certificate_path"])
        for option in ("subscription_id", "cloud_environment"):
            params[option] = params.get(option) or found.get(option)
        params["federated_token_file"] = None
        params["credentials_from"] = name
        source = "credential_file"
    return params, check_azure_params(params, vault=vault, source=source)


def vault_id(subscription_id, resource_group, vault_name):
    """The vault's ARM id."""
    return "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.RecoveryServices/vaults/%s" % (
        subscription_id,
        resource_group,
        vault_name,
    )
