# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one gateway to the vault: ASR through its SDK (``_asr_vault.VaultReader``) and the ARM resources beside it (the vault's
region, Azure VMs, networks, sizes and quotas, deployments, the OffAzure site's run-as accounts), each at the api-version of
``_api_versions``.

Private to the collection. Knows no Ansible. Modules, workflows, the action plugins and the inventory plugin reach Azure only
through a VaultGateway (``VaultGateway.of(session)``); a unit test fails when anything else calls the SDK or ARM
(docs/architecture.md, "Layers"). A 404 of what is looked for is None (``or_none``); other errors are the SDK's, and callers
wrap calls in ``step`` to say what was being done.
"""

from __future__ import annotations

from ansible_collections.siterecovery.vmware.plugins.module_utils import _api_versions as versions
from ansible_collections.siterecovery.vmware.plugins.module_utils._arm import arm_list, arm_request
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_vault import VaultReader, status_of
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_spec import vault_id


class VaultGateway(VaultReader):
    """One vault's ASR calls (VaultReader's) and the ARM requests beside them."""

    def __init__(self, client, resource_group, vault_name, subscription_id=None, session=None):
        super().__init__(client, resource_group, vault_name, session=session)
        self.subscription = subscription_id

    @classmethod
    def of(cls, session):
        """The gateway of an AzureSession (an AsrModule, the asr_wait action's session, the inventory plugin's); the session's
        client is built on the gateway's first call."""
        return cls(None, session.resource_group, session.vault_name, (session.params or {}).get("subscription_id"), session=session)

    def _get(self, path, api_version, **query):
        return arm_request(self.client, "GET", path, api_version, query=query)

    # ---- the vault ----------------------------------------------------------------------------------
    def vault_location(self):
        """The vault's region (a classic item's target region)."""
        return self._get(vault_id(self.subscription, self.group, self.vault), versions.RECOVERY_SERVICES)["location"]

    # ---- compute ------------------------------------------------------------------------------------
    def azure_vm(self, vm_id, expand=None):
        """The Azure VM ``vm_id`` (``expand="instanceView"``: with its instance view), or None when Azure has none (404)."""
        return self.or_none(self._get, vm_id, versions.COMPUTE, **({"$expand": expand} if expand else {}))

    def instance_view(self, vm_id):
        """The instance view of the Azure VM ``vm_id``, or None (404)."""
        return self.or_none(self._get, vm_id + "/instanceView", versions.COMPUTE)

    def _location_path(self, location, what):
        return "/subscriptions/%s/providers/Microsoft.Compute/locations/%s/%s" % (self.subscription, location, what)

    def usages(self, location):
        """The compute usages (vCPU quotas) of ``location``."""
        return arm_list(self.client, self._location_path(location, "usages"), versions.COMPUTE)

    def vm_sizes(self, location):
        """The VM sizes ``location`` offers."""
        return arm_list(self.client, self._location_path(location, "vmSizes"), versions.COMPUTE)

    def skus(self, location):
        """The resource SKUs of ``location``."""
        return arm_list(self.client, "/subscriptions/%s/providers/Microsoft.Compute/skus" % self.subscription, versions.COMPUTE_SKUS,
                        query={"$filter": "location eq '%s'" % location})

    # ---- network ------------------------------------------------------------------------------------
    def network(self, network_id):
        """The virtual network ``network_id``; its 404 is the SDK's error (``or_none(gateway.network, ...)`` makes it None)."""
        return self._get(network_id, versions.NETWORK)

    def network_interface(self, nic_id):
        return self._get(nic_id, versions.NETWORK)

    def ip_available(self, network_id, address):
        """Whether Azure says ``address`` is free in the network; None when it cannot say (400, e.g. outside every subnet)."""
        try:
            return bool((self._get("%s/CheckIPAddressAvailability" % network_id, versions.NETWORK, ipAddress=address) or {}).get("available"))
        except Exception as exc:  # pylint: disable=broad-except  # only a 400 is an answer here
            if status_of(exc) == 400:
                return None
            raise

    # ---- resources ----------------------------------------------------------------------------------
    def deployment(self, deployment_id):
        """The template deployment ``deployment_id``, or None when there is none yet (404)."""
        return self.or_none(self._get, deployment_id, versions.RESOURCES)

    def put_deployment(self, deployment_id, body):
        return arm_request(self.client, "PUT", deployment_id, versions.RESOURCES, body)

    # ---- OffAzure -----------------------------------------------------------------------------------
    def run_as_accounts(self, site_id):
        """The run-as accounts of the OffAzure VMware site ``site_id`` (a modernized appliance's)."""
        return arm_list(self.client, site_id + "/runasaccounts", versions.OFFAZURE)
