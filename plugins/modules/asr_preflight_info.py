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

import datetime

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_items import item_facts, point_facts, points_summary
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_module import AsrModule
from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError
from ansible_collections.siterecovery.vmware.plugins.module_utils._preflight import (
    default_before,
    evaluate,
    machine_facts,
    static_ip_problem,
    summarize,
)
from ansible_collections.siterecovery.vmware.plugins.module_utils._preflight_azure import PreflightReads
from ansible_collections.siterecovery.vmware.plugins.module_utils._preflight_rules import RULES
from ansible_collections.siterecovery.vmware.plugins.module_utils._vault_gateway import VaultGateway
from ansible_collections.siterecovery.vmware.plugins.module_utils._vsphere_client import HAS_PYVMOMI, VSphereClient
from ansible_collections.siterecovery.vmware.plugins.module_utils._vsphere_spec import check_vsphere_params, vsphere_argument_spec


def failover_context(reads, item, facts, size):
    vm = facts.get("recovery_vm") or {}
    location = reads.location(item)
    context = dict(location=location, target_size=size, sku=reads.sku(location, size) if size else None, usages=reads.usages(location),
                   network=reads.network(vm.get("network_id")), ip_available=None)
    subnets = dict((s.get("name"), (s.get("properties") or {}).get("addressPrefix"))
                   for s in ((context["network"] or {}).get("properties") or {}).get("subnets") or [])
    prefix = subnets.get(vm.get("subnet"))
    reserved = [r for r in RULES if r["name"] == "static_ip"][0]["reserved_first"]
    if vm.get("static_ip") and prefix and static_ip_problem(vm["static_ip"], prefix, reserved) is None:
        context["ip_available"] = reads.ip_available(vm["network_id"], vm["static_ip"])
    target = dict(location=location, size=size, network_id=vm.get("network_id"), subnet=vm.get("subnet"), static_ip=vm.get("static_ip"))
    return context, target


def vcenter_login(params):
    """{hostname, about} after logging in to the vCenter of the vSphere options, or {hostname, error}; None without them."""
    if not params["hostname"]:
        return None
    client = None
    try:
        client = VSphereClient.from_params(params, timeout=30)
        return dict(hostname=params["hostname"], about=client.about())
    except SiteRecoveryError as error:
        return dict(hostname=params["hostname"], error=error.to_result()["msg"])
    finally:
        if client is not None:
            client.close()


def preflight(asr):
    params = asr.params
    if params["hostname"]:
        problems = check_vsphere_params(params)
        if problems:
            raise SiteRecoveryError("Invalid vSphere options: " + "; ".join(problems), code="InvalidParameter")
        if not HAS_PYVMOMI:
            raise SiteRecoveryError(missing_required_lib("pyvmomi") + " (for the vCenter login that hostname asks for)", code="MissingLibrary")
    if params["rpo_threshold"] < 1:
        raise SiteRecoveryError("rpo_threshold must be 1 minute or more, not %d" % params["rpo_threshold"], code="InvalidParameter")
    if params["target_vm_size"] is not None and not params["target_vm_size"].strip():
        raise SiteRecoveryError("target_vm_size must name a VM size (for example Standard_D4s_v3) or be left out", code="InvalidParameter")
    vault = VaultGateway.of(asr)
    with asr.step("reading replicated item %s in vault %s" % (params["name"], asr.vault_name)):
        item = vault.find(params["name"])
    facts = item_facts(item)
    before = params["before"] or default_before(facts["running_in"])
    if before is None:
        raise SiteRecoveryError("%s: ASR's record does not tell where the machine runs (provider %s, activeLocation %s); give before"
                                % (facts["friendly_name"], facts["provider"], facts["active_location"]), code="UnknownDirection")
    with asr.step("reading the recovery points of %s" % facts["friendly_name"]):
        points = points_summary([point_facts(p) for p in vault.points(item)])
    machine = machine_facts(item)
    context = dict(before=before, facts=facts, machine=machine, points=points, rpo_threshold=params["rpo_threshold"],
                   now=datetime.datetime.now(datetime.timezone.utc))
    reads = PreflightReads(asr)
    target = None
    if before == "failover":
        size = (params["target_vm_size"] or "").strip() or (facts.get("recovery_vm") or {}).get("size")
        extra, target = failover_context(reads, item, facts, size)
        context.update(extra, vsphere=dict(hostname=params["hostname"]) if params["hostname"] else None)
    else:
        context.update(azure_vm=reads.azure_vm(machine["azure_vm_id"]) if facts["running_in"] == "azure" else None,
                       vcenters=reads.vcenters(facts["fabric"]), vsphere=vcenter_login(params))
    checks = evaluate(context)
    counts, ready = summarize(checks)
    return dict(changed=False, before=before, checks=checks, summary=counts, ready=ready, target=target, replicated_item=facts)


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
