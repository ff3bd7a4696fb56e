# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""DR drills: ASR's test failover of one item and its cleanup, run as the other item actions are (_asr_actions.ItemAction).

Private to the collection. A test failover starts a test VM in Azure from the replica, in an isolated network, while
the machine keeps running and replicating on-premises; ASR then waits for its cleanup (the item allows only
TestFailoverCleanup), which deletes the test VM. The request bodies are docs/architecture.md's ("DR drills").
"""

from __future__ import annotations

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_actions import ItemAction
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_items import item_facts, point_facts
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_state import FAILBACK_PROVIDERS, FORWARD_PROVIDERS, StateError, recovery_point_input
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_vm import read_vm, vm_id
from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError
from ansible_collections.siterecovery.vmware.plugins.module_utils._vault_gateway import VaultGateway

COMMENTS_LIMIT = 1024
NETWORK_TYPES = {"vm_network": "VmNetworkAsInput", "none": "NoNetworkAttachAsInput"}


def drill_body(provider, network_type, network_id, point_keys):
    """The testFailover body: direction PrimaryToRecovery, the network, and the provider's input (InMageAzureV2
    {recoveryPointId}; InMageRcm {networkId, recoveryPointId}); no recoveryPointId means the latest point."""
    properties = {"failoverDirection": "PrimaryToRecovery", "networkType": NETWORK_TYPES[network_type]}
    details = {"instanceType": provider}
    if network_type == "vm_network":
        properties["networkId"] = network_id
        if provider == "InMageRcm":
            details["networkId"] = network_id
    details.update(point_keys)
    properties["providerSpecificDetails"] = details
    return {"properties": properties}


def provider_refusal(facts, name):
    """Why ASR refuses a drill of an item of this provider, or None."""
    provider = facts["provider"]
    if provider in FORWARD_PROVIDERS and facts["running_in"] == "onprem":
        return None
    if provider in FAILBACK_PROVIDERS:
        why = ("it runs in Azure and replicates back to on-premises" if facts["running_in"] == "azure" else
               "it has failed back and is not reprotected to Azure yet")
    elif facts["running_in"] == "azure":
        why = "it is failed over to Azure for real (stage %s)" % facts["stage"]
    else:
        why = "its provider is %s" % provider
    return ("a test failover of %s is not possible: %s (%s, %s); ASR runs a drill only of a machine that runs on-premises and "
            "replicates to Azure (InMageAzureV2 or InMageRcm)" % (name, why, provider, facts["protection_state"]))


def group_refusal(action):
    """Azure PowerShell drills a classic machine of a user-named replication group only with its group: name the members."""
    facts = action.before
    group = facts["multi_vm_group"]
    if facts["provider"] != "InMageAzureV2" or not group:
        return None
    with action.asr.step("listing the members of replication group %s" % group):
        members = sorted(f["friendly_name"] for f in (item_facts(i) for i in action.vault.items()) if f["multi_vm_group"] == group)
    others = [m for m in members if m != action.name]
    return ("%s is in the multi-VM replication group %s with %s: its machines are drilled together (a recovery plan's test failover "
            "of %s), not one by one" % (action.name, group, ", ".join(others) or "no other machine", ", ".join(members)))


def choose_network(facts, params, name):
    """(network id or None) for the drill; StateError when none can be chosen or the production network is chosen unasked."""
    if params["network_type"] == "none":
        return None
    network = params.get("network_id") or (facts.get("test_network") or {}).get("id")
    if not network:
        raise StateError("%s has no test network set (InMageRcm testNetworkId / InMageAzureV2 selectedTfoAzureNetworkId): give network_id, "
                         "an isolated virtual network of the recovery region, or network_type=none" % name)
    production = (facts.get("recovery_vm") or {}).get("network_id")
    if production and network.lower() == production.lower() and not params.get("allow_production_network"):
        raise StateError("network_id %s is the production recovery network of %s: a test VM there runs beside the production machines "
                         "with the same name and addresses; use an isolated network, or set allow_production_network=true if that is "
                         "what you mean" % (network, name))
    return network


def test_vm(asr, facts, job_facts=None):
    """The drill's test VM (name, id, power_state, private_ip), from its job's testVmName; None when the item has no drill."""
    job = job_facts
    if job is None:
        drill = facts.get("drill_job") or facts.get("current_job") or {}
        if not drill.get("id") or drill.get("scenario") != "TestFailover":
            return None
        with asr.step("reading the test failover job %s" % drill["id"]):
            job = VaultGateway.of(asr).job(drill["id"])
    name = test_vm_name(job)
    group = (facts.get("recovery_vm") or {}).get("resource_group_id")
    if not name or not group:
        return None
    found = read_vm(asr, vm_id(group, name))
    return found or dict(id=vm_id(group, name), name=name, power_state=None, private_ip=None, deleted=True)


def test_vm_name(job):
    """testVmName of the job's first item (TestFailoverJobDetails), from the raw job or its normalised facts."""
    details = ((job.get("properties") or {}).get("customDetails") or {}) if "properties" in job else (job.get("custom_details") or {})
    first = (details.get("protectedItemDetails") or [{}])[0]
    return first.get("testVmName") or first.get("testVmFriendlyName")


def run_test_failover(asr):
    params = asr.params
    action = ItemAction(asr, params["name"])
    facts = action.before
    followed = action.follow_running("testFailover", "drilling %s" % action.name, "attached to the test failover that was running")
    if followed:
        return _with_vm(asr, followed)
    if facts["stage"] == "drill_pending":
        result = action.result(False, message="a test failover of %s waits for its cleanup already (job %s): nothing was started"
                               % (action.name, facts["drill_job"]["id"]))
        return _with_vm(asr, result)
    problem = provider_refusal(facts, action.name)
    if problem:
        raise SiteRecoveryError(problem, code="TestFailoverNotPossible", recommended_action="the item's next step is: %s" % facts["next_step"])
    problem = group_refusal(action)
    if problem:
        raise SiteRecoveryError(problem, code="ReplicationGroupDrill",
                                recommended_action="drill every machine of the group together with a recovery plan's test failover")
    points = []
    if params["recovery_point"] not in ("latest",):
        with asr.step("reading the recovery points of %s" % action.name):
            points = [point_facts(p) for p in action.vault.points(action.item)]
    try:
        network = choose_network(facts, params, action.name)
        keys = recovery_point_input(facts["provider"], params["recovery_point"], points, params["recovery_point_id"])
    except StateError as exc:
        raise SiteRecoveryError("%s: %s" % (action.name, exc), code="InvalidTestFailoverRequest") from exc
    action.refuse_unless_allowed("testFailover")
    body = drill_body(facts["provider"], params["network_type"], network, keys)
    request = dict(action="testFailover", body=body)
    if asr.check_mode:
        result = action.result(True, message="would start a test failover of %s into %s" % (action.name, network or "no network"))
        result["request"] = request
        return result
    job = action.wait(action.start("testFailover", body), "drilling %s" % action.name)
    result = action.result(True, job)
    result["request"] = request
    return _with_vm(asr, result, job)


def _with_vm(asr, result, job=None):
    facts = result["replicated_item"]
    done = (job or {}).get("state") in (None, "Succeeded")
    facts["test_vm"] = test_vm(asr, facts) if done and facts["stage"] == "drill_pending" else None
    result["test_vm"] = facts["test_vm"]
    return result


def comments_problem(comments):
    if comments is not None and len(comments) > COMMENTS_LIMIT:
        return "comments must be %d characters at most (it has %d)" % (COMMENTS_LIMIT, len(comments))
    return None


def run_cleanup(asr):
    params = asr.params
    action = ItemAction(asr, params["name"])
    facts = action.before
    attached = action.running_job_of("testFailoverCleanup")
    if attached:
        job = action.wait(attached, "cleaning up the test failover of %s" % action.name)
        return _cleaned(asr, action, action.result(True, job, "attached to the cleanup that was running"), None)
    if action.running_job_of("testFailover"):
        raise SiteRecoveryError("the test failover of %s is still running (job %s): its cleanup can start once it has ended"
                                % (action.name, facts["current_job"]["id"]), code="OperationInProgress",
                                recommended_action="wait for it (asr_test_failover, or asr_job_info job_id=%s wait=true)" % facts["current_job"]["id"])
    if facts["stage"] != "drill_pending":
        return action.result(False, message="no test failover of %s waits for a cleanup (test failover state %s)"
                             % (action.name, facts.get("test_failover_state") or "None"))
    vm = test_vm(asr, facts)
    action.refuse_unless_allowed("testFailoverCleanup")
    body = {"properties": {"comments": params["comments"] or ""}}
    if asr.check_mode:
        result = action.result(True, message="would clean the test failover of %s up (and delete its test VM %s)"
                               % (action.name, (vm or {}).get("name") or "none"))
        result.update(request=dict(action="testFailoverCleanup", body=body), test_vm=vm)
        return result
    job = action.wait(action.start("testFailoverCleanup", body), "cleaning up the test failover of %s" % action.name)
    return _cleaned(asr, action, action.result(True, job), vm)


def _cleaned(asr, action, result, vm):
    """Say the test VM is deleted only once Azure says it is gone."""
    if vm and (result.get("job") or {}).get("state") == "Succeeded" and asr.params.get("wait", True):
        gone = read_vm(asr, vm["id"]) is None
        vm = dict(vm, deleted=gone, power_state=None if gone else vm.get("power_state"))
        if not gone:
            asr.module.warn("the cleanup of %s succeeded but Azure still shows its test VM %s" % (action.name, vm["id"]))
    result["test_vm"] = vm
    return result
