#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: asr_cancel_failover
short_description: Cancel a completed, uncommitted failover and resume replication
version_added: 0.1.0
description:
  - ASR's C(failoverCancel) (operation C(CancelFailover)) for a failover that has completed and is not committed, where ASR
    offers it (a modernized failback, for instance); replication resumes in the direction it had.
  - It never cancels a running job; a failover still running makes the task fail, naming the job.
  - Idempotent. An item with nothing to cancel reports C(changed=false).
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
- name: Cancel the failback of vm-web-01 and keep it running in Azure
  siterecovery.vmware.asr_cancel_failover:
    resource_group: rg-dr
    vault_name: vault-dr
    name: vm-web-01
"""

RETURN = r"""
replicated_item:
  description: The item's facts afterwards (see M(siterecovery.vmware.asr_replicated_item_info)).
  returned: always
  type: dict
job:
  description: The cancel job; null when nothing was done.
  returned: always
  type: dict
"""

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_actions import ItemAction
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_jobs import WAIT_SPEC
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_module import AsrModule


def cancel(asr):
    action = ItemAction(asr, asr.params["name"])

    def unchanged(facts):
        if facts["stage"] == "replicating" and "CancelFailover" not in facts["allowed_operations"]:
            return "%s has no completed failover to cancel (%s)" % (action.name, facts["protection_state"])
        return None

    return action.perform("failoverCancel", "cancelling the failover of %s" % action.name, "cancel the failover of %s" % action.name, unchanged)


def main():
    AsrModule(argument_spec=dict(name=dict(type="str", required=True), **WAIT_SPEC), supports_check_mode=True).run(cancel)


if __name__ == "__main__":
    main()
