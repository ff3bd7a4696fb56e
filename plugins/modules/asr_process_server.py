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

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_jobs import WAIT_SPEC
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_process_server import DEFAULT_VM_SIZE, check_params
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_module import AsrModule
from ansible_collections.siterecovery.vmware.plugins.module_utils._process_server_task import run


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
