# -*- coding: utf-8 -*-
"""The state and provider tables, against docs/architecture.md and the recorded bodies (tests/fixtures/recordings/SOURCES.md)."""

from __future__ import annotations

import json
import pathlib
import re

import pytest

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_state import (
    CYCLE,
    JOB_SCENARIOS,
    STAGES,
    StateError,
    failover_body,
    next_stages,
    next_step,
    recovery_point_input,
    refusal,
    reprotect_body,
    running_in,
    stage,
    stages_after,
)

POINTS = [
    dict(id="/rp/crash-new", time="2026-11-25T10:55:00Z", type="CrashConsistent"),
    dict(id="/rp/app", time="2026-11-25T10:00:00Z", type="AppConsistent"),
    dict(id="/rp/crash-old", time="2026-11-25T09:55:00Z", type="CrashConsistent"),
]
POLICY = "/Subscriptions/s/resourceGroups/g/providers/Microsoft.RecoveryServices/vaults/v/replicationPolicies/"


@pytest.mark.parametrize(
    "provider, active_location, site, expected",
    [
        ("InMageAzureV2", "Primary", None, "onprem"),
        ("InMageAzureV2", "Recovery", None, "azure"),
        ("InMage", "Primary", "Azure", "azure"),
        ("InMage", "Recovery", "OnPrem", "onprem"),
        ("InMage", "Primary", None, "azure"),
        ("InMageRcm", "Primary", None, "onprem"),
        ("InMageRcm", "Recovery", None, "azure"),
        ("InMageRcmFailback", "Primary", None, "azure"),
        ("InMageRcmFailback", "Recovery", None, "onprem"),
        ("A2A", "Primary", None, None),
        ("InMageRcm", "Nowhere", None, None),
    ],
)
def test_running_in(provider, active_location, site, expected):
    assert running_in(provider, active_location, site) == expected


@pytest.mark.parametrize(
    "allowed, running, expected",
    [
        (["UnplannedFailover", "DisableProtection", "TestFailover"], False, "replicating"),
        (["PlannedFailover", "DisableProtection"], False, "replicating"),
        (["CompleteMigration", "Commit", "DisableProtection", "ChangePit", "SwitchProtection"], False, "commit_pending"),
        (["CompleteMigration", "DisableProtection", "SwitchProtection"], False, "committed"),
        (["DisableProtection"], False, "other"),
        (["UnplannedFailover"], True, "busy"),
    ],
)
def test_stage(allowed, running, expected):
    assert stage(allowed, running) == expected


def test_next_steps_follow_the_cycle():
    cycle = (("onprem", "replicating"), ("azure", "commit_pending"), ("azure", "committed"),
             ("azure", "replicating"), ("onprem", "commit_pending"), ("onprem", "committed"))
    assert [next_step(where, at) for where, at in cycle] == [
        "fail over to Azure", "commit (or change the recovery point)", "reprotect to on-premises", "fail back to on-premises",
        "commit the failback", "reprotect to Azure"]


def body(text):
    return json.loads(text)


# The bodies recorded on the wire (docs/architecture.md), ids shortened where the recording has long ones.
@pytest.mark.parametrize(
    "provider, direction, choice, shutdown, recorded_action, recorded",
    [
        ("InMageAzureV2", "to_azure", "latest", False, "unplannedFailover",
         '{"properties":{"failoverDirection":"PrimaryToRecovery","sourceSiteOperations":"NotRequired",'
         '"providerSpecificDetails":{"instanceType":"InMageAzureV2"}}}'),
        ("InMage", "to_onprem", "latest", False, "unplannedFailover",
         '{"properties":{"failoverDirection":"PrimaryToRecovery","sourceSiteOperations":"NotRequired",'
         '"providerSpecificDetails":{"instanceType":"InMage","recoveryPointType":"LatestTime"}}}'),
        ("InMageRcm", "to_azure", "latest", True, "unplannedFailover",
         '{"properties": {"failoverDirection": "PrimaryToRecovery", "providerSpecificDetails": {"instanceType": "InMageRcm", '
         '"performShutdown": "true"}, "sourceSiteOperations": "NotRequired"}}'),
        ("InMageRcmFailback", "to_onprem", "latest_app_consistent", False, "plannedFailover",
         '{"properties":{"providerSpecificDetails":{"instanceType":"InMageRcmFailback","recoveryPointType":"ApplicationConsistent"}}}'),
        ("InMageRcmFailback", "to_onprem", "latest_crash_consistent", False, "plannedFailover",
         '{"properties": {"providerSpecificDetails": {"instanceType": "InMageRcmFailback", "recoveryPointType": "CrashConsistent"}}}'),
    ],
)
def test_failover_bodies_are_the_recorded_ones(provider, direction, choice, shutdown, recorded_action, recorded):
    action, sent = failover_body(provider, direction, choice, POINTS, shutdown_source=shutdown)
    assert action == recorded_action
    assert sent == body(recorded)


def test_powershell_rcm_failover_differs_only_in_the_case_of_false():
    recorded = body('{"properties":{"failoverDirection":"PrimaryToRecovery","sourceSiteOperations":"NotRequired",'
                    '"providerSpecificDetails":{"instanceType":"InMageRcm","performShutdown":"False"}}}')
    _action, sent = failover_body("InMageRcm", "to_azure", "latest", POINTS)
    assert json.dumps(sent, sort_keys=True).lower() == json.dumps(recorded, sort_keys=True).lower()


def test_classic_shutdown_goes_through_source_site_operations():
    _action, sent = failover_body("InMageAzureV2", "to_azure", "latest", POINTS, shutdown_source=True)
    assert sent["properties"]["sourceSiteOperations"] == "Required"


@pytest.mark.parametrize(
    "provider, inputs, recorded",
    [
        ("InMageAzureV2", dict(master_target_id="F69DF410", process_server_id="F69DF410", retention_drive="D", run_as_account_id="1",
                               datastore_name="HDS_DS", failback_policy_id=POLICY + "V2aTestv2avm1-failback"),
         '{"properties":{"failoverDirection":"RecoveryToPrimary","providerSpecificDetails":{"instanceType":"InMage","masterTargetId":"F69DF410",'
         '"processServerId":"F69DF410","retentionDrive":"D","runAsAccountId":"1","datastoreName":"HDS_DS","diskExclusionInput":'
         '{"volumeOptions":[{"volumeLabel":"Temporary Storage","OnlyExcludeIfSingleVolume":"Yes"}]},"profileId":"%sV2aTestv2avm1-failback"}}}'
         % POLICY),
        ("InMage", dict(process_server_id="30AE6187", run_as_account_id="2", policy_id=POLICY + "Policyv2a"),
         '{"properties":{"failoverDirection":"RecoveryToPrimary","providerSpecificDetails":{"instanceType":"InMageAzureV2",'
         '"masterTargetId":"30AE6187","processServerId":"30AE6187","runAsAccountId":"2","policyId":"%sPolicyv2a"}}}' % POLICY),
        ("InMageRcm", dict(reprotect_agent_id="7d30ec24", datastore_name="SharedDS-84-85", log_storage_account_id="/st/v2aecystor",
                           failback_policy_id=POLICY + "appconsistency-policy-failback"),
         '{"properties":{"failoverDirection":"RecoveryToPrimary","providerSpecificDetails":{"instanceType":"InMageRcm",'
         '"reprotectAgentId":"7d30ec24","datastoreName":"SharedDS-84-85","logStorageAccountId":"/st/v2aecystor",'
         '"policyId":"%sappconsistency-policy-failback"}}}' % POLICY),
        ("InMageRcmFailback", dict(process_server_id="7d30ec24", run_as_account_id="/site/runasaccounts/adb223ca",
                                   policy_id=POLICY + "v2aRcm-pwsh-testpolicy"),
         '{"properties":{"providerSpecificDetails":{"instanceType":"InMageRcmFailback","processServerId":"7d30ec24",'
         '"runAsAccountId":"/site/runasaccounts/adb223ca","policyId":"%sv2aRcm-pwsh-testpolicy"}}}' % POLICY),
    ],
)
def test_reprotect_bodies_are_the_recorded_ones(provider, inputs, recorded):
    assert reprotect_body(provider, **inputs) == body(recorded)
    # Key order too: the recorded bodies list the keys in this order.
    assert list(reprotect_body(provider, **inputs)["properties"]["providerSpecificDetails"]) == list(
        body(recorded)["properties"]["providerSpecificDetails"])


@pytest.mark.parametrize(
    "provider, choice, point_id, expected",
    [
        ("InMageAzureV2", "latest", None, {}),
        ("InMageAzureV2", "latest_processed", None, {"recoveryPointId": "/rp/crash-new"}),
        ("InMageAzureV2", "latest_app_consistent", None, {"recoveryPointId": "/rp/app"}),
        ("InMageRcm", "latest_crash_consistent", None, {"recoveryPointId": "/rp/crash-new"}),
        ("InMageRcm", "custom", "crash-old", {"recoveryPointId": "/rp/crash-old"}),
        ("InMage", "latest", None, {"recoveryPointType": "LatestTime"}),
        ("InMage", "latest_app_consistent", None, {"recoveryPointType": "LatestTag"}),
        ("InMage", "latest_processed", None, {"recoveryPointType": "Custom", "recoveryPointId": "/rp/crash-new"}),
        ("InMage", "custom", "/rp/app", {"recoveryPointType": "Custom", "recoveryPointId": "/rp/app"}),
        ("InMageRcmFailback", "latest", None, {"recoveryPointType": "CrashConsistent"}),
    ],
)
def test_recovery_point_choices(provider, choice, point_id, expected):
    assert recovery_point_input(provider, choice, POINTS, point_id) == expected


@pytest.mark.parametrize(
    "provider, choice, point_id, fragment",
    [
        ("InMageRcmFailback", "custom", "/rp/app", "a modernized failback takes recovery_point latest"),
        ("InMageRcmFailback", "latest_processed", None, "a modernized failback takes"),
        ("InMageAzureV2", "custom", None, "needs recovery_point_id"),
        ("InMageAzureV2", "custom", "/rp/unknown", "is not one of the item's 3 recovery points"),
        ("InMageAzureV2", "whenever", None, "recovery_point must be one of"),
    ],
)
def test_recovery_point_choices_a_provider_cannot_express(provider, choice, point_id, fragment):
    with pytest.raises(StateError, match=fragment):
        recovery_point_input(provider, choice, POINTS, point_id)


def test_no_app_consistent_point():
    with pytest.raises(StateError, match="no app-consistent recovery point"):
        recovery_point_input("InMageRcm", "latest_app_consistent", [POINTS[0]])


@pytest.mark.parametrize(
    "provider, direction",
    [("InMageAzureV2", "to_onprem"), ("InMageRcm", "to_onprem"), ("InMage", "to_azure"), ("InMageRcmFailback", "to_azure")],
)
def test_wrong_direction_is_refused_with_the_right_one(provider, direction):
    with pytest.raises(StateError, match="fail"):
        failover_body(provider, direction, "latest", POINTS)


def test_refusal_names_what_is_allowed():
    assert refusal("Commit", ["Commit"], "vm1", "X") is None
    message = refusal("Commit", ["UnplannedFailover", "DisableProtection"], "vm1", "Protected")
    assert message == "Commit is not allowed on vm1 now (protection state Protected); ASR allows: UnplannedFailover, DisableProtection"


def test_the_providers_of_each_direction_are_stated_once():
    """The forward and failback providers are _asr_state's; modules, module_utils and roles use them (or the item's facts)."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[4]
    pair = re.compile(r"""["']InMageAzureV2["'],\s*["']InMageRcm["']|["']InMage["'],\s*["']InMageRcmFailback["']""")
    places = sorted(str(p.relative_to(root)) for d in ("plugins", "roles", "playbooks") for p in (root / d).rglob("*")
                    if p.suffix in (".py", ".yml") and pair.search(p.read_text()))
    assert places == ["plugins/module_utils/_asr_state.py"]


def test_items_say_whether_they_replicate_to_azure():
    from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_state import FAILBACK_PROVIDER_OF, FORWARD_PROVIDER_OF, FORWARD_PROVIDERS
    assert set(FORWARD_PROVIDER_OF.values()) == set(FORWARD_PROVIDERS)
    assert set(FAILBACK_PROVIDER_OF.values()) == {"InMage", "InMageRcmFailback"}


def test_the_cycle_is_closed_and_each_stage_runs_from_where_the_one_before_leaves_the_machine():
    for before, after in zip(CYCLE, CYCLE[1:] + CYCLE[:1]):
        assert after["name"] in stages_after(before["name"]), (before["name"], after["name"])
    # Back on-premises and replicating to Azure: a failover is next, or a drill (which leaves the machine where it was).
    assert stages_after("reprotect_to_azure") == ["failover_to_azure", "test_failover"]
    assert stages_after("test_failover") == ["validate_drill", "test_failover_cleanup"]
    assert stages_after("test_failover_cleanup") == ["failover_to_azure", "test_failover"]


@pytest.mark.parametrize("entry", STAGES, ids=lambda e: e["name"])
def test_a_machine_where_a_stage_runs_has_it_among_its_next_stages(entry):
    at = entry["at"]
    assert entry["name"] in next_stages(at["running_in"], at["stage"], at["forward"])
    for scenario in entry["jobs"]:  # its job running: that stage, which a rerun follows
        assert next_stages(at["running_in"], "busy", at["forward"], scenario) == [entry["name"]]


def test_next_stages_where_no_stage_of_the_cycle_applies():
    assert next_stages("onprem", "other", True) == []
    assert next_stages("onprem", "busy", True, "RepairReplication") == []
    # On-premises and committed, but replicating to Azure already: the failover is next, not a reprotect.
    assert next_stages("onprem", "replicating", False) == []
    assert next_stages("azure", "committed", True) == ["failback_prepare", "reprotect_to_onprem"]


def test_the_job_scenarios_of_a_stage_are_its_actions_ones():
    assert [e["jobs"] for e in CYCLE if e["name"] == "failback_to_onprem"] == [["UnplannedFailover", "PlannedFailover"]]
    assert all(set(e["jobs"]) <= {s for a in e["actions"] for s in JOB_SCENARIOS[a]} for e in CYCLE)


def test_no_role_restates_the_cycle():
    """The roles read the cycle through the asr_cycle lookup: no job scenario name or stage rule is written in them."""
    roles = pathlib.Path(__file__).resolve().parents[4] / "roles"
    # The names of two words and more (Commit and Reprotect are words of the roles' task names too).
    scenarios = {s for names in JOB_SCENARIOS.values() for s in names if re.match(r"[A-Z][a-z]+[A-Z]", s)}
    for path in roles.rglob("*.yml"):
        text = path.read_text()
        assert not [s for s in scenarios if re.search(r"\b%s\b" % s, text)], path
        assert "from: {running_in" not in text, path
