#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: asr_failover
short_description: Fail a replicated machine over to Azure, or back on-premises
version_added: 0.1.0
description:
  - Fails over one replicated item in the direction given, with the request its provider takes (classic or modernized,
    to Azure or back), which is C(unplannedFailover) to Azure and for the classic failback, C(plannedFailover) for the modernized failback.
  - Idempotent. A machine already running in the target direction reports C(changed=false); a failover job already running on
    the item is waited on instead of starting another.
  - Everything is checked before any request (the item, the direction, the recovery point, the operation ASR allows); check
    mode stops there.
  - A wait that times out fails with the job's id and state; the failover goes on (it is never cancelled).
  - After a failover to Azure with O(shutdown_source=true), it reads the source VM's power state from vCenter when the vSphere
    options are given (O(hostname) or E(VMWARE_HOST); they are optional here, and checked before any request when given), reports it
    as RV(source_power), and warns when the VM is still on. Without them, RV(source_power) says that the power state was not checked.
    Reading vCenter never fails the task (the failover is done by then).
author:
  - siterecovery.vmware maintainers (@siterecovery)
options:
  direction:
    description:
      - V(to_azure) fails over a machine running on-premises; V(to_onprem) fails a machine back from Azure
        (after the reprotect to on-premises).
    type: str
    required: true
    choices: [to_azure, to_onprem]
  recovery_point:
    description:
      - The recovery point to fail over to.
      - V(latest) lets ASR process the data it has not processed yet (lowest RPO); a modernized failback takes the latest crash-consistent point.
      - V(latest_processed), V(latest_app_consistent), V(latest_crash_consistent) are read from the item's recovery points
        where the provider takes a recovery point id.
      - V(custom) takes O(recovery_point_id).
      - A modernized failback takes only V(latest), V(latest_app_consistent) and V(latest_crash_consistent); other choices fail before any request.
    type: str
    default: latest
    choices: [latest, latest_processed, latest_app_consistent, latest_crash_consistent, custom]
  recovery_point_id:
    description: With O(recovery_point=custom), the recovery point's id (or ARM id), from M(siterecovery.vmware.asr_recovery_point_info).
    type: str
  shutdown_source:
    description:
      - Shut the source machine down before the failover (the portal's "Shut down machine before beginning failover").
        The failover goes on if the shutdown fails.
    type: bool
    default: false
extends_documentation_fragment:
  - siterecovery.vmware.azure
  - siterecovery.vmware.azure.vault
  - siterecovery.vmware.azure.item
  - siterecovery.vmware.wait
  - siterecovery.vmware.vsphere
  - siterecovery.vmware.attributes.asr_action
"""

EXAMPLES = r"""
- name: Fail vm-web-01 over to Azure, to its latest app-consistent point, shutting it down first
  siterecovery.vmware.asr_failover:
    resource_group: rg-dr
    vault_name: vault-dr
    name: vm-web-01
    direction: to_azure
    recovery_point: latest_app_consistent
    shutdown_source: true
    wait_timeout: 7200

- name: Fail vm-web-02 over with shutdown, and check in vCenter that it is off
  siterecovery.vmware.asr_failover:
    resource_group: rg-dr
    vault_name: vault-dr
    name: vm-web-02
    direction: to_azure
    shutdown_source: true
    hostname: vcenter.example.com
    username: administrator@vsphere.local
    password: "{{ vcenter_password }}"
  register: failover

- name: Stop when the source still runs
  ansible.builtin.assert:
    that: failover.source_power.power_state != 'poweredOn'

- name: Fail it back on-premises once it is reprotected
  siterecovery.vmware.asr_failover:
    resource_group: rg-dr
    vault_name: vault-dr
    name: vm-web-01
    direction: to_onprem
"""

RETURN = r"""
replicated_item:
  description: The item's facts after the failover (see M(siterecovery.vmware.asr_replicated_item_info)).
  returned: always
  type: dict
job:
  description: The failover job (id, operation, state, times, tasks, errors); null when nothing was done.
  returned: always
  type: dict
request:
  description: The ASR action sent (or that would be sent in check mode) and its body, without secrets.
  returned: when a failover is (or would be) started
  type: dict
source_power:
  description: The on-premises source VM's power state after a failover to Azure with O(shutdown_source=true), read from vCenter.
  returned: when a failover to Azure with O(shutdown_source=true) was started and waited for
  type: dict
  contains:
    checked:
      description: Whether the power state was read (false without the vSphere options, or when vCenter could not be read).
      type: bool
    vm:
      description: The VM's name in vCenter (the replicated item's friendly name when it was not found).
      type: str
    power_state:
      description: C(poweredOff), C(poweredOn) or C(suspended); null when not checked.
      type: str
    message:
      description: What was found, or why the power state was not checked.
      type: str
  sample:
    checked: true
    vm: vm-web-02
    power_state: poweredOff
    message: the source VM vm-web-02 is powered off
"""

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_actions import ItemAction
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_jobs import WAIT_SPEC
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_module import AsrModule
from ansible_collections.siterecovery.vmware.plugins.module_utils._failover_task import failover
from ansible_collections.siterecovery.vmware.plugins.module_utils._source_power import vsphere_problems
from ansible_collections.siterecovery.vmware.plugins.module_utils._vsphere_spec import vsphere_argument_spec


def run(asr):
    return failover(ItemAction(asr, asr.params["name"]), asr.params, asr.module.warn)


def main():
    spec = dict(
        name=dict(type="str", required=True),
        direction=dict(type="str", required=True, choices=["to_azure", "to_onprem"]),
        recovery_point=dict(type="str", default="latest",
                            choices=["latest", "latest_processed", "latest_app_consistent", "latest_crash_consistent", "custom"]),
        recovery_point_id=dict(type="str"),
        shutdown_source=dict(type="bool", default=False),
        **WAIT_SPEC
    )
    spec.update(vsphere_argument_spec())
    asr = AsrModule(argument_spec=spec, supports_check_mode=True, required_if=[("recovery_point", "custom", ["recovery_point_id"])])
    problems = vsphere_problems(asr.params)
    if problems:
        asr.module.fail_json(msg="Invalid vSphere options: " + "; ".join(problems))
    asr.run(run)


if __name__ == "__main__":
    main()
