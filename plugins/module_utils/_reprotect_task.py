# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""asr_reprotect's workflow: refuse what cannot be reprotected, read the fabric, mappings, policies (and run-as accounts),
build the request, send it once, follow the job, and wait for the agent's registration or the item's protection when asked.

Private to the collection. The choices (which master target, process server, policy...) are the pure functions of
``_asr_reprotect``; the bodies are ``_asr_state``'s.
"""

from __future__ import annotations

from ansible_collections.siterecovery.vmware.plugins.module_utils._arm_ids import arm_id_problem
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_actions import ItemAction, Overtaken
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_items import address
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_reprotect import REPROTECT_OF_PROVIDER, reprotect_inputs
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_state import FAILBACK_PROVIDERS, FORWARD_PROVIDERS
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_state import StateError, reprotect_body
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_wait import AGENT_NOT_REGISTERED, agent_pending, wait_for_item
from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError
from ansible_collections.siterecovery.vmware.plugins.module_utils._poll import Poll

RESOLVED_OPTIONS = ("master_target", "process_server", "datastore", "retention_drive", "run_as_account", "appliance", "log_storage_account_id",
                    "policy")


def read_inputs(asr, action):
    """(the inputs of reprotect_body, the policy chosen), from the fabric, the mappings and the policies; refuses bad options before any write."""
    with asr.step("reading fabric %s, its container mappings and the vault's policies" % address(action.item)[0]):
        fabric, mappings, policies = action.vault.protection_of(action.item)
    custom = fabric["properties"]["customDetails"]
    accounts = []
    if action.before["provider"] == "InMageRcmFailback" and asr.params["run_as_account"]:
        with asr.step("reading the run-as accounts of the VMware site"):
            accounts = action.vault.run_as_accounts(custom["vmwareSiteId"])
    options = dict((k, asr.params[k]) for k in RESOLVED_OPTIONS)
    try:
        return reprotect_inputs(action.before, custom, mappings, policies, options, accounts)
    except StateError as exc:
        raise SiteRecoveryError("reprotecting %s: %s" % (action.name, exc), code="InvalidReprotectInput") from exc


def reprotect(asr):
    params = asr.params
    if params["log_storage_account_id"]:
        invalid = arm_id_problem("log_storage_account_id", params["log_storage_account_id"], "storage account")
        if invalid:
            raise SiteRecoveryError("Invalid options: " + invalid, code="InvalidParameter")
    action = ItemAction(asr, params["name"])
    facts = action.before
    attached = action.running_job_of("reProtect")
    if attached:
        return finish(asr, action, action.wait(attached, "reprotecting %s" % action.name), "attached to the running reprotect")
    provider = facts["provider"]
    done_provider = {"to_onprem": FAILBACK_PROVIDERS, "to_azure": FORWARD_PROVIDERS}[params["direction"]]
    if provider in done_provider and facts["stage"] in ("replicating", "other"):
        return action.result(False, message=replicating_already(action, facts, params["direction"], done_provider))
    if REPROTECT_OF_PROVIDER.get(provider, (None,))[0] != params["direction"]:
        raise SiteRecoveryError("%s cannot be reprotected %s now: it is a %s item running in %s; its next step is: %s"
                                % (action.name, params["direction"].replace("_", " "), provider, facts["running_in"], facts["next_step"]),
                                code="InvalidReprotectDirection")
    action.refuse_unless_allowed("reProtect")
    inputs, policy = read_inputs(asr, action)
    body = reprotect_body(provider, **inputs)
    if asr.check_mode:
        result = action.result(True, message="would reprotect %s %s" % (action.name, params["direction"].replace("_", " ")))
        result.update(request=body, policy=policy)
        return result
    # One wait for the whole reprotect: the agent's registration, the job, and a resend when ASR's preflight found the agent
    # not ready yet (150273), all within wait_timeout.
    poll = Poll(params["wait_timeout"], params["wait_sleep"])
    while True:
        if agent_pending(action.before):
            action.before = wait_for_item(asr, action.vault, action.item, "agent_registered", action.name, poll)
        try:
            job_id = action.start("reProtect", body, done=lambda now: replicating_already(action, now, params["direction"], done_provider))
        except Overtaken as over:
            return action.result(False, message=str(over))
        try:
            job = action.wait(job_id, "reprotecting %s" % action.name)
        except SiteRecoveryError as error:
            if error.code in AGENT_NOT_REGISTERED and poll.remaining() > 0:
                action.before = action.reread()
                continue  # ASR's preflight found the agent not ready yet: wait and send again
            raise
        result = finish(asr, action, job)
        result.update(request=body, policy=policy)
        return result


def replicating_already(action, facts, direction, done_provider):
    """What says that the item replicates in ``direction`` already (its provider is the one a reprotect leads to), or None."""
    if facts["provider"] not in done_provider:
        return None
    return "%s replicates %s already (%s, %s)" % (action.name, direction.replace("_", " "), facts["provider"], facts["protection_state"])


def finish(asr, action, job, message=None):
    if asr.params["wait_for"] == "protected" and asr.params["wait"]:
        poll = Poll(asr.params["wait_timeout"], asr.params["wait_sleep"])
        wait_for_item(asr, action.vault, action.item, "protected", action.name, poll)
    return action.result(True, job, message)
