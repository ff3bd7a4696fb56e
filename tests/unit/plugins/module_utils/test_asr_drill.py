# -*- coding: utf-8 -*-
"""The drill's pure parts: the testFailover body (as recorded in azure-powershell's AsrV2ATests/V2ATFOJob.json), the refusals,
the network chosen, the comments' limit, a pending drill in the item's facts, and the evidence report's figures."""

from __future__ import annotations

import copy
from xml.etree import ElementTree

import pytest

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_drill import (
    choose_network,
    comments_problem,
    drill_body,
    provider_refusal,
)
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_drill import test_vm_name as vm_name_of  # not a test

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_items import item_facts
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_state import StateError
from ansible_collections.siterecovery.vmware.plugins.module_utils._evidence import evidence, render_html, render_junit

VNET = "/subscriptions/s/resourceGroups/rg-dr-recovery/providers/Microsoft.Network/virtualNetworks/vnet-dr-test"
PRODUCTION = "/subscriptions/s/resourceGroups/rg-dr-recovery/providers/Microsoft.Network/virtualNetworks/vnet-dr"


def test_the_classic_body_is_the_recorded_one():
    assert drill_body("InMageAzureV2", "vm_network", VNET, {"recoveryPointId": "/rp/1"}) == {"properties": {
        "failoverDirection": "PrimaryToRecovery", "networkType": "VmNetworkAsInput", "networkId": VNET,
        "providerSpecificDetails": {"instanceType": "InMageAzureV2", "recoveryPointId": "/rp/1"}}}


def test_the_modernized_body_names_the_network_in_its_provider_input_and_none_attaches_no_network():
    body = drill_body("InMageRcm", "vm_network", VNET, {})["properties"]
    assert body["providerSpecificDetails"] == {"instanceType": "InMageRcm", "networkId": VNET}
    body = drill_body("InMageRcm", "none", None, {})["properties"]
    assert body["networkType"] == "NoNetworkAttachAsInput" and "networkId" not in body and "networkId" not in body["providerSpecificDetails"]


@pytest.mark.parametrize("provider, where, fragment", [
    ("InMage", "azure", "it runs in Azure and replicates back to on-premises (InMage"),
    ("InMageRcmFailback", "azure", "it runs in Azure and replicates back to on-premises (InMageRcmFailback"),
    ("InMageRcmFailback", "onprem", "it has failed back and is not reprotected to Azure yet"),
    ("InMageAzureV2", "azure", "it is failed over to Azure for real (stage commit_pending)"),
])
def test_a_drill_is_refused_for_a_machine_that_does_not_replicate_to_azure_from_on_premises(provider, where, fragment):
    facts = dict(provider=provider, running_in=where, stage="commit_pending", protection_state="X")
    assert fragment in provider_refusal(facts, "vm-1")
    assert provider_refusal(dict(facts, provider="InMageRcm", running_in="onprem"), "vm-1") is None


def test_the_network_is_the_preset_test_network_and_the_production_one_only_when_asked():
    facts = dict(test_network=dict(id=VNET), recovery_vm=dict(network_id=PRODUCTION))
    params = dict(network_type="vm_network", network_id=None, allow_production_network=False)
    assert choose_network(facts, params, "vm-1") == VNET
    assert choose_network(facts, dict(params, network_type="none"), "vm-1") is None
    with pytest.raises(StateError, match="is the production recovery network of vm-1"):
        choose_network(facts, dict(params, network_id=PRODUCTION.upper()), "vm-1")
    assert choose_network(facts, dict(params, network_id=PRODUCTION, allow_production_network=True), "vm-1") == PRODUCTION
    with pytest.raises(StateError, match="has no test network set"):
        choose_network(dict(facts, test_network=None), params, "vm-1")


def test_comments_are_1024_characters_at_most():
    assert comments_problem("x" * 1024) is None and comments_problem(None) is None
    assert comments_problem("x" * 1025) == "comments must be 1024 characters at most (it has 1025)"


def test_a_pending_drill_is_a_stage_of_its_own_not_a_running_job(recording):
    item = copy.deepcopy(recording("classic_item_inmageazurev2.json"))
    properties = item["properties"]
    properties.update(allowedOperations=["TestFailoverCleanup"], testFailoverState="WaitingForCompletion",
                      lastSuccessfulTestFailoverTime="2026-12-03T05:00:00Z",
                      currentScenario=dict(scenarioName="TestFailover", jobId="/x/replicationJobs/job-1", startTime="2026-12-03T05:00:00Z"))
    properties["providerSpecificDetails"]["selectedTfoAzureNetworkId"] = VNET
    facts = item_facts(item)
    assert facts["stage"] == "drill_pending" and facts["next_step"].startswith("clean the test failover up")
    assert facts["drill_job"] == dict(scenario="TestFailover", id="job-1", start_time="2026-12-03T05:00:00Z")
    assert facts["test_failover_state"] == "WaitingForCompletion" and facts["last_successful_test_failover_time"] == "2026-12-03T05:00:00Z"
    assert facts["test_network"] == dict(id=VNET, subnet=None)


def test_the_test_vm_name_comes_from_the_job_details():
    raw = {"properties": {"customDetails": {"protectedItemDetails": [{"testVmName": "vm-1-test"}]}}}
    assert vm_name_of(raw) == "vm-1-test"
    assert vm_name_of({"custom_details": {"protectedItemDetails": [{"testVmFriendlyName": "vm-2-test"}]}}) == "vm-2-test"


SUMMARY = {"playbook": "Drill the machines", "check_mode": False, "finished": "2026-12-03T06:00:00+00:00", "machines": {
    "vm-lin-01": {"provider": "InMageAzureV2", "failed": False, "stages": {
        "test_failover": {"title": "drill (test failover)", "status": "done", "job_start": "2026-12-03T05:50:00.1234567Z",
                          "job_end": "2026-12-03T05:52:00Z", "job_id": "job-1",
                          "recovery_point": {"id": "/rp/1", "time": "2026-12-03T05:45:00Z", "age_seconds": 300}},
        "validate_drill": {"status": "done", "validation": {"passed": True, "answered_at": "2026-12-03T05:53:00.1234567+00:00"}},
        "test_failover_cleanup": {"status": "done", "job_id": "job-2", "test_vm": {"name": "vm-lin-01-test", "deleted": True}}}},
    "vm-win-01": {"provider": "InMageRcm", "failed": True, "error": "did not pass its validation <in time>", "stages": {
        "test_failover": {"status": "done", "job_id": "job-3"},
        "validate_drill": {"status": "failed", "reason": "timeout"},
        "test_failover_cleanup": {"status": "done", "job_id": "job-4", "test_vm": {"name": "vm-win-01-test", "deleted": True}}}}}}


def test_the_evidence_gives_each_machine_its_outcome_rpo_rto_and_cleanup():
    data = evidence(SUMMARY)
    assert data["totals"] == dict(machines=2, passed=1, failed=1, worst_rto_seconds=180.0, worst_rpo_seconds=300)
    lin, win = data["machines"]
    assert (lin["kind"], lin["outcome"], lin["achieved_rto_seconds"], lin["cleanup"]["test_vm"]["deleted"]) == ("drill", "passed", 180.0, True)
    assert (win["outcome"], win["achieved_rto_seconds"], win["cleanup"]["job_id"]) == ("failed", None, "job-4")


def test_the_html_is_self_contained_and_escaped_and_the_junit_has_a_case_per_machine_and_stage():
    page = render_html(evidence(SUMMARY))
    assert "<script" not in page and "http" not in page and "&lt;in time&gt;" in page
    suite = ElementTree.fromstring(render_junit(evidence(SUMMARY)))
    assert (suite.get("tests"), suite.get("failures")) == ("6", "1")
    [failed] = [c for c in suite.findall("testcase") if c.find("failure") is not None]
    assert (failed.get("classname"), failed.get("name")) == ("vm-win-01", "validate_drill")
