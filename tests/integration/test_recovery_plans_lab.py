# -*- coding: utf-8 -*-
"""asr_recovery_plan, asr_recovery_plan_info and asr_recovery_plan_job from the installed collection against the lab, on each
generation: a plan of three machines in two boot groups, created (check mode, then for real, then again: nothing sent), failed
over and committed through the plan, and the refusals made before any write."""

from __future__ import annotations

import concurrent.futures

import pytest
from installed_collection import run_playbook, write_playbook
from lab_tasks import WAIT, task, writes
from labrunner import control, hold, release, start_lab, until

GROUPS = [{"machines": ["vm-win-01", "vm-win-02"], "manual_actions": [{"name": "check-app", "description": "check the app tier"}]},
          {"machines": ["vm-lin-01"]}]


def several(installed_env, lab, tmp_path, steps):
    """Several module tasks in one ansible-playbook run (each one costs seconds of start-up): {key: result}, failed ones included."""
    tasks = []
    for key, module, args, check in steps:
        task_ = {"siterecovery.vmware." + module: dict(WAIT, **args), "register": key, "ignore_errors": True}
        if check:
            task_["check_mode"] = True
        tasks.append(task_)
    tasks.append({"ansible.builtin.debug": {"var": "outcome"}, "vars": {"outcome": {key: "{{ %s }}" % key for key, *_rest in steps}}})
    done, result = run_playbook(dict(installed_env, **lab.env), write_playbook(tmp_path, tasks))
    assert result is not None and lab.client_secret not in done.stdout + done.stderr, done.stdout
    return result["outcome"]


def group_one_done(lab):
    return sorted(j["item"] for j in control(lab, "jobs") if j["action"] == "unplannedFailover" and j["state"] == "Succeeded") == [
        "vm-win-01", "vm-win-02"]


def job_reads(lab):
    return [r for r in control(lab, "requests") if r["method"] == "GET" and "/replicationjobs/" in r["path"].lower()]


@pytest.fixture(scope="module", params=["classic", "modernized"])
def lab(request, tmp_path_factory):
    running = start_lab(tmp_path_factory.mktemp("plans-" + request.param), request.param)
    yield running
    running.stop()


def test_plan_of_three_machines_fails_over_and_commits(installed_env, lab, tmp_path):
    full = lab.scenario == "classic"  # idempotence, check mode and attaching once; the plan's run itself on both generations
    plan = {"name": "plan-app", "groups": GROUPS}
    if full:  # check mode, then for real, then again (nothing sent), then a commit the members do not allow
        runs = several(installed_env, lab, tmp_path, [("check", "asr_recovery_plan", plan, True), ("create", "asr_recovery_plan", plan, False),
                                                      ("again", "asr_recovery_plan", plan, False),
                                                      ("commit", "asr_recovery_plan_job", {"name": "plan-app", "operation": "commit"}, False)])
        assert runs["check"]["changed"] is True and runs["again"]["changed"] is False, runs
        assert runs["commit"]["failed"] and "refused before any request" in runs["commit"]["msg"] and "vm-lin-01" in runs["commit"]["msg"]
        result = runs["create"]
    else:
        code, result = task(installed_env, lab, tmp_path, "asr_recovery_plan", plan)
        assert code == 0, result
    assert [g["machines"] for g in result["recovery_plan"]["groups"]] == [["vm-win-01", "vm-win-02"], ["vm-lin-01"]]
    assert result["recovery_plan"]["groups"][0]["end_actions"][0]["name"] == "check-app"
    assert result["job"]["operation"] == "SaveRecoveryPlan" and result["job"]["state"] == "Succeeded"
    sent = len(writes(lab))
    assert sent == 1

    job = {"name": "plan-app", "operation": "failover", "direction": "to_azure", "recovery_point": "latest_app_consistent",
           "use_multi_vm_sync_point": True}
    hold(lab, "vm-lin-01")  # group 2 waits: the plan job runs until the third run has read it
    try:
        if full:
            code, result = task(installed_env, lab, tmp_path, "asr_recovery_plan_job", dict(job, wait=False))
            assert code == 0 and result["changed"] is True and result["job"]["state"] in ("NotStarted", "InProgress"), result
            assert len(writes(lab)) == sent + 1
            code, result = task(installed_env, lab, tmp_path, "asr_recovery_plan_job", dict(job, wait=False))
            assert code == 0 and "attached to the job that was running" in result["msg"] and len(writes(lab)) == sent + 1
        if not full:  # the answer to the plan's POST is lost: the run reads the plan, finds the job and follows it, sending nothing again
            control(lab, "faults", "POST", kind="drop_after", method="POST", path="replicationRecoveryPlans/plan-app/unplannedFailover", count=1)
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            third = pool.submit(run_playbook, dict(installed_env, **lab.env),
                                write_playbook(tmp_path, [{"siterecovery.vmware.asr_recovery_plan_job": dict(WAIT, **job)}]))
            until(lambda: group_one_done(lab), "group 1 of the plan done", still=lambda: not third.done())
            reads = len(job_reads(lab))
            until(lambda: len(job_reads(lab)) > reads, "the run reading the plan job after group 1", still=lambda: not third.done())
            release(lab, "vm-lin-01")
            done, result = third.result()
    finally:
        release(lab, "vm-lin-01")
    assert done.returncode == 0, done.stdout
    assert "plan-app: Group 1 Succeeded [vm-win-01 Succeeded, vm-win-02 Succeeded]; Group 2 InProgress [vm-lin-01 InProgress]" in done.stdout
    assert "Group 2 Succeeded [vm-lin-01 Succeeded]" in done.stdout  # a line per read
    assert result["job"]["state"] == "Succeeded" and result["changed"] is True and ("attached" in result.get("msg", "")) is full
    failover = [r for r in control(lab, "requests") if r["method"] == "POST"][-1]
    assert failover["path"].lower().endswith("/replicationrecoveryplans/plan-app/unplannedfailover")
    assert failover["fault"] == (None if full else "drop_after")
    assert [[m["name"] for m in g["machines"]] for g in result["job"]["groups"]] == [["vm-win-01", "vm-win-02"], ["vm-lin-01"]]
    assert {m["running_in"] for m in result["machines"]} == {"azure"}
    assert len(writes(lab)) == sent + 1
    if full:
        code, result = task(installed_env, lab, tmp_path, "asr_recovery_plan_job", job)
        assert code == 0 and result["changed"] is False and "already" in result["msg"] and len(writes(lab)) == sent + 1

    code, result = task(installed_env, lab, tmp_path, "asr_recovery_plan_job", {"name": "plan-app", "operation": "commit"})
    assert code == 0 and result["changed"] is True, result
    assert {m["stage"] for m in result["machines"]} == {"committed"}
    if full:
        done, result = run_playbook(dict(installed_env, **lab.env), write_playbook(tmp_path, [{"siterecovery.vmware.asr_recovery_plan_info": {
            "name": "plan-app"}}]))
        assert done.returncode == 0, result
        assert result["recovery_plans"][0]["last_unplanned_failover_time"]
    jobs = [j for j in control(lab, "jobs") if j["action"] == "unplannedFailover"]
    assert sorted(j["item"] for j in jobs) == ["vm-lin-01", "vm-win-01", "vm-win-02"]  # one child job per machine, once


def test_refusals_before_any_write(installed_env, lab, tmp_path):
    before = len(writes(lab))
    runs = several(installed_env, lab, tmp_path, [
        ("half", "asr_recovery_plan", {"name": "plan-half", "groups": [{"machines": ["vm-win-01"]}]}, False),
        ("typo", "asr_recovery_plan", {"name": "plan-x", "groups": [{"machines": ["vm-lin-1"]}]}, False),
        ("gone", "asr_recovery_plan", {"name": "plan-app", "state": "absent"}, False)])
    half = runs["half"]
    assert half["failed"] and half["error"]["code"] == "MultiVmGroupSplit" and "vm-win-02" in half["msg"] and "plan-app" in half["msg"]
    assert runs["typo"]["failed"] and "did you mean vm-lin-01" in runs["typo"]["msg"]
    assert runs["gone"]["changed"] is True and not runs["gone"].get("failed")
    assert len(writes(lab)) == before + 1
