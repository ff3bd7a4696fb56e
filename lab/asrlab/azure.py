"""What the cycle touches in Azure besides ASR: VMs, compute usages and sizes, networks, template deployments."""

from __future__ import annotations

import datetime
import ipaddress
import re

from flask import current_app, request

from . import guests
from .arm import SUBSCRIPTION, ArmError, arm_response, route
from .clock import iso
from .fabrics import stable_id
from .vault import VM_SIZES

COMPUTE_API_VERSIONS = ("2023-03-01", "2023-07-01", "2023-09-01", "2024-03-01", "2024-07-01", "2024-11-01")
NETWORK_API_VERSIONS = ("2023-04-01", "2023-09-01", "2023-11-01", "2024-01-01", "2024-03-01", "2024-05-01")
RESOURCES_API_VERSIONS = ("2021-04-01", "2022-09-01", "2024-03-01", "2024-07-01")
SKUS_API_VERSIONS = ("2019-04-01", "2021-07-01")
GROUP = SUBSCRIPTION + r"/resourcegroups/(?P<group>[^/]+)"
LOCATION = SUBSCRIPTION + r"/providers/microsoft\.compute/locations/(?P<location>[^/]+)"
# Azure seconds a process server deployment takes, then until it registers with the configuration server.
DEPLOYMENT_SECONDS = 300
REGISTRATION_SECONDS = 600


def _lab(subscription):
    config = current_app.config["LAB"]
    if subscription.lower() != config.subscription_id.lower():
        raise ArmError(404, "SubscriptionNotFound", "The subscription '%s' could not be found." % subscription)
    return current_app.config["VAULT"]


def _known_group(lab, group):
    groups = {lab.config.resource_group.lower(), lab.scenario.recovery["resource_group"].lower()}
    if group.lower() not in groups:
        raise ArmError(404, "ResourceGroupNotFound", "Resource group '%s' could not be found." % group)


# ---- virtual machines ----------------------------------------------------------------------------
def _instance_view(vm):
    power = {"running": "VM running", "stopped": "VM stopped", "deallocated": "VM deallocated"}[vm["power"]]
    return dict(statuses=[dict(code="ProvisioningState/succeeded", level="Info", displayStatus="Provisioning succeeded"),
                          dict(code="PowerState/" + vm["power"], level="Info", displayStatus=power)],
                computerName=vm["name"], osName=vm["os_type"], osVersion="")


def _vm_document(vm, expand=False):
    cores, memory, _family = VM_SIZES[vm["size"]]
    properties = dict(vmId=stable_id(vm["id"]), hardwareProfile=dict(vmSize=vm["size"]), provisioningState="Succeeded",
                      storageProfile=dict(osDisk=dict(osType=vm["os_type"], name=vm["name"] + "-osdisk", createOption="Attach")),
                      osProfile=None, timeCreated=vm.get("created"), extended=dict(cores=cores, memoryInMB=memory))
    if vm.get("nic_id"):
        properties["networkProfile"] = guests.network_profile(vm)
    if expand:
        properties["instanceView"] = _instance_view(vm)
    return dict(id=vm["id"], name=vm["name"], type="Microsoft.Compute/virtualMachines", location=vm["location"], properties=properties,
                tags={"asr-lab-item": vm["item"]})


def _vm(lab, group, name):
    _known_group(lab, group)
    for vm in lab.azure_vms.values():
        if vm["name"].lower() == name.lower() and ("/resourcegroups/%s/" % group.lower()) in vm["id"].lower():
            return vm
    raise ArmError(404, "ResourceNotFound", "The Resource 'Microsoft.Compute/virtualMachines/%s' under resource group '%s' was not found. "
                   "For more details please go to https://aka.ms/ARMResourceNotFoundFix" % (name, group))


@route(GROUP + r"/providers/microsoft\.compute/virtualmachines", api_versions=COMPUTE_API_VERSIONS)
def list_vms(subscription, group):
    lab = _lab(subscription)
    _known_group(lab, group)
    inside = [vm for vm in lab.azure_vms.values() if ("/resourcegroups/%s/" % group.lower()) in vm["id"].lower()]
    return arm_response({"value": [_vm_document(vm) for vm in inside]})


@route(GROUP + r"/providers/microsoft\.compute/virtualmachines/(?P<name>[^/]+)", api_versions=COMPUTE_API_VERSIONS)
def get_vm(subscription, group, name):
    vm = _vm(_lab(subscription), group, name)
    return arm_response(_vm_document(vm, expand="instanceview" in (request.args.get("$expand") or "").lower()))


@route(GROUP + r"/providers/microsoft\.compute/virtualmachines/(?P<name>[^/]+)/instanceview", api_versions=COMPUTE_API_VERSIONS)
def get_vm_instance_view(subscription, group, name):
    return arm_response(_instance_view(_vm(_lab(subscription), group, name)))


# ---- compute usages and sizes ----------------------------------------------------------------------
def _check_location(lab, location):
    if location.lower().replace(" ", "") != lab.location.lower():
        raise ArmError(404, "LocationNotAvailableForResourceType", "The provided location '%s' is not available in the lab (it is '%s')."
                       % (location, lab.location))


@route(LOCATION + r"/usages", api_versions=COMPUTE_API_VERSIONS)
def usages(subscription, location):
    lab = _lab(subscription)
    _check_location(lab, location)
    quotas = lab.cores_quota()
    values = [dict(name=dict(value="cores", localizedValue="Total Regional vCPUs"), currentValue=lab.cores_in_use(),
                   limit=quotas.get("total", 100), unit="Count")]
    for family in sorted({f for _c, _m, f in VM_SIZES.values()}):
        values.append(dict(name=dict(value=family, localizedValue=family), currentValue=lab.cores_in_use(family),
                           limit=quotas.get(family, 0), unit="Count"))
    return _paged(values)


def _paged(values):
    """A list answer; in pages with ARM's nextLink (``$skiptoken``) when /lab/paging set a page size."""
    size = current_app.config.get("PAGE_SIZE")
    if not size:
        return arm_response({"value": values})
    start = int(request.args.get("$skiptoken") or 0)
    body = {"value": values[start:start + size]}
    if start + size < len(values):
        body["nextLink"] = "%s?api-version=%s&$skiptoken=%d" % (request.base_url, request.args.get("api-version"), start + size)
    return arm_response(body)


@route(LOCATION + r"/vmsizes", api_versions=COMPUTE_API_VERSIONS)
def vm_sizes(subscription, location):
    lab = _lab(subscription)
    _check_location(lab, location)
    return _paged([dict(name=name, numberOfCores=cores, memoryInMB=memory, maxDataDiskCount=cores * 4,
                        osDiskSizeInMB=1047552, resourceDiskSizeInMB=cores * 8192)
                   for name, (cores, memory, _family) in sorted(VM_SIZES.items())])


@route(SUBSCRIPTION + r"/providers/microsoft\.compute/skus", api_versions=SKUS_API_VERSIONS)
def resource_skus(subscription):
    """Resource SKUs (virtualMachines) of the lab's region; a $filter on another location finds none."""
    lab = _lab(subscription)
    wanted = re.search(r"location\s+eq\s+'([^']+)'", request.args.get("$filter") or "", re.IGNORECASE)
    if wanted and wanted.group(1).lower().replace(" ", "") != lab.location.lower():
        return arm_response({"value": []})
    return arm_response({"value": [dict(resourceType="virtualMachines", name=name, tier="Standard", size=name.split("_", 1)[1], family=family,
                                        locations=[lab.location], locationInfo=[dict(location=lab.location, zones=[])], restrictions=[],
                                        capabilities=[dict(name=key, value=str(value)) for key, value in (
                                            ("vCPUs", cores), ("MemoryGB", memory // 1024), ("MaxDataDiskCount", cores * 4),
                                            ("MaxNetworkInterfaces", max(2, cores // 2)), ("HyperVGenerations", "V1,V2"))])
                                   for name, (cores, memory, family) in sorted(VM_SIZES.items())]})


# ---- networks --------------------------------------------------------------------------------------
def _network(lab):
    recovery = lab.scenario.recovery
    subnets = [recovery["subnet"]] + list(recovery.get("other_subnets", []))
    network_id = lab.network_id
    return dict(id=network_id, name=recovery["network"], type="Microsoft.Network/virtualNetworks", location=lab.location,
                properties=dict(provisioningState="Succeeded", addressSpace=dict(addressPrefixes=["10.10.0.0/16"]),
                                subnets=[dict(id="%s/subnets/%s" % (network_id, name), name=name,
                                              properties=dict(addressPrefix="10.10.%d.0/24" % index, provisioningState="Succeeded"))
                                         for index, name in enumerate(subnets)]))


@route(GROUP + r"/providers/microsoft\.network/virtualnetworks", api_versions=NETWORK_API_VERSIONS)
def list_networks(subscription, group):
    lab = _lab(subscription)
    _known_group(lab, group)
    recovery_group = lab.scenario.recovery["resource_group"]
    return arm_response({"value": [_network(lab)] if group.lower() == recovery_group.lower() else []})


@route(GROUP + r"/providers/microsoft\.network/virtualnetworks/(?P<name>[^/]+)", api_versions=NETWORK_API_VERSIONS)
def get_network(subscription, group, name):
    lab = _lab(subscription)
    network = _network(lab)
    if group.lower() != lab.scenario.recovery["resource_group"].lower() or name.lower() != network["name"].lower():
        raise ArmError(404, "ResourceNotFound", "The Resource 'Microsoft.Network/virtualNetworks/%s' under resource group '%s' was not found."
                       % (name, group))
    return arm_response(network)


@route(GROUP + r"/providers/microsoft\.network/virtualnetworks/(?P<name>[^/]+)/subnets/(?P<subnet>[^/]+)", api_versions=NETWORK_API_VERSIONS)
def get_subnet(subscription, group, name, subnet):
    network = get_network(subscription, group, name).get_json()
    for candidate in network["properties"]["subnets"]:
        if candidate["name"].lower() == subnet.lower():
            return arm_response(candidate)
    raise ArmError(404, "NotFound", "Resource %s/subnets/%s not found." % (network["id"], subnet))


@route(GROUP + r"/providers/microsoft\.network/virtualnetworks/(?P<name>[^/]+)/checkipaddressavailability", api_versions=NETWORK_API_VERSIONS)
def check_ip_address_availability(subscription, group, name):
    """Whether a private address is free: not one Azure reserves (first four, last) nor the static address of a failed-over item's VM."""
    lab = _lab(subscription)
    network = get_network(subscription, group, name).get_json()
    try:
        address = ipaddress.ip_address(request.args.get("ipAddress") or "")
    except ValueError as exc:
        raise ArmError(400, "InvalidRequestFormat", "Cannot parse the request: %s" % exc) from exc
    prefixes = [ipaddress.ip_network(s["properties"]["addressPrefix"]) for s in network["properties"]["subnets"]]
    subnet = next((p for p in prefixes if address in p), None)
    if subnet is None:
        raise ArmError(400, "PrivateIPAddressNotInAnySubnet", "Private static IP address %s does not belong to the range of any subnet in "
                       "virtual network %s." % (address, network["id"]))
    used = {str(i.settings.get("static_ip")) for i in lab.items.values() if i.azure_vm_id and i.settings.get("static_ip")}
    free = [str(h) for h in list(subnet.hosts())[3:] if str(h) not in used]
    if str(address) in free:
        return arm_response({"available": True})
    return arm_response({"available": False, "availableIPAddresses": free[:5]})


# ---- template deployments (the process server image) -------------------------------------------------
def _deployment_state(lab, deployment):
    done_at = deployment["started"] + datetime.timedelta(seconds=DEPLOYMENT_SECONDS * lab.clock.scale)
    return "Running" if lab.clock.now() < done_at else "Succeeded"


def register_deployed_process_servers(lab):
    """A deployed process server registers with the configuration server a while after its deployment ends
    (in Azure, once someone runs the registration inside the VM; the lab does it by itself)."""
    if lab.registration_held:
        return
    now = lab.clock.now()
    for deployment in lab.deployments.values():
        ready = deployment["started"] + datetime.timedelta(seconds=(DEPLOYMENT_SECONDS + REGISTRATION_SECONDS) * lab.clock.scale)
        if deployment.get("process_server") and not deployment.get("registered") and now >= ready:
            lab.register_process_server(deployment["process_server"])
            deployment["registered"] = True


def _shown_parameters(deployment):
    """ARM never answers the value of a securestring or secureobject parameter."""
    secure = {name.lower() for name, spec in (deployment.get("template_parameters") or {}).items()
              if str((spec or {}).get("type", "")).lower() in ("securestring", "secureobject")}
    return dict((name, {"type": "SecureString"} if name.lower() in secure else value) for name, value in deployment["parameters"].items())


def _deployment_document(lab, deployment):
    state = _deployment_state(lab, deployment)
    return dict(id=deployment["id"], name=deployment["name"], type="Microsoft.Resources/deployments",
                properties=dict(provisioningState=state, timestamp=iso(lab.clock.now()), mode=deployment["mode"],
                                parameters=_shown_parameters(deployment), correlationId=deployment["correlation"],
                                outputs={"processServerName": {"type": "String", "value": deployment["process_server"]}}
                                if deployment.get("process_server") and state == "Succeeded" else {}))


@route(GROUP + r"/providers/microsoft\.resources/deployments/(?P<name>[^/]+)", methods=("GET", "PUT"), api_versions=RESOURCES_API_VERSIONS)
def deployment(subscription, group, name):
    lab = _lab(subscription)
    _known_group(lab, group)
    key = (group.lower(), name.lower())
    if request.method == "GET":
        if key not in lab.deployments:
            raise ArmError(404, "DeploymentNotFound", "Deployment '%s' could not be found." % name)
        return arm_response(_deployment_document(lab, lab.deployments[key]))
    body = request.get_json(silent=True) or {}
    properties = body.get("properties") or {}
    if not properties.get("template") and not properties.get("templateLink"):
        raise ArmError(400, "InvalidRequestContent", "The request content must hold properties.template or properties.templateLink.")
    parameters = properties.get("parameters") or {}
    server_name = (parameters.get("processServerName") or parameters.get("vmName") or {}).get("value")
    existing = lab.deployments.get(key)
    if existing and _deployment_state(lab, existing) == "Running":
        raise ArmError(409, "DeploymentActive", "The deployment '%s' is still running." % name)
    lab.deployments[key] = dict(id="/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Resources/deployments/%s"
                                % (subscription, group, name), name=name, mode=properties.get("mode", "Incremental"),
                                parameters=parameters, started=lab.clock.now(), correlation=stable_id(name, iso(lab.clock.now())),
                                process_server=server_name, template_parameters=(properties.get("template") or {}).get("parameters"))
    document = _deployment_document(lab, lab.deployments[key])
    document["properties"]["provisioningState"] = "Accepted"
    return arm_response(document, status=201, headers={
        "Azure-AsyncOperation": "%s%s/operationStatuses/%s?api-version=%s" % (
            request.host_url.rstrip("/"), lab.deployments[key]["id"], lab.deployments[key]["correlation"], request.args["api-version"])})


@route(GROUP + r"/providers/microsoft\.resources/deployments/(?P<name>[^/]+)/operationstatuses/(?P<operation>[^/]+)",
       api_versions=RESOURCES_API_VERSIONS)
def deployment_status(subscription, group, name, operation):
    lab = _lab(subscription)
    found = lab.deployments.get((group.lower(), name.lower()))
    if found is None or found["correlation"] != operation:
        raise ArmError(404, "NotFound", "Operation '%s' of deployment '%s' was not found." % (operation, name))
    return arm_response(dict(status=_deployment_state(lab, found)))
