"""ARM routes of recovery plans: PUT (create, update), GET, list, DELETE, and the plan operations (recovery_plans.py)."""

from __future__ import annotations

from flask import request

from .arm import VAULT, arm_response, route
from .recovery_plans import PLAN_OPERATIONS, delete_job, document, plan_action_job, plan_at, save_job
from .resources import _accepted, _job, _listing, _vault

PLAN = VAULT + r"/replicationRecoveryPlans/(?P<plan>[^/]+)"


@route(VAULT + r"/replicationRecoveryPlans")
def list_plans(subscription, group, vault):
    lab = _vault(subscription, group, vault)
    return _listing([document(lab, p) for p in lab.recovery_plans.values()])


@route(PLAN, methods=("GET", "PUT", "DELETE"))
def plan(subscription, group, vault, plan):  # pylint: disable=redefined-outer-name
    lab = _vault(subscription, group, vault)
    if request.method == "PUT":
        job = save_job(lab, plan, request.get_json(silent=True) or {})
        return _accepted(lab, job, "%s/replicationRecoveryPlans/%s" % (lab.vault_id, plan))
    found = plan_at(lab, plan)
    if request.method == "DELETE":
        return _accepted(lab, delete_job(lab, found), "%s/replicationRecoveryPlans/%s" % (lab.vault_id, found.name))
    return arm_response(document(lab, found))


@route(PLAN + r"/(?P<action>%s)" % "|".join(PLAN_OPERATIONS), methods=("POST",))
def plan_operation(subscription, group, vault, plan, action):  # pylint: disable=redefined-outer-name
    lab = _vault(subscription, group, vault)
    found = plan_at(lab, plan)
    canonical = next(a for a in PLAN_OPERATIONS if a.lower() == action.lower())
    job = plan_action_job(lab, found, canonical, request.get_json(silent=True) or {})
    return _accepted(lab, job, "%s/replicationRecoveryPlans/%s" % (lab.vault_id, found.name))


@route(PLAN + r"/operationresults/(?P<job_id>[^/]+)")
def plan_operation_result(subscription, group, vault, plan, job_id):  # pylint: disable=redefined-outer-name
    lab = _vault(subscription, group, vault)
    job = _job(lab, job_id)
    if job.state(lab.clock.now()) in ("NotStarted", "InProgress"):
        return arm_response(None, status=202, headers={"Location": request.url, "Retry-After": str(lab.clock.retry_after())})
    found = lab.recovery_plans.get(plan.lower())
    return arm_response(document(lab, found) if found else None, status=200 if found else 204)
