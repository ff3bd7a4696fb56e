# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The inputs of a reprotect, from the names people use to the ids ASR takes.

Private to the collection. Pure: no Ansible, no SDK. Every name is looked up in the fabric (as ASR
sends it); a name that does not exist fails with the valid ones. Nothing is guessed: the replication
policy is one the item's container mappings pair with the provider the item will have (the only one,
or the one named), an option that does not apply to the item's generation and direction is refused,
and a classic master target must run the machine's OS family (_master_target_checks.check_os, the
rule vmware_master_target applies too).
"""

from __future__ import annotations

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_state import StateError
from ansible_collections.siterecovery.vmware.plugins.module_utils._master_target_checks import check_os, parse_os

# Provider of the item before the reprotect -> (direction, provider of the policy the reprotect uses).
REPROTECT_OF_PROVIDER = {
    "InMageAzureV2": ("to_onprem", "InMage"),
    "InMageRcm": ("to_onprem", "InMageRcmFailback"),
    "InMage": ("to_azure", "InMageAzureV2"),
    "InMageRcmFailback": ("to_azure", "InMageRcm"),
}


def _pick(kind, wanted, candidates, label):
    """The candidate whose ``label(c)`` is ``wanted`` (case-insensitive); the only one when ``wanted`` is None."""
    names = [label(c) for c in candidates]
    if wanted is None:
        if len(candidates) == 1:
            return candidates[0]
        raise StateError("%s is required: %s" % (kind, ("choose one of " + ", ".join(names)) if names else "the fabric has none"))
    for candidate in candidates:
        if (label(candidate) or "").lower() == wanted.lower():
            return candidate
    raise StateError("no %s named %r; the valid ones: %s" % (kind, wanted, ", ".join(names) or "none"))


# The options each reprotect takes, by the provider of the item before it; what to use instead of the others.
OPTIONS_OF_PROVIDER = {
    "InMageAzureV2": ("master_target", "process_server", "datastore", "retention_drive", "run_as_account", "policy"),
    "InMage": ("process_server", "run_as_account", "policy"),
    "InMageRcm": ("appliance", "datastore", "log_storage_account_id", "policy"),
    "InMageRcmFailback": ("process_server", "run_as_account", "policy"),
}
WHAT_APPLIES = {
    "InMageAzureV2": ("a classic reprotect to on-premises writes through a master target", {
        "appliance": "master_target (and process_server)", "log_storage_account_id": "retention_drive (the master target's retention volume)"}),
    "InMage": ("a classic reprotect to Azure goes through the configuration server's process server", {
        "master_target": "process_server", "appliance": "process_server", "datastore": None, "retention_drive": None,
        "log_storage_account_id": None}),
    "InMageRcm": ("a modernized reprotect to on-premises writes through the appliance's reprotect agent", {
        "master_target": "appliance", "process_server": "appliance", "retention_drive": "log_storage_account_id (the cache storage account)",
        "run_as_account": None}),
    "InMageRcmFailback": ("a modernized reprotect to Azure goes through the appliance's process server", {
        "master_target": "process_server", "appliance": "process_server", "datastore": None, "retention_drive": None,
        "log_storage_account_id": None}),
}


def refuse_foreign_options(item, options):
    """Fail when an option is set that the item's reprotect does not take (it would be ignored), naming the one that applies."""
    provider = item["provider"]
    why, instead = WHAT_APPLIES[provider]
    problems = []
    for option in sorted(k for k, v in options.items() if v not in (None, "") and k not in OPTIONS_OF_PROVIDER[provider]):
        use = instead.get(option)
        problems.append("%s does not apply (%s)" % (option, "use %s" % use if use else "it takes nothing in its place"))
    if problems:
        name = item["friendly_name"] or item["name"]
        raise StateError("%s is an %s item (%s, %s): %s" % (name, provider, item["generation"], why, "; ".join(problems)))


def _policy_label(policy):
    return "%s (%s)" % (policy["name"], policy["id"])


def policy_for(provider, mappings, policies, wanted=None):
    """The policy the reprotect uses: {id, name, chosen}, among those the item's container mappings pair with ``provider``.

    ``wanted`` (a policy's name or ARM id) picks one of them; without it there must be exactly one.
    """
    by_id = dict((p["id"].lower(), p) for p in policies)
    candidates = []
    for mapping in mappings:
        policy = by_id.get(((mapping.get("properties") or {}).get("policyId") or "").lower())
        if policy is not None and policy["properties"]["providerSpecificDetails"]["instanceType"] == provider:
            found = dict(id=policy["id"], name=policy["properties"].get("friendlyName") or policy["name"], mapping=mapping["name"])
            if found["id"].lower() not in [c["id"].lower() for c in candidates]:
                candidates.append(found)
    if not candidates:
        raise StateError("no container mapping of the item's protection container uses a %s policy; create the %s replication policy "
                         "and its mapping first" % (provider, provider))
    if wanted:
        key = wanted.strip().lower()
        for candidate in candidates:
            if key in (candidate["id"].lower(), candidate["name"].lower(), candidate["id"].rsplit("/", 1)[-1].lower()):
                return dict(candidate, chosen="named by the policy option")
        other = next((p for p in policies if key in (p["id"].lower(), p["name"].lower(), (p["properties"].get("friendlyName") or "").lower())), None)
        kind = other["properties"]["providerSpecificDetails"]["instanceType"] if other else None
        if other is None:
            reason = "the vault has no policy %r" % wanted
        elif kind != provider:
            reason = "policy %r is an %s policy; the reprotect takes an %s one" % (wanted, kind, provider)
        else:
            reason = "policy %r is an %s policy that no mapping of the item's container pairs with it" % (wanted, kind)
        raise StateError("%s; the %s policies mapped: %s" % (reason, provider, ", ".join(_policy_label(c) for c in candidates)))
    if len(candidates) > 1:
        raise StateError("%d %s policies are mapped to the item's protection container: set policy to one of %s (nothing is chosen for you)"
                         % (len(candidates), provider, ", ".join(_policy_label(c) for c in candidates)))
    return dict(candidates[0], chosen="the only %s policy mapped" % provider)


def check_master_target_os(item, master, masters):
    """Fail when ``master`` (ASR's record) cannot write ``item``: the OS rule of vmware_master_target (check_os)."""
    name = item["friendly_name"] or item["name"]
    machine_os = parse_os(item.get("os_version"), item.get("os_type"))

    def verdict(record):
        return check_os(record.get("name"), parse_os(record.get("osVersion"), record.get("osType")), name, machine_os)

    result = verdict(master)
    if result["status"] == "fail":
        fitting = [m.get("name") for m in masters if verdict(m)["status"] != "fail"]
        raise StateError("%s; master targets that fit: %s" % (result["reason"], ", ".join(fitting) or "none"))
    return result


def _classic_run_as(custom, options):
    """The configuration server's run-as account given by name, as the reprotect's runAsAccountId (nothing when not given)."""
    if not options.get("run_as_account"):
        return {}
    account = _pick("run_as_account", options["run_as_account"], custom.get("runAsAccounts") or [], lambda a: a.get("accountName"))
    return dict(run_as_account_id=account["accountId"])


def reprotect_inputs(item, custom, mappings, policies, options, run_as_accounts=()):
    """(the keyword inputs of ``reprotect_body``, the policy chosen) for ``item`` (facts), its fabric's ``custom`` details and the options.

    The policy is ``policy_for``'s {id, name, mapping, chosen}. Nothing is read or sent here: a wrong option fails before any write.
    """
    provider = item["provider"]
    if provider not in REPROTECT_OF_PROVIDER:
        raise StateError("a %s item cannot be reprotected by this collection" % provider)
    _direction, policy_provider = REPROTECT_OF_PROVIDER[provider]
    refuse_foreign_options(item, options)
    policy = policy_for(policy_provider, mappings, policies, options.get("policy"))
    return _provider_inputs(item, custom, options, policy["id"], run_as_accounts), policy


def _provider_inputs(item, custom, options, policy_id, run_as_accounts):
    provider = item["provider"]
    if provider == "InMageAzureV2":
        masters = custom.get("masterTargetServers") or []
        master = _pick("master_target", options.get("master_target"), masters, lambda m: m.get("name"))
        check_master_target_os(item, master, masters)
        datastore = _pick("datastore (on master target %s)" % master["name"], options.get("datastore"), master.get("dataStores") or [],
                          lambda d: d.get("symbolicName"))
        volumes = master.get("retentionVolumes") or []
        drive = options.get("retention_drive") or (volumes[0]["volumeName"] if volumes else None)
        _pick("retention_drive (on master target %s)" % master["name"], drive, volumes, lambda v: v.get("volumeName"))
        process = _pick("process_server", options.get("process_server"), custom.get("processServers") or [], lambda p: p.get("friendlyName"))
        inputs = dict(master_target_id=master["id"], process_server_id=process["id"], retention_drive=drive,
                      datastore_name=datastore["symbolicName"], failback_policy_id=policy_id)
        inputs.update(_classic_run_as(custom, options))
        return inputs
    if provider == "InMage":
        process = _pick("process_server", options.get("process_server"), custom.get("processServers") or [], lambda p: p.get("friendlyName"))
        inputs = dict(process_server_id=process["id"], policy_id=policy_id)
        inputs.update(_classic_run_as(custom, options))
        return inputs
    if provider == "InMageRcm":
        agent = _pick("appliance", options.get("appliance"), custom.get("reprotectAgents") or [], lambda a: a.get("name"))
        datastores = [dict(name=d) for d in agent.get("accessibleDatastores") or []]
        datastore = _pick("datastore (reachable from appliance %s)" % agent["name"], options.get("datastore"), datastores, lambda d: d["name"])
        if not options.get("log_storage_account_id"):
            raise StateError("log_storage_account_id is required for a modernized reprotect to on-premises (the cache storage account in Azure)")
        return dict(reprotect_agent_id=agent["id"], datastore_name=datastore["name"], log_storage_account_id=options["log_storage_account_id"],
                    failback_policy_id=policy_id)
    process = _pick("process_server", options.get("process_server"), custom.get("processServers") or [], lambda p: p.get("name"))
    inputs = dict(process_server_id=process["id"], policy_id=policy_id)
    if options.get("run_as_account"):
        account = _pick("run_as_account", options["run_as_account"], list(run_as_accounts),
                        lambda a: (a.get("properties") or {}).get("displayName") or a.get("name"))
        inputs["run_as_account_id"] = account["id"]
    return inputs
