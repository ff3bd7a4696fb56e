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
      - V(auto) uses a service principal when O(client_id), O(secret) and O(tenant) are all set
        (as options or environment variables); otherwise the Azure CLI's login, then a managed identity.
      - V(env) requires a service principal from the options or the environment variables.
      - V(cli) uses the login of the Azure CLI (C(az login)) on the controller.
      - V(msi) uses the managed identity of the machine running Ansible; O(client_id), when set,
        selects a user-assigned identity.
      - The environment variable E(ANSIBLE_AZURE_AUTH_SOURCE) is used when the option is not set.
    type: str
    choices: [auto, env, cli, msi]
    default: auto
  subscription_id:
    description:
      - The subscription that holds the Recovery Services vault.
      - Required; the environment variable E(AZURE_SUBSCRIPTION_ID) is used when the option is not set.
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
  cloud_environment:
    description:
      - The Azure cloud, which decides the Resource Manager and login endpoints.
      - A cloud name (V(AzureCloud), V(AzureUSGovernment), V(AzureChinaCloud)), or the https URL of a
        Resource Manager whose C(/metadata/endpoints) document names its login endpoint and audience
        (Azure Stack Hub, or the collection's lab).
      - The environment variable E(AZURE_CLOUD_ENVIRONMENT) is used when the option is not set.
      - The environment variable E(AZURE_AUTHORITY_HOST), when set, overrides the login endpoint.
        A login endpoint that is not Microsoft Entra ID's own is used without instance discovery.
    type: str
    default: AzureCloud
notes:
  - Server certificates are verified with the CA bundle that E(REQUESTS_CA_BUNDLE) names, or the system's.
  - Reads are retried on throttling (HTTP 429, honouring Retry-After) and transient server errors;
    writes are never retried blindly.
requirements:
  - python >= 3.11
  - azure-identity >= 1.15.0
  - azure-mgmt-recoveryservicessiterecovery >= 2.0.0
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
