# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The base of every Azure Site Recovery module: AnsibleModule plus the Azure plumbing.

Private to the collection. It merges the shared options, refuses bad input
before any request, names a missing SDK exactly, builds the client on first
use, and turns every failure into one ``fail_json`` with ASR's details.
"""

from __future__ import annotations

import contextlib

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_auth import build_credential, build_site_recovery_client, missing_libraries
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_cloud import CloudConfigError, resolve_cloud
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_spec import azure_argument_spec, check_azure_params, vault_id
from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError, from_exception


class AsrModule:
    """An Ansible module that talks to one Recovery Services vault."""

    def __init__(self, argument_spec=None, vault=True, azure_optional=False, **kwargs):
        """``azure_optional``: the module works without ASR too; it calls ``require_azure()`` once it knows it needs ASR."""
        spec = azure_argument_spec(vault=vault)
        spec.update(argument_spec or {})
        self.module = AnsibleModule(argument_spec=spec, **kwargs)
        self.params = self.module.params
        self.check_mode = self.module.check_mode
        self._vault = vault
        self._cloud = None
        self._client = None
        if not azure_optional:
            self.require_azure()

    def require_azure(self):
        """Fail the task when an Azure SDK is missing or an Azure option is wrong (before any request)."""
        for library, trace in missing_libraries():
            self.module.fail_json(msg=missing_required_lib(library), exception=trace)
        problems = check_azure_params(self.params, vault=self._vault)
        if problems:
            self.module.fail_json(msg="Invalid Azure options: " + "; ".join(problems))

    @property
    def resource_group(self):
        return self.params["resource_group"]

    @property
    def vault_name(self):
        return self.params["vault_name"]

    @property
    def vault_id(self):
        return vault_id(self.params["subscription_id"], self.resource_group, self.vault_name)

    @property
    def cloud(self):
        if self._cloud is None:
            try:
                self._cloud = resolve_cloud(self.params["cloud_environment"])
            except CloudConfigError as exc:
                raise SiteRecoveryError(
                    "cloud_environment: %s" % exc, code="CloudEnvironment",
                    recommended_action="use AzureCloud, AzureUSGovernment, AzureChinaCloud or a Resource Manager URL",
                ) from exc
        return self._cloud

    @property
    def client(self):
        """The SiteRecoveryManagementClient, built on first use."""
        if self._client is None:
            credential = build_credential(self.params, self.cloud)
            self._client = build_site_recovery_client(credential, self.params["subscription_id"], self.cloud)
        return self._client

    @contextlib.contextmanager
    def step(self, context):
        """Run SDK calls; any failure becomes a SiteRecoveryError that says ``context``."""
        try:
            yield
        except SiteRecoveryError:
            raise
        except Exception as exc:  # pylint: disable=broad-except  # translated, not swallowed
            raise from_exception(exc, context) from exc

    def fail(self, error, **result):
        """Fail the task with the error's message and details, plus ``result``."""
        result.update(error.to_result())
        self.module.fail_json(**result)

    def run(self, action):
        """Call ``action(self)`` and exit with the dict it returns; errors fail the task."""
        try:
            result = action(self)
        except SiteRecoveryError as error:
            self.fail(error)
        else:
            self.module.exit_json(**result)
