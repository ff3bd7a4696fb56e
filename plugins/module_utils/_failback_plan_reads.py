# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""asr_failback_plan_info's workflow: read what the failback path's stages will need, then decide (``_failback_plan``).

Private to the collection. Reads only (GETs of the vault, its fabric, mappings, policies, recovery points, the Azure network;
vCenter reads of the master target candidates): it runs in check mode as in a real run, before the run's first write.
"""

from __future__ import annotations

import datetime

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_items import address, item_facts, point_facts
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_process_server import checked, network_address, process_servers
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_state import FAILBACK_PROVIDER_OF, FORWARD_PROVIDER_OF
from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError
from ansible_collections.siterecovery.vmware.plugins.module_utils._fabric_facts import fabric_facts
from ansible_collections.siterecovery.vmware.plugins.module_utils._failback_plan import (
    Plan,
    asr_master_target_checks,
    decide_datastore_and_retention,
    decide_failback_process_server,
    decide_master_target,
    decide_recovery_point,
    decide_reprotect_to_azure_process_server,
    process_server_params,
    validate_reprotect,
    with_provider,
)
from ansible_collections.siterecovery.vmware.plugins.module_utils._master_target_checks import check
from ansible_collections.siterecovery.vmware.plugins.module_utils._master_target_task import find_master_target, inspect, protected_machine
from ansible_collections.siterecovery.vmware.plugins.module_utils._vault_gateway import VaultGateway
from ansible_collections.siterecovery.vmware.plugins.module_utils._vsphere_client import HAS_PYVMOMI, VSphereClient, vsphere_error
from ansible_collections.siterecovery.vmware.plugins.module_utils._vsphere_spec import check_vsphere_params


def option_problems(params):
    """What is wrong with the options, before any request."""
    problems = []
    if params["max_heartbeat_age"] < 1:
        problems.append("%smax_heartbeat_age must be 1 minute or more (got %s)" % (params["name_prefix"], params["max_heartbeat_age"]))
    if not 0 <= params["min_free_space_percent"] <= 100:
        problems.append("%smin_free_space_percent must be 0 to 100 (got %s)" % (params["name_prefix"], params["min_free_space_percent"]))
    if params["hostname"]:
        problems.extend(check_vsphere_params(params))
        if not HAS_PYVMOMI:
            problems.append("the vSphere options need pyvmomi on the controller")
    return problems


def read_network(asr, vault, params):
    """The address prefixes of the Azure network the failback's process server runs in."""
    group, name, network_id = network_address(dict(azure_network=params["azure_network"], azure_resource_group=params["azure_resource_group"]),
                                              asr.params["subscription_id"])
    with asr.step("reading Azure network %s in resource group %s" % (name, group)):
        document = vault.network(network_id)
    return ((document.get("properties") or {}).get("addressSpace") or {}).get("addressPrefixes") or []


def master_target_candidates(asr, item, records, now):
    """Every master target ASR lists, with its checks: ASR's record, and vCenter's when the vSphere options are given (a
    master target of another OS family is not looked up in vCenter: it cannot write the machine anyway)."""
    params = asr.params
    options = dict(datastore=params["datastore"] or None, retention_drive=params["retention_drive"] or None, required_retention_gb=0,
                   heartbeat_max_age=params["max_heartbeat_age"])
    candidates = [dict(name=r.get("name"), record=r, checks=asr_master_target_checks(r, item, now, options), vcenter=False) for r in records]
    if not params["hostname"]:
        return candidates, False
    client = VSphereClient.from_params(params)
    machine = protected_machine(params, item)
    try:
        for candidate in candidates:
            family = (candidate["record"].get("os_type") or "").lower()
            if (family and family != (item.get("os_type") or "").lower()) or (
                    params["master_target"] and candidate["name"].lower() != params["master_target"].lower()):
                continue  # another OS family (its os_match check fails already), or not the one named
            context = "reading master target %s" % candidate["name"]
            try:
                vm, _record, count = find_master_target(client, candidate["name"], records)
                if vm is None:
                    candidate["checks"] = [check("vm_found", "fail", "%s VM named %s in vCenter" % ("%d" % count if count else "no", candidate["name"]))]
                    continue
                checks = inspect(client, vm, records, machine, dict(options, name=candidate["name"]))[0]
            except SiteRecoveryError:
                raise
            except Exception as exc:  # pylint: disable=broad-except  # translated, not swallowed
                raise vsphere_error(exc, context) from exc
            candidate.update(checks=checks, vcenter=True)
    finally:
        client.close()
    return candidates, True


def run(asr):
    params = asr.params
    problems = option_problems(params)
    if problems:
        raise SiteRecoveryError("nothing was sent: " + "; ".join(problems), code="InvalidParameter")
    plan = Plan(params["name_prefix"])
    vault = VaultGateway.of(asr)
    with asr.step("reading replicated item %s in vault %s" % (params["name"], asr.vault_name)):
        document = vault.find(params["name"])
    item = item_facts(document)
    stages = list(params["stages"])
    result = dict(changed=False, replicated_item=item, stages=stages, group=None)
    if item["provider"] not in FAILBACK_PROVIDER_OF:
        raise SiteRecoveryError("%s is a %s item: the failback path is for VMware VMs and physical servers (InMageAzureV2, InMage, InMageRcm, "
                                "InMageRcmFailback)" % (params["name"], item["provider"]), code="UnsupportedProvider")
    if stages:
        decide(asr, plan, vault, document, item, stages)
    if item.get("multi_vm_group"):
        with asr.step("listing the members of multi-VM group %s" % item["multi_vm_group"]):
            members = sorted(f["friendly_name"] or f["name"] for f in (item_facts(i) for i in vault.items()) if f["multi_vm_group"] == item["multi_vm_group"])
        result["group"] = dict(name=item["multi_vm_group"], members=members)
    values = dict(plan.values, generation=item["generation"], provider=item["provider"], stages=stages)
    result.update(plan=values, choices=plan.choices, problems=plan.problems, notes=plan.notes, master_targets=plan.master_targets,
                  ready=not plan.problems)
    name = item["friendly_name"] or item["name"]
    if plan.problems:
        result["msg"] = "%s cannot go through %s: %s" % (name, ", ".join(stages), " ".join(p if p.endswith(".") else p + "." for p in plan.problems))
    elif stages:
        result["msg"] = "%s: %s" % (name, "; ".join("%s %s (%s)" % (c["input"], c["value"], c["why"]) for c in plan.choices))
    else:
        result["msg"] = "%s: no stage of the failback path is left to decide" % name
    return result


def decide(asr, plan, vault, document, item, stages):
    params = asr.params
    with asr.step("reading fabric %s, its container mappings and the vault's policies" % address(document)[0]):
        fabric_document, mappings, policies = vault.protection_of(document)
    custom = fabric_document["properties"]["customDetails"]
    fabric = fabric_facts(fabric_document)
    generation = item["generation"]
    now = datetime.datetime.now(datetime.timezone.utc)
    prefixes = read_network(asr, vault, params) if generation == "classic" and params["azure_network"] else None
    servers = checked(process_servers(fabric, now, prefixes), process_server_params(params), generation)
    reprotect_pending = "reprotect_to_onprem" in stages
    failback_provider = FAILBACK_PROVIDER_OF[item["provider"]]
    policy_id = item["policy"]["id"]
    if reprotect_pending or "failback_prepare" in stages:
        policy = decide_onprem(asr, plan, item, custom, fabric, mappings, policies, servers, now)
        policy_id = policy["id"] if policy else None
    if "failback_to_onprem" in stages and (policy_id or not reprotect_pending):
        points = None if reprotect_pending else [point_facts(p) for p in vault.points(document)]
        decide_recovery_point(plan, failback_provider, params, policy_id, policies, reprotect_pending, points)
    if "reprotect_to_azure" in stages:
        decide_to_azure(asr, plan, vault, item, custom, mappings, policies, servers, failback_provider)


def decide_onprem(asr, plan, item, custom, fabric, mappings, policies, servers, now):
    """The failback's process server, and the inputs of the reprotect to on-premises; the failback policy chosen, or None."""
    params = asr.params
    forward = with_provider(item, FORWARD_PROVIDER_OF[item["provider"]])
    process_server = decide_failback_process_server(plan, servers, params, item["generation"])
    if item["generation"] == "classic":
        candidates, in_vcenter = master_target_candidates(asr, item, fabric.get("master_targets") or [], now)
        chosen = decide_master_target(plan, candidates, params["master_target"], in_vcenter)
        datastore = drive = None
        if chosen:
            datastore, drive = decide_datastore_and_retention(plan, chosen["record"], params)
        options = dict(master_target=chosen["name"] if chosen else None, process_server=(process_server or {}).get("name"), datastore=datastore,
                       retention_drive=drive, run_as_account=params["run_as_account"] or None, policy=params["failback_policy"] or None)
        plan.values["failback_prepare"].update(master_target=options["master_target"] or "", datastore=datastore or "", retention_drive=drive or "")
        policy = validate_reprotect(plan, "reprotect_to_onprem", forward, custom, mappings, policies, options) if not plan.problems else None
    else:
        agents = [a.get("name") for a in custom.get("reprotectAgents") or []]
        options = dict(appliance=params["appliance"] or (agents[0] if len(agents) == 1 else None), datastore=params["datastore"] or None,
                       log_storage_account_id=params["log_storage_account_id"] or None, policy=params["failback_policy"] or None)
        policy = validate_reprotect(plan, "reprotect_to_onprem", forward, custom, mappings, policies, options)
        if policy and not params["appliance"]:
            plan.chose("appliance", options["appliance"], "the only reprotect agent of the vault's replication appliance")
    if policy:
        plan.chose("failback policy", policy["name"], policy["chosen"])
    plan.values["reprotect_to_onprem"].update(dict((k, v or "") for k, v in options.items()), policy=policy["name"] if policy else "")
    return policy


def decide_to_azure(asr, plan, vault, item, custom, mappings, policies, servers, failback_provider):
    params = asr.params
    back = with_provider(item, failback_provider)
    process_server = decide_reprotect_to_azure_process_server(plan, servers, params["reprotect_process_server"], item["generation"])
    if process_server is None and item["generation"] == "classic":
        return
    accounts = []
    if failback_provider == "InMageRcmFailback" and params["reprotect_run_as_account"]:
        with asr.step("reading the run-as accounts of the VMware site"):
            accounts = vault.run_as_accounts(custom["vmwareSiteId"])
    options = dict(process_server=process_server, run_as_account=params["reprotect_run_as_account"] or None, policy=params["replication_policy"] or None)
    policy = validate_reprotect(plan, "reprotect_to_azure", back, custom, mappings, policies, options, accounts)
    if policy is None:
        return
    if process_server is None:  # modernized: the appliance's only process server, as reprotect_inputs took it
        process_server = (custom.get("processServers") or [{}])[0].get("name")
        plan.chose("process server of the reprotect to Azure", process_server, "the replication appliance's only process server")
    plan.chose("replication policy of the reprotect to Azure", policy["name"], policy["chosen"])
    plan.values["reprotect_to_azure"].update(process_server=process_server or "", run_as_account=options["run_as_account"] or "", policy=policy["name"])
