# -*- coding: utf-8 -*-
"""The master target rules (_master_target_checks) as tables: plain values in, checks out."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.siterecovery.vmware.plugins.module_utils import _master_target_checks as rules
from ansible_collections.siterecovery.vmware.plugins.module_utils._fabric_facts import master_target

NOW = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.timezone.utc)


@pytest.mark.parametrize("text, os_type, guest_id, family, distro, version, at_least", [
    ("Windows Server 2019 Datacenter", "Windows", None, "windows", "windows server", (2019, 0), False),
    ("Windows Server 2012 R2 Standard", None, None, "windows", "windows server", (2012, 2), False),
    ("Microsoft Windows Server 2016 or later (64-bit)", None, None, "windows", "windows server", (2016, 0), True),
    ("Microsoft Windows 10 (64-bit)", None, None, "windows", "windows client", (10, 0), False),
    ("RHEL 8.6", "Linux", None, "linux", "rhel", (8, 6), False),
    ("Red Hat Enterprise Linux 8 (64-bit)", None, None, "linux", "rhel", (8, 0), False),
    ("CentOS 7.9", None, None, "linux", "centos", (7, 9), False),
    ("Ubuntu 20.04 LTS", None, None, "linux", "ubuntu", (20, 4), False),
    ("SUSE Linux Enterprise Server 12 SP3", None, None, "linux", "sles", (12, 3), False),
    ("OL7.9", None, None, "linux", "oracle", (7, 9), False),
    ("Other 3.x or later Linux (64-bit)", None, None, "linux", None, None, True),
    (None, None, "windows2019srv_64Guest", "windows", "windows server", (2019, 0), False),
    (None, None, "windows9Server64Guest", "windows", "windows server", (2016, 0), True),
    (None, None, "rhel9_64Guest", "linux", "rhel", (9, 0), False),
    ("", "Linux", None, "linux", None, None, False),
    (None, None, None, None, None, None, False),
])
def test_parse_os(text, os_type, guest_id, family, distro, version, at_least):
    parsed = rules.parse_os(text, os_type, guest_id)
    assert (parsed["family"], parsed["distro"], parsed["version"], parsed["at_least"]) == (family, distro, version, at_least)


def _os(text, os_type=None, guest_id=None):
    return rules.parse_os(text, os_type, guest_id)


@pytest.mark.parametrize("master, machine, status, fragment", [
    (_os("RHEL 8.6", "Linux"), _os("RHEL 8.6", "Linux"), "pass", "the same or a later version"),
    (_os("RHEL 9.2", "Linux"), _os("RHEL 8.6", "Linux"), "pass", "the same or a later version"),
    (_os("RHEL 8.4", "Linux"), _os("RHEL 8.6", "Linux"), "fail", "older than vm (RHEL 8.6)"),
    (_os("Windows Server 2016", "Windows"), _os("RHEL 8.6", "Linux"), "fail", "fails back only through a Linux master target"),
    (_os("RHEL 8.6", "Linux"), _os("Windows Server 2016", "Windows"), "fail", "fails back only through a Windows master target"),
    (_os("Windows Server 2016", "Windows"), _os("Windows Server 2019 Datacenter", "Windows"), "fail", "older than vm"),
    (_os("Windows Server 2022", "Windows"), _os("Windows Server 2012 R2", "Windows"), "pass", ""),
    (_os("Windows Server 2012", "Windows"), _os("Windows Server 2012 R2", "Windows"), "fail", "older"),
    (_os(None, guest_id="windows9Server64Guest"), _os("Windows Server 2019", "Windows"), "warn", "vSphere says only"),
    (_os("Ubuntu 20.04", "Linux"), _os("RHEL 8.6", "Linux"), "warn", "cannot be compared"),
    (_os("Windows Server 2019", "Windows"), _os(None, "Windows"), "warn", "cannot be compared"),
    (_os(None), _os("RHEL 8.6", "Linux"), "warn", "is not known"),
    (_os("RHEL 8.6", "Linux"), _os(None), "warn", "protected machine's OS is not known"),
])
def test_os_match(master, machine, status, fragment):
    result = rules.check_os("mt", master, "vm", machine)
    assert result["name"] == "os_match" and result["status"] == status and fragment in result["reason"]
    assert "vmware-azure-reprotect" in result["source"]


@pytest.mark.parametrize("controllers, status, fragment", [
    (["lsilogic-sas"], "pass", "lsilogic-sas"),
    (["lsilogic", "lsilogic-sas"], "pass", "controllers"),
    (["pvscsi"], "fail", "paravirtual"),
    (["lsilogic-sas", "pvscsi"], "fail", "paravirtual"),
    (["buslogic"], "fail", "buslogic"),
    ([], "fail", "no SCSI controller"),
])
def test_scsi_controller(controllers, status, fragment):
    result = rules.check_scsi(controllers)
    assert result["status"] == status and fragment in result["reason"]


@pytest.mark.parametrize("extra, status", [
    ({"disk.EnableUUID": "TRUE"}, "pass"),
    ({"disk.enableUUID": "true"}, "pass"),
    ({"disk.EnableUUID": "FALSE"}, "fail"),
    ({}, "fail"),
])
def test_disk_enable_uuid(extra, status):
    assert rules.check_enable_uuid(extra)["status"] == status


@pytest.mark.parametrize("power, tools, status, fragment", [
    ("poweredOn", "guestToolsRunning", "pass", "running"),
    ("poweredOn", "guestToolsNotRunning", "fail", "install or start them"),
    ("poweredOff", "guestToolsNotRunning", "fail", "power it on"),
    ("suspended", None, "fail", "suspended"),
])
def test_vmware_tools(power, tools, status, fragment):
    result = rules.check_tools(power, tools)
    assert result["status"] == status and fragment in result["reason"]


@pytest.mark.parametrize("count, incoming, status, fragment", [
    (2, None, "pass", "2 disks, at most 60"),
    (60, None, "pass", "60 disks"),
    (61, None, "fail", "more than 60"),
    (58, 2, "pass", "60 with the machine's 2"),
    (58, 3, "fail", "the machine brings 3"),
    (1, None, "pass", "1 disk,"),
])
def test_disk_count(count, incoming, status, fragment):
    result = rules.check_disk_count(count, incoming)
    assert result["status"] == status and fragment in result["reason"]


def test_snapshots():
    assert rules.check_snapshots([])["status"] == "pass"
    result = rules.check_snapshots(["before-patching", "child"])
    assert result["status"] == "fail" and "2 snapshots (before-patching, child)" in result["reason"]


@pytest.mark.parametrize("disks, elsewhere, status, fragment", [
    ([{"label": "Hard disk 1", "uuid": "AAA"}], {}, "pass", "1 disk UUID"),
    ([{"label": "Hard disk 1", "uuid": "AAA"}, {"label": "Hard disk 2", "uuid": "bbb"}], {"bbb": ["mt-02", "mt-03"]}, "fail",
     "Hard disk 2 (bbb) with mt-02, mt-03"),
    ([{"label": "Hard disk 1", "uuid": "AAA"}], {"aaa": ["clone"]}, "fail", "(AAA) with clone"),
    ([{"label": "Hard disk 1", "uuid": None}], {}, "warn", "no UUID for Hard disk 1"),
])
def test_disk_uuid_unique(disks, elsewhere, status, fragment):
    result = rules.check_disk_uuids(disks, elsewhere)
    assert result["status"] == status and fragment in result["reason"]


ROWS = [
    {"name": "ds-vmfs-01", "type": "VMFS", "access_mode": "readOnly", "mounted": True, "accessible": True},
    {"name": "ds-vmfs-02", "type": "VMFS", "access_mode": "readWrite", "mounted": True, "accessible": True},
    {"name": "ds-vsan-01", "type": "vsan", "access_mode": "readWrite", "mounted": True, "accessible": True},
    {"name": "ds-nfs-01", "type": "NFS", "access_mode": "readWrite", "mounted": True, "accessible": True},
    {"name": "ds-gone", "type": "VMFS", "access_mode": "readWrite", "mounted": False, "accessible": False},
    {"name": "ds-dead", "type": "VMFS", "access_mode": "readWrite", "mounted": True, "accessible": False},
]


@pytest.mark.parametrize("name, type_status, writable_status, fragment", [
    ("ds-vmfs-02", "pass", "pass", "mounted read-write on esx-03"),
    ("DS-VSAN-01", "pass", "pass", "ds-vsan-01 is mounted read-write"),
    ("ds-vmfs-01", "pass", "fail", "mounted readOnly on esx-03"),
    ("ds-nfs-01", "fail", "pass", "failback supports only VMFS and vSAN"),
    ("ds-gone", "pass", "fail", "unmounted on esx-03"),
    ("ds-dead", "pass", "fail", "not accessible from esx-03"),
    ("ds-other", "warn", "fail", "not mounted on esx-03, the master target's host; it can write: ds-vmfs-02, ds-vsan-01"),
])
def test_datastore(name, type_status, writable_status, fragment):
    type_check, writable = rules.check_datastore(name, "esx-03", ROWS)
    assert (type_check["status"], writable["status"]) == (type_status, writable_status)
    assert fragment in type_check["reason"] + " | " + writable["reason"]


def test_usable_datastores():
    assert [r["name"] for r in ROWS if rules.usable(r)] == ["ds-vmfs-02", "ds-vsan-01"]


def test_datastore_in_asr():
    stores = [{"name": "ds-vmfs-01"}, {"name": "DS-VMFS-02"}]
    result, symbolic = rules.check_asr_datastore("ds-vmfs-02", stores, "mt")
    assert result["status"] == "pass" and symbolic == "DS-VMFS-02"
    result, symbolic = rules.check_asr_datastore("ds-vsan-01", stores, "mt")
    assert result["status"] == "fail" and symbolic is None and "it lists: ds-vmfs-01, DS-VMFS-02" in result["reason"]


GB = 1024 ** 3
VOLUMES = [{"name": "E", "capacity_bytes": 200 * GB, "free_bytes": 180 * GB},
           {"name": "R:\\", "capacity_bytes": 100 * GB, "free_bytes": 5 * GB, "threshold_percentage": 10}]


@pytest.mark.parametrize("volumes, wanted, required, status, drive, fragment", [
    (VOLUMES, None, 100, "pass", "E", "180.0 GB free, at least the 100"),
    (VOLUMES, "e:", 100, "pass", "E", ""),
    (VOLUMES, None, 0, "warn", "E", "not checked (set required_retention_gb)"),
    (VOLUMES, None, 500, "fail", "E", "less than the 500 GB required"),
    (VOLUMES, "R", 1, "fail", "R:\\", "below its 10% threshold"),
    (VOLUMES, "F", 1, "fail", None, "has no retention volume F; it has: E, R:\\"),
    ([], None, 1, "fail", None, "no retention volume"),
    ([{"name": "/mnt/retention"}], "/mnt/retention", 10, "warn", "/mnt/retention", "no free space"),
])
def test_retention_volume(volumes, wanted, required, status, drive, fragment):
    result, name = rules.check_retention(volumes, wanted, required, "mt")
    assert (result["status"], name) == (status, drive) and fragment in result["reason"]


RECORDS = [{"name": "mt-win-01", "ip_address": "10.0.0.11"}, {"name": "MT-LIN-01.lab.local", "ip_address": "10.0.0.12"},
           {"name": "dup", "ip_address": "10.0.0.30"}, {"name": "dup", "ip_address": "10.0.0.31"}]


@pytest.mark.parametrize("vm_name, host_name, addresses, expected", [
    ("mt-win-01", None, (), "mt-win-01"),
    ("mt-lin-01", None, (), "MT-LIN-01.lab.local"),
    ("vm-renamed", "mt-win-01.lab.local", (), "mt-win-01"),
    ("vm-renamed", None, ("fe80::1", "10.0.0.12"), "MT-LIN-01.lab.local"),
    ("dup", None, (), None),
    ("nothing", "nothing", ("10.9.9.9",), None),
])
def test_match_record(vm_name, host_name, addresses, expected):
    found = rules.match_record(RECORDS, vm_name, host_name, addresses)
    assert (found or {}).get("name") == expected


@pytest.mark.parametrize("heartbeat, status, fragment", [
    ("2026-03-01T11:55:00.0000000Z", "pass", "5 minutes ago"),
    ("2026-03-01T11:00:00Z", "fail", "60 minutes old"),
    (None, "fail", "no heartbeat"),
    ("0001-01-01T00:00:00Z", "fail", "no heartbeat"),
])
def test_heartbeat(heartbeat, status, fragment):
    result = rules.check_heartbeat(heartbeat, NOW, 15)
    assert result["status"] == status and fragment in result["reason"]


@pytest.mark.parametrize("version_status, status", [("Supported", "pass"), ("Deprecated", "fail"), ("UpdateRequired", "fail"), (None, "warn")])
def test_version_status(version_status, status):
    assert rules.check_version(version_status, "9.62")["status"] == status


def test_health_errors_from_asr_record():
    record = master_target({"name": "mt", "healthErrors": [{"errorCode": "78140", "errorMessage": "Services stopped.", "errorLevel": "Error",
                                                            "recommendedAction": "Start them."}],
                            "validationErrors": [{"errorCode": "1", "errorMessage": "Low space.", "errorLevel": "Warning"}]})
    result = rules.check_health_errors(record["health_errors"], record["validation_errors"])
    assert result["status"] == "fail" and "78140: Services stopped. (Start them.); 1: Low space." in result["reason"]
    assert rules.check_health_errors([], record["validation_errors"])["status"] == "warn"
    assert rules.check_health_errors([], [])["status"] == "pass"


@pytest.mark.parametrize("override, change", [(None, "add"), ({"enabled": True, "behavior": "automated"}, "edit"),
                                              ({"enabled": False, "behavior": None}, None)])
def test_storage_drs_change(override, change):
    assert rules.sdrs_change({"datastore_cluster": "dsc", "override": override}) == change


@pytest.mark.parametrize("override, behavior, change", [
    (None, "manual", "add"),
    ({"enabled": True, "behavior": "manual"}, "manual", None),
    ({"enabled": True, "behavior": "fullyAutomated"}, "manual", "edit"),
    ({"enabled": True, "behavior": "manual"}, "disabled", "edit"),
    ({"enabled": False, "behavior": None}, "disabled", None),
])
def test_drs_change(override, behavior, change):
    assert rules.drs_change({"override": override}, behavior) == change


POD = {"datastore_cluster": "dsc-lab", "sdrs_enabled": True, "override": None}


@pytest.mark.parametrize("pods, outcome, status, fragment", [
    ([], "applied", "pass", "in no datastore cluster"),
    ([dict(POD, override={"enabled": False})], "off", "pass", "is disabled for the master target in dsc-lab"),
    ([POD], "applied", "pass", "disabled now in dsc-lab"),
    ([POD], "check_mode", "pass", "would be disabled"),
    ([POD], "held", "warn", "because other checks failed"),
    ([POD], "off", "warn", "set storage_drs_override"),
    ([dict(POD, sdrs_enabled=False)], "off", "pass", "Storage DRS is off in dsc-lab"),
])
def test_storage_drs_check(pods, outcome, status, fragment):
    result = rules.check_storage_drs(pods, outcome)
    assert result["status"] == status and fragment in result["reason"]


def test_summary_worst_and_shape():
    checks = [rules.check("vm_found", "pass", "ok"), rules.check("snapshots", "fail", "no"), rules.check("storage_drs", "warn", "hm")]
    assert rules.summary(checks) == {"pass": 1, "warn": 1, "fail": 1}
    assert rules.worst(checks) == "fail" and rules.worst(checks[:1]) == "pass" and rules.worst([]) == "pass"
    assert [c["name"] for c in rules.failed(checks)] == ["snapshots"]
    assert set(checks[0]) == {"name", "status", "reason", "source"} and checks[0]["source"]
    assert all(rules.SOURCES.values())
