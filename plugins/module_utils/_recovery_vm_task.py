# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""asr_replicated_item's workflow: the recovery VM's settings (name, size, resource group, network, subnet, IP) read, compared
with what is asked, checked against what Azure offers in the target region, then one PATCH of the item and its job followed.

Private to the collection. The settings, their checks and the PATCH body are ``_asr_compute``'s pure functions; the region's
sizes and networks are read through the preflight's reads (``_preflight_azure.PreflightReads``).
"""

from __future__ import annotations

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_actions import ItemAction
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_compute import (
    SETTINGS,
    current_settings,
    desired_settings,
    option_problems,
    patch_body,
    problems,
)
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_state import FORWARD_PROVIDERS
from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError
from ansible_collections.siterecovery.vmware.plugins.module_utils._preflight_azure import PreflightReads


def update(asr):
    params = asr.params
    invalid = option_problems(params)
    if invalid:
        raise SiteRecoveryError("Invalid options: " + "; ".join(invalid), code="InvalidParameter")
    action = ItemAction(asr, params["name"])
    facts = action.before
    attached = action.running_job_of("update")
    if attached:
        job = action.wait(attached, "updating the recovery VM of %s" % action.name)
        return dict(action.result(True, job, "attached to the running update"), settings=current_settings(action.reread()))
    if facts["provider"] not in FORWARD_PROVIDERS or facts["running_in"] != "onprem":
        raise SiteRecoveryError("%s: the recovery VM's settings can be changed while the machine replicates to Azure; it is a %s item running in %s"
                                % (action.name, facts["provider"], facts["running_in"]), code="OperationNotAllowed")
    group = params["target_resource_group"]
    changes = dict((k, params.get(k)) for k in SETTINGS)
    if group:
        changes["resource_group_id"] = group if group.startswith("/") else "/subscriptions/%s/resourceGroups/%s" % (params["subscription_id"], group)
    current = current_settings(facts)
    desired = desired_settings(current, changes)
    diff = dict(before=dict((k, current[k]) for k in SETTINGS), after=dict((k, desired[k]) for k in SETTINGS))
    if diff["before"] == diff["after"]:
        return dict(action.result(False, message="the recovery VM of %s has these settings already" % action.name), settings=diff["before"],
                    diff=diff)
    reads = PreflightReads(asr)
    location = reads.location(action.item)
    with asr.step("reading the VM sizes offered in the target region"):
        sizes = [s["name"] for s in reads.gateway.vm_sizes(location)]
    found = problems(desired, facts.get("os_type"), sizes, reads.network(desired["network_id"]))
    if found:
        raise SiteRecoveryError("%s: Azure would refuse these settings: %s" % (action.name, "; ".join(found)), code="InvalidRecoveryVmSettings")
    body = patch_body(facts["provider"], action.item["properties"], desired)
    if asr.check_mode:
        return dict(action.result(True, message="would update the recovery VM of %s" % action.name), settings=diff["after"], diff=diff)
    job_id = action.start("update", body)
    result = action.result(True, action.wait(job_id, "updating the recovery VM of %s" % action.name))
    after = current_settings(result["replicated_item"])
    result.update(settings=dict((k, after[k]) for k in SETTINGS), diff=dict(before=diff["before"], after=dict((k, after[k]) for k in SETTINGS)))
    return result
