#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: asr_preflight_info
short_description: Tell before a failover or a failback whether it can work
version_added: 0.1.0
description:
  - Checks one replicated item before a failover to Azure or a failback to on-premises and returns each check with
    V(pass), V(warn) or V(fail), a reason a person can act on, and the source of the rule (a support-matrix row or ASR's record).
  - Before a failover, the machine against Azure's requirements for replicated machines (recovery VM name, operating system,
    OS and data disk sizes and counts, network adapters and boot firmware against the target size), the replication's health
    and the newest recovery point's age, and the Azure side (the size offered in the region, the vCPU quota of its family and of
    the region, the target network, subnet and static address); and the runbook's warnings of a longer failover (a Mobility
    service older than 9.8, physical servers, Linux).
  - Before a failback, the machine runs in Azure and replicates back (a warning while the reprotect is still to be done), the
    Azure VM still exists, a recovery point exists, the vCenter is connected as ASR sees it, and the Mobility service has
    registered again since the failover.
  - The rules and their sources are listed in the collection's C(docs/preflight.md).
  - An info module; it does not fail on failed checks (RV(ready) says whether any check failed). It fails on bad options, an item
    that is not found, and Azure errors.
author:
  - siterecovery.vmware maintainers (@siterecovery)
options:
  before:
    description:
      - The step to check for.
      - By default the step the machine is ready for, from where it runs now (the item's C(running_in) fact) - V(failover) for a
        machine that runs on-premises, V(failback) for one in Azure.
    type: str
    choices: [failover, failback]
  rpo_threshold:
    description:
      - Minutes; a newest recovery point older than this makes the C(rpo) check warn (the step still works, losing the changes since).
      - The default, 30 minutes, is six times the 5 minutes between ASR's crash-consistent recovery points, so a replication that
        lags a little does not warn while one that has stalled does.
    type: int
    default: 30
  target_vm_size:
    description:
      - The Azure VM size to check the machine and the quota against, instead of the item's recovery VM size.
    type: str
extends_documentation_fragment:
  - siterecovery.vmware.azure
  - siterecovery.vmware.azure.vault
  - siterecovery.vmware.azure.item
  - siterecovery.vmware.vsphere
  - siterecovery.vmware.attributes.asr_info
notes:
  - The C(vcenter_connected) check reads the vCenter's connection as ASR's configuration server or appliance reports it (discovery
    status, health errors, heartbeat).
  - The vSphere options are optional here. When O(hostname) (or E(VMWARE_HOST)) is set, the failback preflight also logs in to
    that vCenter (check C(vcenter_reachable)); O(username) and O(password) are then required. A login that fails, or a vCenter
    certificate that is not trusted, fails that check with the reason. Before a failover the vCenter is not used, so the
    C(vcenter_reachable) check then passes and says that the vSphere options were not used.
"""

EXAMPLES = r"""
- name: Can vm-web-01 fail over now?
  siterecovery.vmware.asr_preflight_info:
    resource_group: rg-dr
    vault_name: vault-dr
    name: vm-web-01
  register: preflight

- name: Stop when a check failed
  ansible.builtin.assert:
    that: preflight.ready
    fail_msg: "{{ preflight.checks | selectattr('status', 'equalto', 'fail') | map(attribute='reason') | join('; ') }}"

- name: Check the failback of a machine running in Azure, with a stricter RPO
  siterecovery.vmware.asr_preflight_info:
    name: vm-web-01
    before: failback
    rpo_threshold: 15
  register: failback_preflight
"""

RETURN = r"""
checks:
  description: One entry per rule that applies before the step, in the order of the rule table.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description:
        - The rule, for example V(quota_family), V(os_disk_size), V(azure_vm_exists).
        - V(vcenter_reachable) is returned only when vSphere options are given; before a failover it passes with the reason that
          a failover does not use them.
      type: str
    status:
      description: V(pass), V(warn) (the step can work, with a caveat) or V(fail) (it cannot work as things are).
      type: str
    reason:
      description: What was found, and what to do about it.
      type: str
    source:
      description: Where the rule comes from (a documentation URL and row, or ASR's record).
      type: str
  sample:
    - name: quota_family
      status: fail
      reason: "vCPU quota of family standardDSv3Family: 40 of 40 vCPUs used in westeurope, 0 left, size Standard_D2s_v3 needs 2; request a quota
        increase or choose a smaller size"
      source: https://learn.microsoft.com/azure/virtual-machines/quotas (vCPU quotas per VM family)
summary:
  description: How many checks passed, warned and failed.
  returned: always
  type: dict
  sample: {pass: 22, warn: 1, fail: 0}
ready:
  description: True when no check failed.
  returned: always
  type: bool
before:
  description: The step that was checked, V(failover) or V(failback).
  returned: always
  type: str
target:
  description: The recovery VM checked before a failover (location, size, network_id, subnet, static_ip); null before a failback.
  returned: always
  type: dict
replicated_item:
  description: The item's facts (see M(siterecovery.vmware.asr_replicated_item_info)).
  returned: always
  type: dict
"""

from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_module import AsrModule
from ansible_collections.siterecovery.vmware.plugins.module_utils._preflight_task import preflight
from ansible_collections.siterecovery.vmware.plugins.module_utils._vsphere_spec import vsphere_argument_spec


def main():
    spec = dict(
        name=dict(type="str", required=True),
        before=dict(type="str", choices=["failover", "failback"]),
        rpo_threshold=dict(type="int", default=30),
        target_vm_size=dict(type="str"),
        **vsphere_argument_spec()
    )
    AsrModule(argument_spec=spec, supports_check_mode=True).run(preflight)


if __name__ == "__main__":
    main()
