#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: asr_test_failover_cleanup
short_description: End a DR drill, ASR's test failover cleanup, which deletes the test VM
version_added: 0.1.0
description:
  - Cleans up a test failover that waits for it (ASR's C(testFailoverCleanup); operation C(TestFailoverCleanup)), with O(comments);
    ASR deletes the test VM and allows the item's other operations again.
  - Idempotent. An item with no drill waiting for its cleanup reports C(changed=false); a cleanup already running is waited on, never
    started twice. A test failover still running fails the task before any request, with its job id.
  - Reports the test VM as deleted (RV(test_vm.deleted)) only after reading from Azure that it is gone.
author:
  - siterecovery.vmware maintainers (@siterecovery)
options:
  comments:
    description: What the drill found, kept by ASR with the job (1,024 characters at most, checked before any request).
    type: str
    default: ""
extends_documentation_fragment:
  - siterecovery.vmware.azure
  - siterecovery.vmware.azure.vault
  - siterecovery.vmware.azure.item
  - siterecovery.vmware.wait
  - siterecovery.vmware.attributes.asr_action
"""

EXAMPLES = r"""
- name: End the drill of vm-web-01
  siterecovery.vmware.asr_test_failover_cleanup:
    resource_group: rg-dr
    vault_name: vault-dr
    name: vm-web-01
    comments: "Drill 2026-03: the application answered in 4 minutes"
"""

RETURN = r"""
replicated_item:
  description: The item's facts after the cleanup (see M(siterecovery.vmware.asr_replicated_item_info)).
  returned: always
  type: dict
job:
  description: The cleanup job (id, operation, state, times, tasks, errors); null when nothing was done.
  returned: always
  type: dict
request:
  description: The ASR action that would be sent, in check mode.
  returned: in check mode, when a cleanup would be started
  type: dict
test_vm:
  description: The drill's test VM (name, id), as read before the cleanup; null when there was none to clean up.
  returned: always
  type: dict
  contains:
    name:
      description: The test VM's name.
      type: str
    id:
      description: The test VM's ARM id.
      type: str
    deleted:
      description: True once Azure answered that the test VM no longer exists (read after the cleanup's job).
      type: bool
"""

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_drill import comments_problem, run_cleanup
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_jobs import WAIT_SPEC
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_module import AsrModule


def main():
    spec = dict(name=dict(type="str", required=True), comments=dict(type="str", default=""), **WAIT_SPEC)
    asr = AsrModule(argument_spec=spec, supports_check_mode=True)
    problem = comments_problem(asr.params["comments"])
    if problem:
        asr.module.fail_json(msg="Invalid options: " + problem)
    asr.run(run_cleanup)


if __name__ == "__main__":
    main()
