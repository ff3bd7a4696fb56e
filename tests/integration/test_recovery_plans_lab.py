# -*- coding: utf-8 -*-
"""asr_recovery_plan, asr_recovery_plan_info and asr_recovery_plan_job from the installed collection against the lab, on each
generation: a plan of three machines in two boot groups, created (check mode, then for real, then again: nothing sent), failed
over and committed through the plan, and the refusals made before any write."""

from __future__ import annotations

import pytest
from installed_collection import run_playbook, write_playbook
from lab_tasks import task, writes
from labrunner import control, start_lab

GROUPS = [{"machines": ["vm-win-01", "vm-win-02"], "manual_actions": [{"name": "check-app", "description": "check the app tier"}]},
          {"machines": ["vm-lin-01"]}]


@pytest.fixture(scope="module", params=["classic", "modernized"])
def lab(request, tmp_path_factory):
    running = start_lab(tmp_path_factory.mktemp("plans-" + request.param), request.param)
    yield running
    running.stop()


def test_plan_of_three_machines_fails_over_and_commits(installed_env, lab, tmp_path):
    plan = {"name": "plan-app", "groups": GROUPS}
    code, result = task(installed_env, lab, tmp_path, "asr_recovery_plan", plan, check=True)
    assert code == 0 and result["changed"] is True and not writes(lab)
    code, result = task(installed_env, lab, tmp_path, "asr_recovery_plan", plan)
    assert code == 0, result
    assert [g["machines"] for g in result["recovery_plan"]["groups"]] == [["vm-win-01", "vm-win-02"], ["vm-lin-01"]]
    assert result["recovery_plan"]["groups"][0]["end_actions"][0]["name"] == "check-app"
    assert result["job"]["operation"] == "SaveRecoveryPlan" and result["job"]["state"] == "Succeeded"
    sent = len(writes(lab))
    assert sent == 1
    code, result = task(installed_env, lab, tmp_path, "asr_recovery_plan", plan)
    assert code == 0 and result["changed"] is False and len(writes(lab)) == sent

    code, result = task(installed_env, lab, tmp_path, "asr_recovery_plan_job", {"name": "plan-app", "operation": "commit"})
    assert code != 0 and "refused before any request" in result["msg"] and "vm-lin-01" in result["msg"]
    assert len(writes(lab)) == sent

    job = {"name": "plan-app", "operation": "failover", "direction": "to_azure", "recovery_point": "latest_app_consistent",
           "use_multi_vm_sync_point": True}
    code, result = task(installed_env, lab, tmp_path, "asr_recovery_plan_job", job)
    assert code == 0, result
    assert result["changed"] is True and result["job"]["state"] == "Succeeded"
    assert [[m["name"] for m in g["machines"]] for g in result["job"]["groups"]] == [["vm-win-01", "vm-win-02"], ["vm-lin-01"]]
    assert {m["running_in"] for m in result["machines"]} == {"azure"}
    assert len(writes(lab)) == sent + 1
    failover = [r for r in control(lab, "requests") if r["method"] == "POST"][-1]
    assert failover["path"].lower().endswith("/replicationrecoveryplans/plan-app/unplannedfailover")
    code, result = task(installed_env, lab, tmp_path, "asr_recovery_plan_job", job)
    assert code == 0 and result["changed"] is False and "already" in result["msg"] and len(writes(lab)) == sent + 1

    code, result = task(installed_env, lab, tmp_path, "asr_recovery_plan_job", {"name": "plan-app", "operation": "commit"})
    assert code == 0 and result["changed"] is True, result
    assert {m["stage"] for m in result["machines"]} == {"committed"}
    done, result = run_playbook(dict(installed_env, **lab.env), write_playbook(tmp_path, [{"siterecovery.vmware.asr_recovery_plan_info": {
        "name": "plan-app"}}]))
    assert done.returncode == 0, result
    assert result["recovery_plans"][0]["last_unplanned_failover_time"]
    jobs = [j for j in control(lab, "jobs") if j["action"] == "unplannedFailover"]
    assert sorted(j["item"] for j in jobs) == ["vm-lin-01", "vm-win-01", "vm-win-02"]  # one child job per machine, once


def test_refusals_before_any_write(installed_env, lab, tmp_path):
    if lab.scenario != "classic":
        pytest.skip("the refusals are the same on both generations")
    before = len(writes(lab))
    code, result = task(installed_env, lab, tmp_path, "asr_recovery_plan", {"name": "plan-half", "groups": [{"machines": ["vm-win-01"]}]})
    assert code != 0 and result["error"]["code"] == "MultiVmGroupSplit" and "vm-win-02" in result["msg"] and "plan-app" in result["msg"]
    code, result = task(installed_env, lab, tmp_path, "asr_recovery_plan", {"name": "plan-x", "groups": [{"machines": ["vm-lin-1"]}]})
    assert code != 0 and "did you mean vm-lin-01" in result["msg"]
    code, result = task(installed_env, lab, tmp_path, "asr_recovery_plan", {"name": "plan-app", "state": "absent"})
    assert code == 0 and result["changed"] is True
    assert len(writes(lab)) == before + 1
