# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The reads of the _info modules (asr_fabric_info, asr_recovery_point_info, asr_job_info, asr_replicated_item_info): each takes
the task's session and returns the module's result.

Private to the collection. They read through the vault gateway and write nothing; the facts are ``_fabric_facts``', ``_asr_items``'
and ``_asr_jobs``' pure functions, the last cycle ``_asr_cycle``'s.
"""

from __future__ import annotations

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_cycle import item_jobs, jobs_filter, last_cycle, window_start
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_drill import test_vm
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_items import item_facts, point_facts, points_summary
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_jobs import JobWaiter, job_facts
from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError
from ansible_collections.siterecovery.vmware.plugins.module_utils._fabric_facts import fabric_facts, vcenter_facts
from ansible_collections.siterecovery.vmware.plugins.module_utils._vault_gateway import VaultGateway


def list_fabrics(asr):
    """Read the vault's fabrics and return the module result."""
    gateway = VaultGateway.of(asr)
    with asr.step("listing the fabrics of vault %s in resource group %s" % (asr.vault_name, asr.resource_group)):
        fabrics = gateway.named_fabrics(asr.params["name"])
    facts = []
    for fabric in fabrics:
        fact = fabric_facts(fabric)
        if fact["generation"] in ("classic", "modernized"):
            with asr.step("listing the vCenters of fabric %s" % fact["friendly_name"]):
                fact["vcenters"] = [vcenter_facts(v) for v in gateway.vcenters(fabric["name"])]
        facts.append(fact)
    return dict(changed=False, vault_id=asr.vault_id, fabrics=facts)


# The option's values and ASR's names of the types.
POINT_TYPES = {"app_consistent": "AppConsistent", "crash_consistent": "CrashConsistent"}


def read_points(asr):
    vault = VaultGateway.of(asr)
    with asr.step("finding replicated item %s in vault %s" % (asr.params["name"], asr.vault_name)):
        item = vault.find(asr.params["name"])
    with asr.step("reading the recovery points of %s" % item["properties"].get("friendlyName")):
        points = [point_facts(p) for p in vault.points(item)]
    if asr.params["type"]:
        points = [p for p in points if p["type"] == POINT_TYPES[asr.params["type"]]]
    points.sort(key=lambda p: p["time"] or "", reverse=True)
    return dict(changed=False, recovery_points=points, summary=points_summary(points),
                item=dict(name=item["name"], friendly_name=item["properties"].get("friendlyName"), id=item["id"]))


def read_jobs(asr):
    params = asr.params
    vault = VaultGateway.of(asr)
    if params["job_id"]:
        if params["wait"]:
            waiter = JobWaiter(lambda job_id: _read(asr, vault, job_id), params["wait_timeout"], params["wait_sleep"])
            return dict(changed=False, jobs=[waiter.wait(params["job_id"], "waiting for job %s" % params["job_id"])])
        return dict(changed=False, jobs=[job_facts(_read(asr, vault, params["job_id"]))])
    with asr.step("listing the jobs of vault %s" % asr.vault_name):
        jobs = [job_facts(j) for j in vault.jobs()]
    wanted = dict(target_name=params["item"], operation=params["operation"], state=params["state"])
    jobs = [j for j in jobs if all(v is None or str(j.get(k) or "").lower() == v.lower() for k, v in wanted.items())]
    jobs.sort(key=lambda j: j["start_time"] or "", reverse=True)
    return dict(changed=False, jobs=jobs)


def _read(asr, vault, job_id):
    with asr.step("reading job %s of vault %s" % (job_id, asr.vault_name)):
        return vault.job(job_id)


def cycle_start(asr):
    """Where the record of the cycle is read from; the task fails on a bad option before any request."""
    params = asr.params
    if params["cycle_window_days"] < 1:
        raise SiteRecoveryError("cycle_window_days must be 1 or more, not %d" % params["cycle_window_days"], code="InvalidParameter")
    try:
        return window_start(params["cycle_since"], params["cycle_window_days"])
    except ValueError as exc:
        raise SiteRecoveryError("cycle_since: %s" % exc, code="InvalidParameter") from None


def read_items(asr):
    params = asr.params
    start = cycle_start(asr) if params["last_cycle"] else None
    vault = VaultGateway.of(asr)
    with asr.step("reading the replicated items of vault %s" % asr.vault_name):
        # One GET when the name is an ARM id; the vault's list otherwise.
        items = [vault.find(params["name"])] if params["name"] else vault.items()
    facts = [item_facts(i) for i in items]
    wanted = dict(running_in=params["running_in"], protection_state=params["protection_state"], provider=params["provider"])
    facts = [f for f in facts if all(v is None or str(f.get(k) or "").lower() == v.lower() for k, v in wanted.items())]
    for fact in facts:
        if fact["stage"] == "drill_pending":
            fact["test_vm"] = test_vm(asr, fact)
    with_points = params["recovery_points"] if params["recovery_points"] is not None else bool(params["name"])
    if with_points:
        by_id = dict((i["id"], i) for i in items)
        for fact in facts:
            with asr.step("reading the recovery points of %s" % fact["friendly_name"]):
                fact["recovery_points"] = points_summary([point_facts(p) for p in vault.points(by_id[fact["id"]])])
    if start is not None and facts:
        with asr.step("listing the jobs of vault %s since %s" % (asr.vault_name, start.isoformat())):
            jobs = vault.jobs(jobs_filter(start))
        by_id = dict((i["id"], i) for i in items)
        for fact in facts:
            fact["last_cycle"] = last_cycle(fact, item_jobs(by_id[fact["id"]], jobs), start)
    return dict(changed=False, replicated_items=facts)
