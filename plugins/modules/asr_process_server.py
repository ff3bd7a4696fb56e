#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: asr_process_server
short_description: Report, choose and validate the process server for reprotect and failback; deploy one in Azure
version_added: 0.1.0
description:
  - Reads the configuration server (classic) or replication appliance (modernized) of the vault, lists its process servers
    with where they run, their health, heartbeat age, services, cache free space, load and version, chooses the one
    to use for reprotect and failback, and checks it. Each check is reported V(pass), V(warn) or V(fail) with its reason
    and the rule's source; when one fails, the task fails with every failed check's reason and what to fix.
  - Classic. Failback needs a process server that reaches the Azure VMs on a low-latency network. The in-built process
    server of the configuration server (O(location=onprem)) is acceptable only for tests over ExpressRoute with private
    peering; over a site-to-site VPN, and in production, use a process server in Azure (O(location=azure)), one in each
    Azure network the machines failed over into (see
    U(https://learn.microsoft.com/azure/site-recovery/vmware-azure-prepare-failback)). A process server runs in Azure when
    one of its addresses is in O(azure_network)'s address space.
  - With O(state=present) and O(location=azure), when no process server runs in that network, it deploys the process
    server VM from its image through an ARM template deployment (one NIC in O(subnet), one VM with managed disks,
    incremental mode), waits for the deployment, then waits until the process server registers with the configuration
    server. Registration happens inside the VM, with the configuration server's passphrase (it cannot be done from
    Azure); while it waits, and when it times out, the module says exactly what to run there. The steps are those of
    U(https://learn.microsoft.com/azure/site-recovery/vmware-azure-set-up-process-server-azure) (the Process Server
    Configuration tool, C(cspsconfigtool)) and the installer's command line of
    U(https://learn.microsoft.com/azure/site-recovery/vmware-azure-set-up-process-server-scale)
    (C(UnifiedSetup.exe /ServerMode "PS" /CSIP ... /PassphraseFilePath ...)), then C(cdpcli.exe --registermt).
  - Idempotent. A process server already in the network, or a deployment of that name already made, is used; a deployment
    still running is waited on; a failed or cancelled one is deployed again.
  - Modernized. The appliance's process server and its reprotect agent carry reprotect and failback; both are checked.
    There is no process server in Azure, so O(location=azure) is refused.
author:
  - siterecovery.vmware maintainers (@siterecovery)
options:
  fabric:
    description:
      - The configuration server or appliance (fabric), by its ARM name or friendly name (case-insensitive).
      - When omitted, the vault's only configuration server or appliance; the task fails listing them when there are several.
    type: str
  name:
    description:
      - The process server, by its name (as ASR lists it) or id.
      - When omitted the module chooses, among those of O(location), the one with the fewest failed checks, then warnings,
        then the freshest heartbeat; for V(onprem) the configuration server's in-built one.
      - With O(state=present) and O(location=azure), the host name the new process server registers under (and the VM's
        name unless O(vm_name) is set).
    type: str
  location:
    description:
      - V(onprem) is the configuration server's in-built process server (or, with O(name), a scale-out one on-premises).
      - V(azure) is a process server in the Azure network O(azure_network).
      - When omitted, V(azure) when O(link=vpn), otherwise V(onprem).
    type: str
    choices: [onprem, azure]
  link:
    description:
      - How the on-premises site reaches the Azure network. V(vpn) makes an on-premises process server unacceptable for
        failback (a failing check); V(expressroute) makes it acceptable for tests (a warning, use one in Azure in production).
      - When omitted, an on-premises process server gets a warning.
    type: str
    choices: [expressroute, vpn]
  state:
    description:
      - V(validated) reads, chooses and checks; it never writes.
      - V(present) with O(location=azure) also deploys a process server VM in Azure when none runs in O(azure_network),
        then waits for it to register with the configuration server. With O(location=onprem) it is the same as V(validated).
    type: str
    choices: [validated, present]
    default: validated
  max_heartbeat_age:
    description: Minutes since the last heartbeat after which a process server is not reporting (ASR raises a critical alert after 15).
    type: int
    default: 15
  min_free_space_percent:
    description:
      - Free space of the process server's cache volume, in percent, under which the check fails (ASR's alert is critical under 25 %).
      - Under 30 % the check warns, as ASR does.
    type: int
    default: 25
  azure_network:
    description:
      - The Azure virtual network the machines failed over into (and where a process server in Azure runs), by name (with
        O(azure_resource_group)) or ARM id.
      - Required with O(location=azure).
    type: str
  azure_resource_group:
    description:
      - The resource group of O(azure_network) when it is a name, and the one the process server VM is deployed into.
      - Defaults to the network's resource group when O(azure_network) is an id.
    type: str
  subnet:
    description: O(state=present). The subnet of O(azure_network) the process server VM is connected to; it must exist.
    type: str
  ip_address:
    description: O(state=present). A static private address for the process server in O(subnet); a dynamic one when omitted.
    type: str
  vm_name:
    description:
      - O(state=present). The process server VM's name and computer name (1-15 letters, digits and hyphens); defaults to O(name).
      - The process server registers under this host name.
    type: str
  vm_size:
    description: O(state=present). The VM size; the portal deploys the failback process server on C(Standard_A8_v2).
    type: str
    default: Standard_A8_v2
  admin_username:
    description: O(state=present). The VM's administrator, who signs in to register the process server.
    type: str
  admin_password:
    description: O(state=present). The administrator's password (Azure's rules for Windows VMs). Never shown in output or logs.
    type: str
  image:
    description:
      - O(state=present). The process server image the VM is created from. The portal's C(+ Process server) in Azure
        deploys Microsoft's process server image from the marketplace; give its reference as your subscription offers it,
        or the id of an image of your own with the Unified Setup installed.
    type: dict
    suboptions:
      id:
        description: The ARM id of a managed image or of a gallery image version.
        type: str
      publisher:
        description: Marketplace publisher.
        type: str
      offer:
        description: Marketplace offer.
        type: str
      sku:
        description: Marketplace SKU.
        type: str
      version:
        description: Image version; V(latest) when omitted.
        type: str
      plan:
        description: The marketplace plan (C(name), C(publisher), C(product)) when the image has one.
        type: dict
  deployment_name:
    description:
      - O(state=present). The ARM deployment's name, how a second run finds the deployment of the first.
      - Defaults to C(asr-process-server-) followed by the VM's name.
    type: str
extends_documentation_fragment:
  - siterecovery.vmware.azure
  - siterecovery.vmware.azure.vault
  - siterecovery.vmware.wait
attributes:
  check_mode:
    description:
      - Can run in check mode. Every input is validated, the fabric, network and deployment read, and nothing is deployed;
        the task reports C(changed) when a deployment would be made.
    support: full
  diff_mode:
    description: Not supported.
    support: none
  action_group:
    description: Use C(group/siterecovery.vmware.asr) in C(module_defaults) to set the Azure and vault options once.
    support: full
    membership:
      - siterecovery.vmware.asr
notes:
  - O(wait_timeout) covers the deployment and the registration together. When it runs out the task fails with the deployment
    and the registration steps; the deployment is left in place, and a second run picks up from there.
  - With O(wait=false) the task returns once the deployment is accepted, with the registration steps in RV(msg).
"""

EXAMPLES = r"""
- name: Check the in-built process server for a test failback over ExpressRoute
  siterecovery.vmware.asr_process_server:
    resource_group: rg-dr
    vault_name: vault-dr
    location: onprem
    link: expressroute
  register: ps

- name: Over a VPN, make sure a process server runs in the recovery network (deploys one when none does)
  siterecovery.vmware.asr_process_server:
    resource_group: rg-dr
    vault_name: vault-dr
    link: vpn
    state: present
    name: ps-azure-01
    azure_network: vnet-dr
    azure_resource_group: rg-dr-recovery
    subnet: default
    admin_username: psadmin
    admin_password: "{{ vault_ps_admin_password }}"
    image:
      id: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-images/providers/Microsoft.Compute/images/asr-process-server
    wait_timeout: 7200
  register: ps

- name: Reprotect through the process server chosen
  siterecovery.vmware.asr_reprotect:
    resource_group: rg-dr
    vault_name: vault-dr
    name: vm-web-01
    direction: to_onprem
    process_server: "{{ ps.process_server.name }}"
"""

RETURN = r"""
process_server:
  description:
    - The process server chosen, with its facts (as RV(process_servers) lists them) and its C(checks).
    - Null in check mode when it would first be deployed.
  returned: always
  type: dict
  contains:
    id:
      description: ASR's id of the process server (the C(processServerId) of reprotect).
      type: str
    name:
      description: Its name (host name).
      type: str
    location:
      description: V(onprem) or V(azure) (modernized, the appliance, is V(onprem)).
      type: str
    role:
      description: V(in-built (configuration server)), V(scale-out), V(in Azure), or V(replication appliance).
      type: str
    in_built:
      description: True for the configuration server's in-built process server (and the appliance's).
      type: bool
    health:
      description: ASR's health (Normal, Warning, Critical).
      type: str
    health_errors:
      description: ASR's health errors (code, message, severity, possible_causes, recommended_action).
      type: list
      elements: dict
    last_heartbeat:
      description: Its last heartbeat, as ASR reports it.
      type: str
    heartbeat_age_minutes:
      description: Minutes since that heartbeat.
      type: float
    version:
      description: The agent version.
      type: str
    version_status:
      description: ASR's version status (classic).
      type: str
    services_status:
      description: Classic. Whether its services run.
      type: str
    free_space_percent:
      description: Free space of its cache volume, in percent.
      type: float
    ip_addresses:
      description: Its addresses.
      type: list
      elements: str
    reprotect_agent:
      description: Modernized. The appliance's reprotect agent (health, heartbeat_age_minutes, accessible_datastores).
      type: dict
    checks:
      description: Its checks (as RV(checks)).
      type: list
      elements: dict
process_servers:
  description: Every process server of the fabric, with its facts and its health C(checks) (plus location and link for those of O(location)).
  returned: always
  type: list
  elements: dict
checks:
  description: The checks of the process server chosen.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: health, heartbeat, services, free_space, load, version, location, link; modernized also reprotect_agent_health, ...
      type: str
    status:
      description: V(pass), V(warn) or V(fail).
      type: str
    reason:
      description: What was found, and what to do about it.
      type: str
    source:
      description: Where the rule comes from (a Microsoft Learn page, or ASR's fabric record).
      type: str
  sample:
    - name: heartbeat
      status: pass
      reason: process server cs-lab-01 sent a heartbeat 2.0 minutes ago
      source: https://learn.microsoft.com/azure/site-recovery/vmware-physical-azure-monitor-process-server#process-server-alerts
summary:
  description: How many checks of the process server chosen pass, warn and fail.
  returned: always
  type: dict
  sample: {"pass": 7, "warn": 1, "fail": 0}
deployment:
  description:
    - The template deployment of the process server VM (name, id, provisioning_state, timestamp, correlation_id, outputs, error),
      when one was made or found (O(state=present), O(location=azure)); its parameters are never returned.
  returned: always
  type: dict
registration:
  description: The steps to run inside the process server VM to register it with the configuration server, while it has not registered.
  returned: when a deployed process server has not registered yet
  type: str
generation:
  description: V(classic) or V(modernized).
  returned: always
  type: str
fabric:
  description: The fabric (configuration server or appliance) read, by its ARM name.
  returned: always
  type: str
msg:
  description: What was found or done; while the process server has not registered, the steps to run inside its VM.
  returned: always
  type: str
"""

import datetime

from ansible_collections.siterecovery.vmware.plugins.module_utils._arm import arm_request
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_jobs import WAIT_SPEC
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_process_server import (
    DEFAULT_VM_SIZE,
    DEPLOYMENT_ENDED,
    ProcessServerError,
    check_params,
    checked,
    choose,
    deployment_body,
    deployment_facts,
    effective_location,
    failure_message,
    failures,
    location_checks,
    network_address,
    process_servers,
    registration_instructions,
    summary,
)
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_module import AsrModule
from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError
from ansible_collections.siterecovery.vmware.plugins.module_utils._fabric_facts import fabric_facts, matches
from ansible_collections.siterecovery.vmware.plugins.module_utils._poll import Poll

NETWORK_API_VERSION = "2024-01-01"
RESOURCES_API_VERSION = "2024-03-01"


class ProcessServerTask:
    """One run: read the fabric (and the network), deploy when asked and needed, choose, check."""

    def __init__(self, asr):
        self.asr = asr
        self.params = asr.params
        self.location = effective_location(self.params)
        self.fabric_name = None
        self.network = None
        self.deployment = None
        self.poll = Poll(self.params["wait_timeout"], self.params["wait_sleep"])

    # ---- reading ------------------------------------------------------------------------------------
    def read_fabric(self):
        asr = self.asr
        if self.fabric_name:
            with asr.step("reading fabric %s" % self.fabric_name):
                return fabric_facts(asr.client.replication_fabrics.get(asr.resource_group, asr.vault_name, self.fabric_name).as_dict())
        with asr.step("listing the fabrics of vault %s in resource group %s" % (asr.vault_name, asr.resource_group)):
            fabrics = [fabric_facts(f.as_dict()) for f in asr.client.replication_fabrics.list(asr.resource_group, asr.vault_name)]
        onprem = [f for f in fabrics if f["generation"] in ("classic", "modernized")]
        wanted = self.params["fabric"]
        if wanted:
            chosen = [f for f in onprem if matches(dict(name=f["name"], properties=dict(friendlyName=f["friendly_name"])), wanted)]
        else:
            chosen = onprem if len(onprem) == 1 else []
        if len(chosen) != 1:
            names = ", ".join(sorted("%s (%s)" % (f["friendly_name"], f["kind"]) for f in onprem)) or "none"
            raise SiteRecoveryError("%s; the vault has these configuration servers and appliances: %s"
                                    % ("No fabric named %r" % wanted if wanted else "Several fabrics: set fabric", names), code="FabricNotFound")
        self.fabric_name = chosen[0]["name"]
        return chosen[0]

    def read_network(self):
        group, name, network_id = network_address(self.params, self.asr.params["subscription_id"])
        with self.asr.step("reading Azure network %s in resource group %s" % (name, group)):
            document = arm_request(self.asr.client, "GET", network_id, NETWORK_API_VERSION)
        properties = document.get("properties") or {}
        self.network = dict(id=document.get("id") or network_id, name=document.get("name") or name, group=group, location=document.get("location"),
                            prefixes=(properties.get("addressSpace") or {}).get("addressPrefixes") or [],
                            subnets=dict(((s.get("name") or "").lower(), s) for s in properties.get("subnets") or []))
        return self.network

    def servers(self, fabric):
        prefixes = self.network["prefixes"] if self.network else None
        return checked(process_servers(fabric, datetime.datetime.now(datetime.timezone.utc), prefixes), self.params, fabric["generation"])

    # ---- deploying ----------------------------------------------------------------------------------
    @property
    def vm_name(self):
        return self.params["vm_name"] or self.params["name"]

    @property
    def deployment_group(self):
        return self.params["azure_resource_group"] or self.network["group"]

    @property
    def deployment_id(self):
        name = self.params["deployment_name"] or "asr-process-server-%s" % self.vm_name
        return "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Resources/deployments/%s" % (
            self.params["subscription_id"], self.deployment_group, name)

    def read_deployment(self):
        with self.asr.step("reading deployment %s" % self.deployment_id.rsplit("/", 1)[1]):
            try:
                document = arm_request(self.asr.client, "GET", self.deployment_id, RESOURCES_API_VERSION)
            except Exception as exc:  # pylint: disable=broad-except  # a 404 is "not deployed yet"; the rest is raised
                if getattr(exc, "status_code", None) == 404:
                    return None
                raise
        self.deployment = deployment_facts(document)
        return self.deployment

    def deploy(self):
        subnet = self.network["subnets"].get(self.params["subnet"].lower())
        if subnet is None:
            raise SiteRecoveryError("Subnet %r is not in Azure network %s; it has: %s" % (
                self.params["subnet"], self.network["name"], ", ".join(sorted(self.network["subnets"])) or "no subnet"), code="SubnetNotFound")
        body = deployment_body(self.params, self.vm_name, subnet.get("id") or "%s/subnets/%s" % (self.network["id"], self.params["subnet"]),
                               self.network["location"])
        with self.asr.step("deploying process server VM %s (deployment %s)" % (self.vm_name, self.deployment_id.rsplit("/", 1)[1])):
            document = arm_request(self.asr.client, "PUT", self.deployment_id, RESOURCES_API_VERSION, body)
        self.deployment = deployment_facts(document)

    def wait_deployment(self):
        while self.deployment["provisioning_state"] not in DEPLOYMENT_ENDED:
            self.pause("deployment %s is %s" % (self.deployment["name"], self.deployment["provisioning_state"]))
            self.read_deployment()
        if self.deployment["provisioning_state"] != "Succeeded":
            error = self.deployment.get("error") or {}
            raise SiteRecoveryError("deployment %s of process server VM %s ended %s: %s" % (
                self.deployment["name"], self.vm_name, self.deployment["provisioning_state"], error.get("message") or "no error given"),
                code=error.get("code") or "DeploymentFailed", details=error.get("details"),
                recommended_action="fix the cause, then run the task again: it deploys again")

    def pause(self, what):
        """Wait for the next read of the deployment or the registration; WaitTimeout, saying ``what``, once the wait ran out."""
        if self.poll.remaining() <= 0:
            raise SiteRecoveryError("%s after %d s (wait_timeout %s)" % (what, self.poll.elapsed(), self.params["wait_timeout"]), code="WaitTimeout")
        self.poll.sleep()

    def registered(self, servers):
        """The process servers that answer to the one asked for: by name, or when no name was given any in the network."""
        if self.params["name"]:
            return [s for s in servers if (s.get("name") or "").lower() == self.params["name"].lower()]
        return [s for s in servers if s.get("location") == "azure" or (s.get("name") or "").lower() == self.vm_name.lower()]


def run(asr):
    task = ProcessServerTask(asr)
    params = asr.params
    fabric = task.read_fabric()
    generation = fabric["generation"]
    if generation == "modernized" and task.location == "azure":
        raise SiteRecoveryError("%s is a replication appliance (modernized): there is no process server in Azure; the appliance's process "
                                "server and reprotect agent carry reprotect and failback" % fabric["friendly_name"], code="NoAzureProcessServerInModernized",
                                recommended_action="use location onprem (or omit it) for a modernized fabric")
    if generation == "classic" and params["azure_network"]:
        task.read_network()
    servers = task.servers(fabric)
    changed = False
    if params["state"] == "present" and task.location == "azure":
        if task.registered(servers):
            task.read_deployment()
        else:
            changed, instructions, fabric, servers = ensure_deployed(task, fabric)
            if servers is None:  # check mode or wait=false: nothing to check yet
                return dict(changed=changed, generation=generation, fabric=fabric["name"], process_server=None,
                            process_servers=task.servers(fabric), checks=[], summary=summary([]), deployment=task.deployment,
                            registration=instructions, msg=instructions_message(task, changed, instructions))
    try:
        chosen = choose(servers, params, generation)
    except ProcessServerError as error:
        raise SiteRecoveryError(error.message, code=error.code, recommended_action=error.recommended_action) from None
    names = [c["name"] for c in chosen["checks"]]
    if "location" not in names and "link" not in names:
        chosen["checks"] = chosen["checks"] + location_checks(chosen, task.location, params["link"], generation)
    checks = chosen["checks"]
    result = dict(changed=changed, generation=generation, fabric=fabric["name"], process_server=chosen, process_servers=servers,
                  checks=checks, summary=summary(checks), deployment=task.deployment)
    if failures(checks):
        result["msg"] = failure_message(chosen, checks)
        raise_with = SiteRecoveryError(result.pop("msg"), code="ProcessServerNotFit")
        asr.fail(raise_with, **result)
    counts = result["summary"]
    done = "deployed process server VM %s and it registered with %s; " % (task.vm_name, fabric["friendly_name"]) if changed else ""
    result["msg"] = "%sprocess server %s (%s, %s) is fit for reprotect and failback: %d checks pass, %d warn" % (
        done, chosen.get("name"), chosen.get("role"), chosen.get("location"), counts["pass"], counts["warn"])
    return result


def instructions_message(task, changed, instructions):
    verb = "would deploy" if task.asr.check_mode else ("deployed" if changed else "found the deployment of")
    return "%s process server VM %s (deployment %s in resource group %s); it has not registered yet. %s" % (
        verb, task.vm_name, task.deployment_id.rsplit("/", 1)[1], task.deployment_group, instructions)


def ensure_deployed(task, fabric):
    """Deploy (unless check mode) and wait for the registration; returns (changed, instructions, fabric, servers or None)."""
    params = task.params
    instructions = registration_instructions(task.vm_name, fabric.get("configuration_server") or {})
    existing = task.read_deployment()
    changed = False
    if existing is None or existing["provisioning_state"] in ("Failed", "Canceled"):
        changed = True
        if task.asr.check_mode:
            return True, instructions, fabric, None
        task.deploy()
    if not params["wait"] or task.asr.check_mode:
        return changed, instructions, fabric, None
    extra = dict(changed=changed, deployment=None, registration=instructions)
    try:
        task.wait_deployment()
        servers = task.servers(fabric)
        while not task.registered(servers):
            task.pause("process server %s has not registered with %s" % (task.vm_name, fabric["friendly_name"]))
            fabric = task.read_fabric()
            servers = task.servers(fabric)
    except SiteRecoveryError as error:
        error.message = "%s. %s" % (error.message, instructions)
        extra["deployment"] = task.deployment
        task.asr.fail(error, **extra)
    return changed, instructions, fabric, servers


def main():
    spec = dict(
        fabric=dict(type="str"),
        name=dict(type="str"),
        location=dict(type="str", choices=["onprem", "azure"]),
        link=dict(type="str", choices=["expressroute", "vpn"]),
        state=dict(type="str", default="validated", choices=["validated", "present"]),
        max_heartbeat_age=dict(type="int", default=15),
        min_free_space_percent=dict(type="int", default=25),
        azure_network=dict(type="str"),
        azure_resource_group=dict(type="str"),
        subnet=dict(type="str"),
        ip_address=dict(type="str"),
        vm_name=dict(type="str"),
        vm_size=dict(type="str", default=DEFAULT_VM_SIZE),
        admin_username=dict(type="str"),
        admin_password=dict(type="str", no_log=True),
        image=dict(type="dict", options=dict(id=dict(type="str"), publisher=dict(type="str"), offer=dict(type="str"), sku=dict(type="str"),
                                             version=dict(type="str"), plan=dict(type="dict"))),
        deployment_name=dict(type="str"),
        **WAIT_SPEC
    )
    asr = AsrModule(argument_spec=spec, supports_check_mode=True)
    problems = check_params(asr.params)
    if problems:
        asr.module.fail_json(msg="Invalid options: " + "; ".join(problems))
    asr.run(run)


if __name__ == "__main__":
    main()
