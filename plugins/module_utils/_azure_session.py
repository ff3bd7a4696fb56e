# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One vault's Azure session: the resolved cloud, the Site Recovery client built on first use, and SDK calls
whose failures become SiteRecoveryError.

Private to the collection. Knows no AnsibleModule: a module wraps it (``_azure_module.AsrModule``), and so does
the controller-side action plugin that follows jobs (``plugins/action/asr_wait.py``), which must not cost a
module process per read.
"""

from __future__ import annotations

import contextlib

from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_auth import auth_advice, build_credential, build_site_recovery_client
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_cloud import CloudConfigError, CloudUnreachable, resolve_cloud
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_spec import vault_id
from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError, from_exception, unreachable_error


def cloud_endpoints(cloud_environment):
    """The endpoints of ``cloud_environment``; a SiteRecoveryError that says what is wrong with the value, or, for a Resource
    Manager URL whose metadata could not be read, why it could not be reached (a network error, which a wait reads again)."""
    try:
        return resolve_cloud(cloud_environment)
    except CloudUnreachable as exc:
        raise unreachable_error(exc.__cause__ or exc, "the cloud metadata endpoint", "reading %s" % exc.url, where=exc.url,
                                names="cloud_environment (AZURE_CLOUD_ENVIRONMENT)") from exc
    except CloudConfigError as exc:
        raise SiteRecoveryError(
            "cloud_environment: %s" % exc, code="CloudEnvironment",
            recommended_action="use AzureCloud, AzureUSGovernment, AzureChinaCloud or a Resource Manager URL",
        ) from exc


class AzureSession:
    """The validated options of a task (``params``, as ``_azure_spec.azure_options`` returns them) and the client they lead to.

    Modules (``AsrModule``), the ``asr_wait`` action and the ``asr_items`` inventory plugin all connect through it.
    """

    def __init__(self, params, check_mode=False):
        self.params = params
        self.check_mode = check_mode
        self._cloud = None
        self._client = None

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
            self._cloud = cloud_endpoints(self.params["cloud_environment"])
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
            raise from_exception(exc, context, auth_advice=auth_advice(self.params)) from exc
