# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reads of one Recovery Services vault through the ASR SDK, as plain JSON (the SDK models' as_dict()).

Private to the collection. Knows no Ansible. Errors are the SDK's; callers wrap calls in
``AsrModule.step`` to turn them into SiteRecoveryError with what was being done.
"""

from __future__ import annotations

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_items import ItemLookupError, address, find_item
from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError


class VaultReader:
    """The vault's items, recovery points and jobs."""

    def __init__(self, client, resource_group, vault_name):
        self.client = client
        self.group = resource_group
        self.vault = vault_name

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
        try:
            return self.client.replication_protected_items.get(self.group, self.vault, fabric, container, name).as_dict()
        except Exception as exc:  # pylint: disable=broad-except  # only a 404 is translated here
            if getattr(exc, "status_code", None) == 404:
                raise SiteRecoveryError("no replicated item has the id %s in vault %s" % (arm_id, self.vault),
                                        code="ReplicatedItemNotFound") from exc
            raise

    def refresh(self, item, **options):
        """The item read again; ``options`` go to the SDK call (``retry_total=0``: one attempt)."""
        fabric, container, name = address(item)
        return self.client.replication_protected_items.get(self.group, self.vault, fabric, container, name, **options).as_dict()

    def points(self, item):
        fabric, container, name = address(item)
        return [p.as_dict() for p in self.client.recovery_points.list_by_replication_protected_items(self.group, self.vault, fabric, container, name)]

    def job(self, job_id, **options):
        """The job ``job_id``; ``options`` go to the SDK call (``retry_total=0``: one attempt)."""
        return self.client.replication_jobs.get(self.group, self.vault, job_id, **options).as_dict()

    def jobs(self, odata_filter=None, **options):
        """The vault's jobs (every page), those ``odata_filter`` selects; ``options`` go to the SDK call."""
        return [j.as_dict() for j in self.client.replication_jobs.list(self.group, self.vault, filter=odata_filter, **options)]

    def plans(self):
        """The vault's recovery plans."""
        return [p.as_dict() for p in self.client.replication_recovery_plans.list(self.group, self.vault)]

    def plan(self, name, **options):
        """The recovery plan ``name``; None when the vault has none of that name (404)."""
        try:
            return self.client.replication_recovery_plans.get(self.group, self.vault, name, **options).as_dict()
        except Exception as exc:  # pylint: disable=broad-except  # only a 404 is translated here
            if getattr(exc, "status_code", None) == 404:
                return None
            raise
