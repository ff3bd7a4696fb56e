#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: asr_resync
short_description: Resynchronise a replicated item whose health says a resync is required
version_added: 0.1.0
description:
  - ASR's C(repairReplication) (operation C(RepairReplication)) for an item whose replication must be resynchronised.
  - Idempotent. An item that needs no resync reports C(changed=false); a resync already running is waited on.
author:
  - siterecovery.vmware maintainers (@siterecovery)
extends_documentation_fragment:
  - siterecovery.vmware.azure
  - siterecovery.vmware.azure.vault
  - siterecovery.vmware.azure.item
  - siterecovery.vmware.wait
  - siterecovery.vmware.attributes.asr_action
"""

EXAMPLES = r"""
- name: Resynchronise vm-app-02 when ASR asks for it
  siterecovery.vmware.asr_resync:
    resource_group: rg-dr
    vault_name: vault-dr
    name: vm-app-02
"""

RETURN = r"""
replicated_item:
  description: The item's facts afterwards (see M(siterecovery.vmware.asr_replicated_item_info)).
  returned: always
  type: dict
job:
  description: The resync job; null when nothing was done.
  returned: always
  type: dict
"""

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_actions import ItemAction
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_jobs import WAIT_SPEC
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_module import AsrModule


def resync(asr):
    action = ItemAction(asr, asr.params["name"])

    def unchanged(facts):
        if not facts["resync_required"]:
            return "%s needs no resync (replication health %s)" % (action.name, facts["replication_health"])
        return None

    return action.perform("repairReplication", "resynchronising %s" % action.name, "resynchronise %s" % action.name, unchanged)


def main():
    AsrModule(argument_spec=dict(name=dict(type="str", required=True), **WAIT_SPEC), supports_check_mode=True).run(resync)


if __name__ == "__main__":
    main()
