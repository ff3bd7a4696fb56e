#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: asr_apply_recovery_point
short_description: Change the recovery point of a failed-over machine before the commit
version_added: 0.1.0
description:
  - The portal's "Change recovery point" (ASR's C(applyRecoveryPoint); operation C(ChangePit)), for a machine failed over
    to Azure and not committed yet. After the commit ASR refuses it, and so does this module, before any request.
  - Idempotent. A machine already on the chosen point reports C(changed=false); a change already running is waited on.
author:
  - siterecovery.vmware maintainers (@siterecovery)
options:
  recovery_point:
    description: The point to move to, read from the item's recovery points; V(custom) takes O(recovery_point_id).
    type: str
    default: latest_app_consistent
    choices: [latest_processed, latest_app_consistent, latest_crash_consistent, custom]
  recovery_point_id:
    description: With O(recovery_point=custom), the recovery point's id or ARM id.
    type: str
extends_documentation_fragment:
  - siterecovery.vmware.azure
  - siterecovery.vmware.azure.vault
  - siterecovery.vmware.azure.item
  - siterecovery.vmware.wait
  - siterecovery.vmware.attributes.asr_action
"""

EXAMPLES = r"""
- name: Move vm-db-01 to its latest app-consistent point before committing
  siterecovery.vmware.asr_apply_recovery_point:
    resource_group: rg-dr
    vault_name: vault-dr
    name: vm-db-01
    recovery_point: latest_app_consistent
"""

RETURN = r"""
replicated_item:
  description: The item's facts afterwards (see M(siterecovery.vmware.asr_replicated_item_info)).
  returned: always
  type: dict
job:
  description: The job that changed the point; null when nothing was done.
  returned: always
  type: dict
recovery_point:
  description: The point chosen (id, name, time, type).
  returned: always
  type: dict
"""

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_jobs import WAIT_SPEC
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_module import AsrModule
from ansible_collections.siterecovery.vmware.plugins.module_utils._failover_task import apply_point


def main():
    spec = dict(
        name=dict(type="str", required=True),
        recovery_point=dict(type="str", default="latest_app_consistent",
                            choices=["latest_processed", "latest_app_consistent", "latest_crash_consistent", "custom"]),
        recovery_point_id=dict(type="str"),
        **WAIT_SPEC
    )
    AsrModule(argument_spec=spec, supports_check_mode=True, required_if=[("recovery_point", "custom", ["recovery_point_id"])]).run(apply_point)


if __name__ == "__main__":
    main()
