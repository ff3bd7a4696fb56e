# -*- coding: utf-8 -*-
"""The preflight rules as tables: for each rule, contexts built from the recorded items with one thing changed,
the status it must give and a fragment of its reason. docs/preflight.md is checked against the rule table."""

from __future__ import annotations

import copy
import datetime
import pathlib

import pytest

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_items import item_facts
from ansible_collections.siterecovery.vmware.plugins.module_utils._preflight import (
    EVALUATORS,
    default_before,
    evaluate,
    machine_facts,
    parse_time,
    rules_for,
    rules_markdown,
    sku_facts,
    static_ip_problem,
    summarize,
    usage_facts,
    version_tuple,
)
from ansible_collections.siterecovery.vmware.plugins.module_utils._preflight_rules import GIB, RULES

ROOT = pathlib.Path(__file__).resolve().parents[4]
NOW = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=datetime.timezone.utc)
LOCATION = "westeurope"


def iso(minutes_ago):
    return (NOW - datetime.timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M:%S.%f0Z")


def sku(name="Standard_F2s_v2", vcpus=2, disks=4, nics=2, generations="V1,V2", family="standardFSv2Family", restrictions=()):
    return sku_facts({"resourceType": "virtualMachines", "name": name, "family": family, "restrictions": list(restrictions),
                      "capabilities": [{"name": "vCPUs", "value": str(vcpus)}, {"name": "MaxDataDiskCount", "value": str(disks)},
                                       {"name": "MaxNetworkInterfaces", "value": str(nics)}, {"name": "HyperVGenerations", "value": generations}]},
                     LOCATION)


def network(prefix="10.10.0.0/24"):
    return {"name": "PwsTestNw", "properties": {"subnets": [{"name": "subnet1", "properties": {"addressPrefix": prefix}}]}}


@pytest.fixture
def failover(recording):
    """A classic item replicating to Azure (the recorded InMageAzureV2 one), with a region where everything fits."""
    item = recording("classic_item_inmageazurev2.json")
    return dict(before="failover", facts=item_facts(item), machine=machine_facts(item), now=NOW, rpo_threshold=30,
                points=dict(count=288, latest=dict(time=iso(4))), location=LOCATION, target_size="Standard_F2s_v2", sku=sku(),
                usages=usage_facts([{"name": {"value": "cores"}, "currentValue": 10, "limit": 100},
                                    {"name": {"value": "standardFSv2Family"}, "currentValue": 4, "limit": 20}]),
                network=network(), ip_available=None)


@pytest.fixture
def failback(recording):
    """A modernized item replicating back to on-premises (the recorded InMageRcmFailback one), its VM and vCenter in order."""
    item = recording("rcm_failback_item.json")
    facts = item_facts(item)
    facts["health_errors"] = []
    machine = machine_facts(item)
    machine["agent_registered"] = True
    return dict(before="failback", facts=facts, machine=machine, now=NOW, rpo_threshold=30, points=dict(count=12, latest=dict(time=iso(6))),
                azure_vm=dict(id=machine["azure_vm_id"], name="Rcm-W2K19-152", exists=True, power="VM running"),
                vcenters=[dict(name="vcenter67", ip_address="10.150.208.5", discovery_status="Completed", last_heartbeat=iso(10), health_errors=[])])


def check(ctx, name):
    [found] = [c for c in evaluate(ctx) if c["name"] == name]
    return found


def setin(path, value):
    """A change to a context: set ctx[path[0]][path[1]]... = value."""
    def change(ctx):
        target = ctx
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


def disks(*sizes_gb, os_index=0):
    return setin(("machine", "disks"), [dict(name="d%d" % i, capacity_bytes=int(s * GIB), os_disk=i == os_index) for i, s in enumerate(sizes_gb)])


def nothing(_ctx):
    pass


FAILOVER_TABLE = [
    ("running_in", nothing, "pass", "runs on-premises"),
    ("running_in", setin(("facts", "running_in"), "azure"), "fail", "nothing to fail over"),
    ("running_in", setin(("facts", "running_in"), None), "fail", "does not tell where"),
    ("operation_allowed", nothing, "pass", "allows UnplannedFailover"),
    ("operation_allowed", setin(("facts", "allowed_operations"), ["DisableProtection"]), "fail", "it allows: DisableProtection"),
    ("operation_allowed", setin(("facts", "current_job"), dict(id="j1", scenario="Reprotect")), "fail", "job j1 (Reprotect) is running"),
    ("operation_allowed", setin(("facts", "provider"), "InMage"), "fail", "would be the failback, not a failover"),
    ("replication_health", nothing, "pass", "Normal"),
    ("replication_health", setin(("facts", "replication_health"), "Warning"), "warn", "Warning"),
    ("replication_health", lambda c: c["facts"].update(replication_health="Critical", health_errors=[dict(code="78026", message="RPO exceeded")]),
     "fail", "Critical: 78026 RPO exceeded"),
    ("replication_health", setin(("facts", "replication_health"), None), "warn", "does not report"),
    ("resync_required", nothing, "pass", "no resynchronisation"),
    ("resync_required", setin(("facts", "resync_required"), True), "fail", "asr_resync"),
    ("recovery_point", nothing, "pass", "288 recovery points"),
    ("recovery_point", setin(("points",), dict(count=0, latest=None)), "fail", "no recovery point"),
    ("rpo", nothing, "pass", "4 minutes old (threshold 30)"),
    ("rpo", setin(("points", "latest", "time"), iso(45)), "warn", "45 minutes old, over the 30-minute threshold"),
    ("rpo", setin(("rpo_threshold",), 60), "pass", "threshold 60"),
    ("rpo", setin(("points",), dict(count=0, latest=None)), "warn", "no recovery point"),
    ("vm_name", nothing, "pass", "'V2A-W2K16-201' is valid"),
    ("vm_name", setin(("facts", "recovery_vm", "name"), "vm_web.01"), "fail", "letters, digits and hyphens"),
    ("vm_name", setin(("facts", "recovery_vm", "name"), "vm-"), "fail", "breaks Azure's rule"),
    ("vm_name", setin(("facts", "recovery_vm", "name"), "v" * 64), "fail", "1 to 63"),
    ("vm_name", setin(("facts", "recovery_vm", "name"), "v" * 63), "pass", "is valid"),
    ("vm_name", setin(("facts", "recovery_vm", "name"), None), "fail", "no recovery VM name"),
    ("os_architecture", nothing, "pass", "not a 32-bit system"),
    ("os_architecture", setin(("machine", "os_name"), "Windows 10 (32-bit)"), "fail", "only 64-bit"),
    ("os_architecture", setin(("machine", "os_name"), None), "warn", "does not name"),
    ("os_supported", nothing, "pass", "supported operating system"),
    ("os_supported", setin(("machine", "os_name"), "Red Hat Enterprise Linux 8.6"), "pass", "supported"),
    ("os_supported", setin(("machine", "os_name"), "Windows Server 2008 Standard SP2"), "fail", "migration only"),
    ("os_supported", setin(("machine", "os_name"), "Windows Server 2003"), "fail", "not supported"),
    ("os_supported", setin(("machine", "os_name"), "FreeBSD 13"), "warn", "not a name the preflight knows"),
    ("os_supported", setin(("machine", "os_name"), None), "warn", "does not name"),
    ("os_disk_count", nothing, "pass", "one OS disk"),
    ("os_disk_count", disks(30, 5, os_index=9), "fail", "0 disks are marked as OS disks"),
    ("os_disk_count", setin(("machine", "disks"), []), "warn", "no protected disk"),
    ("os_disk_size", nothing, "pass", "30 GB (limit 4095 GB for UEFI)"),
    ("os_disk_size", disks(4096, 5), "fail", "over the 4095 GB"),
    ("os_disk_size", lambda c: (disks(2049, 5)(c), c["machine"].update(firmware="BIOS")), "fail", "over the 2048 GB a BIOS"),
    ("os_disk_size", lambda c: (disks(2049, 5)(c), c["machine"].update(firmware=None)), "fail", "generation 1 assumed"),
    ("os_disk_size", disks(2048, 5), "pass", "2048 GB"),
    ("data_disk_size", nothing, "pass", "1 data disks"),
    ("data_disk_size", disks(30, 32768), "fail", "d1 (32768.0 GB)"),
    ("data_disk_size", disks(30, 0.5), "fail", "d1 (0.5 GB)"),
    ("data_disk_size", disks(30, 32767), "pass", "within 1 GB to 32767 GB"),
    ("data_disk_count", nothing, "pass", "1 data disks, within the 4 of size Standard_F2s_v2"),
    ("data_disk_count", disks(30, 5, 5, 5, 5, 5), "fail", "5 data disks, more than size Standard_F2s_v2 attaches (4)"),
    ("data_disk_count", lambda c: (disks(*([30] + [5] * 65))(c), c.update(sku=sku(disks=128))), "fail", "more than Site Recovery attaches (64)"),
    ("data_disk_count", setin(("sku",), None), "pass", "its own limit is not checked"),
    ("nic_count", nothing, "pass", "1 network adapters, within the 2"),
    ("nic_count", setin(("machine", "nic_count"), 3), "fail", "3 network adapters, more than size Standard_F2s_v2 takes (2)"),
    ("nic_count", setin(("sku",), None), "warn", "not known in the region"),
    ("boot_firmware", nothing, "pass", "offers generation 2"),
    ("boot_firmware", setin(("sku",), sku(generations="V1")), "fail", "offers only V1"),
    ("boot_firmware", setin(("machine", "os_name"), "Windows Server 2008 R2 Datacenter"), "fail", "with UEFI boot is not supported"),
    ("boot_firmware", setin(("machine", "firmware"), "BIOS"), "pass", "BIOS boot"),
    ("boot_firmware", setin(("machine", "firmware"), None), "pass", "generation 1 (BIOS) assumed"),
    ("boot_firmware", setin(("sku",), None), "warn", "not known in the region"),
    ("target_size_offered", nothing, "pass", "Standard_F2s_v2 is offered in westeurope (2 vCPUs, family standardFSv2Family)"),
    ("target_size_offered", setin(("sku",), None), "fail", "not offered in westeurope"),
    ("target_size_offered", setin(("sku",), sku(restrictions=[dict(type="Location", values=["westeurope"], reasonCode="NotAvailableForSubscription")])),
     "fail", "restricted for this subscription in westeurope: NotAvailableForSubscription"),
    ("target_size_offered", setin(("sku",), sku(restrictions=[dict(type="Zone", values=["westeurope"], reasonCode="NotAvailableForSubscription")])),
     "pass", "is offered"),
    ("target_size_offered", setin(("target_size",), None), "fail", "no target VM size"),
    ("quota_family", nothing, "pass", "16 of 20 vCPUs left"),
    ("quota_family", setin(("usages", "standardFSv2Family", "current"), 19), "fail", "19 of 20 vCPUs used in westeurope, 1 left, size Standard_F2s_v2 needs 2"),
    ("quota_family", setin(("usages", "standardFSv2Family", "limit"), 0), "fail", "0 left"),
    ("quota_family", setin(("usages", "standardFSv2Family", "current"), 18), "pass", "2 of 20 vCPUs left"),
    ("quota_family", lambda c: c["usages"].pop("standardFSv2Family"), "warn", "reports no vCPU quota of family"),
    ("quota_family", setin(("sku",), None), "fail", "not offered"),
    ("quota_regional", nothing, "pass", "90 of 100 vCPUs left"),
    ("quota_regional", setin(("usages", "cores", "current"), 99), "fail", "total regional vCPU quota: 99 of 100 vCPUs used"),
    ("target_network", nothing, "pass", "PwsTestNw exists"),
    ("target_network", setin(("network",), None), "fail", "does not exist"),
    ("target_network", setin(("facts", "recovery_vm", "network_id"), None), "fail", "no target network"),
    ("target_subnet", nothing, "pass", "subnet subnet1 (10.10.0.0/24) is in network PwsTestNw"),
    ("target_subnet", setin(("facts", "recovery_vm", "subnet"), "app"), "fail", "subnet app is not in network PwsTestNw; its subnets: subnet1"),
    ("target_subnet", setin(("network",), None), "fail", "the target network does not"),
    ("target_subnet", setin(("facts", "recovery_vm", "subnet"), None), "fail", "no target subnet"),
    ("static_ip", nothing, "pass", "dynamic address"),
    ("static_ip", setin(("facts", "recovery_vm", "static_ip"), "10.10.0.20"), "pass", "10.10.0.20 is in subnet subnet1 (10.10.0.0/24) and free"),
    ("static_ip", setin(("facts", "recovery_vm", "static_ip"), "10.10.1.20"), "fail", "not in the subnet's range"),
    ("static_ip", setin(("facts", "recovery_vm", "static_ip"), "10.10.0.3"), "fail", "Azure reserves"),
    ("static_ip", setin(("facts", "recovery_vm", "static_ip"), "10.10.0.255"), "fail", "Azure reserves"),
    ("static_ip", setin(("facts", "recovery_vm", "static_ip"), "ten"), "fail", "does not appear to be an IPv4 or IPv6 address"),
    ("static_ip", lambda c: c.update(ip_available=False) or c["facts"]["recovery_vm"].update(static_ip="10.10.0.20"), "fail", "already in use"),
    ("static_ip", lambda c: c["facts"]["recovery_vm"].update(static_ip="10.10.0.20", subnet="app"), "fail", "subnet app is not in the target"),
    ("failover_time_agent", nothing, "pass", "Mobility service 9.41.0.0"),
    ("failover_time_agent", setin(("machine", "agent_version"), "9.7.1.0"), "warn", "older than 9.8"),
    ("failover_time_agent", setin(("machine", "agent_version"), "9.8.0.0"), "pass", "9.8.0.0"),
    ("failover_time_agent", setin(("machine", "agent_version"), None), "pass", "does not give"),
    ("failover_time_physical", nothing, "pass", "not a physical server"),
    ("failover_time_physical", setin(("machine", "physical"), True), "warn", "a physical server"),
    ("failover_time_physical", setin(("machine", "physical"), None), "pass", "does not say"),
    ("failover_time_linux", nothing, "pass", "not a Linux machine (Windows)"),
    ("failover_time_linux", setin(("machine", "os_type"), "Linux"), "warn", "a Linux machine"),
    ("vcenter_reachable", nothing, None, "no vSphere options: no check"),
    # vSphere options given (VMWARE_HOST) to a check that does not use them: said, not silent, and no login is tried.
    ("vcenter_reachable", setin(("vsphere",), dict(hostname="vc01")), "pass",
     "not checked: a failover to Azure does not use the vCenter, so the vSphere options (hostname vc01) are not used here"),
]

FAILBACK_TABLE = [
    ("running_in", nothing, "pass", "runs in Azure"),
    ("running_in", setin(("facts", "running_in"), "onprem"), "fail", "nothing to fail back"),
    ("operation_allowed", nothing, "pass", "allows PlannedFailover"),
    ("operation_allowed", setin(("facts", "allowed_operations"), ["DisableProtection"]), "fail", "does not allow the failback"),
    ("operation_allowed", lambda c: c["facts"].update(provider="InMage", allowed_operations=["UnplannedFailover"]), "pass", "allows UnplannedFailover"),
    ("operation_allowed", lambda c: c["facts"].update(provider="InMageRcm", allowed_operations=["SwitchProtection"]), "pass",
     "allows SwitchProtection for the reprotect"),
    ("reprotected", nothing, "pass", "replicates back to on-premises"),
    ("reprotected", setin(("facts", "provider"), "InMageRcm"), "warn", "reprotect it to on-premises"),
    ("reprotected", setin(("facts", "running_in"), "onprem"), "fail", "runs on-premises"),
    ("replication_health", setin(("facts", "replication_health"), "Critical"), "fail", "Critical"),
    ("resync_required", setin(("facts", "resync_required"), True), "fail", "resynchronisation"),
    ("recovery_point", nothing, "pass", "12 recovery points"),
    ("recovery_point", setin(("points",), dict(count=0, latest=None)), "fail", "failback cannot start"),
    ("recovery_point", setin(("facts", "provider"), "InMageRcm"), "warn", "only once the reprotect"),
    ("rpo", nothing, "pass", "6 minutes old"),
    ("rpo", setin(("points", "latest", "time"), iso(31)), "warn", "over the 30-minute threshold: the failback loses"),
    ("rpo", setin(("facts", "provider"), "InMageRcm"), "pass", "not applicable"),
    ("azure_vm_exists", nothing, "pass", "Rcm-W2K19-152 exists (VM running)"),
    ("azure_vm_exists", setin(("azure_vm", "exists"), False), "fail", "no longer exists"),
    ("azure_vm_exists", lambda c: c.update(azure_vm=None) or c["facts"].update(running_in="onprem"), "fail", "no Azure VM to fail back from"),
    ("azure_vm_exists", lambda c: c.update(azure_vm=None) or c["machine"].update(last_heartbeat=iso(3)), "pass", "heartbeat 3 minutes ago"),
    ("azure_vm_exists", lambda c: c.update(azure_vm=None) or c["machine"].update(last_heartbeat=iso(90)), "warn", "check that it still exists"),
    ("vcenter_connected", nothing, "pass", "vcenter67 (10.150.208.5, discovery Completed)"),
    ("vcenter_connected", setin(("vcenters",), []), "fail", "knows no vCenter"),
    ("vcenter_connected", setin(("vcenters", 0, "last_heartbeat"), iso(61)), "fail", "vcenter67: no heartbeat since"),
    ("vcenter_connected", setin(("vcenters", 0, "health_errors"), [dict(severity="Error", message="vCenter unreachable")]), "fail",
     "vcenter67: vCenter unreachable"),
    ("vcenter_connected", setin(("vcenters", 0, "health_errors"), [dict(severity="Warning", message="slow")]), "pass", "connected"),
    ("vcenter_connected", lambda c: c["vcenters"].append(dict(name="other", last_heartbeat=None, health_errors=[])), "pass", "vcenter67"),
    ("vcenter_reachable", nothing, None, "no vSphere options: no check"),
    ("vcenter_reachable", setin(("vsphere",), dict(hostname="vc01", about=dict(api_type="VirtualCenter", name="VMware vCenter Server 8.0.2"))),
     "pass", "logged in to vCenter vc01 (VMware vCenter Server 8.0.2)"),
    ("vcenter_reachable", setin(("vsphere",), dict(hostname="vc01", error="vSphere: cannot reach vc01:443: timed out")), "fail",
     "cannot use vCenter vc01: vSphere: cannot reach"),
    ("vcenter_reachable", setin(("vsphere",), dict(hostname="esx01", about=dict(api_type="HostAgent", name="VMware ESXi 8.0"))), "fail",
     "standalone ESXi host"),
    ("agent_registered", nothing, "pass", "registered"),
    ("agent_registered", setin(("machine", "agent_registered"), False), "fail", "has not registered"),
    ("agent_registered", setin(("facts", "health_errors"), [dict(code="150273", message="m")]), "fail", "health error 150273"),
    ("agent_registered", setin(("machine", "agent_registered"), None), "pass", "no registration error reported"),
    ("failback_windows_2008_physical", nothing, "pass", "not Windows Server 2008 R2"),
    ("failback_windows_2008_physical", lambda c: c["machine"].update(os_name="Windows Server 2008 R2 SP1", physical=True), "fail", "cannot fail back"),
    ("failback_windows_2008_physical", setin(("machine", "os_name"), "Windows Server 2008 R2 SP1"), "warn", "if it was a physical server"),
    ("failback_windows_2008_physical", lambda c: c["machine"].update(os_name="Windows Server 2008 R2 SP1", physical=False), "pass", "VMware VM"),
]


@pytest.mark.parametrize("name, change, status, fragment", FAILOVER_TABLE)
def test_failover_rules(failover, name, change, status, fragment):
    ctx = copy.deepcopy(failover)
    change(ctx)
    if status is None:  # an optional rule without its input
        assert name not in [c["name"] for c in evaluate(ctx)] and [r for r in RULES if r["name"] == name][0].get("optional")
        return
    found = check(ctx, name)
    assert (found["status"], fragment in found["reason"]) == (status, True), found["reason"]
    assert found["source"] == [r for r in RULES if r["name"] == name][0]["source"]


@pytest.mark.parametrize("name, change, status, fragment", FAILBACK_TABLE)
def test_failback_rules(failback, name, change, status, fragment):
    ctx = copy.deepcopy(failback)
    change(ctx)
    if status is None:  # an optional rule without its input
        assert name not in [c["name"] for c in evaluate(ctx)] and [r for r in RULES if r["name"] == name][0].get("optional")
        return
    found = check(ctx, name)
    assert (found["status"], fragment in found["reason"]) == (status, True), found["reason"]


def test_every_checked_rule_has_a_table_row_and_an_evaluator():
    observable = {r["name"] for r in RULES if r["observable"]}
    assert observable == set(EVALUATORS)
    tested = {(row[0], before) for table, before in ((FAILOVER_TABLE, "failover"), (FAILBACK_TABLE, "failback")) for row in table}
    for rule in RULES:
        for before in rule["before"] if rule["observable"] else ():
            assert (rule["name"], before) in tested or before == "failback" and rule["name"] in ("replication_health", "resync_required"), rule
        statuses = {row[2] for row in FAILOVER_TABLE + FAILBACK_TABLE if row[0] == rule["name"]}
        assert not rule["observable"] or "pass" in statuses and statuses - {"pass"}, (rule["name"], statuses)


def test_rule_table_is_well_formed():
    names = [r["name"] for r in RULES]
    assert len(names) == len(set(names))
    for rule in RULES:
        assert set(rule["before"]) <= {"failover", "failback"} and rule["before"]
        assert rule["summary"].endswith((".", ")")) and rule["source"]
        assert rule["source"].startswith(("https://", "ASR replicated item record")), rule["source"]


def test_a_good_machine_is_ready_and_only_applicable_rules_run(failover, failback):
    checks = evaluate(failover)
    assert [c["name"] for c in checks] == [r["name"] for r in rules_for("failover") if not r.get("optional")]
    assert summarize(checks) == ({"pass": len(checks), "warn": 0, "fail": 0}, True)
    checks = evaluate(failback)
    assert {c["name"] for c in checks} == {r["name"] for r in rules_for("failback") if not r.get("optional")}
    assert summarize(checks)[1] is True
    assert "vm_name" not in {c["name"] for c in checks} and "azure_vm_exists" not in {c["name"] for c in evaluate(failover)}


def test_a_broken_machine_is_not_ready(failover):
    ctx = copy.deepcopy(failover)
    ctx["usages"]["standardFSv2Family"]["limit"] = 0
    ctx["machine"]["os_type"] = "Linux"
    counts, ready = summarize(evaluate(ctx))
    assert ready is False and counts["fail"] == 1 and counts["warn"] == 1


@pytest.mark.parametrize("recorded, provider, azure_vm, os_disks, physical", [
    ("classic_item_inmageazurev2.json", "InMageAzureV2", None, ["Disk0"], False),
    ("rcm_item_committed.json", "InMageRcm", "/virtualMachines/Rcm-W2K19-152", ["\\\\.\\PHYSICALDRIVE0"], False),
    ("rcm_failback_item.json", "InMageRcmFailback", "/virtualMachines/Rcm-W2K19-152", ["\\\\.\\PHYSICALDRIVE0"], None),
    ("classic_item_inmage.json", "InMage", None, [], None),
])
def test_machine_facts_from_recorded_items(recording, recorded, provider, azure_vm, os_disks, physical):
    machine = machine_facts(recording(recorded))
    assert machine["provider"] == provider and machine["physical"] is physical
    assert (machine["azure_vm_id"] or "").endswith(azure_vm or "") and bool(machine["azure_vm_id"]) == bool(azure_vm)
    assert [d["name"] for d in machine["disks"] if d["os_disk"]] == os_disks
    assert machine["nic_count"] == 1 and machine["os_type"] == "Windows"


@pytest.mark.parametrize("running_in, before", [("onprem", "failover"), ("azure", "failback"), (None, None)])
def test_default_before(running_in, before):
    assert default_before(running_in) == before


@pytest.mark.parametrize("text, expected", [
    ("2021-08-26T06:51:18.0805768Z", datetime.datetime(2021, 8, 26, 6, 51, 18, 80576, tzinfo=datetime.timezone.utc)),
    ("2021-04-06T09:42:08Z", datetime.datetime(2021, 4, 6, 9, 42, 8, tzinfo=datetime.timezone.utc)),
    ("2021-04-06T09:42:08", datetime.datetime(2021, 4, 6, 9, 42, 8, tzinfo=datetime.timezone.utc)),
    ("0001-01-01T00:00:00", None), ("", None), (None, None), ("soon", None),
])
def test_parse_time(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize("text, expected", [("9.41.0.0", (9, 41, 0, 0)), ("9.8", (9, 8)), (None, None), ("", None)])
def test_version_tuple(text, expected):
    assert version_tuple(text) == expected


@pytest.mark.parametrize("address, prefix, problem", [
    ("10.0.0.4", "10.0.0.0/24", None), ("10.0.0.254", "10.0.0.0/24", None), ("10.0.0.0", "10.0.0.0/24", "reserves"),
    ("10.0.0.255", "10.0.0.0/24", "reserves"), ("10.0.1.4", "10.0.0.0/24", "not in the subnet's range"), ("x", "10.0.0.0/24", "x"),
])
def test_static_ip_problem(address, prefix, problem):
    found = static_ip_problem(address, prefix, 4)
    assert found is None if problem is None else problem in found


def test_sku_and_usage_facts():
    facts = sku(restrictions=[dict(type="Location", values=[], reasonCode="QuotaId")])
    assert facts == dict(name="Standard_F2s_v2", family="standardFSv2Family", vcpus=2, max_data_disks=4, max_nics=2, restrictions=["QuotaId"],
                         generations=("V1", "V2"))
    assert sku_facts({"name": "x", "capabilities": [{"name": "vCPUs", "value": "n/a"}]}, LOCATION)["vcpus"] is None
    assert usage_facts([{"name": {"value": "cores"}, "currentValue": 3, "limit": 10}, {"name": {}}]) == {"cores": dict(current=3, limit=10)}


def test_docs_list_every_rule_and_its_source():
    text = (ROOT / "docs" / "preflight.md").read_text(encoding="utf-8")
    begin, end = "<!-- rules:begin (generated from plugins/module_utils/_preflight_rules.py; see tests) -->\n", "<!-- rules:end -->"
    assert begin in text and end in text
    listed = text.split(begin, 1)[1].split(end, 1)[0]
    assert listed == rules_markdown(), "docs/preflight.md is out of date; put this between the markers:\n" + rules_markdown()
    for rule in RULES:
        assert "`%s`" % rule["name"] in listed and rule["source"] in listed
