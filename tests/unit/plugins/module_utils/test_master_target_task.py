# -*- coding: utf-8 -*-
"""vmware_master_target's workflow (_master_target_task.verify): ASR's side is the recorded vault PwsTestVault through the real Site
Recovery SDK (the configuration server PwsTestCS and its master target V2A-PS-200, the protected item V2A-W2K16-201-new:
tests/fixtures/recordings); vCenter's side is a stand-in that answers as _vsphere_client does and records each change. The checks
join the two, the Storage DRS override is set once and never in check mode, and the ids the reprotect takes are ASR's."""

from __future__ import annotations

import types

import pytest
from recorded_vault import RecordedSession

from ansible_collections.siterecovery.vmware.plugins.module_utils import _master_target_task
from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError
from ansible_collections.siterecovery.vmware.plugins.module_utils._master_target_task import verify

SUBSCRIPTION = "b8aef8e1-37df-4f17-a537-f10e183c8eca"
VAULT = "/subscriptions/%s/resourceGroups/PwsTestRG/providers/Microsoft.RecoveryServices/vaults/PwsTestVault" % SUBSCRIPTION
MASTER_TARGET_ID = "30AE6187-5869-8E44-B8AF6AA66E3ECC8F"
# The recorded heartbeats are from 2021: an age of 10**8 minutes (190 years) lets them pass, the default of 15 does not.
FOREVER = 10 ** 8
TiB = 1 << 40


class VCenter:
    """_vsphere_client.VSphereClient's answers for one vCenter holding the master target VM V2A-PS-200 in datastore cluster pod-dr."""

    is_vcenter, hostname = True, "vcenter.example"

    def __init__(self):
        self.vm = types.SimpleNamespace(name="V2A-PS-200", runtime=types.SimpleNamespace(host="esx-01"))
        self.override = None
        self.changes = []
        self.closed = False

    def find_vms(self, name):
        return [self.vm] if name.lower() == self.vm.name.lower() else []

    def find_vm_by_address(self, ip_address=None, dns_name=None):
        return None

    def vm_facts(self, vm):
        return dict(name=vm.name, moid="vm-42", guest_id="windows9Server64Guest", guest_full_name="Microsoft Windows Server 2016 (64-bit)",
                    guest_family="windowsGuest", power_state="poweredOn", tools_running_status="guestToolsRunning", tools_status="toolsOk",
                    guest_host_name="V2A-PS-200", ip_addresses=["10.150.208.200"], instance_uuid="5012", extra_config={"disk.EnableUUID": "TRUE"},
                    scsi_controllers=["lsilogic-sas"], disks=[dict(label="Hard disk 1", uuid="6000c291", file="[DS-77] V2A-PS-200.vmdk",
                                                                   datastore="DS-77", capacity_gb=200.0)],
                    snapshots=[], datastores=["DS-77"], host="esx-01", cluster="cluster-dr", host_managed_by="10.150.208.10")

    def disk_uuids_elsewhere(self, vm):
        return {}

    def about(self):
        return dict(api_type="VirtualCenter", version="8.0.2", build="1", name="VMware vCenter Server", instance_uuid="vc-1")

    def host_datastores(self, host):
        return [dict(name="DS-77", type="VMFS", access_mode="readWrite", mounted=True, accessible=True, capacity_bytes=2 * TiB, free_bytes=TiB,
                     datastore_cluster="pod-dr")]

    def storage_pods(self, vm):
        return [dict(pod="pod-object", datastore_cluster="pod-dr", sdrs_enabled=True, default_behavior="automated", override=self.override)]

    def disable_storage_drs(self, pod, vm, operation):
        self.changes.append(("storage_drs", pod, vm.name, operation))
        self.override = dict(enabled=False, behavior=None)

    def drs_override(self, vm):
        return None

    def close(self):
        self.closed = True


@pytest.fixture
def vcenter(monkeypatch):
    center = VCenter()
    monkeypatch.setattr(_master_target_task, "VSphereClient", types.SimpleNamespace(from_params=lambda params: center))
    return center


def routes(recording, fabric="classic_fabric.json"):
    return {
        VAULT + "/replicationFabrics": (200, {"value": [recording(fabric)]}),
        VAULT + "/replicationProtectedItems": (200, {"value": [recording("classic_item_inmageazurev2.json")]}),
    }


def params(**changes):
    values = dict(subscription_id=SUBSCRIPTION, resource_group="PwsTestRG", vault_name="PwsTestVault", name="V2A-PS-200",
                  protected_item="V2A-W2K16-201-new", os_type=None, os_version=None, datastore="DS-77", retention_drive=None, required_retention_gb=0,
                  heartbeat_max_age=FOREVER, storage_drs_override=True, drs_override=False, drs_behavior="manual", fabric=None, original_vm=None,
                  fail_on_failed_checks=True, hostname="vcenter.example", username="u", password="p", port=443, validate_certs=True, ca_path=None,
                  proxy_host=None, proxy_port=None)
    values.update(changes)
    return values


def statuses(result):
    return dict((c["name"], c["status"]) for c in result["checks"])


def test_the_recorded_master_target_is_checked_and_prepared_once(monkeypatch, recording, vcenter):
    asr = RecordedSession(monkeypatch, routes(recording), params())
    result = verify(asr)
    assert "fail" not in statuses(result).values(), result["checks"]
    assert statuses(result)["asr_registered"] == "pass" and statuses(result)["storage_drs"] == "pass"
    assert vcenter.changes == [("storage_drs", "pod-object", "V2A-PS-200", "add")] and vcenter.closed
    assert result["changed"] is True and result["msg"].startswith("master target V2A-PS-200 is prepared")
    # What the reprotect takes, from ASR's record of the master target.
    assert result["master_target"]["asr_id"] == MASTER_TARGET_ID and result["datastore_name"] == "DS-77" and result["retention_drive"] == "F"
    assert result["protected_machine"]["item"] == "V2A-W2K16-201-new" and result["protected_machine"]["source"] == "ASR replicated item"
    assert result["diff"]["before"]["storage_drs"] == {"pod-dr": None}
    assert result["diff"]["after"]["storage_drs"] == {"pod-dr": dict(enabled=False, behavior=None)}
    assert asr.answers.writes() == []  # nothing is written to ASR


def test_check_mode_says_what_would_change_and_changes_nothing(monkeypatch, recording, vcenter):
    asr = RecordedSession(monkeypatch, routes(recording), params(), check_mode=True)
    result = verify(asr)
    assert vcenter.changes == [] and result["changed"] is True and result["msg"].startswith("master target V2A-PS-200 would be prepared")
    assert result["diff"]["after"]["storage_drs"]["pod-dr"]["enabled"] is False


def test_a_stale_heartbeat_fails_and_holds_the_override(monkeypatch, recording, vcenter):
    asr = RecordedSession(monkeypatch, routes(recording), params(heartbeat_max_age=15))
    result = verify(asr)
    assert statuses(result)["asr_heartbeat"] == "fail" and vcenter.changes == []
    assert result["changed"] is False and "check failed" in result["msg"] and "asr_heartbeat" in result["msg"]


def test_a_datastore_asr_does_not_list_for_the_master_target_fails(monkeypatch, recording, vcenter):
    asr = RecordedSession(monkeypatch, routes(recording), params(datastore="DS-99"))
    result = verify(asr)
    assert "fail" in statuses(result).values() and vcenter.changes == []


def test_a_modernized_vault_has_no_master_target_and_vcenter_is_not_reached(monkeypatch, recording, vcenter):
    asr = RecordedSession(monkeypatch, routes(recording, "rcm_fabric.json"), params(protected_item=None, fabric="Rcm-Vault-150-vmwarefabric"))
    with pytest.raises(SiteRecoveryError) as refused:
        verify(asr)
    assert refused.value.code == "NoMasterTargets" and "reprotect agent writes the failback" in refused.value.message
    assert not vcenter.closed and vcenter.changes == []
