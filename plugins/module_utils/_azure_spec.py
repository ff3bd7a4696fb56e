# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Azure options every ASR module takes, defined once, and their checks.

Private to the collection. The documentation of these options is the doc
fragments ``siterecovery.vmware.azure`` and ``siterecovery.vmware.azure.vault``.
"""

from __future__ import annotations

import re

from ansible.module_utils.basic import env_fallback

AUTH_SOURCES = ("auto", "env", "cli", "msi")

AZURE_AUTH_SPEC = dict(
    auth_source=dict(type="str", choices=list(AUTH_SOURCES), default="auto", fallback=(env_fallback, ["ANSIBLE_AZURE_AUTH_SOURCE"])),
    subscription_id=dict(type="str", fallback=(env_fallback, ["AZURE_SUBSCRIPTION_ID"])),
    client_id=dict(type="str", fallback=(env_fallback, ["AZURE_CLIENT_ID"])),
    secret=dict(type="str", no_log=True, fallback=(env_fallback, ["AZURE_SECRET", "AZURE_CLIENT_SECRET"])),
    tenant=dict(type="str", fallback=(env_fallback, ["AZURE_TENANT", "AZURE_TENANT_ID"])),
    cloud_environment=dict(type="str", default="AzureCloud", fallback=(env_fallback, ["AZURE_CLOUD_ENVIRONMENT"])),
)

VAULT_SPEC = dict(
    resource_group=dict(type="str", fallback=(env_fallback, ["ASR_RESOURCE_GROUP"])),
    vault_name=dict(type="str", fallback=(env_fallback, ["ASR_VAULT_NAME"])),
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


def check_azure_params(params, vault=True):
    """Return the problems in the Azure options, as sentences; empty when all is well.

    Runs before any request, so a typo fails at once and names the option.
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

    source = params.get("auth_source") or "auto"
    if source == "env":
        for option, env_names in (
            ("client_id", ["AZURE_CLIENT_ID"]),
            ("secret", ["AZURE_SECRET", "AZURE_CLIENT_SECRET"]),
            ("tenant", ["AZURE_TENANT", "AZURE_TENANT_ID"]),
        ):
            if not params.get(option):
                problems.append(_missing("with auth_source=env, " + option, option, env_names))
    elif source == "auto":
        given = [o for o in ("client_id", "secret", "tenant") if params.get(o)]
        if params.get("secret") and len(given) < 3:
            lacking = [o for o in ("client_id", "tenant") if not params.get(o)]
            problems.append("a service principal secret was given without %s" % " and ".join(lacking))

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


def vault_id(subscription_id, resource_group, vault_name):
    """The vault's ARM id."""
    return "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.RecoveryServices/vaults/%s" % (
        subscription_id,
        resource_group,
        vault_name,
    )
