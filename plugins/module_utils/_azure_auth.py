# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Azure credentials and the Site Recovery client, built from resolved options.

Private to the collection. Knows no Ansible: the module base
(``_azure_module``) adapts it. The SDK imports are guarded so that a missing
library is reported by name instead of breaking the import.

Each kind of credential is azure-identity's own: ClientSecretCredential, CertificateCredential,
WorkloadIdentityCredential, AzureCliCredential, ManagedIdentityCredential, and DefaultAzureCredential when
``auth_source: auto`` finds nothing configured (it tries a managed identity, the Azure CLI's login, and the
other developer sign-ins azure-identity knows).
"""

from __future__ import annotations

import traceback

from ansible_collections.siterecovery.vmware.plugins.module_utils._api_versions import RECOVERY_SERVICES

try:
    from azure.identity import (
        AzureCliCredential,
        CertificateCredential,
        ClientSecretCredential,
        DefaultAzureCredential,
        ManagedIdentityCredential,
        WorkloadIdentityCredential,
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
# The longest Retry-After the transport sleeps, in seconds. azure-core sleeps any Retry-After it is given, an hour's too,
# past every deadline and printing nothing; a longer one is handed to the caller instead: a wait (_poll.Poll) honours it
# within its deadline, a throttled write is sent again within the module's (_poll.send_until_taken).
RETRY_AFTER_CEILING = 60


if RetryPolicy is not None:
    class ReadRetryPolicy(RetryPolicy):
        """azure-core's retry policy for reads; a write is repeated only after a 429; a Retry-After over RETRY_AFTER_CEILING is the caller's."""

        def configure_retries(self, options):
            options.setdefault("retry_on_methods", READ_METHODS)
            return super().configure_retries(options)

        def is_retry(self, settings, response):
            if response.http_request.method.upper() not in settings["methods"] and response.http_response.status_code != 429:
                return False
            retry_after = self.get_retry_after(response)
            if retry_after is not None and retry_after > RETRY_AFTER_CEILING:
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
    """Which credential the options lead to: secret, certificate, workload_identity, cli, msi or default.

    ``params`` are azure_options()'s: a credentials file profile is already merged in.
    """
    source = params.get("auth_source") or "auto"
    if source == "cli":
        return "cli"
    if source == "msi":
        return "msi"
    if source == "workload_identity":
        return "workload_identity"
    if source in ("env", "credential_file"):
        return "secret" if params.get("secret") else "certificate"
    if params.get("client_id") and params.get("tenant"):
        if params.get("secret"):
            return "secret"
        if params.get("client_certificate_path"):
            return "certificate"
        if params.get("federated_token_file"):
            return "workload_identity"
    if params.get("credentials_from"):  # auto, from the credentials file's profile
        return "secret" if params.get("secret") else "certificate"
    return "default"


def build_credential(params, cloud):
    """An azure-identity credential for the options and the resolved cloud."""
    kind = credential_kind(params)
    authority = dict(authority=cloud.authority_host)
    if not cloud.known_authority:
        # MSAL would otherwise ask login.microsoftonline.com to vouch for a
        # login endpoint that is not Entra ID's (Azure Stack Hub, the lab).
        authority["disable_instance_discovery"] = True
    if kind == "secret":
        return ClientSecretCredential(params["tenant"], params["client_id"], params["secret"], **authority)
    if kind == "certificate":
        return CertificateCredential(params["tenant"], params["client_id"], params["client_certificate_path"],
                                     password=params.get("client_certificate_password") or None, **authority)
    if kind == "workload_identity":
        return WorkloadIdentityCredential(tenant_id=params["tenant"], client_id=params["client_id"],
                                          token_file_path=params["federated_token_file"], **authority)
    if kind == "cli":
        return AzureCliCredential(tenant_id=params.get("tenant") or "")
    if kind == "msi":
        return ManagedIdentityCredential(client_id=params.get("client_id")) if params.get("client_id") else ManagedIdentityCredential()
    # auto with nothing configured: azure-identity's own chain, without the two that read the environment
    # (this collection reads AZURE_* itself, above; EnvironmentCredential would also sign in with a password).
    return DefaultAzureCredential(exclude_environment_credential=True, exclude_workload_identity_credential=True,
                                  managed_identity_client_id=params.get("client_id") or None, **authority)


_SP_ENV = "AZURE_CLIENT_ID, AZURE_TENANT and AZURE_SECRET"
AUTH_ADVICE = dict(
    secret="check tenant, client_id and secret (%s): the secret's value, not its id, of an app registered in that tenant; "
           "and cloud_environment / AZURE_AUTHORITY_HOST" % _SP_ENV,
    certificate="check tenant, client_id and client_certificate_path (AZURE_CLIENT_CERTIFICATE_PATH): a PEM file with the private "
                "key and the certificate uploaded to the app registration, and client_certificate_password when the key is encrypted; "
                "and cloud_environment / AZURE_AUTHORITY_HOST",
    workload_identity="check tenant, client_id and federated_token_file (AZURE_FEDERATED_TOKEN_FILE): the app registration needs a "
                      "federated credential for the token's issuer and subject, with the audience api://AzureADTokenExchange",
    cli="install the Azure CLI (az) on the controller or in the execution environment and sign in with az login (az account show "
        "tells who is signed in); or use a service principal instead: set client_id, tenant and secret (%s) "
        "and auth_source to auto or env" % _SP_ENV,
    msi="run on an Azure VM, scale set or AKS node with a managed identity that has a role on the vault (client_id selects a "
        "user-assigned one); elsewhere choose another auth_source",
    default="no credential is configured: set %s for a service principal (or AZURE_CLIENT_CERTIFICATE_PATH instead of AZURE_SECRET "
            "for a certificate, AZURE_FEDERATED_TOKEN_FILE for workload identity), or a profile of ~/.azure/credentials (profile, "
            "AZURE_PROFILE), or sign in with az login, or run where a managed identity is" % _SP_ENV,
)


def auth_advice(params):
    """What to check or set when signing in with these options failed: one sentence, naming options and variables."""
    advice = AUTH_ADVICE[credential_kind(params)]
    if params.get("credentials_from"):
        advice = "in the profile [%s] of ~/.azure/credentials, %s" % (params["credentials_from"], advice)
    return advice


def build_site_recovery_client(credential, subscription_id, cloud):
    """The Site Recovery management client aimed at ``cloud``'s Resource Manager."""
    return SiteRecoveryManagementClient(
        credential,
        subscription_id,
        base_url=cloud.resource_manager,
        credential_scopes=[cloud.audience + "/.default"],
        user_agent=COLLECTION_USER_AGENT,
        retry_policy=ReadRetryPolicy(**RETRY_SETTINGS),
        api_version=RECOVERY_SERVICES,
    )
