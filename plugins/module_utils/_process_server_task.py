# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""asr_process_server's workflow: read the fabric (and the Azure network), deploy a process server VM in Azure when asked
and needed, wait for its registration, choose a process server and check it.

Private to the collection. The rules (which process server, which checks) are the pure functions of
``_asr_process_server``; this file reads the vault and ARM and writes only the template deployment (never in check mode).
"""

from __future__ import annotations

import datetime

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_process_server import (
    DEPLOYMENT_ENDED,
    ProcessServerError,
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
from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError
from ansible_collections.siterecovery.vmware.plugins.module_utils._fabric_facts import fabric_facts
from ansible_collections.siterecovery.vmware.plugins.module_utils._poll import Poll
from ansible_collections.siterecovery.vmware.plugins.module_utils._vault_gateway import VaultGateway


class ProcessServerTask:
    """One run: read the fabric (and the network), deploy when asked and needed, choose, check."""

    def __init__(self, asr):
        self.asr = asr
        self.gateway = VaultGateway.of(asr)
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
                return fabric_facts(self.gateway.fabric(self.fabric_name))
        with asr.step("listing the fabrics of vault %s in resource group %s" % (asr.vault_name, asr.resource_group)):
            chosen = self.gateway.choose_fabric(self.params["fabric"])
        if chosen is None:
            raise SiteRecoveryError("Vault %s has no configuration server or replication appliance" % asr.vault_name, code="FabricNotFound")
        self.fabric_name = chosen["name"]
        return fabric_facts(chosen)

    def read_network(self):
        group, name, network_id = network_address(self.params, self.asr.params["subscription_id"])
        with self.asr.step("reading Azure network %s in resource group %s" % (name, group)):
            document = self.gateway.network(network_id)
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
            document = self.gateway.deployment(self.deployment_id)
        if document is None:  # not deployed yet
            return None
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
            document = self.gateway.put_deployment(self.deployment_id, body)
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
