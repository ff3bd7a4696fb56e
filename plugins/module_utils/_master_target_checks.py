# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rules a classic master target must meet before a reprotect to on-premises, as pure functions.

Private to the collection. No Ansible, no pyvmomi, no I/O: every function takes plain values (the
vSphere facts the client reads, ASR's master target record as ``_fabric_facts.master_target``
normalises it) and returns checks in the collection's shape::

    {"name": <snake_case id>, "status": "pass" | "warn" | "fail", "reason": <what to do>, "source": <where the rule comes from>}
"""

from __future__ import annotations

import re

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_jobs import parse_time

_DOCS = "https://learn.microsoft.com/azure/site-recovery/"
PREPARE_FAILBACK = _DOCS + "vmware-azure-prepare-failback"
REPROTECT = _DOCS + "vmware-azure-reprotect"
FAILBACK = _DOCS + "vmware-azure-failback"
LINUX_MASTER_TARGET = _DOCS + "vmware-azure-install-linux-master-target"

# Where each rule comes from.
SOURCES = {
    "vm_found": "the master target VM in vCenter / ESXi (%s, Master target server)" % PREPARE_FAILBACK,
    "asr_registered": "ASR fabric record: the configuration server's masterTargetServers",
    "asr_heartbeat": "ASR fabric record: masterTargetServers[].lastHeartbeat",
    "asr_version": "ASR fabric record: masterTargetServers[].versionStatus",
    "asr_health_errors": "ASR fabric record: masterTargetServers[].healthErrors and validationErrors",
    "os_match": "%s (Linux VMs need a Linux master target; same or later OS version); %s" % (REPROTECT, LINUX_MASTER_TARGET),
    "scsi_controller": "%s (the master target's SCSI controller must be LSI Logic, not paravirtual)" % PREPARE_FAILBACK,
    "disk_enable_uuid": "%s (disk.EnableUUID = TRUE on the master target VM)" % LINUX_MASTER_TARGET,
    "vmware_tools": "%s (VMware Tools running on the master target)" % PREPARE_FAILBACK,
    "disk_count": "%s (a master target can have at most 60 disks attached)" % PREPARE_FAILBACK,
    "snapshots": "%s (the master target must have no snapshots)" % PREPARE_FAILBACK,
    "disk_uuid_unique": "%s (a master target cloned from a template must not share disk UUIDs with other VMs)" % LINUX_MASTER_TARGET,
    "datastore_type": "%s (failback writes to VMFS or vSAN datastores; NFS is not supported)" % PREPARE_FAILBACK,
    "datastore_writable": "%s (the datastore must be accessible, read-write, from the master target's ESXi host)" % REPROTECT,
    "datastore_in_asr": "ASR fabric record: masterTargetServers[].dataStores[].symbolicName (the reprotect's datastoreName)",
    "retention_volume": "ASR fabric record: masterTargetServers[].retentionVolumes (the reprotect's retentionDrive)",
    "storage_drs": "%s (the master target must not be moved by Storage vMotion / Storage DRS)" % PREPARE_FAILBACK,
    "failback_location": "%s (VMs on an ESXi host that no vCenter manages fail back to an alternate location)" % FAILBACK,
}

MAX_DISKS = 60
LSI_LOGIC = ("lsilogic", "lsilogic-sas")
SUPPORTED_DATASTORE_TYPES = ("vmfs", "vsan")
# versionStatus values that mean the agent is current enough.
GOOD_VERSION_STATUS = ("supported",)
HEALTH_NAMES = {"pass": "Normal", "warn": "Warning", "fail": "Critical"}
GIB = 1024 ** 3

# vSphere guest ids that name an OS version the generic patterns below cannot read.
GUEST_IDS = {
    "windows7server64guest": "Windows Server 2008 R2",
    "windows8server64guest": "Windows Server 2012",
    "windows9server64guest": "Windows Server 2016 or later",
    "windows2019srv_64guest": "Windows Server 2019",
    "windows2019srvnext_64guest": "Windows Server 2022",
    "windows2022srvnext_64guest": "Windows Server 2025",
}
_LINUX_DISTROS = (
    # (distribution, words that name it; regular expressions matched on the lower-cased text)
    ("rhel", r"\brhel|red ?hat"),
    ("centos", r"\bcentos"),
    ("oracle", r"\boracle|\bol ?\d"),
    ("ubuntu", r"\bubuntu"),
    ("debian", r"\bdebian"),
    ("sles", r"\bsles|\bsuse"),
    ("rocky", r"\brocky"),
    ("alma", r"\balma"),
)


def check(name, status, reason, source=None):
    """One check in the collection's shape."""
    return dict(name=name, status=status, reason=reason, source=source or SOURCES.get(name, ""))


def summary(checks):
    """{"pass": n, "warn": n, "fail": n}."""
    counts = dict.fromkeys(("pass", "warn", "fail"), 0)
    for one in checks:
        counts[one["status"]] += 1
    return counts


def failed(checks):
    return [c for c in checks if c["status"] == "fail"]


def worst(checks):
    """The worst status of ``checks`` (pass when there are none)."""
    statuses = [c["status"] for c in checks]
    return "fail" if "fail" in statuses else ("warn" if "warn" in statuses else "pass")


# ---- operating systems ------------------------------------------------------------------------

def _version(text, after=0):
    found = re.search(r"(\d+)(?:\.(\d+))?", text[after:])
    if not found:
        return None
    return (int(found.group(1)), int(found.group(2) or 0))


def parse_os(text, os_type=None, guest_id=None):
    """What an OS description says: {family, distro, version (tuple or None), at_least, text}.

    ``text`` is ASR's osVersion / osName or vSphere's guest full name ("Windows Server 2019 Datacenter",
    "RHEL 8.6", "Red Hat Enterprise Linux 8 (64-bit)", "Microsoft Windows Server 2016 or later (64-bit)");
    ``os_type`` (Windows / Linux) and the vSphere ``guest_id`` fill in what the text lacks.
    ``at_least`` is true when the version is only a lower bound ("... or later").
    """
    text = (text or "").strip()
    if guest_id and (not text or not re.search(r"\d", text)):
        text = GUEST_IDS.get(guest_id.lower()) or _guest_id_text(guest_id) or text
    lowered = text.lower()
    family = (os_type or "").strip().lower() or None
    if family not in (None, "windows", "linux"):
        family = None
    distro = None
    version = None
    if "windows" in lowered:
        family = family or "windows"
        server = re.search(r"\b(20\d\d)\b(\s*r2)?", lowered)
        if server:
            distro = "windows server"
            version = (int(server.group(1)), 2 if server.group(2) else 0)
        else:
            client = re.search(r"windows\s+(\d+)", lowered)
            if client:
                distro, version = "windows client", (int(client.group(1)), 0)
    else:
        for name, pattern in _LINUX_DISTROS:
            found = re.search(pattern, lowered)
            if found:
                family = family or "linux"
                distro = name
                version = _version(lowered, found.start())
                sp = re.search(r"\bsp\s*(\d+)", lowered)
                if name == "sles" and version and sp:
                    version = (version[0], int(sp.group(1)))
                break
        if family is None and "linux" in lowered:
            family = "linux"
    if family is None and guest_id:
        family = "windows" if guest_id.lower().startswith("win") else None
    return dict(family=family, distro=distro, version=version, at_least="or later" in lowered, text=text or None)


def _guest_id_text(guest_id):
    found = re.match(r"(rhel|centos|sles|oraclelinux|debian|rockylinux|almalinux|ubuntu)(\d*)", guest_id.lower())
    if not found:
        return None
    names = {"rhel": "RHEL", "centos": "CentOS", "sles": "SLES", "oraclelinux": "Oracle Linux", "debian": "Debian",
             "rockylinux": "Rocky Linux", "almalinux": "AlmaLinux", "ubuntu": "Ubuntu"}
    return ("%s %s" % (names[found.group(1)], found.group(2))).strip()


def _show(os_facts):
    if os_facts.get("text"):
        return os_facts["text"]
    return (os_facts.get("family") or "an unknown OS").capitalize()


def check_os(master_name, master_os, vm_name, vm_os):
    """The master target's OS family must be the protected VM's, at the same or a higher version."""
    if not vm_os.get("family"):
        return check("os_match", "warn", "the protected machine's OS is not known: set os_type (and os_version), or protected_item with the ASR options")
    if not master_os.get("family"):
        return check("os_match", "warn", "the OS of master target %s is not known (%s): check it runs %s" % (master_name, _show(master_os), vm_os["family"]))
    if master_os["family"] != vm_os["family"]:
        need = "a Linux" if vm_os["family"] == "linux" else "a Windows"
        return check("os_match", "fail", "%s runs %s (%s): it fails back only through %s master target, and %s runs %s (%s)"
                     % (vm_name, vm_os["family"].capitalize(), _show(vm_os), need, master_name, master_os["family"].capitalize(), _show(master_os)))
    if not (master_os.get("version") and vm_os.get("version")) or master_os.get("distro") != vm_os.get("distro"):
        return check("os_match", "warn", "%s and master target %s both run %s, but their versions cannot be compared (%s, %s): make sure the master "
                     "target runs the same or a later version" % (vm_name, master_name, vm_os["family"].capitalize(), _show(vm_os), _show(master_os)))
    if master_os["version"] >= vm_os["version"]:
        return check("os_match", "pass", "master target %s runs %s, the same or a later version than %s (%s)"
                     % (master_name, _show(master_os), vm_name, _show(vm_os)))
    if master_os.get("at_least"):
        return check("os_match", "warn", "vSphere says only that master target %s runs %s; %s runs %s: make sure the master target's OS is at least that"
                     % (master_name, _show(master_os), vm_name, _show(vm_os)))
    return check("os_match", "fail", "master target %s runs %s, older than %s (%s): use a master target with the same or a later OS version"
                 % (master_name, _show(master_os), vm_name, _show(vm_os)))


# ---- the master target VM ---------------------------------------------------------------------

def check_scsi(controllers):
    """``controllers``: the kinds of the VM's SCSI controllers (lsilogic, lsilogic-sas, pvscsi, buslogic)."""
    others = [c for c in controllers if c not in LSI_LOGIC]
    if "pvscsi" in others:
        return check("scsi_controller", "fail", "the master target has a paravirtual SCSI controller (pvscsi): reprotection fails; change it to "
                     "LSI Logic SAS (or LSI Logic parallel) with the VM powered off")
    if others:
        return check("scsi_controller", "fail", "the master target has a %s SCSI controller: only LSI Logic controllers are supported; change it to "
                     "LSI Logic SAS" % ", ".join(sorted(set(others))))
    if not controllers:
        return check("scsi_controller", "fail", "the master target has no SCSI controller: add an LSI Logic SAS controller")
    return check("scsi_controller", "pass", "SCSI controller%s: %s" % ("s" if len(controllers) > 1 else "", ", ".join(controllers)))


def check_enable_uuid(extra_config):
    """``extra_config``: the VM's advanced settings (config.extraConfig) as a dict."""
    value = next((v for k, v in extra_config.items() if k.lower() == "disk.enableuuid"), None)
    if str(value).strip().lower() == "true":
        return check("disk_enable_uuid", "pass", "disk.EnableUUID is TRUE")
    state = "not set" if value is None else "%r" % value
    return check("disk_enable_uuid", "fail", "disk.EnableUUID is %s: set the advanced setting disk.EnableUUID = TRUE on the master target VM "
                 "(with the VM powered off)" % state)


def check_tools(power_state, tools_running_status):
    if tools_running_status == "guestToolsRunning":
        return check("vmware_tools", "pass", "VMware Tools are running")
    if power_state != "poweredOn":
        return check("vmware_tools", "fail", "the master target is %s: power it on (VMware Tools must run)" % (power_state or "not running"))
    return check("vmware_tools", "fail", "VMware Tools are not running (%s): install or start them in the master target" % (tools_running_status or "unknown"))


def check_disk_count(count, incoming=None):
    """At most 60 disks: the master target's own, plus ``incoming`` (the protected machine's) when known."""
    total = count + (incoming or 0)
    if count > MAX_DISKS:
        return check("disk_count", "fail", "the master target has %d disks, more than %d: detach disks or use another master target" % (count, MAX_DISKS))
    if incoming and total > MAX_DISKS:
        return check("disk_count", "fail", "the master target has %d disks and the machine brings %d: %d is more than %d; use another master target"
                     % (count, incoming, total, MAX_DISKS))
    extra = " (%d with the machine's %d)" % (total, incoming) if incoming else ""
    return check("disk_count", "pass", "%d disk%s%s, at most %d" % (count, "" if count == 1 else "s", extra, MAX_DISKS))


def check_snapshots(names):
    if names:
        return check("snapshots", "fail", "the master target has %d snapshot%s (%s): delete them (consolidate the disks) before reprotecting"
                     % (len(names), "" if len(names) == 1 else "s", ", ".join(names)))
    return check("snapshots", "pass", "no snapshots")


def check_disk_uuids(disks, uuids_elsewhere):
    """``disks``: [{label, uuid}] of the master target; ``uuids_elsewhere``: {uuid (lower case): [other VMs' names]}."""
    missing = [d["label"] for d in disks if not d.get("uuid")]
    shared = {}
    for disk in disks:
        if disk.get("uuid"):
            others = uuids_elsewhere.get(disk["uuid"].lower())
            if others:
                shared[disk["label"]] = (disk["uuid"], sorted(others))
    if shared:
        text = "; ".join("%s (%s) with %s" % (label, uuid, ", ".join(names)) for label, (uuid, names) in sorted(shared.items()))
        return check("disk_uuid_unique", "fail", "disk UUIDs shared with other VMs (cloned from the same template?): %s; give the master target "
                     "disks of its own (a new VM, or new disk UUIDs) before reprotecting" % text)
    if missing:
        return check("disk_uuid_unique", "warn", "vSphere reports no UUID for %s: uniqueness not checked" % ", ".join(missing))
    return check("disk_uuid_unique", "pass", "no other VM shares the master target's %d disk UUID%s" % (len(disks), "" if len(disks) == 1 else "s"))


# ---- datastores -------------------------------------------------------------------------------

def usable(row):
    """Can failback write to this datastore (a host's mount, as the client reads it)?"""
    return bool(row.get("mounted") and row.get("accessible") and row.get("access_mode") == "readWrite"
                and (row.get("type") or "").lower() in SUPPORTED_DATASTORE_TYPES)


def _row(name, rows):
    return next((r for r in rows if r["name"] == name), None) or next((r for r in rows if r["name"].lower() == name.lower()), None)


def check_datastore(name, host, rows):
    """Two checks of the target datastore on the master target's ESXi ``host``: its type, and a read-write mount."""
    row = _row(name, rows)
    if row is None:
        names = ", ".join(r["name"] for r in rows if usable(r)) or "none"
        reason = "datastore %s is not mounted on %s, the master target's host; it can write: %s" % (name, host, names)
        return [check("datastore_type", "warn", "datastore %s is not seen from %s: its type is not known" % (name, host)),
                check("datastore_writable", "fail", reason)]
    kind = row.get("type") or "unknown"
    if kind.lower() in SUPPORTED_DATASTORE_TYPES:
        type_check = check("datastore_type", "pass", "datastore %s is %s" % (row["name"], kind))
    else:
        type_check = check("datastore_type", "fail", "datastore %s is %s: failback supports only VMFS and vSAN datastores; choose another (%s)"
                           % (row["name"], kind, ", ".join(r["name"] for r in rows if usable(r)) or "none on this host"))
    if not row.get("mounted"):
        writable = check("datastore_writable", "fail", "datastore %s is unmounted on %s: mount it, or move the master target" % (row["name"], host))
    elif not row.get("accessible"):
        writable = check("datastore_writable", "fail", "datastore %s is not accessible from %s" % (row["name"], host))
    elif row.get("access_mode") != "readWrite":
        writable = check("datastore_writable", "fail", "datastore %s is mounted %s on %s: the master target's host must mount it read-write"
                         % (row["name"], row.get("access_mode"), host))
    else:
        writable = check("datastore_writable", "pass", "datastore %s is mounted read-write on %s" % (row["name"], host))
    return [type_check, writable]


def check_asr_datastore(name, asr_datastores, master_name):
    """The datastore must be one ASR's master target record lists: its symbolic name is the reprotect's datastoreName."""
    for wanted in (name, name.lower()):
        for store in asr_datastores:
            symbolic = store.get("name") or ""
            if symbolic == wanted or symbolic.lower() == wanted:
                return check("datastore_in_asr", "pass", "ASR lists datastore %s for master target %s" % (symbolic, master_name)), symbolic
    names = ", ".join(s.get("name") or "?" for s in asr_datastores) or "none"
    return check("datastore_in_asr", "fail", "ASR's record of master target %s does not list datastore %s (it lists: %s): refresh the configuration "
                 "server in the portal after the master target's host can see it" % (master_name, name, names)), None


def _drive_key(name):
    return (name or "").strip().rstrip("\\").rstrip(":").lower()


def check_retention(volumes, wanted, required_gb, master_name):
    """The retention volume (``wanted``, or the first one) and its free space; returns (check, the volume's name or None)."""
    if not volumes:
        return check("retention_volume", "fail", "ASR reports no retention volume on master target %s: add one (Windows: a drive such as R; "
                     "Linux: /mnt/retention)" % master_name), None
    volume = volumes[0] if not wanted else next((v for v in volumes if _drive_key(v.get("name")) == _drive_key(wanted)), None)
    if volume is None:
        return check("retention_volume", "fail", "master target %s has no retention volume %s; it has: %s"
                     % (master_name, wanted, ", ".join(v.get("name") or "?" for v in volumes))), None
    name = volume.get("name")
    free = volume.get("free_bytes")
    capacity = volume.get("capacity_bytes")
    threshold = volume.get("threshold_percentage")
    if free is None:
        return check("retention_volume", "warn", "ASR reports no free space for retention volume %s: not checked" % name), name
    free_gb = free / float(GIB)
    if threshold and capacity and 100.0 * free / capacity < float(threshold):
        return check("retention_volume", "fail", "retention volume %s has %.0f%% free, below its %s%% threshold: free space on it"
                     % (name, 100.0 * free / capacity, threshold)), name
    if required_gb and free_gb < required_gb:
        return check("retention_volume", "fail", "retention volume %s has %.1f GB free, less than the %s GB required: free space or choose another volume"
                     % (name, free_gb, required_gb)), name
    if not required_gb:
        return check("retention_volume", "warn", "retention volume %s has %.1f GB free; the space required was not checked (set required_retention_gb)"
                     % (name, free_gb)), name
    return check("retention_volume", "pass", "retention volume %s has %.1f GB free, at least the %s GB required" % (name, free_gb, required_gb)), name


# ---- ASR's record -----------------------------------------------------------------------------

def _norm(name):
    return (name or "").strip().lower().split(".")[0]


def match_record(records, vm_name, host_name=None, ip_addresses=()):
    """ASR's master target record for a VM: by name, then the guest's host name, then an IP address; None when none matches."""
    for key in (vm_name, host_name):
        if key:
            found = [r for r in records if _norm(r.get("name")) == _norm(key)]
            if len(found) == 1:
                return found[0]
    addresses = {a for a in ip_addresses or () if a}
    found = [r for r in records if r.get("ip_address") in addresses]
    return found[0] if len(found) == 1 else None


def check_heartbeat(last_heartbeat, now, max_age_minutes):
    moment = parse_time(last_heartbeat)
    if moment is None:
        return check("asr_heartbeat", "fail", "ASR has no heartbeat from the master target: check its agent (Microsoft Azure Site Recovery "
                     "services) and its connection to the configuration server")
    age = (now - moment).total_seconds() / 60.0
    if age > max_age_minutes:
        return check("asr_heartbeat", "fail", "ASR's last heartbeat from the master target is %.0f minutes old (%s), more than %s: check the "
                     "master target's agent and its connection to the configuration server" % (age, last_heartbeat, max_age_minutes))
    return check("asr_heartbeat", "pass", "last heartbeat %.0f minutes ago" % max(age, 0.0))


def check_version(version_status, version=None):
    if not version_status:
        return check("asr_version", "warn", "ASR reports no version status for the master target's agent (%s)" % (version or "version unknown"))
    if version_status.lower() in GOOD_VERSION_STATUS:
        return check("asr_version", "pass", "agent %s: %s" % (version or "version unknown", version_status))
    return check("asr_version", "fail", "the master target's agent %s is %s: update it to a supported version" % (version or "", version_status))


def check_health_errors(health_errors, validation_errors=()):
    problems = list(health_errors or []) + list(validation_errors or [])
    if not problems:
        return check("asr_health_errors", "pass", "no health or validation errors")
    errors = [p for p in problems if (p.get("severity") or "Error").lower() not in ("warning", "info", "none")]
    text = "; ".join("%s%s%s" % (p.get("code") and "%s: " % p["code"] or "", p.get("message") or "no message",
                                 p.get("recommended_action") and " (%s)" % p["recommended_action"] or "") for p in problems)
    return check("asr_health_errors", "fail" if errors else "warn", "ASR reports on the master target: %s" % text)


# ---- preparation ------------------------------------------------------------------------------

def sdrs_change(pod):
    """What the Storage DRS VM override of the master target in one datastore cluster must become.

    ``pod``: {"datastore_cluster", "sdrs_enabled", "default_behavior", "override": None or {"enabled", "behavior"}}.
    Returns None when the override disables automation already, else "add" or "edit".
    """
    override = pod.get("override")
    if override is None:
        return "add"
    return None if override.get("enabled") is False else "edit"


def drs_change(current, behavior):
    """The DRS VM override change for ``behavior`` (manual, partiallyAutomated, fullyAutomated or disabled): None, "add" or "edit"."""
    wanted = dict(enabled=behavior != "disabled", behavior=None if behavior == "disabled" else behavior)
    override = current.get("override")
    if override is None:
        return "add"
    if override.get("enabled") is not wanted["enabled"]:
        return "edit"
    if wanted["enabled"] and override.get("behavior") != wanted["behavior"]:
        return "edit"
    return None


def check_storage_drs(pods, outcome):
    """The ``storage_drs`` check: the master target is kept out of Storage DRS, or cannot be moved by it.

    ``outcome`` says what became of the overrides still needed: "applied", "check_mode" (would be applied),
    "held" (wanted, but not applied because another check failed) or "off" (storage_drs_override is false).
    """
    if not pods:
        return check("storage_drs", "pass", "the master target's disks are in no datastore cluster: Storage DRS does not move them")
    pending = [p["datastore_cluster"] for p in pods if sdrs_change(p)]
    if not pending:
        return check("storage_drs", "pass", "Storage DRS automation is disabled for the master target in %s" % ", ".join(p["datastore_cluster"] for p in pods))
    where = ", ".join(pending)
    if outcome == "applied":
        return check("storage_drs", "pass", "Storage DRS automation for the master target is disabled now in %s (a VM override)" % where)
    if outcome == "check_mode":
        return check("storage_drs", "pass", "Storage DRS automation for the master target would be disabled in %s (a VM override; check mode)" % where)
    if outcome == "held":
        return check("storage_drs", "warn", "Storage DRS automation for the master target was not disabled in %s because other checks failed" % where)
    active = [p["datastore_cluster"] for p in pods if sdrs_change(p) and p.get("sdrs_enabled")]
    if active:
        return check("storage_drs", "warn", "Storage DRS may move the master target's disks in %s: set storage_drs_override (a VM override with "
                     "automation disabled)" % ", ".join(active))
    return check("storage_drs", "pass", "Storage DRS is off in %s and no override was asked" % where)
