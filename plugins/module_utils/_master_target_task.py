# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""vmware_master_target's workflow: find the master target VM, check it (ASR's record and vSphere), prepare it.

Private to the collection. The rules are the pure functions of ``_master_target_checks``; this file reads
vCenter (``_vsphere_client``) and ASR, and writes only the Storage DRS / DRS VM overrides (never in check mode).
``inspect`` is the read-only part, which the failback plan (``_failback_plan_reads``) runs on every candidate.
"""

from __future__ import annotations

import datetime

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.siterecovery.vmware.plugins.module_utils import _master_target_checks as rules
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_items import item_facts
from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError
from ansible_collections.siterecovery.vmware.plugins.module_utils._fabric_facts import CONFIGURATION_SERVER, fabric_facts
from ansible_collections.siterecovery.vmware.plugins.module_utils._vault_gateway import VaultGateway
from ansible_collections.siterecovery.vmware.plugins.module_utils._vsphere_client import HAS_PYVMOMI, PYVMOMI_IMPORT_ERROR, VSphereClient, vsphere_error
from ansible_collections.siterecovery.vmware.plugins.module_utils._vsphere_spec import check_vsphere_params

GUEST_FAMILIES = {"windowsGuest": "windows", "linuxGuest": "linux"}


def asr_wanted(params):
    return bool(params["resource_group"] and params["vault_name"]) or bool(params["protected_item"] or params["fabric"])


def read_asr(asr):
    """The configuration server's master target records, and the protected item's facts."""
    params = asr.params
    gateway = VaultGateway.of(asr)
    with asr.step("listing the fabrics of vault %s" % asr.vault_name):
        fabric = gateway.choose_fabric(params["fabric"], default_types=CONFIGURATION_SERVER)
    facts = fabric_facts(fabric) if fabric else None
    if facts is None or facts["generation"] != "classic":
        raise SiteRecoveryError("Vault %s has no configuration server (classic fabric) for this master target%s. A modernized replication appliance "
                                "has no master target; its reprotect agent writes the failback"
                                % (asr.vault_name, ": %s is a %s" % (facts["friendly_name"], facts["kind"]) if facts else ""), code="NoMasterTargets")
    item = None
    if params["protected_item"]:
        with asr.step("finding replicated item %s in vault %s" % (params["protected_item"], asr.vault_name)):
            item = item_facts(gateway.find(params["protected_item"]))
    return facts, item


def protected_machine(params, item):
    if item is not None:
        return dict(name=item["friendly_name"] or item["name"], item=item["name"], os_type=item.get("os_type"), os_version=item.get("os_version"),
                    disk_count=len(item["disks"]) or None, source="ASR replicated item")
    return dict(name=params["original_vm"], item=None, os_type=params["os_type"] and params["os_type"].capitalize(), os_version=params["os_version"],
                disk_count=None, source="options")


def find_master_target(client, name, records):
    """(vm or None, the ASR record it matched by name when the VM was found through it, the names of the VMs that share ``name``)."""
    vms = client.find_vms(name)
    if len(vms) > 1:
        return None, None, len(vms)
    if vms:
        return vms[0], None, 1
    record = rules.match_record(records, name)
    if record is not None:
        vm = client.find_vm_by_address(record.get("ip_address"), record.get("name"))
        if vm is not None:
            return vm, record, 1
    return None, record, 0


def master_os(record, facts):
    """The master target's OS: ASR's record when it names a version, else what vSphere reports."""
    family = GUEST_FAMILIES.get(facts.get("guest_family"))
    from_vsphere = rules.parse_os(facts.get("guest_full_name"), family, facts.get("guest_id"))
    if record and record.get("os_version"):
        from_asr = rules.parse_os(record["os_version"], record.get("os_type"))
        if from_asr["version"] or not from_vsphere["version"]:
            return from_asr
    return from_vsphere


def asr_checks(record, records, facts, now, max_age):
    if record is None:
        known = ", ".join(r.get("name") or "?" for r in records) or "none"
        return [rules.check("asr_registered", "fail", "no master target registered with the configuration server matches VM %s (by name, guest host "
                            "name or IP address %s); ASR knows: %s. Install the master target agent and register it"
                            % (facts["name"], ", ".join(facts["ip_addresses"]) or "unknown", known))]
    return [
        rules.check("asr_registered", "pass", "VM %s is ASR's master target %s (%s)" % (facts["name"], record.get("name"), record.get("id"))),
        rules.check_heartbeat(record.get("last_heartbeat"), now, max_age),
        rules.check_version(record.get("version_status"), record.get("version")),
        rules.check_health_errors(record.get("health_errors"), record.get("validation_errors")),
    ]


def vm_checks(client, vm, facts, machine):
    return [
        rules.check_scsi(facts["scsi_controllers"]),
        rules.check_enable_uuid(facts["extra_config"]),
        rules.check_tools(facts["power_state"], facts["tools_running_status"]),
        rules.check_disk_count(len(facts["disks"]), machine.get("disk_count")),
        rules.check_snapshots(facts["snapshots"]),
        rules.check_disk_uuids(facts["disks"], client.disk_uuids_elsewhere(vm)),
    ]


def location_check(client, facts, original, exists):
    about = client.about()
    if about["api_type"] != "HostAgent":
        if original is None:
            return None, False
        if exists:
            return rules.check("failback_location", "pass", "the original VM %s exists in vCenter: failback can write to it (original location)"
                               % original), False
        return rules.check("failback_location", "warn", "the original VM %s is not in vCenter: failback creates a new VM (alternate location)"
                           % original), False
    if facts.get("host_managed_by"):
        return rules.check("failback_location", "warn", "ESXi host %s is managed by the vCenter at %s: connect to that vCenter instead"
                           % (facts["host"], facts["host_managed_by"])), False
    there = "" if original is None else (" The original VM %s %s on it." % (original, "exists" if exists else "does not exist"))
    return rules.check("failback_location", "warn", "%s is a standalone ESXi host that no vCenter manages: failback creates a new VM on the master "
                       "target's host %s (alternate location).%s" % (client.hostname, facts["host"], there)), True


def override_state(pods, drs):
    state = dict(storage_drs=dict((p["datastore_cluster"], p["override"]) for p in pods))
    if drs is not None:
        state["drs"] = {drs["cluster"]: drs["override"]}
    return state


def set_storage_drs_override(client, pod, vm, operation):
    """Disable Storage DRS for the VM in ``pod``. Machines failing back through the same master target prepare it at the
    same time (one task per machine, in parallel forks): when vCenter refuses the change because another run has just made
    it, the override is read again and the change counts as done."""
    try:
        client.disable_storage_drs(pod["pod"], vm, operation)
    except SiteRecoveryError:
        now = next((p for p in client.storage_pods(vm) if p["datastore_cluster"] == pod["datastore_cluster"]), None)
        if now is None or rules.sdrs_change(now) is not None:
            raise


def prepare(asr, client, vm, allowed):
    """Set the Storage DRS (and, when asked, DRS) VM overrides; returns (checks, changed, before, after)."""
    params = asr.params
    pods = client.storage_pods(vm)
    drs = client.drs_override(vm) if params["drs_override"] else None
    before = override_state(pods, drs)
    changed = False
    checks = []
    for pod in pods:
        operation = rules.sdrs_change(pod)
        if operation and params["storage_drs_override"] and allowed:
            changed = True
            if not asr.check_mode:
                set_storage_drs_override(client, pod, vm, operation)
    outcome = "off" if not params["storage_drs_override"] else ("held" if not allowed else ("check_mode" if asr.check_mode else "applied"))
    checks.append(rules.check_storage_drs(pods, outcome))
    drs_operation = None
    if params["drs_override"]:
        if drs is None:
            checks.append(rules.check("drs_override", "warn", "the master target's host is in no cluster: there is no DRS to override",
                                      source="drs_override option"))
        else:
            drs_operation = rules.drs_change(drs, params["drs_behavior"])
            if drs_operation and allowed:
                changed = True
                if not asr.check_mode:
                    client.set_drs_override(drs["cluster_object"], vm, drs_operation, params["drs_behavior"])
            verb = "is" if not drs_operation else ("would be set" if asr.check_mode else "was set")
            status = "warn" if drs_operation and not allowed else "pass"
            reason = ("DRS override %s in cluster %s: %s" % (verb, drs["cluster"], params["drs_behavior"]) if status == "pass"
                      else "the DRS override was not set in cluster %s because other checks failed" % drs["cluster"])
            checks.append(rules.check("drs_override", status, reason, source="drs_override option"))
    if changed and not asr.check_mode:
        pods = client.storage_pods(vm)  # read again: the state vCenter reports now
        drs = client.drs_override(vm) if params["drs_override"] else None
        after = override_state(pods, drs)
    else:
        after = override_state(pods, drs)
        if changed:  # check mode: what would be
            for pod in pods:
                if rules.sdrs_change(pod) and params["storage_drs_override"]:
                    after["storage_drs"][pod["datastore_cluster"]] = dict(enabled=False, behavior=(pod["override"] or {}).get("behavior"))
            if drs_operation:
                after["drs"][drs["cluster"]] = dict(enabled=params["drs_behavior"] != "disabled",
                                                    behavior=None if params["drs_behavior"] == "disabled" else params["drs_behavior"])
    return checks, changed, before, after


def master_target_facts(record, facts, os_facts, checks):
    record = record or {}
    asr_part = [c for c in checks if c["name"].startswith("asr_")]
    return dict(
        asr_id=record.get("id"), name=record.get("name") or facts["name"], vm_name=facts["name"], host=facts["host"], cluster=facts["cluster"],
        os_type=record.get("os_type") or (os_facts["family"] or "").capitalize() or None, os_version=record.get("os_version") or facts["guest_full_name"],
        guest_id=facts["guest_id"], power_state=facts["power_state"], ip_address=record.get("ip_address") or (facts["ip_addresses"] or [None])[0],
        health=rules.HEALTH_NAMES[rules.worst(asr_part)] if record else None, last_heartbeat=record.get("last_heartbeat"),
        version=record.get("version"), version_status=record.get("version_status"), health_errors=record.get("health_errors", []),
        retention_volumes=record.get("retention_volumes", []), datastores=record.get("datastores", []),
    )


def verify(asr):
    params = asr.params
    use_asr = asr_wanted(params)
    fabric, item, records = None, None, []
    if use_asr:
        fabric, item = read_asr(asr)
        records = fabric["master_targets"]
    machine = protected_machine(params, item)
    original = params["original_vm"] or (machine["name"] if item is not None else None)
    result = dict(changed=False, checks=[], summary={}, protected_machine=machine, datastore_name=None, retention_drive=params["retention_drive"],
                  standalone_esxi=False, original_vm_exists=None, overrides={}, diff=dict(before={}, after={}))
    client = VSphereClient.from_params(params)
    try:
        context = "reading master target %s" % params["name"]
        try:
            vm, via_record, count = find_master_target(client, params["name"], records)
        except Exception as exc:  # pylint: disable=broad-except  # translated, not swallowed
            raise vsphere_error(exc, context) from exc
        if vm is None:
            where = "vCenter" if client.is_vcenter else "ESXi host %s" % params["hostname"]
            if count > 1:
                reason = "%d VMs are named %s in %s: rename them so that the master target's name is unique" % (count, params["name"], where)
            else:
                through = " (nor at ASR's address for it, %s)" % via_record.get("ip_address") if via_record else ""
                reason = "no VM named %s in %s%s" % (params["name"], where, through)
            result["checks"] = [rules.check("vm_found", "fail", reason)]
            return finish(result, params, None, asr.check_mode)
        try:
            result.update(examine(asr, client, vm, records, machine, original))
        except SiteRecoveryError:
            raise
        except Exception as exc:  # pylint: disable=broad-except  # translated, not swallowed
            raise vsphere_error(exc, context) from exc
        if via_record is not None:
            result["checks"][0]["reason"] += " (found through ASR's record %s)" % via_record.get("name")
        return finish(result, params, vm.name, asr.check_mode)
    finally:
        client.close()


def inspect(client, vm, records, machine, options, use_asr=True):
    """Every read-only check of a found master target VM: (checks, record, facts, os_facts, host datastore rows, datastore name, retention).

    ``options``: name (as asked), datastore, retention_drive, required_retention_gb, heartbeat_max_age (the module's options).
    Nothing is written: the failback plan runs this on every candidate master target.
    """
    facts = client.vm_facts(vm)
    in_cluster = " in cluster %s" % facts["cluster"] if facts["cluster"] else ""
    checks = [rules.check("vm_found", "pass", "VM %s on host %s%s" % (facts["name"], facts["host"], in_cluster))]
    record = None
    if use_asr:
        record = (rules.match_record(records, facts["name"], facts["guest_host_name"], facts["ip_addresses"])
                  or rules.match_record(records, options.get("name") or vm.name))
        checks += asr_checks(record, records, facts, datetime.datetime.now(datetime.timezone.utc), options["heartbeat_max_age"])
    os_facts = master_os(record, facts)
    vm_os = rules.parse_os(machine.get("os_version"), machine.get("os_type"))
    checks.append(rules.check_os(facts["name"], os_facts, machine.get("name") or "the protected machine", vm_os))
    checks += vm_checks(client, vm, facts, machine)
    rows = client.host_datastores(vm.runtime.host)
    for row in rows:
        row["usable"] = rules.usable(row)
    datastore_name = None
    if options.get("datastore"):
        checks += rules.check_datastore(options["datastore"], facts["host"], rows)
        found = next((r["name"] for r in rows if r["name"].lower() == options["datastore"].lower()), options["datastore"])
        datastore_name = found
        if record is not None:
            in_asr, datastore_name = rules.check_asr_datastore(found, record.get("datastores") or [], record.get("name"))
            checks.append(in_asr)
    retention = options.get("retention_drive")
    if record is not None:
        retention_check, retention = rules.check_retention(record.get("retention_volumes") or [], options.get("retention_drive"),
                                                           options.get("required_retention_gb") or 0, record.get("name"))
        checks.append(retention_check)
    elif not use_asr:  # with ASR and no record, asr_registered failed already
        checks.append(rules.check("retention_volume", "warn", "without the ASR options the retention volume is not checked"))
    return checks, record, facts, os_facts, rows, datastore_name, retention


def examine(asr, client, vm, records, machine, original):
    """Every check of a found master target VM, then the preparation; the result's fields."""
    params = asr.params
    checks, record, facts, os_facts, rows, datastore_name, retention = inspect(client, vm, records, machine, params, asr_wanted(params))
    exists = bool(client.find_vms(original)) if original else None
    location, standalone = location_check(client, facts, original, exists)
    if location is not None:
        checks.append(location)
    allowed = not rules.failed(checks) or not params["fail_on_failed_checks"]
    prepared, changed, before, after = prepare(asr, client, vm, allowed)
    checks += prepared
    return dict(
        checks=checks, changed=changed, master_target=master_target_facts(record, facts, os_facts, checks),
        writable_datastores=[r["name"] for r in rows if r["usable"]], host_datastores=rows, datastore_name=datastore_name,
        retention_drive=retention, standalone_esxi=standalone, original_vm_exists=exists, overrides=after, diff=dict(before=before, after=after),
    )


def finish(result, params, vm_name, check_mode=False):
    result["summary"] = rules.summary(result["checks"])
    bad = rules.failed(result["checks"])
    name = vm_name or params["name"]
    if bad:
        reasons = "; ".join("%s: %s" % (c["name"], c["reason"]) for c in bad)
        result["msg"] = "master target %s: %d check%s failed: %s" % (name, len(bad), "" if len(bad) == 1 else "s", reasons)
    else:
        done = ("would be prepared" if check_mode else "is prepared") if result["changed"] else "is ready"
        result["msg"] = "master target %s %s (%d checks passed, %d warnings)" % (name, done, result["summary"]["pass"], result["summary"]["warn"])
    return result


def run(asr):
    """The task: options checked before any connection, then verify; exits the module."""
    module, params = asr.module, asr.params
    problems = check_vsphere_params(params)
    if not params["name"].strip():
        problems.append("name must not be empty")
    if params["os_type"] is not None:
        given, params["os_type"] = params["os_type"], params["os_type"].strip().lower()
        if params["os_type"] not in ("windows", "linux"):
            problems.append("os_type must be windows or linux, in any case (got %r)" % given)
    if params["required_retention_gb"] < 0:
        problems.append("required_retention_gb must be 0 or more")
    if params["heartbeat_max_age"] <= 0:
        problems.append("heartbeat_max_age must be a positive number of minutes")
    if (params["protected_item"] or params["fabric"]) and not (params["resource_group"] and params["vault_name"]):
        problems.append("protected_item and fabric need the vault: set resource_group and vault_name (or ASR_RESOURCE_GROUP and ASR_VAULT_NAME)")
    if problems:
        module.fail_json(msg="Invalid options: " + "; ".join(problems))
    if not HAS_PYVMOMI:
        module.fail_json(msg=missing_required_lib("pyvmomi"), exception=PYVMOMI_IMPORT_ERROR)
    if asr_wanted(params):
        asr.require_azure()
    result = None
    try:
        result = verify(asr)
    except SiteRecoveryError as error:
        asr.fail(error)
    if result["summary"]["fail"] and params["fail_on_failed_checks"]:
        module.fail_json(**result)
    module.exit_json(**result)
