# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Documentation of the Azure authentication and vault options shared by the ASR modules."""

from __future__ import annotations


class ModuleDocFragment:
    """Azure authentication (DOCUMENTATION), the Recovery Services vault (VAULT) and the replicated item (ITEM)."""

    DOCUMENTATION = r"""
options:
  auth_source:
    description:
      - Where the Azure credentials come from.
      - V(auto) takes the first of these that the options (or their environment variables) configure, in this order.
        A service principal with a secret (O(client_id), O(tenant), O(secret)).
        A service principal with a certificate (O(client_id), O(tenant), O(client_certificate_path)).
        Workload identity (O(client_id), O(tenant), O(federated_token_file), as AKS and CI systems give them).
        A profile of the credentials file C(~/.azure/credentials) (O(profile), or its C([default]) profile when the file has one).
        Else azure-identity's C(DefaultAzureCredential), which tries a managed identity, the Azure CLI's login (C(az login))
        and the other sign-ins it knows.
      - V(env) requires a service principal, with a secret or a certificate, from the options or their environment variables.
      - V(credential_file) takes the service principal, and the subscription and cloud when the options do not name them,
        from the profile O(profile) (default V(default)) of C(~/.azure/credentials), the file azure.azcollection reads.
      - V(cli) uses the login of the Azure CLI (C(az login)) on the controller.
      - V(msi) uses the managed identity of the machine running Ansible; O(client_id), when set,
        selects a user-assigned identity.
      - V(workload_identity) requires O(client_id), O(tenant) and O(federated_token_file).
      - A user name and password (E(AZURE_AD_USER) and E(AZURE_PASSWORD), what AWX's Azure credential gives in username mode)
        are refused with a message saying what to use instead, since Azure Resource Manager requires multi-factor authentication,
        which a password sign-in cannot do.
      - The environment variable E(ANSIBLE_AZURE_AUTH_SOURCE) is used when the option is not set.
    type: str
    choices: [auto, env, credential_file, cli, msi, workload_identity]
    default: auto
  subscription_id:
    description:
      - The subscription that holds the Recovery Services vault.
      - Required; the environment variable E(AZURE_SUBSCRIPTION_ID) is used when the option is not set,
        then the credentials file's profile when it is the source.
    type: str
  client_id:
    description:
      - The application (client) id of the service principal, or of the user-assigned managed identity.
      - The environment variable E(AZURE_CLIENT_ID) is used when the option is not set.
    type: str
  secret:
    description:
      - The service principal's client secret.
      - The environment variables E(AZURE_SECRET) and E(AZURE_CLIENT_SECRET) are used when the option is not set.
      - Never shown in output or logs.
    type: str
  tenant:
    description:
      - The Microsoft Entra tenant (directory) id or domain of the service principal.
      - The environment variables E(AZURE_TENANT) and E(AZURE_TENANT_ID) are used when the option is not set.
    type: str
  client_certificate_path:
    description:
      - A PEM file holding the private key and the certificate of the service principal (the certificate uploaded to the
        app registration), to sign in with instead of a secret.
      - The environment variable E(AZURE_CLIENT_CERTIFICATE_PATH) is used when the option is not set.
    type: path
    aliases: [x509_certificate_path]
  client_certificate_password:
    description:
      - The password of the private key in O(client_certificate_path), when it is encrypted.
      - The environment variable E(AZURE_CLIENT_CERTIFICATE_PASSWORD) is used when the option is not set.
      - Never shown in output or logs.
    type: str
  federated_token_file:
    description:
      - A file holding a token of an identity provider that the app registration trusts (a federated credential), for
        workload identity (the token the AKS webhook projects for a pod, for AWX on AKS, or the one a CI system gives).
      - Read again for each sign-in, so a token the platform renews is used.
      - The environment variable E(AZURE_FEDERATED_TOKEN_FILE) is used when the option is not set.
    type: path
  profile:
    description:
      - The profile (section) of the credentials file C(~/.azure/credentials) to take the service principal from
        (keys C(client_id), C(tenant), C(secret) or C(client_certificate_path), and C(subscription_id), C(cloud_environment)).
      - Setting it makes V(auto) use the file; with O(auth_source=credential_file) it defaults to V(default).
      - The environment variable E(AZURE_PROFILE) is used when the option is not set.
    type: str
  cloud_environment:
    description:
      - The Azure cloud, which decides the Resource Manager and login endpoints.
      - A cloud name (V(AzureCloud), V(AzureUSGovernment), V(AzureChinaCloud)), or the https URL of a
        Resource Manager whose C(/metadata/endpoints) document names its login endpoint and audience
        (Azure Stack Hub, or the collection's lab).
      - The environment variable E(AZURE_CLOUD_ENVIRONMENT) is used when the option is not set, then the credentials
        file's profile when it is the source, else V(AzureCloud).
      - The environment variable E(AZURE_AUTHORITY_HOST), when set, overrides the login endpoint.
        A login endpoint that is not Microsoft Entra ID's own is used without instance discovery.
    type: str
notes:
  - Server certificates are verified with the CA bundle that E(REQUESTS_CA_BUNDLE) names, or the system's.
  - Reads are retried on throttling (HTTP 429, honouring Retry-After) and transient server errors;
    writes are never retried blindly.
  - A failed sign-in says what to check or set for the credential the options chose.
requirements:
  - python >= 3.11
  - azure-identity >= 1.15.0
  - azure-mgmt-recoveryservicessiterecovery >= 2.0.0
"""

    # For plugins (the asr_items inventory): the same options, read from the environment by Ansible's plugin
    # configuration. Extended together with DOCUMENTATION, as community.hashi_vault's connection fragments are.
    PLUGINS = r"""
options:
  auth_source:
    env:
      - name: ANSIBLE_AZURE_AUTH_SOURCE
  subscription_id:
    env:
      - name: AZURE_SUBSCRIPTION_ID
  client_id:
    env:
      - name: AZURE_CLIENT_ID
  secret:
    env:
      - name: AZURE_SECRET
      - name: AZURE_CLIENT_SECRET
  tenant:
    env:
      - name: AZURE_TENANT
      - name: AZURE_TENANT_ID
  client_certificate_path:
    env:
      - name: AZURE_CLIENT_CERTIFICATE_PATH
  client_certificate_password:
    env:
      - name: AZURE_CLIENT_CERTIFICATE_PASSWORD
  federated_token_file:
    env:
      - name: AZURE_FEDERATED_TOKEN_FILE
  profile:
    env:
      - name: AZURE_PROFILE
  cloud_environment:
    env:
      - name: AZURE_CLOUD_ENVIRONMENT
"""

    VAULT_PLUGINS = r"""
options:
  resource_group:
    env:
      - name: ASR_RESOURCE_GROUP
  vault_name:
    env:
      - name: ASR_VAULT_NAME
"""

    # The replicated item an ASR module works on.
    ITEM = r"""
options:
  name:
    description:
      - The replicated item, by the machine's name (the item's friendly name), the item's name, or its ARM id.
      - When no item answers to it the task fails naming close matches; when several machines share the name it asks for the item's name.
    type: str
    required: true
"""

    VAULT = r"""
options:
  resource_group:
    description:
      - The resource group of the Recovery Services vault.
      - Required; the environment variable E(ASR_RESOURCE_GROUP) is used when the option is not set.
    type: str
  vault_name:
    description:
      - The name of the Recovery Services vault.
      - Required; the environment variable E(ASR_VAULT_NAME) is used when the option is not set.
    type: str
"""
