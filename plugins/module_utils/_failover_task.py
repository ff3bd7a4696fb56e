# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The failover of one replicated item, to Azure or back: the workflow of ``asr_failover`` and of the fleet engine's writes; and
what comes between a failover and its commit: the commit's check (``committed_already``) and the change of recovery point
(``apply_point``, asr_apply_recovery_point's workflow).

Private to the collection. Attach to a failover job that runs, say when the machine is where the failover would take it,
build the request its provider takes (docs/architecture.md, "What each step sends"), refuse what ASR would refuse, then send it
once through :class:`ItemAction` (no blind resend).
"""

from __future__ import annotations

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_actions import ItemAction, Overtaken
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_items import item_facts, point_facts
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_state import FORWARD_PROVIDERS, StateError, failover_body, recovery_point_input
from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError, about_multi_vm_group
from ansible_collections.siterecovery.vmware.plugins.module_utils._source_power import source_power

TARGET = {"to_azure": "azure", "to_onprem": "onprem"}
FAILOVER_ACTIONS = ("unplannedFailover", "plannedFailover")


def running_failover(action):
    """The id of the failover job running on the item, or None."""
    for name in FAILOVER_ACTIONS:
        attached = action.running_job_of(name)
        if attached:
            return attached
    return None


def there_already(action, facts, direction):
    """The message when the machine runs where the failover would take it (nothing to do), else None."""
    if facts["running_in"] == TARGET[direction] and not facts["current_job"]:
        return "%s runs in %s already (%s)" % (action.name, facts["running_in"], facts["protection_state"])
    return None


def failover_request(action, params):
    """(action verb, body) of the failover ``params`` ask for, after every refusal ASR would make (SiteRecoveryError)."""
    facts = action.before
    points = []
    if params["recovery_point"] != "latest" and facts["provider"] != "InMageRcmFailback":  # only then is a point id resolved
        with action.asr.step("reading the recovery points of %s" % action.name):
            points = [point_facts(p) for p in action.vault.points(action.item)]
    try:
        verb, body = failover_body(facts["provider"], params["direction"], params["recovery_point"], points,
                                   params["recovery_point_id"], params["shutdown_source"])
    except StateError as exc:
        raise SiteRecoveryError("%s: %s" % (action.name, exc), code="InvalidFailoverRequest",
                                recommended_action="the item's next step is: %s" % facts["next_step"]) from exc
    action.refuse_unless_allowed(verb)
    return verb, body


def send_failover(action, direction, verb, body):
    """POST the failover once; the id of its job. :class:`Overtaken` when another run did it meanwhile."""
    facts = action.before

    def done(now):
        if now["running_in"] == TARGET[direction]:
            return "%s runs in %s already (%s)" % (action.name, now["running_in"], now["protection_state"])
        return None

    try:
        return action.start(verb, body, done=done)
    except SiteRecoveryError as error:
        if facts["multi_vm_group"] and error.status == 400 and about_multi_vm_group(error):
            raise group_refusal(action, error) from error
        raise


def failover(action, params, warn):
    """The run of ``asr_failover`` on the item of ``action`` (an ItemAction); ``warn(text)`` reports a warning."""
    asr = action.asr
    attached = running_failover(action)
    if attached:
        job = action.wait(attached, "failing %s over" % action.name)
        return action.result(True, job, "attached to the failover job that was running")
    message = there_already(action, action.before, params["direction"])
    if message:
        return action.result(False, message=message)
    verb, body = failover_request(action, params)
    request = dict(action=verb, body=body)
    if asr.check_mode:
        result = action.result(True, message="would fail %s over %s" % (action.name, params["direction"].replace("_", " ")))
        result["request"] = request
        return result
    try:
        job_id = send_failover(action, params["direction"], verb, body)
    except Overtaken as over:
        return action.result(False, message=str(over))
    result = action.result(True, action.wait(job_id, "failing %s over %s" % (action.name, params["direction"].replace("_", " "))))
    result["request"] = request
    if params["shutdown_source"] and params["direction"] == "to_azure" and params["wait"]:
        result["source_power"], warning = source_power(params, action.name)
        if warning:
            warn(warning)
    return result


def committed_already(name, facts):
    """The message when the failover of the item of ``facts`` is committed already (nothing to commit), else None."""
    if facts["stage"] == "committed":
        return "%s is committed already (%s)" % (name, facts["protection_state"])
    return None


def group_refusal(action, error):
    """ASR refused the failover of a multi-VM group member: say which group, and who else is in it."""
    group = action.before["multi_vm_group"]
    with action.asr.step("listing the members of multi-VM group %s" % group):
        members = sorted(f["friendly_name"] for f in (item_facts(i) for i in action.vault.items()) if f["multi_vm_group"] == group)
    error.message = "%s; %s is in the multi-VM consistency group %s with %s: fail the group's members over together (a recovery plan)" % (
        error.message, action.name, group, ", ".join(m for m in members if m != action.name) or "no other machine")
    return error


def apply_point(asr):
    params = asr.params
    action = ItemAction(asr, params["name"])
    facts = action.before
    followed = action.follow_running("applyRecoveryPoint", "changing the recovery point of %s" % action.name, "attached to the running change")
    if followed:
        return followed
    if facts["provider"] not in FORWARD_PROVIDERS:
        raise SiteRecoveryError("%s: the recovery point can be changed only after a failover to Azure, before its commit (the item is %s, %s)"
                                % (action.name, facts["provider"], facts["protection_state"]), code="OperationNotAllowed")
    action.refuse_unless_allowed("applyRecoveryPoint")  # after the commit ASR allows no change: refused first
    with asr.step("reading the recovery points of %s" % action.name):
        points = [point_facts(p) for p in action.vault.points(action.item)]
    try:
        point_id = recovery_point_input(facts["provider"], params["recovery_point"], points, params["recovery_point_id"])["recoveryPointId"]
    except StateError as exc:
        raise SiteRecoveryError("%s: %s" % (action.name, exc), code="InvalidRecoveryPoint") from exc
    chosen = next(p for p in points if p["id"] == point_id)
    current = (facts["failover_recovery_point_id"] or "").lower()
    if current and current.rsplit("/", 1)[-1] == point_id.lower().rsplit("/", 1)[-1]:
        result = action.result(False, message="%s is on recovery point %s already" % (action.name, chosen["time"]))
        result["recovery_point"] = chosen
        return result
    details = {"instanceType": facts["provider"]}
    if facts["provider"] == "InMageRcm":
        details["recoveryPointId"] = point_id
    body = {"properties": {"recoveryPointId": point_id, "providerSpecificDetails": details}}
    if asr.check_mode:
        result = action.result(True, message="would move %s to recovery point %s" % (action.name, chosen["time"]))
    else:
        job_id = action.start("applyRecoveryPoint", body)
        result = action.result(True, action.wait(job_id, "changing the recovery point of %s" % action.name))
    result["recovery_point"] = chosen
    return result
