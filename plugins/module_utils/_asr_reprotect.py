# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The inputs of a reprotect, from the names people use to the ids ASR takes.

Private to the collection. Pure: no Ansible, no SDK. Every name is looked up in the fabric (as ASR
sends it); a name that does not exist fails with the valid ones. The policy is never asked of the
user: it is the one the container mappings pair with the provider the item will have.
"""

from __future__ import annotations

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_state import StateError

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


def policy_for(provider, mappings, policies):
    """The id of the policy that the item's container mappings pair with ``provider``."""
    kinds = dict((p["id"].lower(), p["properties"]["providerSpecificDetails"]["instanceType"]) for p in policies)
    for mapping in mappings:
        policy_id = (mapping.get("properties") or {}).get("policyId") or ""
        if kinds.get(policy_id.lower()) == provider:
            return policy_id
    raise StateError("no container mapping of the item's protection container uses a %s policy; create the %s replication policy "
                     "and its mapping first" % (provider, provider))


def _classic_run_as(custom, options):
    """The configuration server's run-as account given by name, as the reprotect's runAsAccountId (nothing when not given)."""
    if not options.get("run_as_account"):
        return {}
    account = _pick("run_as_account", options["run_as_account"], custom.get("runAsAccounts") or [], lambda a: a.get("accountName"))
    return dict(run_as_account_id=account["accountId"])


def reprotect_inputs(item, custom, mappings, policies, options, run_as_accounts=()):
    """The keyword inputs of ``reprotect_body`` for ``item`` (facts), its fabric's ``custom`` details and the options."""
    provider = item["provider"]
    if provider not in REPROTECT_OF_PROVIDER:
        raise StateError("a %s item cannot be reprotected by this collection" % provider)
    _direction, policy_provider = REPROTECT_OF_PROVIDER[provider]
    policy_id = policy_for(policy_provider, mappings, policies)
    if provider == "InMageAzureV2":
        masters = custom.get("masterTargetServers") or []
        master = _pick("master_target", options.get("master_target"), masters, lambda m: m.get("name"))
        if item.get("os_type") == "Linux" and master.get("osType") != "Linux":
            raise StateError("%s is a Linux machine: it fails back only through a Linux master target, and %s runs %s (Linux ones: %s)"
                             % (item["friendly_name"], master["name"], master.get("osType"),
                                ", ".join(m["name"] for m in masters if m.get("osType") == "Linux") or "none"))
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
