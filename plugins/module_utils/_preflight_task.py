# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The preflight of one machine before a failover or a failback: the workflow of ``asr_preflight_info`` and of the fleet engine.

Private to the collection. Reads what the rules need (the item, its recovery points, and through ``reads`` the region's VM sizes,
quotas, the network), then evaluates the rules (_preflight.py, _preflight_rules.py; docs/preflight.md). The fleet engine gives
every machine one ``reads`` whose region-wide answers are read once per run (``_preflight_azure.SharedPreflightReads``).
"""

from __future__ import annotations

import datetime

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_items import item_facts, point_facts, points_summary
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
from ansible_collections.siterecovery.vmware.plugins.module_utils._vsphere_spec import check_vsphere_params


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
    return preflight_of(asr, params, vault, item, PreflightReads(asr))


def preflight_of(asr, params, vault, item, reads):
    """The checks of ``item`` (read already) before ``params["before"]`` (or where it runs); ``reads``: a PreflightReads."""
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
