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
        """The item ``wanted`` names (name, friendly name or ARM id); SiteRecoveryError listing near names otherwise."""
        try:
            return find_item(self.items() if items is None else items, wanted)
        except ItemLookupError as exc:
            raise SiteRecoveryError("%s in vault %s" % (exc, self.vault), code="ReplicatedItemNotFound") from exc

    def refresh(self, item):
        fabric, container, name = address(item)
        return self.client.replication_protected_items.get(self.group, self.vault, fabric, container, name).as_dict()

    def points(self, item):
        fabric, container, name = address(item)
        return [p.as_dict() for p in self.client.recovery_points.list_by_replication_protected_items(self.group, self.vault, fabric, container, name)]

    def job(self, job_id):
        return self.client.replication_jobs.get(self.group, self.vault, job_id).as_dict()

    def jobs(self, odata_filter=None):
        return [j.as_dict() for j in self.client.replication_jobs.list(self.group, self.vault, filter=odata_filter)]
