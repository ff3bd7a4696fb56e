#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: asr_commit
short_description: Commit the failover of a replicated item, to Azure or back on-premises
version_added: 0.1.0
description:
  - Commits a completed failover (ASR's C(failoverCommit); operation C(Commit)), in either direction. Commit deletes the
    item's other recovery points, so change the recovery point first if the one used is not the one wanted.
  - Idempotent. An item already committed reports C(changed=false); a commit job already running on the item is waited on,
    never started twice.
  - An item that has not failed over (nothing to commit) fails the task before any request, naming what ASR allows.
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
- name: Commit the failover of vm-web-01
  siterecovery.vmware.asr_commit:
    resource_group: rg-dr
    vault_name: vault-dr
    name: vm-web-01
  register: commit
"""

RETURN = r"""
replicated_item:
  description: The item's facts after the commit (see M(siterecovery.vmware.asr_replicated_item_info)).
  returned: always
  type: dict
job:
  description: The commit job (id, operation, state, times, tasks, errors); null when nothing was done.
  returned: always
  type: dict
"""

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_actions import ItemAction
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_jobs import WAIT_SPEC
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_module import AsrModule
from ansible_collections.siterecovery.vmware.plugins.module_utils._failover_task import committed_already


def commit(asr):
    action = ItemAction(asr, asr.params["name"])

    return action.perform("failoverCommit", "committing %s" % action.name, "commit the failover of %s" % action.name,
                          lambda facts: committed_already(action.name, facts))


def main():
    spec = dict(name=dict(type="str", required=True), **WAIT_SPEC)
    AsrModule(argument_spec=spec, supports_check_mode=True).run(commit)


if __name__ == "__main__":
    main()
