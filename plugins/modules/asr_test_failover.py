#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: asr_test_failover
short_description: Start a DR drill, a test failover of a replicated machine into an isolated Azure network
version_added: 0.1.0
description:
  - Starts ASR's C(testFailover) of one replicated item, direction C(PrimaryToRecovery) - a test VM boots in Azure from the replica
    while the machine keeps running and replicating on-premises. ASR then waits for the drill's cleanup
    (M(siterecovery.vmware.asr_test_failover_cleanup)), which deletes the test VM; until then it allows no other operation on the item.
  - Only a machine that runs on-premises and replicates to Azure (providers C(InMageAzureV2) and C(InMageRcm)) can be drilled. A machine
    failed over to Azure, replicating back (C(InMage), C(InMageRcmFailback)) or failed back fails the task before any request, saying why.
  - A classic machine of a user-named multi-VM replication group is drilled only with its group (as Azure PowerShell requires), so the task
    fails before any request, naming the machines to drill together.
  - The network is the item's preset test network (InMageRcm C(testNetworkId), InMageAzureV2 C(selectedTfoAzureNetworkId)) unless
    O(network_id) is given; a drill into the machine's production recovery network is refused unless O(allow_production_network=true).
  - Idempotent. A drill already running on the item is waited on; a drill that waits for its cleanup reports C(changed=false). Nothing is
    ever started twice.
  - Returns the test VM (name, id, power state, private IP address) once the drill's job has succeeded.
author:
  - siterecovery.vmware maintainers (@siterecovery)
options:
  recovery_point:
    description:
      - The recovery point the test VM starts from, as M(siterecovery.vmware.asr_failover) resolves it.
      - V(latest) lets ASR process the data it has not processed yet; V(latest_processed), V(latest_app_consistent) and
        V(latest_crash_consistent) are read from the item's recovery points; V(custom) takes O(recovery_point_id).
    type: str
    default: latest
    choices: [latest, latest_processed, latest_app_consistent, latest_crash_consistent, custom]
  recovery_point_id:
    description: With O(recovery_point=custom), the recovery point's id (or ARM id), from M(siterecovery.vmware.asr_recovery_point_info).
    type: str
  network_type:
    description:
      - V(vm_network) attaches the test VM to a virtual network (ASR's C(VmNetworkAsInput)); V(none) attaches it to none
        (C(NoNetworkAttachAsInput)).
    type: str
    default: vm_network
    choices: [vm_network, none]
  network_id:
    description:
      - The ARM id of the virtual network of the recovery region the test VM joins, with O(network_type=vm_network).
      - Defaults to the item's preset test network; a task without either fails before any request.
    type: str
  allow_production_network:
    description:
      - Allow O(network_id) to be the machine's production recovery network (where a real failover puts it). A test VM there answers
        beside the production machines with the same name and addresses; refused unless set.
    type: bool
    default: false
extends_documentation_fragment:
  - siterecovery.vmware.azure
  - siterecovery.vmware.azure.vault
  - siterecovery.vmware.azure.item
  - siterecovery.vmware.wait
  - siterecovery.vmware.attributes.asr_action
"""

EXAMPLES = r"""
- name: Drill vm-web-01 in its preset test network, from its latest app-consistent point
  siterecovery.vmware.asr_test_failover:
    resource_group: rg-dr
    vault_name: vault-dr
    name: vm-web-01
    recovery_point: latest_app_consistent
  register: drill

- name: Connect to the test VM
  ansible.builtin.wait_for:
    host: "{{ drill.test_vm.private_ip }}"
    port: 22
    timeout: 300

- name: Drill vm-web-02 in a network named for it
  siterecovery.vmware.asr_test_failover:
    resource_group: rg-dr
    vault_name: vault-dr
    name: vm-web-02
    network_id: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-dr-recovery/providers/Microsoft.Network/virtualNetworks/vnet-drill
"""

RETURN = r"""
replicated_item:
  description:
    - The item's facts after the drill's job (see M(siterecovery.vmware.asr_replicated_item_info)); C(stage) is C(drill_pending) while
      the drill waits for its cleanup.
  returned: always
  type: dict
job:
  description: The test failover job (id, operation, state, times, tasks, errors); null when nothing was done.
  returned: always
  type: dict
request:
  description: The ASR action sent (or that would be sent in check mode) and its body.
  returned: when a drill is (or would be) started
  type: dict
  sample:
    action: testFailover
    body:
      properties:
        failoverDirection: PrimaryToRecovery
        networkType: VmNetworkAsInput
        networkId: /subscriptions/.../virtualNetworks/vnet-dr-test
        providerSpecificDetails: {instanceType: InMageAzureV2}
test_vm:
  description: The drill's test VM in Azure, while the drill waits for its cleanup; null otherwise.
  returned: always
  type: dict
  contains:
    name:
      description: The test VM's name (ASR's C(testVmName)).
      type: str
      sample: vm-web-01-test
    id:
      description: The test VM's ARM id.
      type: str
    power_state:
      description: C(running), C(stopped), C(deallocated), ..., from the VM's instance view.
      type: str
    private_ip:
      description: The private IP address of its primary network interface.
      type: str
"""

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_drill import run_test_failover
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_jobs import WAIT_SPEC
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_module import AsrModule


def main():
    spec = dict(
        name=dict(type="str", required=True),
        recovery_point=dict(type="str", default="latest",
                            choices=["latest", "latest_processed", "latest_app_consistent", "latest_crash_consistent", "custom"]),
        recovery_point_id=dict(type="str"),
        network_type=dict(type="str", default="vm_network", choices=["vm_network", "none"]),
        network_id=dict(type="str"),
        allow_production_network=dict(type="bool", default=False),
        **WAIT_SPEC
    )
    AsrModule(argument_spec=spec, supports_check_mode=True, required_if=[("recovery_point", "custom", ["recovery_point_id"])]).run(run_test_failover)


if __name__ == "__main__":
    main()
