# -*- coding: utf-8 -*-
"""asr_reprotect's workflow (_reprotect_task.reprotect) on the vault of azure-powershell's TestV2ARCMReprotect recording: the committed
InMageRcm item, its fabric, container mappings, policies, the reProtect POST's 202 and its job, each as recorded
(tests/fixtures/recordings/SOURCES.md), through the real Site Recovery SDK. The request sent is the one the recording sent."""

from __future__ import annotations

import pytest
from recorded_vault import RecordedSession

from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError
from ansible_collections.siterecovery.vmware.plugins.module_utils._reprotect_task import reprotect

SUBSCRIPTION = "b364ed8d-4279-4bf8-8fd1-56f8fa0ae05c"
VAULT = "/subscriptions/%s/resourceGroups/V2A-ECY/providers/Microsoft.RecoveryServices/vaults/Rcm-Vault-150" % SUBSCRIPTION
FABRIC = VAULT + "/replicationFabrics/Rcm-Vault-150-vmwarefabric"
CONTAINER = FABRIC + "/replicationProtectionContainers/Rcm-Vault-4678replicationcontainer"
STORAGE = "/subscriptions/%s/resourceGroups/V2A-ECY/providers/Microsoft.Storage/storageAccounts/v2aecystor" % SUBSCRIPTION
JOB_ID = "35545cdd-48dd-4c36-9201-28e3256ceb21"
# The body of the recorded POST .../reProtect (SOURCES.md, notes).
RECORDED_BODY = {"properties": {"failoverDirection": "RecoveryToPrimary", "providerSpecificDetails": {
    "instanceType": "InMageRcm", "reprotectAgentId": "7d30ec24-f20e-4c17-8dfd-d7ccb444b072", "datastoreName": "SharedDS-84-85",
    "logStorageAccountId": STORAGE,
    "policyId": "/Subscriptions/b364ed8d-4279-4bf8-8fd1-56f8fa0ae05c/resourceGroups/V2A-ECY/providers/Microsoft.RecoveryServices/vaults/Rcm-Vault-150"
                "/replicationPolicies/appconsistency-policy-failback"}}}


def routes(recording):
    item, reprotected = recording("rcm_item_committed.json"), recording("rcm_reprotect_job.json")
    headers = dict((name, values[0]) for name, values in reprotected["post_headers"].items() if name != "Content-Length")
    return {
        VAULT + "/replicationProtectedItems": (200, {"value": [item]}),
        item["id"]: (200, item),
        FABRIC: (200, recording("rcm_fabric.json")),
        CONTAINER + "/replicationProtectionContainerMappings": (200, recording("rcm_container_and_mappings.json")["mappings"]),
        VAULT + "/replicationPolicies": (200, {"value": recording("rcm_policies.json")}),
        ("POST", item["id"] + "/reProtect"): (reprotected["post_status"], None, headers),
        VAULT + "/replicationJobs/" + JOB_ID: (200, reprotected["job"]),
    }


def params(**changes):
    values = dict(subscription_id=SUBSCRIPTION, resource_group="V2A-ECY", vault_name="Rcm-Vault-150", name="Rcm-W2K19-152", direction="to_onprem",
                  master_target=None, process_server=None, datastore="SharedDS-84-85", retention_drive=None, run_as_account=None,
                  appliance="Rcm-App-150", log_storage_account_id=STORAGE, policy="appconsistency-policy-failback", wait_for="job", wait=False,
                  wait_timeout=3600, wait_sleep=30)
    values.update(changes)
    return values


def test_the_recorded_reprotect_is_sent_once_and_its_job_followed(monkeypatch, recording):
    asr = RecordedSession(monkeypatch, routes(recording), params())
    result = reprotect(asr)
    assert asr.answers.writes() == [("POST", "/subscriptions/%s/resourceGroups/V2A-ECY/providers/Microsoft.RecoveryServices/vaults/Rcm-Vault-150/"
                                             "replicationFabrics/Rcm-Vault-150-vmwarefabric/replicationProtectionContainers/"
                                             "Rcm-Vault-4678replicationcontainer/replicationProtectedItems/"
                                             "vcenter67_50158471-87c2-d4ad-caa2-abe22face6d8/reProtect" % SUBSCRIPTION)]
    assert asr.answers.bodies == [("POST", asr.answers.writes()[0][1], RECORDED_BODY)]
    assert result["request"] == RECORDED_BODY and result["changed"] is True
    assert result["job"]["id"] == JOB_ID and result["job"]["state"] == "InProgress"  # wait=false: the job as read once
    assert result["policy"]["name"] == "appconsistency-policy-failback"


def test_check_mode_builds_the_recorded_request_and_sends_nothing(monkeypatch, recording):
    asr = RecordedSession(monkeypatch, routes(recording), params(), check_mode=True)
    result = reprotect(asr)
    assert asr.answers.writes() == [] and result["request"] == RECORDED_BODY
    assert result["changed"] is True and result["msg"] == "would reprotect Rcm-W2K19-152 to onprem"


@pytest.mark.parametrize("changes, code, says", [
    (dict(direction="to_azure"), "InvalidReprotectDirection", "cannot be reprotected to azure now: it is a InMageRcm item running in azure"),
    (dict(appliance=None), "InvalidReprotectInput", "Rcm-App-150"),  # two reprotect agents: one must be named, and both are listed
    (dict(datastore="nowhere"), "InvalidReprotectInput", "SharedDS-84-85"),
    (dict(policy=None), "InvalidReprotectInput", "set policy to one of"),  # two failback policies are mapped: never guessed
    (dict(log_storage_account_id="v2aecystor"), "InvalidParameter", "log_storage_account_id"),
])
def test_what_cannot_be_sent_is_refused_before_any_write(monkeypatch, recording, changes, code, says):
    asr = RecordedSession(monkeypatch, routes(recording), params(**changes))
    with pytest.raises(SiteRecoveryError) as refused:
        reprotect(asr)
    assert refused.value.code == code and says in refused.value.message, refused.value.message
    assert asr.answers.writes() == []
