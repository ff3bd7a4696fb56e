# -*- coding: utf-8 -*-
"""failover.yml, drill.yml and failback.yml with -e asr_recovery_plan, from the installed collection against the lab, on each
generation: a member the run's hosts do not hold is refused before any write, and (classic) so are a custom recovery point and a plan
on failback.yml;
the drill of the plan is one plan test failover and one plan cleanup, which runs also when a member's validation fails, and leaves
no test VM; (classic) check mode sends nothing and says what would be done for the plan and each member; the failover of the plan is one plan
failover and one plan commit (no failover per machine), the summary lists each member with its job and names the plan, a machine
outside the plan is left alone, and a rerun sends nothing. On the classic lab (the same tasks on both): a run that starts while
the plan's failover job runs (held) follows it, and with asr_plan_commit_others a member whose validation failed is left
uncommitted while the others are committed machine by machine.

One lab per generation for the file; a test that moves the machines marks the lab for a reset, so that the next test resets it
and creates the plan again (a test that moves nothing leaves it as it is)."""

from __future__ import annotations

import concurrent.futures
import json

import pytest
from installed_collection import BIN, ROOT, run
from lab_tasks import control, task, writes
from labrunner import hold, release, start_lab, until

# Two boot groups: the multi-VM group app-tier (whole, as a plan must hold it), then vm-lin-01.
MEMBERS = ["vm-win-01", "vm-win-02", "vm-lin-01"]
PLAN = {"name": "plan-app", "groups": [{"machines": ["vm-win-01", "vm-win-02"]}, {"machines": ["vm-lin-01"]}]}
PLAN_FAILOVER = "replicationrecoveryplans/plan-app/unplannedfailover"
PLAN_COMMIT = "replicationrecoveryplans/plan-app/failovercommit"


@pytest.fixture(scope="module", params=["classic", "modernized"])
def lab(request, tmp_path_factory):
    running = start_lab(tmp_path_factory.mktemp("planbook-" + request.param), request.param)
    running.moved = True  # no plan yet
    yield running
    running.stop()


def planned(installed_env, lab, tmp_path):
    """The lab at its start with the plan created (reset first when an earlier test moved machines); the writes so far."""
    if lab.moved:
        control(lab, "reset", "POST")
        code, result = task(installed_env, lab, tmp_path, "asr_recovery_plan", PLAN)
        assert code == 0, result
        lab.moved = False
    return len(writes(lab))


def playbook(installed_env, lab, tmp_path, name, hosts, *extra, check=False, limit=False):  # pylint: disable=too-many-arguments
    """The installed collection's playbook ``name`` on the lab's inventory, the run's hosts ``hosts`` (``asr_hosts``, or with ``limit``
    a --limit as a job template's Limit gives, which leaves out the playbook's localhost play), with the plan; ``extra``: extra vars."""
    hosts_args = ["--limit", hosts.replace(":", ",")] if limit else ["-e", "asr_hosts=" + hosts]
    return run([BIN / "ansible-playbook", "-i", str(ROOT / "lab" / "inventory"), "siterecovery.vmware." + name] + hosts_args
               + ["-e", "asr_recovery_plan=plan-app", "-e", "asr_summary_file=%s" % (tmp_path / "summary.json")]
               + [a for e in extra for a in ("-e", e)] + (["--check"] if check else []), env=dict(installed_env, **lab.env), cwd=tmp_path, check=False)


def posts(lab, since=0):
    return [r["path"].lower().split("/vaults/")[-1].split("/", 1)[-1] for r in writes(lab)[since:] if r["method"] == "POST"]


def summary_of(tmp_path):
    return json.loads((tmp_path / "summary.json").read_text())["machines"]


def test_a_plan_member_outside_the_run_a_custom_point_and_a_plan_failback_are_refused(installed_env, lab, tmp_path):
    sent = planned(installed_env, lab, tmp_path)
    # The modernized lab's run leaves the member out through a limit (a job template's Limit), the classic lab's through asr_hosts.
    done = playbook(installed_env, lab, tmp_path, "failover", "vm-win-01:vm-win-02", "asr_confirm_failover=true", limit=lab.scenario == "modernized")
    assert done.returncode != 0 and "recovery plan plan-app holds vm-lin-01, which the run's hosts" in done.stdout, done.stdout
    if lab.scenario == "classic":  # refused before the plan is read: the classic lab's runs stand for both
        done = playbook(installed_env, lab, tmp_path, "drill", ":".join(MEMBERS), "asr_recovery_point=custom", "asr_recovery_point_id=x")
        assert done.returncode != 0 and "takes no custom recovery point" in done.stdout, done.stdout
        done = playbook(installed_env, lab, tmp_path, "failback", ":".join(MEMBERS), "asr_confirm_failover=true")
        assert done.returncode != 0 and "nothing was sent: failback.yml takes no recovery plan (asr_recovery_plan=plan-app)" in done.stdout, done.stdout
    assert len(writes(lab)) == sent


def test_the_drill_of_a_plan_cleans_up_when_a_member_fails_its_validation(installed_env, lab, tmp_path):
    sent = planned(installed_env, lab, tmp_path)
    lab.moved = True  # a failed drill may leave its test VMs
    control(lab, "guest", "POST", item="vm-lin-01", answers=False)
    done = playbook(installed_env, lab, tmp_path, "drill", ":".join(MEMBERS), "asr_validation_timeout=2")
    output = done.stdout + done.stderr
    assert done.returncode != 0 and "did not pass its validation within 2 s" in output, output
    assert posts(lab, sent) == ["replicationrecoveryplans/plan-app/testfailover", "replicationrecoveryplans/plan-app/testfailovercleanup"]
    assert [vm["name"] for vm in control(lab, "state")["azure_vms"] if vm["name"].endswith("-test")] == []
    summary = summary_of(tmp_path)
    assert {m: summary[m]["stages"]["test_failover_cleanup"]["status"] for m in MEMBERS} == dict.fromkeys(MEMBERS, "done"), summary
    assert {m: summary[m]["stages"]["validate_drill"]["status"] for m in MEMBERS} == {"vm-win-01": "done", "vm-win-02": "done", "vm-lin-01": "failed"}
    assert [m for m in MEMBERS if summary[m]["failed"]] == ["vm-lin-01"]
    assert all(summary[m]["stages"]["test_failover"]["job_id"] and summary[m]["recovery_plan"] == "plan-app" for m in MEMBERS)
    control(lab, "guest", "POST", item="vm-lin-01", answers=True)
    lab.moved = False  # the drill changed nothing: the plan's cleanup deleted every test VM


def test_the_failover_of_a_plan_checked_run_and_run_again(installed_env, lab, tmp_path):
    sent = planned(installed_env, lab, tmp_path)
    outside = "phys-01" if lab.scenario == "classic" else None
    hosts = ":".join(MEMBERS + ([outside] if outside else []))
    if lab.scenario == "classic":  # the same tasks on both generations: the classic lab's check stands for both
        done = playbook(installed_env, lab, tmp_path, "failover", hosts, "asr_confirm_failover=true", check=True)
        assert done.returncode == 0 and len(writes(lab)) == sent, done.stdout
        for operation in ("failover", "commit"):
            assert "recovery plan plan-app: would run its %s, one job for vm-win-01, vm-win-02, vm-lin-01" % operation in done.stdout, done.stdout
        assert "commit the failover: would be done - vm-lin-01 runs in azure" in done.stdout, done.stdout
        # Check mode writes no summary file: its lines say, per member, what would be done.
        for member in MEMBERS:
            assert "%s: would run [recovery plan plan-app]" % member in done.stdout, done.stdout

    lab.moved = True
    # As a job template with a Limit runs it: no localhost play; the plan is still read and its job run.
    done = playbook(installed_env, lab, tmp_path, "failover", hosts, "asr_confirm_failover=true", limit=True)
    assert done.returncode == 0, done.stdout
    assert posts(lab, sent) == [PLAN_FAILOVER, PLAN_COMMIT]
    assert "plan-app: Group 1 Succeeded [vm-win-01 Succeeded, vm-win-02 Succeeded]" in done.stdout
    summary = summary_of(tmp_path)
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


# The same tasks on both generations: the classic lab's run stands for both (the module's classic lab, not one more).
@pytest.mark.parametrize("lab", ["classic"], indirect=True)
def test_a_run_follows_the_running_plan_job_and_commits_the_others(installed_env, lab, tmp_path):
    sent = planned(installed_env, lab, tmp_path)
    lab.moved = True
    control(lab, "guest", "POST", item="vm-lin-01", answers=False)
    hold(lab, "vm-win-01", "unplannedFailover")  # the plan's job, held with its first group's machine
    try:
        # Another run started the plan's failover and is gone: the job runs on in Azure.
        code, result = task(installed_env, lab, tmp_path, "asr_recovery_plan_job", {"name": "plan-app", "operation": "failover", "direction": "to_azure",
                                                                                    "wait": False})
        assert code == 0, result
        assert posts(lab, sent) == [PLAN_FAILOVER]
        plan_job = [j for j in control(lab, "jobs") if j["item"] == "plan-app"][-1]
        assert plan_job["state"] == "InProgress", plan_job
        seen = len(control(lab, "requests"))
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            # The preflight is not what this test is about (failover.yml's own tests run it).
            run = pool.submit(playbook, installed_env, lab, tmp_path, "failover", ":".join(MEMBERS), "asr_confirm_failover=true",
                              "asr_plan_commit_others=true", "asr_validation_timeout=2", "asr_preflight=false")
            # The run reads the plan's job while it is held: it follows it.
            until(lambda: [r for r in control(lab, "requests")[seen:] if r["method"] == "GET" and plan_job["id"] in r["path"]],
                  "the run's read of the running plan job", timeout=240, still=lambda: not run.done())
            release(lab, "vm-win-01", "unplannedFailover")
            done = run.result()
    finally:
        release(lab, "vm-win-01", "unplannedFailover")
        control(lab, "guest", "POST", item="vm-lin-01", answers=True)
    output = done.stdout + done.stderr
    assert done.returncode != 0 and "did not pass its validation within 2 s" in output, output
    # No second plan failover, no plan commit: the members that passed are committed one by one.
    after = posts(lab, sent)
    assert after[0] == PLAN_FAILOVER and all(p.endswith("/failovercommit") for p in after[1:]), after
    assert sorted(p.rsplit("/", 2)[-2] for p in after[1:]) == ["vm-win-01-rpi", "vm-win-02-rpi"], after
    summary = summary_of(tmp_path)
    for member in ("vm-win-01", "vm-win-02"):
        assert summary[member]["stage"] == "committed" and summary[member]["stages"]["failover_to_azure"]["job_id"], summary[member]
    assert summary["vm-lin-01"]["failed"] and summary["vm-lin-01"]["stages"]["validate_recovery"]["status"] == "failed"
    assert summary["vm-lin-01"]["stages"].get("commit_failover", {}).get("status") != "done"


def test_a_plan_through_the_fleet_engine_is_one_job_per_stage_and_a_member_out_stops_its_commit(installed_env, lab, tmp_path):
    """failover.yml with asr_fleet=true (the engine a play of asr_fleet_min_hosts machines takes): each member is checked in the
    engine, then the plan's failover is one job; a member whose validation fails stops the plan's commit (nothing is sent, each
    member says why); once it passes, a rerun sends the plan's commit, and the next one nothing."""
    sent = planned(installed_env, lab, tmp_path)
    lab.moved = True
    outside = "phys-01" if lab.scenario == "classic" else None  # the modernized lab has the plan's three machines only
    hosts = ":".join(MEMBERS + ([outside] if outside else []))
    control(lab, "guest", "POST", item="vm-lin-01", answers=False)
    try:
        done = playbook(installed_env, lab, tmp_path, "failover", hosts, "asr_confirm_failover=true", "asr_fleet=true", "asr_validation_timeout=2",
                        limit=True)
    finally:
        control(lab, "guest", "POST", item="vm-lin-01", answers=True)
    output = done.stdout + done.stderr
    assert done.returncode != 0 and "did not pass its validation within 2 s" in output, output
    assert posts(lab, sent) == [PLAN_FAILOVER], output
    assert "plan-app: Group 1 Succeeded [vm-win-01 Succeeded, vm-win-02 Succeeded]" in output, output
    assert "fleet: 3 jobs: 3 Succeeded" in output, output  # the engine followed the members' own jobs, the plan job's children
    for member in ("vm-win-01", "vm-win-02"):
        assert ("nothing was sent for %s: the commit of recovery plan plan-app is one job for all its members, and vm-lin-01 failed - " % member) in output
    assert "asr_plan_commit_others=true commits the other members machine by machine" in output, output
    summary = summary_of(tmp_path)
    jobs = {j["id"]: j for j in control(lab, "jobs")}
    for member in MEMBERS:
        record = summary[member]
        assert record["recovery_plan"] == "plan-app" and record["stages"]["failover_to_azure"]["status"] == "done", record
        assert jobs[record["stages"]["failover_to_azure"]["job_id"]]["item"] == member  # its own job, the plan job's child
        assert record["stage"] != "committed", record
    if outside:
        assert summary[outside]["status"] == "left alone" and summary[outside]["outside_plan"] == "plan-app"

    sent = len(writes(lab))
    done = playbook(installed_env, lab, tmp_path, "failover", hosts, "asr_confirm_failover=true", "asr_fleet=true", limit=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert posts(lab, sent) == [PLAN_COMMIT]
    summary = summary_of(tmp_path)
    for member in MEMBERS:
        record = summary[member]
        assert record["stage"] == "committed" and record["stages"]["commit_failover"]["status"] == "done", record
        assert jobs.get(record["stages"]["commit_failover"]["job_id"]) is None  # a job of this run
    commits = {j["id"]: j["item"] for j in control(lab, "jobs") if j["action"] == "failoverCommit"}
    assert sorted(commits[summary[m]["stages"]["commit_failover"]["job_id"]] for m in MEMBERS) == sorted(MEMBERS)

    sent = len(writes(lab))
    done = playbook(installed_env, lab, tmp_path, "failover", hosts, "asr_confirm_failover=true", "asr_fleet=true")
    assert done.returncode == 0 and len(writes(lab)) == sent, done.stdout
