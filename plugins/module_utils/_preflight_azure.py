# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Azure reads of the preflight: the region's VM SKUs and vCPU usages, the target network, an address's
availability, the Azure VM, and the fabric's vCenters as ASR sees them.

Private to the collection. Knows no Ansible: ``asr`` is the module's AsrModule (its client and its ``step``,
which turns SDK errors into SiteRecoveryError). Reads only; a 404 of a resource the preflight looks for is
an answer (None), not an error.
"""

from __future__ import annotations

import threading

from ansible_collections.siterecovery.vmware.plugins.module_utils._arm import arm_list, arm_request
from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError
from ansible_collections.siterecovery.vmware.plugins.module_utils._fabric_facts import vcenter_facts
from ansible_collections.siterecovery.vmware.plugins.module_utils._preflight import sku_facts, usage_facts

try:
    from azure.core.rest import HttpRequest
except ImportError:  # the modules report the missing SDK before any call
    HttpRequest = None

COMPUTE_API_VERSION = "2024-07-01"
SKUS_API_VERSION = "2021-07-01"
NETWORK_API_VERSION = "2024-05-01"
VAULT_API_VERSION = "2025-08-01"


class PreflightReads:
    """What the preflight reads from Azure for one item."""

    def __init__(self, asr):
        self.asr = asr
        self.subscription = asr.params["subscription_id"]

    def _get_or_none(self, path, api_version, what):
        try:
            with self.asr.step("reading %s" % what):
                return arm_request(self.asr.client, "GET", path, api_version)
        except SiteRecoveryError as error:
            if error.status == 404:
                return None
            raise

    def location(self, item):
        """The target region: the item's targetLocation (modernized), else the vault's region (classic)."""
        location = ((item.get("properties") or {}).get("providerSpecificDetails") or {}).get("targetLocation")
        if location:
            return location
        with self.asr.step("reading vault %s" % self.asr.vault_name):
            return arm_request(self.asr.client, "GET", self.asr.vault_id, VAULT_API_VERSION)["location"]

    def sku(self, location, size):
        """The virtualMachines resource SKU ``size`` in ``location`` (its facts), or None when the region does not offer it."""
        path = "/subscriptions/%s/providers/Microsoft.Compute/skus" % self.subscription
        with self.asr.step("reading the VM sizes offered in %s" % location):
            request = HttpRequest("GET", path, params={"api-version": SKUS_API_VERSION, "$filter": "location eq '%s'" % location})
            response = self.asr.client.send_request(request)
            response.raise_for_status()
            page = response.json() or {}
            skus = list(page.get("value") or [])
            while page.get("nextLink"):
                page = self.asr.client.send_request(HttpRequest("GET", page["nextLink"])).json() or {}
                skus.extend(page.get("value") or [])
        for sku in skus:
            if sku.get("resourceType") == "virtualMachines" and str(sku.get("name") or "").lower() == str(size or "").lower():
                return sku_facts(sku, location)
        return None

    def usages(self, location):
        path = "/subscriptions/%s/providers/Microsoft.Compute/locations/%s/usages" % (self.subscription, location)
        with self.asr.step("reading the vCPU quotas of %s" % location):
            return usage_facts(arm_list(self.asr.client, path, COMPUTE_API_VERSION))

    def network(self, network_id):
        return self._get_or_none(network_id, NETWORK_API_VERSION, "network %s" % network_id) if network_id else None

    def ip_available(self, network_id, address):
        """Whether Azure says ``address`` is free in the network (None when it cannot say, e.g. outside every subnet)."""
        with self.asr.step("checking whether %s is free in %s" % (address, network_id)):
            request = HttpRequest("GET", "%s/CheckIPAddressAvailability" % network_id,
                                  params={"api-version": NETWORK_API_VERSION, "ipAddress": address})
            response = self.asr.client.send_request(request)
            if response.status_code == 400:
                return None
            response.raise_for_status()
            return bool((response.json() or {}).get("available"))

    def azure_vm(self, vm_id):
        """{id, name, exists, power} of the Azure VM, or None when the item does not name one."""
        if not vm_id:
            return None
        document = self._get_or_none(vm_id, COMPUTE_API_VERSION, "Azure VM %s" % vm_id)
        if document is None:
            return dict(id=vm_id, name=vm_id.rsplit("/", 1)[-1], exists=False, power=None)
        view = self._get_or_none(vm_id + "/instanceView", COMPUTE_API_VERSION, "the instance view of %s" % vm_id) or {}
        power = [s.get("displayStatus") or s.get("code") for s in view.get("statuses") or [] if str(s.get("code", "")).startswith("PowerState/")]
        return dict(id=document.get("id") or vm_id, name=document.get("name"), exists=True, power=power[0] if power else None)

    def vcenters(self, fabric):
        with self.asr.step("listing the vCenters of fabric %s" % fabric):
            return [vcenter_facts(v.as_dict()) for v in self.asr.client.replicationv_centers.list_by_replication_fabrics(
                self.asr.resource_group, self.asr.vault_name, fabric)]


class SharedPreflightReads(PreflightReads):
    """PreflightReads for a whole run (the fleet engine): what is the same for every machine of a region is read once.

    The vault's region, a region's VM sizes and vCPU quotas, and a network are per region or per network, not per machine: the
    first machine that needs one reads it, the others (on other threads) wait for that answer. A failed read is not kept."""

    def __init__(self, asr):
        super().__init__(asr)
        self._lock = threading.Lock()
        self._keys = {}  # key -> threading.Lock of its first read
        self._answers = {}
        self.reads = 0  # the region-wide reads actually sent

    def _once(self, key, read):
        with self._lock:
            own = self._keys.setdefault(key, threading.Lock())
        with own:
            if key not in self._answers:
                self._answers[key] = read()
                self.reads += 1
            return self._answers[key]

    def location(self, item):
        target = ((item.get("properties") or {}).get("providerSpecificDetails") or {}).get("targetLocation")
        return self._once(("location", target), lambda: PreflightReads.location(self, item))

    def sku(self, location, size):
        return self._once(("sku", location, str(size or "").lower()), lambda: PreflightReads.sku(self, location, size))

    def usages(self, location):
        return self._once(("usages", location), lambda: PreflightReads.usages(self, location))

    def network(self, network_id):
        return self._once(("network", str(network_id or "").lower()), lambda: PreflightReads.network(self, network_id))
