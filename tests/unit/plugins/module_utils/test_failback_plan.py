# -*- coding: utf-8 -*-
"""The failback plan's pure decisions (docs/failback_plan.md): master target, recovery point, the reprotect to Azure's process server."""

from __future__ import annotations

from ansible_collections.siterecovery.vmware.plugins.module_utils._failback_plan import (
    Plan,
    decide_master_target,
    decide_recovery_point,
    decide_reprotect_to_azure_process_server,
)

POLICIES = [{"id": "/p/crash", "name": "crash", "properties": {"friendlyName": "crash", "providerSpecificDetails": {"appConsistentFrequencyInMinutes": 0}}},
            {"id": "/p/app", "name": "app", "properties": {"friendlyName": "app", "providerSpecificDetails": {"appConsistentFrequencyInMinutes": 60}}}]


def check(name, status, reason="r"):
    return dict(name=name, status=status, reason=reason, source="s")


def test_the_master_target_that_passes_is_chosen_and_the_others_say_why_not():
    plan = Plan("asr_")
    candidates = [dict(name="cs-lab-01", record={}, checks=[check("os_match", "fail", "older"), check("disk_enable_uuid", "fail", "unset")]),
                  dict(name="mt-win-01", record={}, checks=[check("os_match", "pass"), check("retention_volume", "warn")]),
                  dict(name="mt-win-02", record={}, checks=[check("os_match", "pass"), check("retention_volume", "warn"), check("x", "warn")])]
    assert decide_master_target(plan, candidates, None, True)["name"] == "mt-win-01"
    why = dict((e["name"], e.get("why_not")) for e in plan.master_targets)
    assert why["cs-lab-01"] == "os_match: older; disk_enable_uuid: unset" and why["mt-win-02"].startswith("passes too, with 2 warnings")
    assert plan.problems == [] and "not chosen: cs-lab-01 (os_match: older; disk_enable_uuid: unset)" in plan.choices[0]["why"]
    plan = Plan("asr_")
    assert decide_master_target(plan, candidates, "CS-LAB-01", True) is None
    assert plan.problems[0].startswith("no master target can write this machine back") and "cs-lab-01: os_match: older" in plan.problems[0]


def test_failback_recovery_points_refused_per_provider_and_policy():
    cases = (
        ("InMageRcmFailback", {"failback_recovery_point": "latest_processed"}, "/p/app", True, None, "a modernized failback (InMageRcmFailback) takes"),
        ("InMageRcmFailback", {"failback_recovery_point": "custom", "failback_recovery_point_id": "x"}, "/p/app", True, None, "takes latest"),
        ("InMage", {"failback_recovery_point": "custom", "failback_recovery_point_id": "x"}, "/p/app", True, None, "there is none before the reprotect"),
        ("InMage", {"failback_recovery_point": "latest_app_consistent"}, "/p/crash", True, None, "failback policy crash takes no app-consistent"),
        ("InMageRcmFailback", {"failback_recovery_point": "latest_app_consistent"}, "/p/app", False, [{"id": "/r/1", "type": "CrashConsistent"}],
         "no app-consistent failback recovery point yet (policy app takes one every 60 minutes)"),
    )
    for provider, options, policy, pending, points, words in cases:
        plan = Plan("asr_")
        decide_recovery_point(plan, provider, options, policy, POLICIES, pending, points)
        assert len(plan.problems) == 1 and words in plan.problems[0], (provider, options, plan.problems)
    plan = Plan("asr_")
    decide_recovery_point(plan, "InMage", {"failback_recovery_point": "latest_processed"}, "/p/app", POLICIES, True, None)
    assert plan.problems == [] and plan.values["failback_to_onprem"]["recovery_point"] == "latest_processed"


def test_the_reprotect_to_azure_goes_through_the_in_built_process_server():
    healthy = dict(health="Normal", heartbeat_age_minutes=1, services_status="Running", free_space_percent=80, cpu_status="Healthy",
                   version="9.62", version_status="Supported")
    servers = [dict(healthy, name="cs-lab-01", in_built=True), dict(healthy, name="ps-azure-01", in_built=False)]
    plan = Plan("asr_")
    assert decide_reprotect_to_azure_process_server(plan, servers, None, "classic") == "cs-lab-01"
    assert "not chosen: ps-azure-01 (name one with asr_reprotect_process_server)" in plan.choices[0]["why"]
    plan = Plan("asr_")
    assert decide_reprotect_to_azure_process_server(plan, servers, "ps-azure-01", "classic") == "ps-azure-01"
    plan = Plan("asr_")
    servers[0]["heartbeat_age_minutes"] = 60
    assert decide_reprotect_to_azure_process_server(plan, servers, None, "classic") is None
    assert "cs-lab-01, the configuration server's process server: heartbeat" in plan.problems[0]
