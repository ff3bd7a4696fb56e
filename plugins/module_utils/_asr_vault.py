# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ASR half of the vault gateway: every call of the Site Recovery SDK, answers as plain JSON (the SDK models' as_dict()).

Private to the collection. Knows no Ansible. ``_vault_gateway.VaultGateway`` adds the ARM reads beside ASR; modules, workflows
and the inventory plugin go through it (docs/architecture.md, "Layers"). Errors are the SDK's, except that a 404 of what is looked
for is None (``or_none``, the one rule); callers wrap calls in ``AsrModule.step`` to turn them into SiteRecoveryError with what
was being done.
"""

from __future__ import annotations

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_items import ItemLookupError, address, find_item
from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError
from ansible_collections.siterecovery.vmware.plugins.module_utils._fabric_facts import ONPREM_FABRIC_TYPES, choose_fabric, named_fabrics

# The SDK method of each action on an item (replication_protected_items) and on a recovery plan (replication_recovery_plans).
ITEM_METHODS = {
    "unplannedFailover": "begin_unplanned_failover",
    "plannedFailover": "begin_planned_failover",
    "failoverCommit": "begin_failover_commit",
    "applyRecoveryPoint": "begin_apply_recovery_point",
    "reProtect": "begin_reprotect",
    "failoverCancel": "begin_failover_cancel",
    "repairReplication": "begin_repair_replication",
    "testFailover": "begin_test_failover",
    "testFailoverCleanup": "begin_test_failover_cleanup",
    "update": "begin_update",  # PATCH of the item (its recovery VM's properties)
}
PLAN_METHODS = {"unplannedFailover": "begin_unplanned_failover", "plannedFailover": "begin_planned_failover", "testFailover": "begin_test_failover",
                "testFailoverCleanup": "begin_test_failover_cleanup", "failoverCommit": "begin_failover_commit",
                "failoverCancel": "begin_failover_cancel"}


def status_of(error):
    """The HTTP status of an SDK error (HttpResponseError.status_code) or of a translated one (SiteRecoveryError.status)."""
    status = getattr(error, "status_code", None)
    return getattr(error, "status", None) if status is None else status


class VaultReader:
    """The vault's items, recovery points, jobs, plans and fabrics, and the writes of ASR's actions."""

    def __init__(self, client, resource_group, vault_name, session=None):
        """``session`` (an AzureSession) instead of ``client``: its client is built on the first call, not here."""
        self._client = client
        self._session = session
        self.group = resource_group
        self.vault = vault_name

    @property
    def client(self):
        if self._client is None and self._session is not None:
            self._client = self._session.client
        return self._client

    @staticmethod
    def or_none(call, *args, **kwargs):
        """``call(*args, **kwargs)``, or None when Azure answers 404: the one way "404 means none" is written."""
        try:
            return call(*args, **kwargs)
        except Exception as exc:  # pylint: disable=broad-except  # only a 404 is translated here
            if status_of(exc) == 404:
                return None
            raise

    # ---- replicated items and their recovery points ------------------------------------------------
    def items(self):
        return [i.as_dict() for i in self.client.replication_protected_items.list(self.group, self.vault)]

    def find(self, wanted, items=None):
        """The item ``wanted`` names (name, friendly name or ARM id); SiteRecoveryError listing near names otherwise.

        An ARM id is read with one GET; a name needs the vault's list (the roles name an item by its id once they
        have read it, so a run lists the vault once per machine, not once per task).
        """
        if items is None and wanted.strip().lower().startswith("/subscriptions/"):
            return self.get_by_id(wanted.strip())
        try:
            return find_item(self.items() if items is None else items, wanted)
        except ItemLookupError as exc:
            raise SiteRecoveryError("%s in vault %s" % (exc, self.vault), code="ReplicatedItemNotFound") from exc

    def get_by_id(self, arm_id):
        """The item of ``arm_id`` (one GET); SiteRecoveryError ReplicatedItemNotFound when the vault has none with that id."""
        fabric, container, name = address(dict(id=arm_id, name=arm_id.rstrip("/").split("/")[-1]))
        if not (fabric and container) or "/vaults/%s/" % self.vault.lower() not in arm_id.lower():
            raise SiteRecoveryError("%r is not the ARM id of a replicated item of vault %s" % (arm_id, self.vault), code="ReplicatedItemNotFound")
        found = self.or_none(self.client.replication_protected_items.get, self.group, self.vault, fabric, container, name)
        if found is None:
            raise SiteRecoveryError("no replicated item has the id %s in vault %s" % (arm_id, self.vault), code="ReplicatedItemNotFound")
        return found.as_dict()

    def refresh(self, item, **options):
        """The item read again; ``options`` go to the SDK call (``retry_total=0``: one attempt)."""
        fabric, container, name = address(item)
        return self.client.replication_protected_items.get(self.group, self.vault, fabric, container, name, **options).as_dict()

    def points(self, item):
        fabric, container, name = address(item)
        return [p.as_dict() for p in self.client.recovery_points.list_by_replication_protected_items(self.group, self.vault, fabric, container, name)]

    def send_item_action(self, item, action, body, hook):
        """POST ``action`` (an ITEM_METHODS key) on ``item`` once, no polling; ``hook`` gets the raw answer (its job headers)."""
        fabric, container, name = address(item)
        args = [self.group, self.vault, fabric, container, name] + ([] if body is None else [body])
        getattr(self.client.replication_protected_items, ITEM_METHODS[action])(*args, polling=False, raw_response_hook=hook)

    # ---- jobs ---------------------------------------------------------------------------------------
    def job(self, job_id, **options):
        """The job ``job_id``; ``options`` go to the SDK call (``retry_total=0``: one attempt)."""
        return self.client.replication_jobs.get(self.group, self.vault, job_id, **options).as_dict()

    def jobs(self, odata_filter=None, **options):
        """The vault's jobs (every page), those ``odata_filter`` selects; ``options`` go to the SDK call."""
        return [j.as_dict() for j in self.client.replication_jobs.list(self.group, self.vault, filter=odata_filter, **options)]

    # ---- recovery plans -----------------------------------------------------------------------------
    def plans(self):
        """The vault's recovery plans."""
        return [p.as_dict() for p in self.client.replication_recovery_plans.list(self.group, self.vault)]

    def plan(self, name, **options):
        """The recovery plan ``name``; None when the vault has none of that name (404)."""
        found = self.or_none(self.client.replication_recovery_plans.get, self.group, self.vault, name, **options)
        return None if found is None else found.as_dict()

    def send_plan_action(self, name, action, body, hook):
        """POST ``action`` (a PLAN_METHODS key) on plan ``name`` once, no polling; ``hook`` gets the raw answer."""
        args = [self.group, self.vault, name] + ([] if body is None else [body])
        getattr(self.client.replication_recovery_plans, PLAN_METHODS[action])(*args, polling=False, raw_response_hook=hook)

    def put_plan(self, name, body, hook):
        """PUT plan ``name`` (create, or replace its groups) once, no polling."""
        self.client.replication_recovery_plans.begin_create(self.group, self.vault, name, body, polling=False, raw_response_hook=hook)

    def delete_plan(self, name, hook):
        """DELETE plan ``name`` once, no polling."""
        self.client.replication_recovery_plans.begin_delete(self.group, self.vault, name, polling=False, raw_response_hook=hook)

    # ---- fabrics, their vCenters, container mappings, policies --------------------------------------
    def fabrics(self):
        return [f.as_dict() for f in self.client.replication_fabrics.list(self.group, self.vault)]

    def fabric(self, name):
        return self.client.replication_fabrics.get(self.group, self.vault, name).as_dict()

    def named_fabrics(self, wanted):
        """The vault's fabrics ``wanted`` names, or all of them (``_fabric_facts.named_fabrics``)."""
        return named_fabrics(self.fabrics(), wanted, self.vault)

    def choose_fabric(self, wanted, default_types=ONPREM_FABRIC_TYPES):
        """The configuration server or appliance a task works on, or None (``_fabric_facts.choose_fabric``)."""
        return choose_fabric(self.fabrics(), wanted, self.vault, default_types)

    def vcenters(self, fabric_name):
        return [v.as_dict() for v in self.client.replicationv_centers.list_by_replication_fabrics(self.group, self.vault, fabric_name)]

    def policies(self):
        return [p.as_dict() for p in self.client.replication_policies.list(self.group, self.vault)]

    def mappings(self, fabric_name, container):
        return [m.as_dict() for m in self.client.replication_protection_container_mappings.list_by_replication_protection_containers(
            self.group, self.vault, fabric_name, container)]

    def protection_of(self, item):
        """What a reprotect of ``item`` chooses from: (its fabric, its container's mappings, the vault's policies)."""
        fabric_name, container, _name = address(item)
        return self.fabric(fabric_name), self.mappings(fabric_name, container), self.policies()
