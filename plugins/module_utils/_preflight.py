# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Preflight: whether a failover or a failback can work, as checks {name, status, reason, source}.

Private to the collection. Pure: no Ansible, no SDK, no I/O. The rules and their limits are data
(``_preflight_rules.RULES``); this module reads the machine out of ASR's item record and judges each
rule against a context the module gathers (the item's facts, recovery points, the target size's SKU,
the region's vCPU usages, the target network, the Azure VM, the fabric's vCenters, the time now).
"""

from __future__ import annotations

import datetime
import ipaddress
import re

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_jobs import parse_time
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_state import FAILBACK_PROVIDERS, FORWARD_PROVIDERS
from ansible_collections.siterecovery.vmware.plugins.module_utils._preflight_rules import GIB, OPERATING_SYSTEMS, RULES

PASS, WARN, FAIL = "pass", "warn", "fail"
_PLACE = {"onprem": "on-premises", "azure": "in Azure"}


# ---- reading ASR's record --------------------------------------------------------------------------------
def version_tuple(text):
    """(9, 41, 0, 0) from "9.41.0.0"; None when there is no version."""
    numbers = re.findall(r"\d+", str(text or ""))
    return tuple(int(n) for n in numbers) if numbers else None


def _truthy(value):
    return str(value).lower() == "true" if value is not None else None


def _disks(provider, details):
    os_disk_id = str(details.get("osDiskId") or "").lower()
    disks = []
    for disk in details.get("protectedDisks") or []:
        if not isinstance(disk, dict):
            continue
        capacity = disk.get("capacityInBytes", disk.get("diskCapacityInBytes"))
        if provider == "InMageAzureV2" or "isOSDisk" not in disk:
            os_disk = bool(os_disk_id) and str(disk.get("diskId") or "").lower() == os_disk_id
        else:
            os_disk = _truthy(disk.get("isOSDisk"))
        disks.append(dict(name=disk.get("diskName") or disk.get("diskId"), capacity_bytes=capacity, os_disk=bool(os_disk)))
    return disks


def _azure_vm_id(provider, details):
    if provider == "InMageRcmFailback":
        return details.get("azureVirtualMachineId") or None
    if provider == "InMageAzureV2":
        vm_id = details.get("targetVmId") or ""
        return vm_id if vm_id and not vm_id.endswith("/") else None
    if provider == "InMageRcm" and details.get("targetResourceGroupId") and details.get("targetVmName"):
        return "%s/providers/Microsoft.Compute/virtualMachines/%s" % (details["targetResourceGroupId"], details["targetVmName"])
    return None  # InMage (classic failback) does not name the Azure VM


def machine_facts(item):
    """What the preflight rules read about the machine, from the item's provider-specific details."""
    details = (item.get("properties") or {}).get("providerSpecificDetails") or {}
    provider = details.get("instanceType")
    agent = details.get("mobilityAgentDetails") or details.get("agentDetails") or {}
    discovered = details.get("discoveredVmDetails") or {}
    discovery = str(details.get("discoveryType") or "").lower()
    firmware = str(details.get("firmwareType") or "").upper()
    return dict(
        provider=provider,
        os_type=details.get("osType") or (details.get("osDetails") or {}).get("osType"),
        os_name=details.get("osVersion") or details.get("osName") or discovered.get("osName"),
        firmware=firmware if firmware in ("BIOS", "UEFI") else None,
        # InMage's discoveryType describes the Azure VM it replicates from, not the original machine.
        physical=None if provider in FAILBACK_PROVIDERS or not discovery else discovery == "physical",
        agent_version=details.get("agentVersion") or agent.get("version") or agent.get("agentVersion"),
        disks=_disks(provider, details),
        nic_count=len([n for n in details.get("vmNics") or [] if isinstance(n, dict)]),
        agent_registered=details.get("isAgentRegistrationSuccessfulAfterFailover"),
        azure_vm_id=_azure_vm_id(provider, details),
        last_heartbeat=details.get("lastHeartbeat") or agent.get("lastHeartbeatUtc"),
        target_vcenter=(details.get("targetvCenterId") or "").rstrip("/").rsplit("/", 1)[-1] or None,
    )


# ---- helpers of the evaluators ------------------------------------------------------------------------------
def _gb(capacity_bytes):
    return capacity_bytes / float(GIB)


def _minutes(delta):
    return int(delta.total_seconds() // 60)


def _reprotected(ctx):
    return ctx["facts"]["provider"] in FAILBACK_PROVIDERS and ctx["facts"]["running_in"] == "azure"


def _replicating(ctx):
    facts = ctx["facts"]
    return (facts["running_in"] == "onprem" and facts["provider"] in FORWARD_PROVIDERS) or _reprotected(ctx)


def _os_name(ctx):
    return ctx["machine"]["os_name"] or ""


def _size_name(ctx):
    return ctx.get("target_size") or "(none)"


# ---- one evaluator per rule: (status, reason) -----------------------------------------------------------------
def _running_in(_rule, ctx):
    want = "onprem" if ctx["before"] == "failover" else "azure"
    where = ctx["facts"]["running_in"]
    said = "(provider %s, activeLocation %s)" % (ctx["facts"]["provider"], ctx["facts"]["active_location"])
    if where == want:
        return PASS, "the machine runs %s %s" % (_PLACE[want], said)
    if where is None:
        return FAIL, "ASR's record does not tell where the machine runs %s" % said
    if ctx["before"] == "failover":
        return FAIL, "the machine runs in Azure already %s: there is nothing to fail over; fail back instead" % said
    return FAIL, "the machine runs on-premises %s: there is nothing to fail back; fail over first" % said


def _wanted_operations(ctx):
    provider = ctx["facts"]["provider"]
    if ctx["before"] == "failover":
        return ("UnplannedFailover",), "the failover"
    if provider == "InMage":
        return ("UnplannedFailover",), "the failback"
    if provider == "InMageRcmFailback":
        return ("PlannedFailover",), "the failback (a planned failover)"
    return ("SwitchProtection", "Commit"), "the reprotect to on-premises (or the commit before it)"


def _operation_allowed(_rule, ctx):
    facts = ctx["facts"]
    wanted, what = _wanted_operations(ctx)
    if ctx["before"] == "failover" and facts["provider"] not in FORWARD_PROVIDERS:
        return FAIL, "the item replicates to on-premises (%s): its UnplannedFailover would be the failback, not a failover" % facts["provider"]
    job = facts.get("current_job")
    if job:
        return FAIL, "job %s (%s) is running on the item; wait for it to end before %s" % (job["id"], job["scenario"], what)
    allowed = facts.get("allowed_operations") or []
    found = [op for op in wanted if op in allowed]
    if found:
        return PASS, "ASR allows %s for %s" % (found[0], what)
    return FAIL, "ASR does not allow %s now (%s); it allows: %s" % (what, " or ".join(wanted), ", ".join(allowed) or "nothing")


def _reprotected_rule(_rule, ctx):
    facts = ctx["facts"]
    if _reprotected(ctx):
        return PASS, "the machine replicates back to on-premises (%s, %s)" % (facts["provider"], facts.get("protection_state"))
    if facts["running_in"] == "azure":
        return WARN, ("the machine was failed over (%s, stage %s) and is not replicating back yet: commit if needed, then reprotect it to "
                      "on-premises (asr_reprotect) before the failback" % (facts["protection_state"], facts["stage"]))
    return FAIL, "the machine runs on-premises: there is no replication back to fail back with"


def _replication_health(_rule, ctx):
    facts = ctx["facts"]
    health = facts.get("replication_health")
    errors = "; ".join("%s %s" % (e.get("code") or "", e.get("message") or "") for e in facts.get("health_errors") or [])
    detail = (": " + errors) if errors else ""
    if health == "Normal":
        return PASS, "replication health is Normal"
    if health == "Warning":
        return WARN, "replication health is Warning" + detail
    if health == "Critical":
        return FAIL, "replication health is Critical" + detail
    return WARN, "ASR does not report the replication health (%s)%s" % (health, detail)


def _resync_required(_rule, ctx):
    if ctx["facts"].get("resync_required"):
        return FAIL, "ASR requires a resynchronisation first (asr_resync); the recovery points are not consistent until it ends"
    return PASS, "no resynchronisation pending"


def _recovery_point(_rule, ctx):
    points = ctx.get("points") or {}
    count = points.get("count") or 0
    if ctx["before"] == "failback" and not _reprotected(ctx):
        return WARN, "failback recovery points exist only once the reprotect to on-premises has replicated the Azure VM back"
    if count:
        latest = points.get("latest") or {}
        return PASS, "%d recovery points, the newest at %s" % (count, latest.get("time"))
    return FAIL, "the item has no recovery point: %s cannot start until ASR creates one" % ctx["before"]


def _rpo(_rule, ctx):
    if not _replicating(ctx):
        return PASS, "not applicable: the machine does not replicate in the direction of the %s yet" % ctx["before"]
    latest = ((ctx.get("points") or {}).get("latest") or {}).get("time")
    moment = parse_time(latest)
    if moment is None:
        return WARN, "no recovery point to measure the RPO from"
    age = _minutes(ctx["now"] - moment)
    asr = ctx["facts"].get("rpo_seconds")
    said = "; ASR's RPO is %s s" % asr if asr is not None else ""
    if age <= ctx["rpo_threshold"]:
        return PASS, "the newest recovery point is %d minutes old (threshold %d)%s" % (age, ctx["rpo_threshold"], said)
    return WARN, ("the newest recovery point is %d minutes old, over the %d-minute threshold: the %s loses the changes since %s%s"
                  % (age, ctx["rpo_threshold"], ctx["before"], latest, said))


def _vm_name(rule, ctx):
    name = (ctx["facts"].get("recovery_vm") or {}).get("name")
    if not name:
        return FAIL, "ASR's record has no recovery VM name; set one (asr_replicated_item vm_name)"
    if not rule["min_length"] <= len(name) <= rule["max_length"] or not re.match(rule["pattern"], name):
        return FAIL, ("recovery VM name %r breaks Azure's rule: %d to %d letters, digits and hyphens, starting and ending with a letter "
                      "or digit; change it (asr_replicated_item vm_name)" % (name, rule["min_length"], rule["max_length"]))
    return PASS, "recovery VM name %r is valid" % name


def _os_architecture(_rule, ctx):
    name = _os_name(ctx)
    if not name:
        return WARN, "ASR's record does not name the operating system; check that it is 64-bit"
    entry = OPERATING_SYSTEMS[0]
    if re.search(entry["pattern"], name, re.IGNORECASE):
        return FAIL, "%r is %s: only 64-bit systems fail over to Azure" % (name, entry["why"])
    return PASS, "%r is not a 32-bit system" % name


def _os_supported(_rule, ctx):
    name = _os_name(ctx)
    if not name:
        return WARN, "ASR's record does not name the operating system (os type %s); compare it with the support matrix" % ctx["machine"]["os_type"]
    for entry in OPERATING_SYSTEMS[1:]:
        if re.search(entry["pattern"], name, re.IGNORECASE):
            if entry["verdict"] == "supported":
                return PASS, "%r is a supported operating system" % name
            return FAIL, "%r is not supported: %s" % (name, entry["why"])
    return WARN, "%r is not a name the preflight knows; compare it with the support matrix" % name


def _os_disks(ctx):
    return [d for d in ctx["machine"]["disks"] if d["os_disk"]]


def _data_disks(ctx):
    return [d for d in ctx["machine"]["disks"] if not d["os_disk"]]


def _os_disk_count(rule, ctx):
    if not ctx["machine"]["disks"]:
        return WARN, "ASR's record lists no protected disk"
    count = len(_os_disks(ctx))
    if count == rule["count"]:
        return PASS, "one OS disk"
    return FAIL, "%d disks are marked as OS disks; Azure takes exactly one (boot and system on one disk)" % count


def _os_disk_size(rule, ctx):
    disks = _os_disks(ctx)
    if not disks or disks[0]["capacity_bytes"] is None:
        return WARN, "ASR's record does not give the OS disk's size"
    firmware = ctx["machine"]["firmware"] or "BIOS"
    limit = rule["max_gb"][firmware]
    size = _gb(disks[0]["capacity_bytes"])
    assumed = "" if ctx["machine"]["firmware"] else " (firmware not reported: generation 1 assumed)"
    if size > limit:
        return FAIL, "the OS disk %s is %.0f GB, over the %d GB a %s machine's OS disk can have%s" % (disks[0]["name"], size, limit, firmware, assumed)
    return PASS, "the OS disk is %.0f GB (limit %d GB for %s)%s" % (size, limit, firmware, assumed)


def _data_disk_size(rule, ctx):
    wrong = []
    for disk in _data_disks(ctx):
        if disk["capacity_bytes"] is None:
            continue
        size = _gb(disk["capacity_bytes"])
        if size < rule["min_gb"] or size > rule["max_gb"]:
            wrong.append("%s (%.1f GB)" % (disk["name"], size))
    if wrong:
        return FAIL, "data disks outside %d GB to %d GB: %s" % (rule["min_gb"], rule["max_gb"], ", ".join(wrong))
    return PASS, "%d data disks, each within %d GB to %d GB" % (len(_data_disks(ctx)), rule["min_gb"], rule["max_gb"])


def _data_disk_count(rule, ctx):
    count = len(_data_disks(ctx))
    sku = ctx.get("sku")
    limit, by = rule["max_count"], "Site Recovery"
    if sku and sku.get("max_data_disks") is not None and sku["max_data_disks"] < limit:
        limit, by = sku["max_data_disks"], "size %s" % sku["name"]
    if count > limit:
        return FAIL, "%d data disks, more than %s attaches (%d): choose a larger size (asr_replicated_item size)" % (count, by, limit)
    unknown = "" if sku else " (size %s not known in the region: its own limit is not checked)" % _size_name(ctx)
    return PASS, "%d data disks, within the %d of %s%s" % (count, limit, by, unknown)


def _nic_count(_rule, ctx):
    count = ctx["machine"]["nic_count"]
    sku = ctx.get("sku")
    if not sku or sku.get("max_nics") is None:
        return WARN, "size %s is not known in the region: cannot compare its network adapters with the machine's %d" % (_size_name(ctx), count)
    if count > sku["max_nics"]:
        return FAIL, "%d network adapters, more than size %s takes (%d): choose a larger size" % (count, sku["name"], sku["max_nics"])
    return PASS, "%d network adapters, within the %d of size %s" % (count, sku["max_nics"], sku["name"])


def _boot_firmware(rule, ctx):
    firmware = ctx["machine"]["firmware"]
    if firmware != "UEFI":
        return PASS, "BIOS boot (generation 1)" if firmware else "ASR's record does not give the firmware; generation 1 (BIOS) assumed"
    if re.search(rule["unsupported_uefi"], _os_name(ctx), re.IGNORECASE):
        return FAIL, "%r with UEFI boot is not supported" % _os_name(ctx)
    sku = ctx.get("sku")
    if not sku:
        return WARN, "UEFI boot needs a generation 2 size; size %s is not known in the region" % _size_name(ctx)
    if "V2" not in (sku.get("generations") or ()):
        return FAIL, "UEFI boot needs a generation 2 VM; size %s offers only %s" % (sku["name"], ", ".join(sku.get("generations") or ()) or "V1")
    return PASS, "UEFI boot, and size %s offers generation 2 (Secure Boot must stay off)" % sku["name"]


def _target_size_offered(_rule, ctx):
    size, location = ctx.get("target_size"), ctx.get("location")
    sku = ctx.get("sku")
    if not size:
        return FAIL, "no target VM size is set; set one (asr_replicated_item size) or give target_vm_size"
    if not sku:
        return FAIL, "size %s is not offered in %s" % (size, location)
    if sku.get("restrictions"):
        return FAIL, "size %s is restricted for this subscription in %s: %s" % (size, location, "; ".join(sku["restrictions"]))
    return PASS, "size %s is offered in %s (%s vCPUs, family %s)" % (size, location, sku.get("vcpus"), sku.get("family"))


def _quota(ctx, key, label):
    sku = ctx.get("sku")
    if not sku or sku.get("vcpus") is None:
        return FAIL, "cannot check the %s: size %s is not offered in %s" % (label, _size_name(ctx), ctx.get("location"))
    usage = (ctx.get("usages") or {}).get(key)
    if usage is None:
        return WARN, "%s reports no %s (%s)" % (ctx.get("location"), label, key)
    left = usage["limit"] - usage["current"]
    if left < sku["vcpus"]:
        return FAIL, ("%s: %d of %d vCPUs used in %s, %d left, size %s needs %d; request a quota increase or choose a smaller size"
                      % (label, usage["current"], usage["limit"], ctx.get("location"), max(left, 0), sku["name"], sku["vcpus"]))
    return PASS, "%s: %d of %d vCPUs left in %s, size %s needs %d" % (label, left, usage["limit"], ctx.get("location"), sku["name"], sku["vcpus"])


def _quota_family(_rule, ctx):
    family = (ctx.get("sku") or {}).get("family")
    return _quota(ctx, family, "vCPU quota of family %s" % family)


def _quota_regional(_rule, ctx):
    return _quota(ctx, "cores", "total regional vCPU quota")


def _target_network(_rule, ctx):
    network_id = (ctx["facts"].get("recovery_vm") or {}).get("network_id")
    if not network_id:
        return FAIL, "no target network is set; set one (asr_replicated_item network_id)"
    if ctx.get("network") is None:
        return FAIL, "target network %s does not exist" % network_id
    return PASS, "target network %s exists" % ctx["network"].get("name")


def _subnets(ctx):
    network = ctx.get("network") or {}
    return dict((s.get("name"), (s.get("properties") or {}).get("addressPrefix")) for s in (network.get("properties") or {}).get("subnets") or [])


def _target_subnet(_rule, ctx):
    subnet = (ctx["facts"].get("recovery_vm") or {}).get("subnet")
    if not subnet:
        return FAIL, "no target subnet is set; set one (asr_replicated_item subnet)"
    if ctx.get("network") is None:
        return FAIL, "subnet %s cannot exist: the target network does not" % subnet
    subnets = _subnets(ctx)
    if subnet not in subnets:
        return FAIL, "subnet %s is not in network %s; its subnets: %s" % (subnet, ctx["network"].get("name"), ", ".join(sorted(subnets)) or "none")
    return PASS, "subnet %s (%s) is in network %s" % (subnet, subnets[subnet], ctx["network"].get("name"))


def static_ip_problem(address, prefix, reserved_first):
    """Why ``address`` cannot be a static address of subnet ``prefix`` (Azure keeps the first ``reserved_first`` and the last), or None."""
    try:
        ip = ipaddress.ip_address(address)
        network = ipaddress.ip_network(prefix, strict=False)
    except ValueError as exc:
        return str(exc)
    if ip not in network:
        return "%s is not in the subnet's range %s" % (ip, network)
    offset = int(ip) - int(network.network_address)
    if offset < reserved_first or ip == network.broadcast_address:
        return "%s is one of the addresses Azure reserves in %s (the first %d and the last)" % (ip, network, reserved_first)
    return None


def _static_ip(rule, ctx):
    vm = ctx["facts"].get("recovery_vm") or {}
    address = vm.get("static_ip")
    if not address:
        return PASS, "the recovery VM gets a dynamic address"
    prefix = _subnets(ctx).get(vm.get("subnet"))
    if not prefix:
        return FAIL, "static address %s cannot be checked: subnet %s is not in the target network" % (address, vm.get("subnet"))
    problem = static_ip_problem(address, prefix, rule["reserved_first"])
    if problem:
        return FAIL, "static address %s" % problem
    if ctx.get("ip_available") is False:
        return FAIL, "static address %s is already in use in network %s" % (address, ctx["network"].get("name"))
    return PASS, "static address %s is in subnet %s (%s) and free" % (address, vm.get("subnet"), prefix)


def _failover_time_agent(rule, ctx):
    version = ctx["machine"]["agent_version"]
    if not version_tuple(version):
        return PASS, "ASR's record does not give the Mobility service's version"
    if version_tuple(version) < version_tuple(rule["older_than"]):
        return WARN, "Mobility service %s is older than %s: expect the failover to take 8 to 10 minutes longer" % (version, rule["older_than"])
    return PASS, "Mobility service %s" % version


def _failover_time_physical(_rule, ctx):
    if ctx["machine"]["physical"]:
        return WARN, "a physical server: expect the failover to take 8 to 10 minutes longer"
    return PASS, "not a physical server" if ctx["machine"]["physical"] is False else "ASR's record does not say whether it is a physical server"


def _failover_time_linux(_rule, ctx):
    if str(ctx["machine"]["os_type"] or "").lower() == "linux":
        return WARN, "a Linux machine: expect the failover to take 8 to 10 minutes longer"
    return PASS, "not a Linux machine (%s)" % (ctx["machine"]["os_type"] or "os type not reported")


def _azure_vm_exists(_rule, ctx):
    vm = ctx.get("azure_vm")
    if ctx["facts"]["running_in"] != "azure":
        return FAIL, "the machine does not run in Azure: there is no Azure VM to fail back from"
    if vm is None:
        beat = parse_time(ctx["machine"]["last_heartbeat"])
        if beat is not None and ctx["now"] - beat <= datetime.timedelta(minutes=30):
            return PASS, ("ASR's record does not name the Azure VM; its Mobility service sent a heartbeat %d minutes ago"
                          % _minutes(ctx["now"] - beat))
        return WARN, "ASR's record does not name the Azure VM and shows no recent heartbeat from it; check that it still exists"
    if not vm.get("exists"):
        return FAIL, "the Azure VM %s no longer exists: a failback is impossible once it is deleted" % vm["id"]
    return PASS, "the Azure VM %s exists (%s)" % (vm.get("name") or vm["id"], vm.get("power") or "power state not reported")


def _vcenter_connected(rule, ctx):
    vcenters = ctx.get("vcenters") or []
    wanted = ctx["machine"]["target_vcenter"]
    if wanted and any(v.get("name") == wanted for v in vcenters):
        vcenters = [v for v in vcenters if v.get("name") == wanted]
    if not vcenters:
        return FAIL, "ASR's fabric %s knows no vCenter to fail back to" % ctx["facts"].get("fabric")
    problems = []
    for vcenter in vcenters:
        errors = [e for e in vcenter.get("health_errors") or [] if e.get("severity") in ("Error", "Critical")]
        beat = parse_time(vcenter.get("last_heartbeat"))
        if errors:
            problems.append("%s: %s" % (vcenter.get("name"), "; ".join(e.get("message") or e.get("code") or "" for e in errors)))
        elif beat is None or ctx["now"] - beat > datetime.timedelta(minutes=rule["heartbeat_minutes"]):
            problems.append("%s: no heartbeat since %s" % (vcenter.get("name"), vcenter.get("last_heartbeat")))
    if problems:
        return FAIL, "vCenter not connected: %s" % "; ".join(problems)
    names = ", ".join("%s (%s, discovery %s)" % (v.get("name"), v.get("ip_address"), v.get("discovery_status")) for v in vcenters)
    return PASS, "vCenter connected to ASR: %s" % names


def _vcenter_reachable(_rule, ctx):
    login = ctx.get("vsphere")
    if login is None:
        return None
    if ctx["before"] == "failover":
        return PASS, ("not checked: a failover to Azure does not use the vCenter, so the vSphere options (hostname %s) are not used here; "
                      "the failback preflight (before: failback) logs in to it" % login.get("hostname"))
    if login.get("error"):
        return FAIL, "cannot use vCenter %s: %s" % (login.get("hostname"), login["error"])
    about = login.get("about") or {}
    if about.get("api_type") and about["api_type"] != "VirtualCenter":
        return FAIL, "%s is a standalone ESXi host (%s), not the vCenter the machine fails back to" % (login.get("hostname"), about.get("name"))
    return PASS, "logged in to vCenter %s (%s)" % (login.get("hostname"), about.get("name") or "version not reported")


def _agent_registered(rule, ctx):
    codes = [e.get("code") for e in ctx["facts"].get("health_errors") or []]
    waiting = [c for c in codes if c in rule["error_codes"]]
    registered = ctx["machine"]["agent_registered"]
    if waiting or registered is False or str(registered).lower() == "false":
        return FAIL, ("the Mobility service in the Azure VM has not registered with Site Recovery since the failover%s; wait (up to 15 "
                      "minutes) before the reprotect" % (" (health error %s)" % ", ".join(waiting) if waiting else ""))
    return PASS, "the Mobility service is registered" + ("" if registered is not None else " (no registration error reported)")


def _failback_windows_2008_physical(rule, ctx):
    name = _os_name(ctx)
    if not re.search(rule["pattern"], name, re.IGNORECASE):
        return PASS, "not Windows Server 2008 R2 (%s)" % (name or "operating system not named")
    if ctx["machine"]["physical"]:
        return FAIL, "%r was a physical server: once failed over to Azure it cannot fail back" % name
    if ctx["machine"]["physical"] is None:
        return WARN, "%r: if it was a physical server it cannot fail back (ASR's failback record does not say)" % name
    return PASS, "%r is a VMware VM" % name


EVALUATORS = {
    "running_in": _running_in, "operation_allowed": _operation_allowed, "reprotected": _reprotected_rule,
    "replication_health": _replication_health, "resync_required": _resync_required, "recovery_point": _recovery_point, "rpo": _rpo,
    "vm_name": _vm_name, "os_architecture": _os_architecture, "os_supported": _os_supported, "os_disk_count": _os_disk_count,
    "os_disk_size": _os_disk_size, "data_disk_size": _data_disk_size, "data_disk_count": _data_disk_count, "nic_count": _nic_count,
    "boot_firmware": _boot_firmware, "target_size_offered": _target_size_offered, "quota_family": _quota_family,
    "quota_regional": _quota_regional, "target_network": _target_network, "target_subnet": _target_subnet, "static_ip": _static_ip,
    "failover_time_agent": _failover_time_agent, "failover_time_physical": _failover_time_physical, "failover_time_linux": _failover_time_linux,
    "azure_vm_exists": _azure_vm_exists, "vcenter_connected": _vcenter_connected, "vcenter_reachable": _vcenter_reachable,
    "agent_registered": _agent_registered,
    "failback_windows_2008_physical": _failback_windows_2008_physical,
}


def rules_for(before, rules=RULES):
    """The rules that are checked before ``before`` (failover or failback)."""
    return [r for r in rules if r["observable"] and before in r["before"]]


def evaluate(ctx, rules=RULES):
    """The checks of every rule that applies before ``ctx["before"]``, in the table's order (an optional rule without its input gives none)."""
    checks = []
    for rule in rules_for(ctx["before"], rules):
        judged = EVALUATORS[rule["name"]](rule, ctx)
        if judged is None:
            continue
        status, reason = judged
        checks.append(dict(name=rule["name"], status=status, reason=reason, source=rule["source"]))
    return checks


def summarize(checks):
    """Counts per status, and whether nothing failed."""
    counts = dict((status, sum(1 for c in checks if c["status"] == status)) for status in (PASS, WARN, FAIL))
    return counts, counts[FAIL] == 0


def rules_markdown(rules=RULES):
    """The rule table as the Markdown rows docs/preflight.md lists (a unit test keeps them equal)."""
    lines = ["| rule | before | checked | what | source |", "|---|---|---|---|---|"]
    for rule in rules:
        cells = (rule["name"], ", ".join(rule["before"]), "yes" if rule["observable"] else "no (by hand)",
                 rule["summary"].replace("|", "\\|"), rule["source"].replace("|", "\\|"))
        lines.append("| `%s` | %s | %s | %s | %s |" % cells)
    return "\n".join(lines) + "\n"


def default_before(running_in):
    """failover for a machine that runs on-premises, failback for one in Azure, None when ASR does not say."""
    return {"onprem": "failover", "azure": "failback"}.get(running_in)


def sku_facts(sku, location):
    """A Microsoft.Compute resource SKU (virtualMachines) reduced to what the rules read."""
    capabilities = dict((c.get("name"), c.get("value")) for c in sku.get("capabilities") or [])

    def number(key):
        try:
            return int(float(capabilities[key]))
        except (KeyError, TypeError, ValueError):
            return None

    restrictions = []
    for restriction in sku.get("restrictions") or []:
        values = [str(v).lower() for v in restriction.get("values") or []]
        if restriction.get("type") == "Location" and (not values or str(location).lower() in values):
            restrictions.append(restriction.get("reasonCode") or "restricted")
    return dict(name=sku.get("name"), family=sku.get("family"), vcpus=number("vCPUs"), max_data_disks=number("MaxDataDiskCount"),
                max_nics=number("MaxNetworkInterfaces"), restrictions=restrictions,
                generations=tuple(g.strip() for g in str(capabilities.get("HyperVGenerations") or "V1").split(",") if g.strip()))


def usage_facts(usages):
    """Microsoft.Compute usages -> {name: {current, limit}}."""
    return dict(((u.get("name") or {}).get("value"), dict(current=int(u.get("currentValue") or 0), limit=int(u.get("limit") or 0)))
                for u in usages if (u.get("name") or {}).get("value"))
