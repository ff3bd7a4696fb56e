# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The base of every Azure Site Recovery module: AnsibleModule plus the Azure plumbing.

Private to the collection. It merges the shared options, refuses bad input
before any request, names a missing SDK exactly, builds the client on first
use, and turns every failure into one ``fail_json`` with ASR's details.
"""

from __future__ import annotations

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_jobs import wait_problems
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_auth import missing_libraries
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_session import AzureSession
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_spec import azure_argument_spec, azure_options
from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError


class AsrModule(AzureSession):
    """An Ansible module that talks to one Recovery Services vault."""

    def __init__(self, argument_spec=None, vault=True, azure_optional=False, **kwargs):
        """``azure_optional``: the module works without ASR too; it calls ``require_azure()`` once it knows it needs ASR."""
        spec = azure_argument_spec(vault=vault)
        spec.update(argument_spec or {})
        self.module = AnsibleModule(argument_spec=spec, **kwargs)
        super().__init__(self.module.params, check_mode=self.module.check_mode)
        self._vault = vault
        if not azure_optional:
            self.require_azure()

    def require_azure(self):
        """Fail the task when an Azure SDK is missing or an Azure option is wrong (before any request)."""
        for library, trace in missing_libraries():
            self.module.fail_json(msg=missing_required_lib(library), exception=trace)
        self.params, problems = azure_options(self.module.params, vault=self._vault)
        for secret in (self.params.get("secret"), self.params.get("client_certificate_password")):
            if secret:  # a credentials file's secret is masked in the output as an option's is
                self.module.no_log_values.add(secret)
        if problems:
            self.module.fail_json(msg="Invalid Azure options: " + "; ".join(problems))
        problems = wait_problems(self.params)
        if problems:
            self.module.fail_json(msg="Invalid options: " + "; ".join(problems))

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
