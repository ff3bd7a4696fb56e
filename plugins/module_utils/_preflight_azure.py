# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Azure reads of the preflight: the region's VM SKUs and vCPU usages, the target network, an address's
availability, the Azure VM, and the fabric's vCenters as ASR sees them.

Private to the collection. Knows no Ansible: ``asr`` is the module's AsrModule (its client and its ``step``,
which turns SDK errors into SiteRecoveryError). Reads only, through the vault gateway; a 404 of a resource the preflight looks
for is an answer (None, the gateway's ``or_none``), not an error.
"""

from __future__ import annotations

import threading

from ansible_collections.siterecovery.vmware.plugins.module_utils._fabric_facts import vcenter_facts
from ansible_collections.siterecovery.vmware.plugins.module_utils._preflight import sku_facts, usage_facts
from ansible_collections.siterecovery.vmware.plugins.module_utils._vault_gateway import VaultGateway


class PreflightReads:
    """What the preflight reads from Azure for one item, through the vault gateway."""

    def __init__(self, asr):
        self.asr = asr
        self.gateway = VaultGateway.of(asr)

    def location(self, item):
        """The target region: the item's targetLocation (modernized), else the vault's region (classic)."""
        location = ((item.get("properties") or {}).get("providerSpecificDetails") or {}).get("targetLocation")
        if location:
            return location
        with self.asr.step("reading vault %s" % self.asr.vault_name):
            return self.gateway.vault_location()

    def sku(self, location, size):
        """The virtualMachines resource SKU ``size`` in ``location`` (its facts), or None when the region does not offer it."""
        with self.asr.step("reading the VM sizes offered in %s" % location):
            skus = self.gateway.skus(location)
        for sku in skus:
            if sku.get("resourceType") == "virtualMachines" and str(sku.get("name") or "").lower() == str(size or "").lower():
                return sku_facts(sku, location)
        return None

    def usages(self, location):
        with self.asr.step("reading the vCPU quotas of %s" % location):
            return usage_facts(self.gateway.usages(location))

    def network(self, network_id):
        if not network_id:
            return None
        with self.asr.step("reading network %s" % network_id):
            return self.gateway.or_none(self.gateway.network, network_id)

    def ip_available(self, network_id, address):
        """Whether Azure says ``address`` is free in the network (None when it cannot say, e.g. outside every subnet)."""
        with self.asr.step("checking whether %s is free in %s" % (address, network_id)):
            return self.gateway.ip_available(network_id, address)

    def azure_vm(self, vm_id):
        """{id, name, exists, power} of the Azure VM, or None when the item does not name one."""
        if not vm_id:
            return None
        with self.asr.step("reading Azure VM %s" % vm_id):
            document = self.gateway.azure_vm(vm_id)
        if document is None:
            return dict(id=vm_id, name=vm_id.rsplit("/", 1)[-1], exists=False, power=None)
        with self.asr.step("reading the instance view of %s" % vm_id):
            view = self.gateway.instance_view(vm_id) or {}
        power = [s.get("displayStatus") or s.get("code") for s in view.get("statuses") or [] if str(s.get("code", "")).startswith("PowerState/")]
        return dict(id=document.get("id") or vm_id, name=document.get("name"), exists=True, power=power[0] if power else None)

    def vcenters(self, fabric):
        with self.asr.step("listing the vCenters of fabric %s" % fabric):
            return [vcenter_facts(v) for v in self.gateway.vcenters(fabric)]


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
