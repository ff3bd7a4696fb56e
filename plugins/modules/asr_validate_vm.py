#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: asr_validate_vm
short_description: Check that a failed-over or test VM in Azure runs, has its private IP, and answers on its port
version_added: 0.1.0
description:
  - The check Microsoft's tutorials ask for after a failover and in a drill, before anything is committed or cleaned up. It reads the
    replicated item's Azure VM (the recovered VM of a real failover, or the test VM of a drill that waits for its cleanup) until it is
    running, its primary network interface has a private IP address, and a TCP connection to its port opens, or O(wait_timeout) runs out.
  - The connection is made from where the task runs (delegate it to a host that reaches the recovery network).
  - Nothing is written, so it runs the same in check mode. The task fails when the validation does not pass in time, with each check's
    result; use it before M(siterecovery.vmware.asr_commit) or M(siterecovery.vmware.asr_test_failover_cleanup).
author:
  - siterecovery.vmware maintainers (@siterecovery)
options:
  vm:
    description: V(recovery) checks the VM a real failover created; V(test) the test VM of the drill waiting for its cleanup.
    type: str
    default: recovery
    choices: [recovery, test]
  port:
    description: The TCP port that must answer; 22 for a Linux machine and 3389 for a Windows one by default.
    type: int
  wait_timeout:
    description: Seconds the VM may take to pass every check (1 or more).
    type: int
    default: 600
  wait_sleep:
    description: Seconds between two reads (1 or more).
    type: int
    default: 5
extends_documentation_fragment:
  - siterecovery.vmware.azure
  - siterecovery.vmware.azure.vault
  - siterecovery.vmware.azure.item
  - siterecovery.vmware.attributes.asr_info
"""

EXAMPLES = r"""
- name: The recovered vm-web-01 answers on SSH before the commit
  siterecovery.vmware.asr_validate_vm:
    resource_group: rg-dr
    vault_name: vault-dr
    name: vm-web-01
    wait_timeout: 900
  register: validation

- name: The drill's test VM answers on its application port
  siterecovery.vmware.asr_validate_vm:
    resource_group: rg-dr
    vault_name: vault-dr
    name: vm-web-02
    vm: test
    port: 443
"""

RETURN = r"""
passed:
  description: True when every check passed within O(wait_timeout).
  returned: always
  type: bool
vm:
  description: The VM checked (id, name, power_state, private_ip, os_type, port, kind).
  returned: always
  type: dict
checks:
  description: Each check (running, private_ip, port) with C(passed) and a C(detail) in words, as last read.
  returned: always
  type: list
  elements: dict
started:
  description: When the validation began (ISO 8601, UTC).
  returned: always
  type: str
answered_at:
  description: When the VM passed every check (ISO 8601, UTC); null when it did not.
  returned: always
  type: str
seconds:
  description: Seconds the validation took.
  returned: always
  type: float
reads:
  description: How many times the VM was read.
  returned: always
  type: int
"""

from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_module import AsrModule
from ansible_collections.siterecovery.vmware.plugins.module_utils._vm_check import validate


def main():
    spec = dict(name=dict(type="str", required=True), vm=dict(type="str", default="recovery", choices=["recovery", "test"]),
                port=dict(type="int"), wait_timeout=dict(type="int", default=600), wait_sleep=dict(type="int", default=5))
    asr = AsrModule(argument_spec=spec, supports_check_mode=True)
    problems = []
    if asr.params["port"] is not None and not 1 <= asr.params["port"] <= 65535:
        problems.append("port must be 1 to 65535 (got %s)" % asr.params["port"])
    if problems:
        asr.module.fail_json(msg="Invalid options: " + "; ".join(problems))
    asr.run(validate)


if __name__ == "__main__":
    main()
