"""Site Recovery resources of the vault: fabrics, containers, mappings, policies, items, recovery points, jobs."""

from __future__ import annotations

from flask import current_app, request

from . import jobfilter
from .arm import SUBSCRIPTION, VAULT, ArmError, arm_response, route
from .plans import update_job

FABRIC = VAULT + r"/replicationFabrics/(?P<fabric>[^/]+)"
CONTAINER = FABRIC + r"/replicationProtectionContainers/(?P<container>[^/]+)"
ITEM = CONTAINER + r"/replicationProtectedItems/(?P<item>[^/]+)"
OFFAZURE_API_VERSIONS = ("2020-01-01", "2020-07-07", "2023-06-06", "2023-10-01-preview")
ACTIONS = ("unplannedFailover", "plannedFailover", "failoverCommit", "failoverCancel", "applyRecoveryPoint", "reProtect", "repairReplication",
           "testFailover", "testFailoverCleanup")


def _vault(subscription, group, vault):
    """The lab's vault, or ARM's 404 for whatever part of the path is wrong."""
    lab = current_app.config["VAULT"]
    config = current_app.config["LAB"]
    if subscription.lower() != config.subscription_id.lower():
        raise ArmError(404, "SubscriptionNotFound", "The subscription '%s' could not be found." % subscription)
    if group.lower() != config.resource_group.lower():
        raise ArmError(404, "ResourceGroupNotFound", "Resource group '%s' could not be found." % group)
    if vault.lower() != config.vault_name.lower():
        raise ArmError(404, "ResourceNotFound", "The Resource 'Microsoft.RecoveryServices/vaults/%s' under resource group '%s' "
                       "was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix" % (vault, group))
    return lab


def _fabric(lab, fabric):
    if fabric.lower() != lab.fabric["name"].lower():
        raise ArmError(404, "NotFound", "Fabric '%s' was not found in vault '%s'." % (fabric, lab.vault_name))
    return lab.fabric


def _container(lab, fabric, container):
    _fabric(lab, fabric)
    if container.lower() != lab.container_name.lower():
        raise ArmError(404, "NotFound", "Protection container '%s' was not found in fabric '%s'." % (container, fabric))
    return lab.container()


def _listing(values):
    return arm_response({"value": values, "nextLink": None})


@route(VAULT)
def get_vault(subscription, group, vault):
    lab = _vault(subscription, group, vault)
    return arm_response(dict(id=lab.vault_id, name=lab.vault_name, type="Microsoft.RecoveryServices/vaults", location=lab.location,
                             sku=dict(name="Standard"), properties=dict(provisioningState="Succeeded")))


@route(VAULT + r"/replicationFabrics")
def list_fabrics(subscription, group, vault):
    return _listing([_vault(subscription, group, vault).fabric])


@route(FABRIC)
def get_fabric(subscription, group, vault, fabric):
    return arm_response(_fabric(_vault(subscription, group, vault), fabric))


@route(FABRIC + r"/replicationProtectionContainers")
def list_containers(subscription, group, vault, fabric):
    lab = _vault(subscription, group, vault)
    _fabric(lab, fabric)
    return _listing([lab.container()])


@route(VAULT + r"/replicationProtectionContainers")
def list_all_containers(subscription, group, vault):
    return _listing([_vault(subscription, group, vault).container()])


@route(CONTAINER)
def get_container(subscription, group, vault, fabric, container):
    return arm_response(_container(_vault(subscription, group, vault), fabric, container))


@route(FABRIC + r"/replicationvCenters")
def list_vcenters(subscription, group, vault, fabric):
    lab = _vault(subscription, group, vault)
    _fabric(lab, fabric)
    return _listing(lab.vcenters())


@route(FABRIC + r"/replicationvCenters/(?P<name>[^/]+)")
def get_vcenter(subscription, group, vault, fabric, name):
    lab = _vault(subscription, group, vault)
    _fabric(lab, fabric)
    for document in lab.vcenters():
        if document["name"].lower() == name.lower():
            return arm_response(document)
    raise ArmError(404, "NotFound", "vCenter '%s' was not found in fabric '%s'." % (name, fabric))


@route(CONTAINER + r"/replicationProtectionContainerMappings")
def list_mappings(subscription, group, vault, fabric, container):
    lab = _vault(subscription, group, vault)
    _container(lab, fabric, container)
    return _listing(lab.mappings())


@route(VAULT + r"/replicationProtectionContainerMappings")
def list_all_mappings(subscription, group, vault):
    return _listing(_vault(subscription, group, vault).mappings())


@route(CONTAINER + r"/replicationProtectionContainerMappings/(?P<mapping>[^/]+)")
def get_mapping(subscription, group, vault, fabric, container, mapping):
    lab = _vault(subscription, group, vault)
    _container(lab, fabric, container)
    for document in lab.mappings():
        if document["name"].lower() == mapping.lower():
            return arm_response(document)
    raise ArmError(404, "NotFound", "Protection container mapping '%s' was not found." % mapping)


@route(VAULT + r"/replicationPolicies")
def list_policies(subscription, group, vault):
    return _listing(list(_vault(subscription, group, vault).policies.values()))


@route(VAULT + r"/replicationPolicies/(?P<policy>[^/]+)")
def get_policy(subscription, group, vault, policy):
    lab = _vault(subscription, group, vault)
    for name, document in lab.policies.items():
        if name.lower() == policy.lower():
            return arm_response(document)
    raise ArmError(404, "NotFound", "Replication policy '%s' was not found in vault '%s'." % (policy, vault))


@route(VAULT + r"/replicationProtectedItems")
def list_all_items(subscription, group, vault):
    lab = _vault(subscription, group, vault)
    return _listing([lab.item_document(i) for i in lab.items.values()])


@route(CONTAINER + r"/replicationProtectedItems")
def list_items(subscription, group, vault, fabric, container):
    lab = _vault(subscription, group, vault)
    _container(lab, fabric, container)
    return _listing([lab.item_document(i) for i in lab.items.values()])


@route(ITEM)
def get_item(subscription, group, vault, fabric, container, item):
    lab = _vault(subscription, group, vault)
    return arm_response(lab.item_document(lab.item(fabric, container, item)))


@route(ITEM + r"/recoveryPoints")
def list_recovery_points(subscription, group, vault, fabric, container, item):
    lab = _vault(subscription, group, vault)
    found = lab.item(fabric, container, item)
    return _listing([found.point_document(p) for p in found.recovery_points(lab.clock.now())])


@route(ITEM + r"/recoveryPoints/(?P<point>[^/]+)")
def get_recovery_point(subscription, group, vault, fabric, container, item, point):
    lab = _vault(subscription, group, vault)
    found = lab.item(fabric, container, item)
    for candidate in found.recovery_points(lab.clock.now()):
        if candidate.id.lower() == point.lower():
            return arm_response(found.point_document(candidate))
    raise ArmError(404, "NotFound", "Recovery point '%s' was not found for replicated item '%s'." % (point, item))


def _accepted(lab, job, item_id):
    """ASR's answer to an action: 202, no body, Location / Azure-AsyncOperation / Retry-After on the job."""
    version = "2021-06-01"
    base = request.host_url.rstrip("/")
    headers = {
        "Location": "%s%s/operationresults/%s?api-version=%s" % (base, item_id, job.id, version),
        "Azure-AsyncOperation": "%s%s/replicationOperationStatus/%s?api-version=%s" % (base, lab.vault_id, job.id, version),
        "Retry-After": str(lab.clock.retry_after()),
        "x-ms-request-id": job.id_path,
    }
    return arm_response(None, status=202, headers=headers)


@route(ITEM + r"/(?P<action>%s)" % "|".join(ACTIONS), methods=("POST",))
def item_action(subscription, group, vault, fabric, container, item, action):
    lab = _vault(subscription, group, vault)
    found = lab.item(fabric, container, item)
    canonical = next(a for a in ACTIONS if a.lower() == action.lower())
    job = lab.act(found, canonical, request.get_json(silent=True) or {})
    return _accepted(lab, job, found.id)


@route(ITEM, methods=("PATCH",))
def update_item(subscription, group, vault, fabric, container, item):
    """The recovery VM's compute and network properties: 202 and an UpdateVmProperties job."""
    lab = _vault(subscription, group, vault)
    found = lab.item(fabric, container, item)
    lab.check_idle(found)
    job = update_job(lab, found, request.get_json(silent=True) or {})
    return _accepted(lab, job, found.id)


@route(ITEM + r"/operationresults/(?P<job_id>[^/]+)")
def operation_result(subscription, group, vault, fabric, container, item, job_id):
    lab = _vault(subscription, group, vault)
    found = lab.item(fabric, container, item)
    job = _job(lab, job_id)
    state = job.state(lab.clock.now())
    if state in ("NotStarted", "InProgress"):
        return arm_response(None, status=202, headers={"Location": request.url, "Retry-After": str(lab.clock.retry_after())})
    return arm_response(lab.item_document(found))


def _job(lab, job_id):
    job = lab.jobs.get(job_id)
    if job is None:
        raise ArmError(404, "NotFound", "Job '%s' was not found in vault '%s'." % (job_id, lab.vault_name))
    return job


@route(VAULT + r"/replicationJobs")
def list_jobs(subscription, group, vault):
    """The vault's jobs, newest first; ``$filter`` selects among them as ReplicationJobs_List defines it (jobfilter.py)."""
    lab = _vault(subscription, group, vault)
    now = lab.clock.now()
    jobs = sorted(lab.jobs.jobs.values(), key=lambda j: j.created, reverse=True)
    odata = request.args.get("$filter", "").strip()
    return _listing(jobfilter.select(jobs, odata, now, lab.fabric) if odata else [j.view(now) for j in jobs])


@route(VAULT + r"/replicationJobs/(?P<job_id>[^/]+)")
def get_job(subscription, group, vault, job_id):
    lab = _vault(subscription, group, vault)
    return arm_response(_job(lab, job_id).view(lab.clock.now()))


@route(VAULT + r"/replicationJobs/(?P<job_id>[^/]+)/(?P<verb>cancel|resume)", methods=("POST",))
def control_job(subscription, group, vault, job_id, verb):
    """Cancel a job that allows it, or resume a suspended one; 202 with the job as Location."""
    lab = _vault(subscription, group, vault)
    job = _job(lab, job_id)
    now = lab.clock.now()
    allowed = job.view(now)["properties"]["allowedActions"]
    wanted = verb.capitalize()
    if wanted not in allowed:
        raise ArmError(400, "JobActionNotAllowed", "The job '%s' (%s, %s) cannot be %s; allowed actions: %s."
                       % (job.id, job.scenario_name, job.state(now), "cancelled" if verb == "cancel" else "resumed", ", ".join(allowed) or "none"),
                       possible_causes="The job is not in a state where this action applies.",
                       recommended_action="Read the job's allowedActions.")
    if verb == "cancel":
        job.cancel(now)
    else:
        job.resume(now)
    location = "%s%s?api-version=%s" % (request.host_url.rstrip("/"), job.id_path, request.args["api-version"])
    return arm_response(None, status=202, headers={"Location": location, "Retry-After": str(lab.clock.retry_after())})


@route(VAULT + r"/replicationOperationStatus/(?P<job_id>[^/]+)")
def operation_status(subscription, group, vault, job_id):
    lab = _vault(subscription, group, vault)
    return arm_response(_job(lab, job_id).operation_status(lab.clock.now()))


@route(SUBSCRIPTION + r"/resourcegroups/(?P<group>[^/]+)/providers/microsoft\.offazure/vmwaresites/(?P<site>[^/]+)/runasaccounts",
       api_versions=OFFAZURE_API_VERSIONS)
def list_run_as_accounts(subscription, group, site):
    lab = current_app.config["VAULT"]
    config = current_app.config["LAB"]
    if subscription.lower() != config.subscription_id.lower() or group.lower() != config.resource_group.lower() or lab.classic or \
            not lab.vmware_site_id.lower().endswith("/" + site.lower()):
        raise ArmError(404, "ResourceNotFound", "The Resource 'Microsoft.OffAzure/VMwareSites/%s' under resource group '%s' was not found."
                       % (site, group))
    return _listing(lab.run_as_accounts())
