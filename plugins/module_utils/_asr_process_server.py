# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The process server for reprotect and failback: which ones there are, which one to use, and whether it is fit.

Private to the collection. Pure: no Ansible, no SDK, no I/O. It works on the facts of
``_fabric_facts.fabric_facts`` and returns checks in the shape every preflight module of the
collection shares: ``{"name", "status": pass|warn|fail, "reason", "source"}``.

Classic (configuration server): the in-built process server of the configuration server, scale-out
process servers on-premises, and process servers in Azure (one per Azure network the machines failed
over into). Modernized (replication appliance): the appliance's process server and its reprotect agent;
there is no process server in Azure.
"""

from __future__ import annotations

import datetime
import ipaddress
import re

from ansible_collections.siterecovery.vmware.plugins.module_utils import _api_versions as versions
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_jobs import parse_time

DOCS = "https://learn.microsoft.com/azure/site-recovery/"
SOURCES = dict(
    alerts=DOCS + "vmware-physical-azure-monitor-process-server#process-server-alerts",
    failback=DOCS + "vmware-azure-prepare-failback#reprotectionfailback-components",
    azure_ps=DOCS + "vmware-azure-set-up-process-server-azure",
    manage_ps=DOCS + "vmware-azure-manage-process-server#reregister-a-process-server",
    appliance=DOCS + "vmware-azure-failback#reprotect-failed-over-vms",  # modernized: the appliance reprotects
    fabric="ASR fabric record (replicationFabrics customDetails.processServers)",
)
# Process server alerts (SOURCES["alerts"]): cache free space < 30 % warning, < 25 % critical; no heartbeat for 15 minutes critical.
FREE_SPACE_WARNING_PERCENT = 30
DEFAULT_MAX_HEARTBEAT_AGE = 15
DEFAULT_MIN_FREE_SPACE_PERCENT = 25
# The portal deploys the failback process server on this size (SOURCES["azure_ps"]).
DEFAULT_VM_SIZE = "Standard_A8_v2"
GOOD_HEALTH = ("Normal",)
GOOD_LOAD = ("Healthy",)
GOOD_VERSION = ("Supported", "Latest")
LOAD_FACTS = (("cpu_status", "CPU load"), ("memory_status", "memory usage"), ("system_load_status", "system load"))

NETWORK_ID = re.compile(r"^/subscriptions/[^/]+/resourceGroups/([^/]+)/providers/Microsoft\.Network/virtualNetworks/([^/]+)$", re.IGNORECASE)
# Azure's rules for a Windows VM: the computer name (the process server's host name) is 1-15 characters.
WINDOWS_NAME = re.compile(r"^(?!-)(?![0-9]+$)[A-Za-z0-9-]{1,15}(?<!-)$")
DEPLOYMENT_NAME = re.compile(r"^[-\w._()]{1,64}$")
VM_SIZE = re.compile(r"^(Standard|Basic)_[A-Za-z0-9_]+$")
GROUP_NAME = re.compile(r"^[-\w._()]{1,90}(?<!\.)$")
RESERVED_USERS = ("administrator", "admin", "user", "user1", "test", "user2", "test1", "user3", "admin1", "1", "123", "a", "actuser", "adm",
                  "admin2", "aspnet", "backup", "console", "david", "guest", "john", "owner", "root", "server", "sql", "support",
                  "support_388945a0", "sys", "test2", "test3", "user4", "user5")


class ProcessServerError(Exception):
    """A choice that cannot be made, with what to do about it."""

    def __init__(self, message, code, recommended_action=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.recommended_action = recommended_action


def check(name, status, reason, source):
    return dict(name=name, status=status, reason=reason, source=source)


def summary(checks):
    """Counts of pass, warn and fail."""
    return dict((status, sum(1 for c in checks if c["status"] == status)) for status in ("pass", "warn", "fail"))


# ---- inputs, before any request ----------------------------------------------------------------------
def check_params(params):
    """Problems with the module's options that need no request to see; an empty list when there are none."""
    problems = []
    if params.get("max_heartbeat_age") is not None and params["max_heartbeat_age"] < 1:
        problems.append("max_heartbeat_age must be at least 1 minute")
    free = params.get("min_free_space_percent")
    if free is not None and not 0 <= free <= 100:
        problems.append("min_free_space_percent must be between 0 and 100")
    network = params.get("azure_network")
    group = params.get("azure_resource_group")
    if network and "/" in network and not NETWORK_ID.match(network):
        problems.append("azure_network %r is neither a network name nor a virtual network's ARM id "
                        "(/subscriptions/ID/resourceGroups/GROUP/providers/Microsoft.Network/virtualNetworks/NAME)" % network)
    if group and not GROUP_NAME.match(group):
        problems.append("azure_resource_group %r is not a valid resource group name" % group)
    if network and "/" not in network and not group:
        problems.append("azure_network %r is a name: set azure_resource_group too, or give the network's ARM id" % network)
    location = effective_location(params)
    if location == "azure" and not network:
        problems.append("location azure needs azure_network: the network the machines failed over into (one process server per network)")
    if params.get("state") == "present" and location == "azure":
        problems.extend(_deployment_problems(params))
    return problems


def _deployment_problems(params):
    problems = []
    vm_name = params.get("vm_name") or params.get("name")
    if not vm_name:
        problems.append("state present with location azure needs name (the process server's host name) or vm_name")
    elif not WINDOWS_NAME.match(vm_name):
        problems.append("vm_name %r is not a valid Windows computer name: 1-15 letters, digits or hyphens, not only digits, "
                        "no hyphen first or last" % vm_name)
    for option in ("subnet", "admin_username", "admin_password", "image"):
        if not params.get(option):
            problems.append("state present with location azure needs %s" % option)
    user = params.get("admin_username")
    if user and (user.lower() in RESERVED_USERS or len(user) > 20 or user.endswith(".") or re.search(r"[\\/\"\[\]:|<>+=;,?*@]", user)):
        problems.append("admin_username %r is not allowed by Azure for a Windows VM (reserved, longer than 20, or bad characters)" % user)
    password = params.get("admin_password")
    if password:
        classes = sum(1 for pattern in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^A-Za-z0-9]") if re.search(pattern, password))
        if not 12 <= len(password) <= 123 or classes < 3:
            problems.append("admin_password does not meet Azure's rules for a Windows VM: 12 to 123 characters, "
                            "with 3 of lower case, upper case, digit and special character")
    image = params.get("image")
    if image:
        if image.get("id"):
            if any(image.get(k) for k in ("publisher", "offer", "sku")):
                problems.append("image takes either id or publisher, offer and sku, not both")
        elif not all(image.get(k) for k in ("publisher", "offer", "sku")):
            problems.append("image needs id, or publisher, offer and sku (version defaults to latest)")
        plan = image.get("plan")
        if plan and not all(plan.get(k) for k in ("name", "publisher", "product")):
            problems.append("image.plan needs name, publisher and product")
    if params.get("vm_size") and not VM_SIZE.match(params["vm_size"]):
        problems.append("vm_size %r is not an Azure VM size name (like Standard_A8_v2)" % params["vm_size"])
    if params.get("ip_address"):
        try:
            ipaddress.IPv4Address(params["ip_address"])
        except ValueError:
            problems.append("ip_address %r is not an IPv4 address" % params["ip_address"])
    if params.get("deployment_name") and not DEPLOYMENT_NAME.match(params["deployment_name"]):
        problems.append("deployment_name %r is not valid: up to 64 letters, digits, '-', '_', '.', '(' or ')'" % params["deployment_name"])
    return problems


def effective_location(params):
    """The location asked for; when omitted, azure over a VPN and onprem otherwise."""
    if params.get("location"):
        return params["location"]
    return "azure" if params.get("link") == "vpn" else "onprem"


def network_address(params, subscription_id):
    """(resource group, network name, network id) of the azure_network option."""
    network = params["azure_network"]
    found = NETWORK_ID.match(network)
    if found:
        return found.group(1), found.group(2), network
    group = params["azure_resource_group"]
    return group, network, "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Network/virtualNetworks/%s" % (subscription_id, group, network)


# ---- facts -------------------------------------------------------------------------------------------
def _age_minutes(text, now):
    moment = parse_time(text)
    if moment is None:
        return None
    return round(max((now - moment).total_seconds(), 0.0) / 60.0, 1)


def _free_percent(facts):
    total, free = facts.get("total_space_bytes"), facts.get("free_space_bytes")
    try:
        total, free = float(total), float(free)
    except (TypeError, ValueError):
        return None
    return round(100.0 * free / total, 1) if total > 0 else None


def _in_prefixes(addresses, prefixes):
    for address in addresses or []:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            continue
        for prefix in prefixes or []:
            try:
                if ip in ipaddress.ip_network(prefix, strict=False):
                    return True
            except ValueError:
                continue
    return False


def process_servers(fabric, now=None, network_prefixes=None):
    """The fabric's process servers with where they run, heartbeat age and free space.

    ``fabric`` is ``fabric_facts(...)``; ``network_prefixes`` the address prefixes of the Azure network
    asked about: a classic process server with an address there runs in Azure.
    """
    now = now or datetime.datetime.now(datetime.timezone.utc)
    servers = []
    generation = fabric.get("generation")
    server = fabric.get("configuration_server") or {}
    for facts in fabric.get("process_servers") or []:
        entry = dict(facts)
        entry["heartbeat_age_minutes"] = _age_minutes(facts.get("last_heartbeat"), now)
        entry["free_space_percent"] = _free_percent(facts)
        if generation == "modernized":
            entry.update(location="onprem", role="replication appliance", in_built=True)
            entry["reprotect_agent"] = _reprotect_agent(fabric, facts, now)
        else:
            addresses = entry.get("ip_addresses") or []
            in_built = bool((server.get("host_name") and (facts.get("name") or "").lower() == server["host_name"].lower())
                            or (server.get("ip_address") and server["ip_address"] in addresses))
            in_azure = not in_built and _in_prefixes(addresses, network_prefixes)
            entry.update(in_built=in_built, location="azure" if in_azure else "onprem",
                         role="in-built (configuration server)" if in_built else ("in Azure" if in_azure else "scale-out"))
        servers.append(entry)
    return servers


def _reprotect_agent(fabric, server, now):
    agents = fabric.get("reprotect_agents") or []
    agent = next((a for a in agents if a.get("id") and a.get("id") == server.get("id")), None)
    agent = agent or next((a for a in agents if a.get("name") and a.get("name") == server.get("name")), None)
    if agent is None and len(agents) == 1:
        agent = agents[0]
    if agent is None:
        return None
    return dict(agent, heartbeat_age_minutes=_age_minutes(agent.get("last_heartbeat"), now))


# ---- checks ------------------------------------------------------------------------------------------
def _health_errors_text(facts):
    parts = []
    for error in facts.get("health_errors") or []:
        text = error.get("message") or error.get("code") or ""
        if error.get("recommended_action"):
            text += " (to fix: %s)" % error["recommended_action"]
        if text:
            parts.append(text)
    return "; ".join(parts)


def _health_check(name, what, facts):
    health = facts.get("health")
    errors = _health_errors_text(facts)
    if health in GOOD_HEALTH and not errors:
        return check(name, "pass", "%s reports health %s" % (what, health), SOURCES["alerts"])
    if health is None and not errors:
        return check(name, "warn", "%s reports no health" % what, SOURCES["fabric"])
    status = "warn" if health == "Warning" else "fail"
    if health in GOOD_HEALTH:
        status = "warn"
    return check(name, status, "%s reports health %s%s" % (what, health, ": " + errors if errors else ""), SOURCES["alerts"])


def _heartbeat_check(name, what, facts, max_age):
    age = facts.get("heartbeat_age_minutes")
    if age is None:
        return check(name, "fail", "%s has never sent a heartbeat: check that it runs and is registered with the configuration server" % what,
                     SOURCES["alerts"])
    if age > max_age:
        return check(name, "fail", "%s last sent a heartbeat %.0f minutes ago (limit %s): it is not reporting; start the VM and its "
                     "services (cxprocessserver, InMage Scout Application Service, Microsoft Azure Recovery Services Agent), check that it "
                     "reaches the configuration server on port 443, or register it again" % (what, age, max_age), SOURCES["alerts"])
    return check(name, "pass", "%s sent a heartbeat %.1f minutes ago" % (what, age), SOURCES["alerts"])


def server_checks(server, max_heartbeat_age=DEFAULT_MAX_HEARTBEAT_AGE, min_free_space_percent=DEFAULT_MIN_FREE_SPACE_PERCENT):
    """The health checks of one process server (the facts ``process_servers`` returns)."""
    what = "process server %s" % server.get("name")
    checks = [_health_check("health", what, server), _heartbeat_check("heartbeat", what, server, max_heartbeat_age)]
    services = server.get("services_status")
    if services is not None:
        if services == "Running":
            checks.append(check("services", "pass", "the process server's services run", SOURCES["alerts"]))
        else:
            checks.append(check("services", "fail", "the process server's services are %s: start them on %s (cxprocessserver, InMage "
                                "Scout Application Service, tmansvc) or restart the machine" % (services, server.get("name")), SOURCES["alerts"]))
    free = server.get("free_space_percent")
    if free is None:
        checks.append(check("free_space", "warn", "%s does not report its cache volume's free space" % what, SOURCES["fabric"]))
    elif free < min_free_space_percent:
        checks.append(check("free_space", "fail", "the cache volume of %s has %.1f %% free (at least %s %% needed): free space on it or "
                            "move replicated machines to another process server" % (server.get("name"), free, min_free_space_percent),
                            SOURCES["alerts"]))
    elif free < FREE_SPACE_WARNING_PERCENT:
        checks.append(check("free_space", "warn", "the cache volume of %s has %.1f %% free; ASR warns under %s %%"
                            % (server.get("name"), free, FREE_SPACE_WARNING_PERCENT), SOURCES["alerts"]))
    else:
        checks.append(check("free_space", "pass", "the cache volume has %.1f %% free" % free, SOURCES["alerts"]))
    loads = [(label, server.get(fact)) for fact, label in LOAD_FACTS + (("space_status", "cache space"),) if server.get(fact) is not None]
    bad = [(label, value) for label, value in loads if value not in GOOD_LOAD]
    if not loads:
        checks.append(check("load", "warn", "%s reports no load" % what, SOURCES["fabric"]))
    elif bad:
        critical = any(value not in ("Warning",) for _label, value in bad)
        checks.append(check("load", "fail" if critical else "warn", "%s: %s; reduce its load (move replicated machines to another process "
                            "server) or give its VM more CPU and memory" % (what, ", ".join("%s %s" % item for item in bad)), SOURCES["alerts"]))
    else:
        checks.append(check("load", "pass", "CPU, memory and system load are healthy", SOURCES["alerts"]))
    version, status = server.get("version"), server.get("version_status")
    if status is None:
        checks.append(check("version", "pass" if version else "warn", "version %s" % (version or "not reported"), SOURCES["fabric"]))
    elif status in GOOD_VERSION:
        checks.append(check("version", "pass", "version %s (%s)" % (version, status), SOURCES["fabric"]))
    else:
        checks.append(check("version", "fail" if status in ("NotSupported", "Deprecated", "UpdateRequired", "SecurityUpdateRequired") else "warn",
                            "version %s is %s: upgrade the process server (after the configuration server)" % (version, status),
                            DOCS + "vmware-azure-manage-process-server#upgrade-a-process-server"))
    agent = server.get("reprotect_agent")
    if server.get("role") == "replication appliance":
        if agent is None:
            checks.append(check("reprotect_agent", "fail", "the appliance %s has no reprotect agent: reprotect to on-premises needs one; "
                                "check the appliance's components in the portal" % server.get("name"), SOURCES["appliance"]))
        else:
            name = "reprotect agent %s" % agent.get("name")
            checks.append(_health_check("reprotect_agent_health", name, agent))
            checks.append(_heartbeat_check("reprotect_agent_heartbeat", name, agent, max_heartbeat_age))
            if not agent.get("accessible_datastores"):
                checks.append(check("reprotect_agent_datastores", "warn", "%s reaches no datastore: reprotect to on-premises needs one" % name,
                                    SOURCES["appliance"]))
    return checks


def location_checks(server, location, link, generation):
    """Whether a process server in that place may carry the failback, for the link to Azure."""
    where = server.get("location")
    if generation == "modernized":
        return [check("location", "pass", "the appliance's process server carries reprotect and failback (modernized has no process "
                      "server in Azure)", SOURCES["appliance"])]
    checks = []
    if where != location:
        checks.append(check("location", "fail", "process server %s runs %s, not %s" % (server.get("name"), where, location), SOURCES["azure_ps"]))
    if where == "azure":
        checks.append(check("link", "pass", "a process server in Azure is recommended for failback over any link", SOURCES["failback"]))
    elif link == "vpn":
        checks.append(check("link", "fail", "over a site-to-site VPN failback needs a process server in Azure, in the network the machines "
                            "failed over into: use location azure (state present deploys one)", SOURCES["failback"]))
    elif link == "expressroute":
        checks.append(check("link", "warn", "the on-premises process server is fine for tests over ExpressRoute with private peering; "
                            "for production failback use a process server in Azure", SOURCES["failback"]))
    else:
        checks.append(check("link", "warn", "link not given: the on-premises process server is only acceptable for tests over "
                            "ExpressRoute; over a VPN or in production use one in Azure", SOURCES["failback"]))
    return checks


def checked(servers, params, generation):
    """Each server with its ``checks``: health for all, plus the location and link for those of the location asked."""
    location = effective_location(params)
    out = []
    for server in servers:
        entry = dict(server)
        entry["checks"] = server_checks(server, params.get("max_heartbeat_age") or DEFAULT_MAX_HEARTBEAT_AGE,
                                        params.get("min_free_space_percent") if params.get("min_free_space_percent") is not None
                                        else DEFAULT_MIN_FREE_SPACE_PERCENT)
        if generation == "modernized" or server.get("location") == location:
            entry["checks"] = entry["checks"] + location_checks(server, location, params.get("link"), generation)
        out.append(entry)
    return out


def _score(server):
    """Orders candidates: fewest failed checks, then fewest warnings, then the freshest heartbeat."""
    checks = server.get("checks") or []
    age = server.get("heartbeat_age_minutes")
    return (sum(1 for c in checks if c["status"] == "fail"), sum(1 for c in checks if c["status"] == "warn"),
            age if age is not None else float("inf"), server.get("name") or "")


def choose(servers, params, generation):
    """The process server to use (from ``checked``), or ProcessServerError saying why there is none."""
    name = params.get("name")
    location = effective_location(params)
    if generation == "modernized":
        candidates = servers
    elif location == "onprem":
        candidates = [s for s in servers if s.get("in_built")] or [s for s in servers if s.get("location") == "onprem"]
    else:
        candidates = [s for s in servers if s.get("location") == "azure"]
    if name:
        named = [s for s in servers if name.lower() in ((s.get("name") or "").lower(), (s.get("id") or "").lower())]
        if not named:
            raise ProcessServerError("no process server named %r; there are: %s" % (name, ", ".join(sorted(
                "%s (%s)" % (s.get("name"), s.get("role")) for s in servers)) or "none"), code="ProcessServerNotFound",
                recommended_action="use one of those names, or state present with location azure to deploy one")
        return named[0]
    if not candidates:
        if location == "azure":
            raise ProcessServerError("no process server runs in Azure network %s" % params.get("azure_network"), code="NoAzureProcessServer",
                                     recommended_action="run with state present (and the deployment options) to deploy one, "
                                     "or deploy it from the vault (Site Recovery infrastructure > Configuration servers > + Process server)")
        raise ProcessServerError("the fabric lists no process server", code="NoProcessServer",
                                 recommended_action="check the configuration server or appliance in the vault")
    return sorted(candidates, key=_score)[0]


def failures(checks):
    return [c for c in checks if c["status"] == "fail"]


def failure_message(server, checks):
    """Every failed check's reason, for the task's message."""
    return "process server %s (%s) is not fit for reprotect and failback: %s" % (
        server.get("name"), server.get("role"), " | ".join("%s: %s" % (c["name"], c["reason"]) for c in failures(checks)))


# ---- deployment in Azure -----------------------------------------------------------------------------
def registration_instructions(vm_name, configuration_server):
    """What to run inside the new process server VM so that it registers with the configuration server.

    From "Set up a process server in Azure for failback" (SOURCES["azure_ps"]), its registration steps
    (the Process Server Configuration tool, cspsconfigtool) and the scale-out installer's command line
    (vmware-azure-set-up-process-server-scale#install-from-the-command-line).
    """
    cs_ip = configuration_server.get("ip_address") or "<configuration server IP>"
    cs_name = configuration_server.get("host_name") or "the configuration server"
    return (
        "Register process server %(vm)s with configuration server %(cs)s (%(ip)s): 1) on %(cs)s, in an administrator command prompt: "
        "cd %%ProgramData%%\\ASR\\home\\svsystems\\bin && genpassphrase.exe -v > MobSvc.passphrase, and copy that file to %(vm)s as "
        "C:\\Temp\\MobSvc.passphrase; 2) sign in to %(vm)s (Remote Desktop): the Process Server Configuration tool (cspsconfigtool, "
        "shortcut on the desktop) opens; enter configuration server %(ip)s, port 443, the passphrase and the data transfer port "
        "(default 9443), then Save; or from an administrator command prompt in the extracted installer: UnifiedSetup.exe "
        "/AcceptThirdpartyEULA /ServerMode \"PS\" /InstallLocation \"D:\\\" /EnvType \"VMWare\" /CSIP \"%(ip)s\" /PassphraseFilePath "
        "\"C:\\Temp\\MobSvc.passphrase\" /DataTransferSecurePort 9443; 3) then in %%ProgramData%%\\ASR\\Agent: cdpcli.exe --registermt, "
        "net stop obengine, net start obengine. The VM must reach %(ip)s on port 443. See %(doc)s and %(manage)s."
        % dict(vm=vm_name, cs=cs_name, ip=cs_ip, doc=SOURCES["azure_ps"], manage=SOURCES["manage_ps"]))


def deployment_template(image):
    """The ARM template of a process server VM: one NIC in the subnet, one VM from the image (managed disks)."""
    if image.get("id"):
        reference = {"id": image["id"]}
    else:
        reference = dict(publisher=image["publisher"], offer=image["offer"], sku=image["sku"], version=image.get("version") or "latest")
    vm = {
        "type": "Microsoft.Compute/virtualMachines", "apiVersion": versions.COMPUTE, "name": "[parameters('processServerName')]",
        "location": "[parameters('location')]", "tags": {"asr-role": "process-server"},
        "dependsOn": ["[resourceId('Microsoft.Network/networkInterfaces', variables('nicName'))]"],
        "properties": {
            "hardwareProfile": {"vmSize": "[parameters('vmSize')]"},
            "osProfile": {"computerName": "[parameters('processServerName')]", "adminUsername": "[parameters('adminUsername')]",
                          "adminPassword": "[parameters('adminPassword')]"},
            "storageProfile": {"imageReference": reference, "osDisk": {"createOption": "FromImage", "managedDisk": {"storageAccountType": "Premium_LRS"}}},
            "networkProfile": {"networkInterfaces": [{"id": "[resourceId('Microsoft.Network/networkInterfaces', variables('nicName'))]"}]},
        },
    }
    if image.get("plan"):
        vm["plan"] = dict((k, image["plan"][k]) for k in ("name", "publisher", "product"))
    nic = {
        "type": "Microsoft.Network/networkInterfaces", "apiVersion": versions.NETWORK, "name": "[variables('nicName')]",
        "location": "[parameters('location')]",
        "properties": {"ipConfigurations": [{"name": "ipconfig1", "properties": {
            "subnet": {"id": "[parameters('subnetId')]"},
            "privateIPAllocationMethod": "[if(empty(parameters('privateIpAddress')), 'Dynamic', 'Static')]",
            "privateIPAddress": "[if(empty(parameters('privateIpAddress')), json('null'), parameters('privateIpAddress'))]"}}]},
    }
    return {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {
            "processServerName": {"type": "string"}, "vmSize": {"type": "string", "defaultValue": DEFAULT_VM_SIZE},
            "adminUsername": {"type": "string"}, "adminPassword": {"type": "securestring"}, "subnetId": {"type": "string"},
            "privateIpAddress": {"type": "string", "defaultValue": ""},
            "location": {"type": "string", "defaultValue": "[resourceGroup().location]"},
        },
        "variables": {"nicName": "[concat(parameters('processServerName'), '-nic')]"},
        "resources": [nic, vm],
        "outputs": {"processServerName": {"type": "string", "value": "[parameters('processServerName')]"},
                    "privateIpAddress": {"type": "string",
                                         "value": "[reference(variables('nicName')).ipConfigurations[0].properties.privateIPAddress]"}},
    }


def deployment_body(params, vm_name, subnet_id, location):
    """The PUT body of the deployment (incremental mode: nothing else in the resource group is touched)."""
    parameters = dict(processServerName=vm_name, vmSize=params.get("vm_size") or DEFAULT_VM_SIZE, adminUsername=params["admin_username"],
                      adminPassword=params["admin_password"], subnetId=subnet_id, privateIpAddress=params.get("ip_address") or "",
                      location=location)
    return {"properties": {"mode": "Incremental", "template": deployment_template(params["image"]),
                           "parameters": dict((k, {"value": v}) for k, v in parameters.items())}}


DEPLOYMENT_ENDED = ("Succeeded", "Failed", "Canceled")


def deployment_facts(document):
    """What the task returns about a deployment: never its parameters (the admin password is one)."""
    if not document:
        return None
    properties = document.get("properties") or {}
    outputs = dict((k, (v or {}).get("value")) for k, v in (properties.get("outputs") or {}).items())
    facts = dict(name=document.get("name"), id=document.get("id"), provisioning_state=properties.get("provisioningState"),
                 timestamp=properties.get("timestamp"), correlation_id=properties.get("correlationId"), outputs=outputs)
    error = properties.get("error")
    if error:
        facts["error"] = dict(code=error.get("code"), message=error.get("message"),
                              details=[dict(code=d.get("code"), message=d.get("message")) for d in error.get("details") or []])
    return facts
