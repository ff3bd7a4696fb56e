# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Azure credentials and the Site Recovery client, built from resolved options.

Private to the collection. Knows no Ansible: the module base
(``_azure_module``) adapts it. The SDK imports are guarded so that a missing
library is reported by name instead of breaking the import.
"""

from __future__ import annotations

import traceback

try:
    from azure.identity import (
        AzureCliCredential,
        ChainedTokenCredential,
        ClientSecretCredential,
        ManagedIdentityCredential,
    )
except ImportError:
    AZURE_IDENTITY_IMPORT_ERROR = traceback.format_exc()
else:
    AZURE_IDENTITY_IMPORT_ERROR = None

try:
    from azure.core.pipeline.policies import RetryPolicy
    from azure.mgmt.recoveryservicessiterecovery import SiteRecoveryManagementClient
except ImportError:
    RetryPolicy = None
    ASR_SDK_IMPORT_ERROR = traceback.format_exc()
else:
    ASR_SDK_IMPORT_ERROR = None

# Kept equal to galaxy.yml's version by a unit test.
COLLECTION_VERSION = "0.1.0"
COLLECTION_USER_AGENT = "ansible-siterecovery.vmware/" + COLLECTION_VERSION

# Reads ride through throttling and transient server errors: azure-core's
# retry policy retries on 408/429/5xx and honours Retry-After. Writes are sent
# once: azure-core would re-send a POST or PATCH after a 500/503/504 (and any
# request with a Retry-After), although ASR may have taken the first one and
# started its job. A write is repeated by the transport only after a 429 (ARM
# refused it before it reached ASR); otherwise the modules re-read the item and
# decide (docs/waiting.md, "Writes are sent once").
RETRY_SETTINGS = dict(retry_total=6, retry_backoff_factor=1.0, retry_backoff_max=60)
READ_METHODS = frozenset(["HEAD", "GET", "OPTIONS"])


if RetryPolicy is not None:
    class ReadRetryPolicy(RetryPolicy):
        """azure-core's retry policy for reads; a write is repeated only after a 429."""

        def configure_retries(self, options):
            options.setdefault("retry_on_methods", READ_METHODS)
            return super().configure_retries(options)

        def is_retry(self, settings, response):
            if response.http_request.method.upper() not in settings["methods"] and response.http_response.status_code != 429:
                return False
            return super().is_retry(settings, response)
else:  # the modules report the missing SDK before any call
    ReadRetryPolicy = None


def missing_libraries():
    """(library name, traceback) pairs for the SDKs that did not import."""
    missing = []
    if AZURE_IDENTITY_IMPORT_ERROR:
        missing.append(("azure-identity", AZURE_IDENTITY_IMPORT_ERROR))
    if ASR_SDK_IMPORT_ERROR:
        missing.append(("azure-mgmt-recoveryservicessiterecovery", ASR_SDK_IMPORT_ERROR))
    return missing


def credential_kind(params):
    """Which credential the options lead to: service_principal, cli, msi or cli_then_msi."""
    source = params.get("auth_source") or "auto"
    if source == "env":
        return "service_principal"
    if source == "cli":
        return "cli"
    if source == "msi":
        return "msi"
    if params.get("client_id") and params.get("secret") and params.get("tenant"):
        return "service_principal"
    return "cli_then_msi"


def build_credential(params, cloud):
    """An azure-identity credential for the options and the resolved cloud."""
    kind = credential_kind(params)
    authority = dict(authority=cloud.authority_host)
    if not cloud.known_authority:
        # MSAL would otherwise ask login.microsoftonline.com to vouch for a
        # login endpoint that is not Entra ID's (Azure Stack Hub, the lab).
        authority["disable_instance_discovery"] = True
    if kind == "service_principal":
        return ClientSecretCredential(params["tenant"], params["client_id"], params["secret"], **authority)
    cli = AzureCliCredential(tenant_id=params.get("tenant") or "")
    managed = ManagedIdentityCredential(client_id=params.get("client_id")) if params.get("client_id") else ManagedIdentityCredential()
    if kind == "cli":
        return cli
    if kind == "msi":
        return managed
    return ChainedTokenCredential(cli, managed)


def build_site_recovery_client(credential, subscription_id, cloud):
    """The Site Recovery management client aimed at ``cloud``'s Resource Manager."""
    return SiteRecoveryManagementClient(
        credential,
        subscription_id,
        base_url=cloud.resource_manager,
        credential_scopes=[cloud.audience + "/.default"],
        user_agent=COLLECTION_USER_AGENT,
        retry_policy=ReadRetryPolicy(**RETRY_SETTINGS),
    )
