# -*- coding: utf-8 -*-
"""failover.yml and drill.yml with -e asr_recovery_plan, from the installed collection against the lab, on each generation: a member
the run's hosts do not hold and a custom recovery point are refused before any write; the drill of the plan is one plan test
failover and one plan cleanup, which runs also when a member's validation fails, and leaves no test VM; the failover of the plan is
one plan failover and one plan commit (no failover per machine), the summary lists each member with its job and names the plan,
a machine outside the plan is left alone, and a rerun sends nothing."""

from __future__ import annotations

import json

import pytest
from lab_tasks import control, task, writes
from labrunner import start_lab
from test_drill_playbook_lab import playbook as drill_playbook

MEMBERS = ["vm-win-01", "vm-win-02", "vm-lin-01"]
PLAN = {"name": "plan-app", "groups": [{"machines": ["vm-win-01", "vm-win-02"]}, {"machines": ["vm-lin-01"]}]}


@pytest.fixture(scope="module", params=["classic", "modernized"])
def lab(request, tmp_path_factory):
    running = start_lab(tmp_path_factory.mktemp("planbook-" + request.param), request.param)
    yield running
    running.stop()


def playbook(installed_env, lab, tmp_path, name, hosts, *extra):
    return drill_playbook(installed_env, lab, tmp_path, name, hosts, "asr_recovery_plan=plan-app", *extra)[0]


def posts(lab, since=0):
    return [r["path"].lower().split("/vaults/")[-1].split("/", 1)[-1] for r in writes(lab)[since:] if r["method"] == "POST"]


def test_a_plan_member_outside_the_run_and_a_custom_point_are_refused(installed_env, lab, tmp_path):
    control(lab, "reset", "POST")
    code, result = task(installed_env, lab, tmp_path, "asr_recovery_plan", PLAN)
    assert code == 0, result
    sent = len(writes(lab))
    done = playbook(installed_env, lab, tmp_path, "failover", "vm-win-01:vm-win-02", "asr_confirm_failover=true")
    assert done.returncode != 0 and "recovery plan plan-app holds vm-lin-01, which the run's hosts" in done.stdout, done.stdout
    done = playbook(installed_env, lab, tmp_path, "drill", ":".join(MEMBERS), "asr_recovery_point=custom", "asr_recovery_point_id=x")
    assert done.returncode != 0 and "takes no custom recovery point" in done.stdout, done.stdout
    assert len(writes(lab)) == sent


def test_the_drill_of_a_plan_cleans_up_when_a_member_fails_its_validation(installed_env, lab, tmp_path):
    control(lab, "reset", "POST")
    code, result = task(installed_env, lab, tmp_path, "asr_recovery_plan", PLAN)
    assert code == 0, result
    sent = len(writes(lab))
    control(lab, "guest", "POST", item="vm-lin-01", answers=False)
    done = playbook(installed_env, lab, tmp_path, "drill", ":".join(MEMBERS), "asr_validation_timeout=2")
    output = done.stdout + done.stderr
    assert done.returncode != 0 and "did not pass its validation within 2 s" in output, output
    assert posts(lab, sent) == ["replicationrecoveryplans/plan-app/testfailover", "replicationrecoveryplans/plan-app/testfailovercleanup"]
    assert [vm["name"] for vm in control(lab, "state")["azure_vms"] if vm["name"].endswith("-test")] == []
    summary = json.loads((tmp_path / "summary.json").read_text())["machines"]
    assert {m: summary[m]["stages"]["test_failover_cleanup"]["status"] for m in MEMBERS} == dict.fromkeys(MEMBERS, "done"), summary
    assert [m for m in MEMBERS if summary[m]["failed"]] == ["vm-lin-01"]
    assert all(summary[m]["stages"]["test_failover"]["job_id"] and summary[m]["recovery_plan"] == "plan-app" for m in MEMBERS)


def test_the_failover_of_a_plan_is_one_plan_job_each_and_a_rerun_sends_nothing(installed_env, lab, tmp_path):
    control(lab, "reset", "POST")
    code, result = task(installed_env, lab, tmp_path, "asr_recovery_plan", PLAN)
    assert code == 0, result
    sent = len(writes(lab))
    outside = "phys-01" if lab.scenario == "classic" else None
    hosts = ":".join(MEMBERS + ([outside] if outside else []))
    done = playbook(installed_env, lab, tmp_path, "failover", hosts, "asr_confirm_failover=true")
    assert done.returncode == 0, done.stdout
    assert posts(lab, sent) == ["replicationrecoveryplans/plan-app/unplannedfailover", "replicationrecoveryplans/plan-app/failovercommit"]
    assert "plan-app: Group 1 Succeeded [vm-win-01 Succeeded, vm-win-02 Succeeded]" in done.stdout
    summary = json.loads((tmp_path / "summary.json").read_text())["machines"]
    jobs = {j["id"]: j for j in control(lab, "jobs")}
    for member in MEMBERS:
        record = summary[member]
        assert record["recovery_plan"] == "plan-app" and record["stage"] == "committed", record
        assert jobs[record["stages"]["failover_to_azure"]["job_id"]]["item"] == member
        assert record["stages"]["commit_failover"]["status"] == "done" and record["stages"]["commit_failover"]["job_id"]
    if outside:
        assert summary[outside]["status"] == "left alone" and summary[outside]["outside_plan"] == "plan-app"
        assert "phys-01: left alone (not in recovery plan plan-app)" in done.stdout
    sent = len(writes(lab))
    done = playbook(installed_env, lab, tmp_path, "failover", hosts, "asr_confirm_failover=true")
    assert done.returncode == 0 and len(writes(lab)) == sent, done.stdout
