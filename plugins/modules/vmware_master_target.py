#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vmware_master_target
short_description: Verify and prepare the on-premises master target for a failback (classic ASR)
version_added: 0.1.0
description:
  - Checks, on vCenter (or a standalone ESXi host) and in ASR, the master target VM that a classic reprotect to
    on-premises writes through, and returns what M(siterecovery.vmware.asr_reprotect) needs.
  - "Each check is reported as C(pass), C(warn) or C(fail) with its reason and source: the VM is found (by name, or through
    ASR's record: its IP address or DNS name); ASR sees it healthy (heartbeat, agent version status, health and validation
    errors); its OS family is the protected machine's, at the same or a later version (a Linux machine needs a Linux master target);
    LSI Logic SCSI controllers, not paravirtual; C(disk.EnableUUID) true; VMware Tools running; at most 60 disks (with the
    machine's); no snapshots; no disk UUID shared with another VM (a clone of the same template); the target datastore is VMFS or
    vSAN (not NFS), mounted read-write on the master target's ESXi host and listed in ASR's record; the retention volume has
    the free space asked."
  - "Prepares, unless a check failed: keeps the master target out of Storage vMotion with a Storage DRS VM override that
    disables automation in each datastore cluster holding its files (idempotent, honoured by check mode); and, only when
    O(drs_override) is true, a DRS VM override in its cluster (this changes the cluster's settings)."
  - With O(hostname) a standalone ESXi host that no vCenter manages, it says that failback creates a new VM on the master target's
    host (alternate location) and whether the original VM exists there.
  - The ASR options are optional. When the vault is given (O(resource_group) and O(vault_name), or their environment
    variables), the VM is matched to the configuration server's master target record and its ASR id is returned. No Azure
    client is made otherwise.
  - Any failed check fails the task, after the whole report is built, with every failed check's reason (see O(fail_on_failed_checks)).
author:
  - siterecovery.vmware maintainers (@siterecovery)
options:
  name:
    description:
      - The master target VM's name in vCenter (or on the ESXi host).
      - When no VM has that name and it is the name of an ASR master target, the VM is found by the IP address or DNS name ASR reports.
    type: str
    required: true
  protected_item:
    description:
      - The replicated item to fail back through this master target, by the machine's name (its friendly name), the item's name or its ARM id.
      - Its OS (and number of disks) comes from ASR. Needs the ASR options. Mutually exclusive with O(os_type).
    type: str
  os_type:
    description:
      - The OS family of the machine to fail back, when O(protected_item) is not used.
      - V(windows) or V(linux), in any case (ASR reports V(Windows) and V(Linux)).
    type: str
  os_version:
    description:
      - The OS version of the machine to fail back, such as C(Windows Server 2019) or C(RHEL 8.6); compared with the master target's.
      - Without it only the OS family is checked.
    type: str
  datastore:
    description:
      - The datastore the failed-back VM is written to.
      - Without it the datastore checks are left out; RV(writable_datastores) still lists the candidates.
    type: str
  retention_drive:
    description:
      - The master target's retention volume (a drive letter such as C(E), or a Linux path such as C(/mnt/retention)).
      - Defaults to the first retention volume of ASR's record.
    type: str
  required_retention_gb:
    description:
      - The free space, in GB, the retention volume must have.
      - ASR does not say how much a failback needs (it depends on the machine's change rate and the policy's retention);
        V(0) leaves the free space unchecked and the check warns.
    type: float
    default: 0
  heartbeat_max_age:
    description: The age, in minutes, beyond which ASR's last heartbeat from the master target fails the heartbeat check.
    type: int
    default: 15
  storage_drs_override:
    description:
      - Keep the master target out of Storage vMotion with a Storage DRS VM override (automation disabled) in each
        datastore cluster that holds its files or disks.
    type: bool
    default: true
  drs_override:
    description:
      - Also set a DRS VM override for the master target in its cluster, with O(drs_behavior).
      - Off by default, because it changes the cluster's settings.
    type: bool
    default: false
  drs_behavior:
    description: The DRS automation level of the override; V(disabled) turns DRS off for the VM.
    type: str
    choices: [manual, partiallyAutomated, fullyAutomated, disabled]
    default: manual
  fabric:
    description:
      - The configuration server (classic fabric) that knows the master target, by name or friendly name.
      - The only classic fabric of the vault when omitted.
    type: str
  original_vm:
    description:
      - The on-premises VM the machine failed over from, to report whether it still exists (RV(original_vm_exists)).
      - Defaults to the protected item's machine name.
    type: str
  fail_on_failed_checks:
    description: Fail the task when a check fails. With V(false) the task returns the report, and prepares the master target anyway.
    type: bool
    default: true
extends_documentation_fragment:
  - siterecovery.vmware.vsphere
  - siterecovery.vmware.azure
  - siterecovery.vmware.azure.vault
attributes:
  check_mode:
    description: Can run in check mode. Every check runs and the overrides that would be set are reported; nothing is changed in vCenter.
    support: full
  diff_mode:
    description: Returns the Storage DRS and DRS VM overrides of the master target before and after.
    support: full
  action_group:
    description:
      - Use C(group/siterecovery.vmware.vmware) in C(module_defaults) to set the vSphere options once,
        and C(group/siterecovery.vmware.asr) for the Azure and vault options.
    support: full
    membership:
      - siterecovery.vmware.asr
      - siterecovery.vmware.vmware
seealso:
  - module: siterecovery.vmware.asr_reprotect
  - module: siterecovery.vmware.asr_fabric_info
"""

EXAMPLES = r"""
- name: Check the Linux master target for vm-lin-01 and keep it out of Storage DRS
  siterecovery.vmware.vmware_master_target:
    hostname: vcenter.example.com
    username: administrator@vsphere.local
    password: "{{ vcenter_password }}"
    ca_path: /etc/pki/tls/certs/vcenter-ca.pem
    resource_group: rg-dr
    vault_name: vault-dr
    name: mt-lin-01
    protected_item: vm-lin-01
    datastore: ds-vmfs-02
    required_retention_gb: 100
  register: mt

- name: Reprotect through it with what the check returned
  siterecovery.vmware.asr_reprotect:
    resource_group: rg-dr
    vault_name: vault-dr
    name: vm-lin-01
    direction: to_onprem
    master_target: "{{ mt.master_target.name }}"
    datastore: "{{ mt.datastore_name }}"
    retention_drive: "{{ mt.retention_drive }}"

- name: Only report, without ASR (vSphere options from VMWARE_HOST, VMWARE_USER, VMWARE_PASSWORD)
  siterecovery.vmware.vmware_master_target:
    name: mt-win-01
    os_type: windows
    os_version: Windows Server 2016
    datastore: ds-vmfs-01
    storage_drs_override: false
    fail_on_failed_checks: false
  register: report

- name: Show the checks that did not pass
  ansible.builtin.debug:
    msg: "{{ report.checks | rejectattr('status', 'equalto', 'pass') | list }}"
"""

RETURN = r"""
checks:
  description: Every check, in order, with C(name), C(status) (pass, warn or fail), C(reason) and C(source) (the rule's document or record).
  returned: always
  type: list
  elements: dict
  sample:
    - name: scsi_controller
      status: fail
      reason: "the master target has a paravirtual SCSI controller (pvscsi): reprotection fails; change it to LSI Logic SAS"
      source: https://learn.microsoft.com/azure/site-recovery/vmware-azure-prepare-failback (the master target's SCSI controller must be LSI Logic)
summary:
  description: How many checks passed, warned and failed.
  returned: always
  type: dict
  sample: {"pass": 14, "warn": 1, "fail": 0}
master_target:
  description:
    - The master target, from vCenter and ASR's record. C(asr_id) and the ASR fields are null without the ASR options.
    - C(health) is C(Normal), C(Warning) or C(Critical) from the ASR checks (heartbeat, version, health errors).
  returned: when the VM was found
  type: dict
  contains:
    asr_id:
      description: ASR's id of the master target (the reprotect's C(masterTargetId)).
      type: str
    name:
      description: ASR's name of the master target (the VM's name without ASR).
      type: str
    vm_name:
      description: The VM's name in vCenter.
      type: str
    host:
      description: The ESXi host it runs on.
      type: str
    cluster:
      description: Its cluster, or null.
      type: str
    os_type:
      description: C(Windows) or C(Linux) (ASR's), or the family vSphere reports.
      type: str
    os_version:
      description: The OS version ASR reports, or vSphere's guest OS name.
      type: str
    health:
      description: Normal, Warning or Critical; null without ASR.
      type: str
    last_heartbeat:
      description: ASR's last heartbeat from its agent.
      type: str
    version:
      description: The agent's version.
      type: str
    version_status:
      description: ASR's version status of the agent.
      type: str
    health_errors:
      description: ASR's health errors of the master target.
      type: list
      elements: dict
    retention_volumes:
      description: ASR's retention volumes (name, capacity_bytes, free_bytes, threshold_percentage).
      type: list
      elements: dict
    datastores:
      description: The datastores ASR's record lists (name, the symbolic name; type; capacity and free space).
      type: list
      elements: dict
protected_machine:
  description: The machine to fail back, as far as it is known (name, os_type, os_version, disk_count, and where it came from).
  returned: always
  type: dict
writable_datastores:
  description: The datastores the master target's ESXi host mounts read-write and that failback can use (VMFS, vSAN).
  returned: when the VM was found
  type: list
  elements: str
  sample: [ds-vmfs-01, ds-vmfs-02, ds-vmfs-03, ds-vsan-01]
host_datastores:
  description:
    - Every datastore of the master target's host (name, type, access_mode, mounted, accessible, capacity_bytes, free_bytes,
      datastore_cluster, usable).
  returned: when the VM was found
  type: list
  elements: dict
datastore_name:
  description: The target datastore's name as ASR knows it (the reprotect's C(datastoreName)); vCenter's name without ASR; null without O(datastore).
  returned: always
  type: str
retention_drive:
  description: The retention volume for the reprotect (C(retentionDrive)).
  returned: always
  type: str
standalone_esxi:
  description: True when O(hostname) is an ESXi host that no vCenter manages; failback then creates a new VM on the master target's host.
  returned: always
  type: bool
original_vm_exists:
  description: Whether the original VM (O(original_vm) or the protected item's machine) exists where the module connected; null when not known.
  returned: always
  type: bool
overrides:
  description: The master target's Storage DRS VM override per datastore cluster and its DRS VM override, after the task.
  returned: always
  type: dict
msg:
  description: What was found and done, in a sentence.
  returned: always
  type: str
"""

from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_module import AsrModule
from ansible_collections.siterecovery.vmware.plugins.module_utils._master_target_task import run
from ansible_collections.siterecovery.vmware.plugins.module_utils._vsphere_spec import vsphere_argument_spec


def main():
    spec = dict(
        name=dict(type="str", required=True),
        protected_item=dict(type="str"),
        os_type=dict(type="str"),
        os_version=dict(type="str"),
        datastore=dict(type="str"),
        retention_drive=dict(type="str"),
        required_retention_gb=dict(type="float", default=0),
        heartbeat_max_age=dict(type="int", default=15),
        storage_drs_override=dict(type="bool", default=True),
        drs_override=dict(type="bool", default=False),
        drs_behavior=dict(type="str", default="manual", choices=["manual", "partiallyAutomated", "fullyAutomated", "disabled"]),
        fabric=dict(type="str"),
        original_vm=dict(type="str"),
        fail_on_failed_checks=dict(type="bool", default=True),
    )
    spec.update(vsphere_argument_spec())
    asr = AsrModule(argument_spec=spec, azure_optional=True, supports_check_mode=True, mutually_exclusive=[("protected_item", "os_type")],
                    required_one_of=[("protected_item", "os_type")], required_by={"os_version": "os_type"})
    run(asr)


if __name__ == "__main__":
    main()
