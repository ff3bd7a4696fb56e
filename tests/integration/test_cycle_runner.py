# -*- coding: utf-8 -*-
"""The whole cycle as AWX runs it: ansible-runner, the collection installed from its built tarball, the inventory plugin."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import ansible_runner
import pytest
from installed_collection import ROOT, run_playbook, write_playbook
from lab_tasks import control, writes
from labrunner import start_lab

LIMIT = "vm-lin-01,phys-01"
CYCLE_STAGES = ["failover_to_azure", "commit_failover", "failback_prepare", "reprotect_to_onprem", "failback_to_onprem",
                "commit_failback", "reprotect_to_azure"]


@pytest.fixture(scope="module")
def cycle_lab(tmp_path_factory):
    """A classic lab of its own: the cycle moves every machine, which the shared labs' tests must not see."""
    running = start_lab(tmp_path_factory.mktemp("lab-cycle"), ttl=3600)
    yield running
    running.stop()


def private_data_dir(base, installed_env, lab):
    """What AWX gives ansible-runner: a project with the job template's playbook, the inventory source, the credentials' env."""
    (base / "project").mkdir(parents=True)
    (base / "project" / "cycle.yml").write_text("- name: The whole cycle\n  ansible.builtin.import_playbook: siterecovery.vmware.full_cycle\n")
    shutil.copytree(ROOT / "lab" / "inventory", base / "inventory")
    env = dict(lab.env, ANSIBLE_COLLECTIONS_PATH=installed_env["ANSIBLE_COLLECTIONS_PATH"], ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
               ANSIBLE_NOCOLOR="1", PATH=installed_env["PATH"])
    return env


def run_cycle(base, env, summary, confirm=True, cmdline=None, limit=LIMIT, playbook="cycle.yml"):
    # Two machines, as a job template's "Limit" gives: the Linux VM (Linux master target) and the physical server
    # (failback to a new VM); the molecule scenarios run every machine of both generations.
    runner = ansible_runner.run(private_data_dir=str(base), playbook=playbook, envvars=env, cmdline=cmdline, limit=limit,
                                extravars={"asr_confirm_failover": confirm, "asr_summary_file": str(summary)}, quiet=True)
    stats = next((e["event_data"] for e in runner.events if e["event"] == "playbook_on_stats"), {})
    return runner, stats


@pytest.fixture
def job(installed_env, cycle_lab, tmp_path, monkeypatch):
    """A job template's run from the scenario's start: (private data directory, its environment, the summary file)."""
    # ansible-runner runs the ansible-playbook it finds on PATH, as in an execution environment: the venv's.
    monkeypatch.setenv("PATH", installed_env["PATH"])
    control(cycle_lab, "reset", "POST")
    base = tmp_path / "runner"
    return base, private_data_dir(base, installed_env, cycle_lab), tmp_path / "asr-summary.json"


def test_check_mode_and_confirmation_send_no_write(installed_env, cycle_lab, tmp_path, job):
    """--check shows every stage each machine would go through; without the confirmation nothing is sent."""
    base, env, summary = job
    before = writes(cycle_lab)

    runner, stats = run_cycle(base, env, summary, cmdline="--check")
    assert (runner.status, runner.rc) == ("successful", 0), runner.stdout.read()
    machines = stats["artifact_data"]["asr_summary"]
    assert sorted(machines) == ["phys-01", "vm-lin-01"]
    for name, record in machines.items():
        assert [record["stages"][s]["status"] for s in CYCLE_STAGES] == ["would run"] * 7, (name, record["stages"])
        assert not record["cycle_complete"] and record["running_in"] == "onprem"
    # A rehearsal never replaces the record of a real run: it writes asr-summary-check.json.
    assert not summary.exists() and (tmp_path / "asr-summary-check.json").exists()
    assert writes(cycle_lab) == before

    # A private data directory of its own: ansible-runner keeps a run's command line options in it.
    base = tmp_path / "runner-unconfirmed"
    env = private_data_dir(base, installed_env, cycle_lab)
    runner, stats = run_cycle(base, env, summary, confirm=False)
    output = runner.stdout.read()
    assert runner.rc == 2, output
    assert "confirm it with asr_confirm_failover=true" in output
    assert sorted(stats["failures"]) == ["phys-01", "vm-lin-01"]
    assert all(r["stages"]["failover_to_azure"]["status"] == "failed" for r in stats["artifact_data"]["asr_summary"].values())
    assert writes(cycle_lab) == before


def test_full_cycle_through_ansible_runner(installed_env, cycle_lab, job, tmp_path, monkeypatch):
    base, env, summary = job

    runner, stats = run_cycle(base, env, summary)
    assert (runner.status, runner.rc) == ("successful", 0), runner.stdout.read()
    # set_stats: what an AWX workflow's next node and the job's artifacts get.
    machines = stats["artifact_data"]["asr_summary"]
    assert sorted(machines) == ["phys-01", "vm-lin-01"]
    for name, record in machines.items():
        assert record["cycle_complete"], (name, record)
        assert [record["stages"][s]["status"] for s in CYCLE_STAGES] == ["done"] * 7, (name, record["stages"])
        assert record["achieved_rpo_seconds"] > 0 and record["achieved_rto_seconds"] > 0
        assert record["stages"]["failover_to_azure"]["job_state"] == "Succeeded"
    assert json.loads(summary.read_text())["machines"] == machines
    # The warnings of the process server and master target checks: printed when the failback is prepared, and in the
    # summary, which is printed once for the run, with the fleet's totals.
    out = runner.stdout.read()
    for name, record in machines.items():
        prepared = [w for w in record["warnings"] if w.startswith("failback_prepare: ")]
        assert any("the on-premises process server is only acceptable for tests" in w for w in prepared), (name, record["warnings"])
        for warning in prepared:
            assert "WARNING %s: %s" % (name, warning[len("failback_prepare: "):]) in out and "  WARNING " + warning in out, (warning, out)
    assert out.count("fleet: 2 machines: 2 done, 0 skipped, 0 failed; worst RTO ") == 1, out
    # Back on-premises, powered on, replicating to Azure, no Azure VM left: the lab and its vCenter say so.
    report = subprocess.run([sys.executable, "-m", "asrlab.report", "--state-dir", str(cycle_lab.state_dir), "--summary", str(summary),
                             "--expect", "cycle_done"], env=dict(env, PYTHONPATH=str(ROOT / "lab")), capture_output=True, text=True, check=False)
    assert report.returncode == 0, report.stdout + report.stderr

    # The job template launched again, as AWX does it: another private data directory, another working directory, the
    # summary of the first job out of reach. The vault's record says the cycle is done: every machine is left alone.
    before = writes(cycle_lab)
    relaunch = tmp_path / "relaunch"
    env = private_data_dir(relaunch / "runner", installed_env, cycle_lab)
    (relaunch / "cwd").mkdir()
    monkeypatch.chdir(relaunch / "cwd")
    runner, stats = run_cycle(relaunch / "runner", env, relaunch / "asr-summary.json")
    assert (runner.status, runner.rc) == ("successful", 0), runner.stdout.read()
    assert sum(stats["changed"].values()) == 0, stats["changed"]
    assert writes(cycle_lab) == before
    for name, record in stats["artifact_data"]["asr_summary"].items():
        assert record["left_alone"] and record["cycle_complete"], (name, record)
        # Each stage as the vault's jobs show it, with the first job's ids.
        assert [record["stages"][s]["status"] for s in CYCLE_STAGES] == ["done earlier"] * 7, (name, record["stages"])
        assert record["stages"]["reprotect_to_azure"]["job_id"] == machines[name]["stages"]["reprotect_to_azure"]["job_id"]


# Another job, or a person, took the machine up to the failback's commit: no summary file anywhere.
UP_TO_THE_FAILBACK_COMMIT = """
- name: The cycle up to the failback's commit
  hosts: asr_items
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  tasks:
""" + "".join("""
    - name: {0} {1}
      ansible.builtin.include_role:
        name: siterecovery.vmware.{0}
      vars:
        commit_stage: "{1}"
""".format(role, stage) for role, stage in (
    ("failover_to_azure", ""), ("commit", "commit_failover"), ("failback_prepare", ""), ("reprotect_to_onprem", ""),
    ("failback_to_onprem", ""), ("commit", "commit_failback")))


def replicate_again(installed_env, lab, tmp_path, machine):
    """The reprotected machine replicated for 10 more minutes (the lab's control API), so it has recovery points again and a
    failover could start: what ASR shows some minutes after a reprotect, without the test waiting for the lab's clock."""
    control(lab, "replicate", "POST", item=machine, minutes=10)
    done, result = run_playbook(dict(installed_env, **lab.env), write_playbook(
        tmp_path, [{"siterecovery.vmware.asr_recovery_point_info": {"name": machine}}], name="points.yml"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert result["recovery_points"], result
    return result["recovery_points"]


def test_a_failed_last_stage_is_resumed_and_a_relaunch_sends_no_write(installed_env, cycle_lab, job, tmp_path, monkeypatch):
    base, env, summary = job
    (base / "project" / "part.yml").write_text(UP_TO_THE_FAILBACK_COMMIT)
    runner, _stats = run_cycle(base, env, summary, limit="vm-lin-01", playbook="part.yml")
    assert (runner.status, runner.rc) == ("successful", 0), runner.stdout.read()
    assert not summary.exists()

    # The reprotect to Azure fails (ASR's job fails at its second task).
    control(cycle_lab, "faults", "POST", kind="job", action="reProtect", item="vm-lin-01", fail_at_task=1, count=1)
    runner, stats = run_cycle(base, env, summary, limit="vm-lin-01")
    assert runner.rc == 2, runner.stdout.read()
    record = stats["artifact_data"]["asr_summary"]["vm-lin-01"]
    assert record["stages"]["reprotect_to_azure"]["status"] == "failed" and not record["cycle_complete"], record
    # Every stage under its own key, done before this run, with its job from the vault's record where ASR ran one.
    assert [record["stages"][s]["status"] for s in CYCLE_STAGES[:-1]] == ["done earlier"] * 6, record["stages"]
    assert [bool(record["stages"][s]["job_id"]) for s in CYCLE_STAGES[:-1]] == [True, True, False, True, True, True]
    assert record["stages"]["commit_failover"]["job_id"] != record["stages"]["commit_failback"]["job_id"]

    # The rerun completes the cycle, which the summary says although this run did only its last stage.
    runner, stats = run_cycle(base, env, summary, limit="vm-lin-01")
    assert (runner.status, runner.rc) == ("successful", 0), runner.stdout.read()
    record = stats["artifact_data"]["asr_summary"]["vm-lin-01"]
    assert record["cycle_complete"] and record["stages"]["reprotect_to_azure"]["status"] == "done", record
    assert json.loads(summary.read_text())["machines"]["vm-lin-01"]["cycle_complete"]

    # --check from a fresh directory says the machine is left alone...
    before = writes(cycle_lab)
    rehearsal = tmp_path / "rehearsal"
    runner, stats = run_cycle(rehearsal, private_data_dir(rehearsal, installed_env, cycle_lab), rehearsal / "asr-summary.json",
                              limit="vm-lin-01", cmdline="--check")
    output = runner.stdout.read()
    assert (runner.status, runner.rc) == ("successful", 0), output
    assert "vm-lin-01 is left alone: it went through the whole cycle" in output
    assert "fail over to Azure: would be done" not in output
    record = stats["artifact_data"]["asr_summary"]["vm-lin-01"]
    assert record["left_alone"] and record["cycle_complete"], record
    assert writes(cycle_lab) == before

    # ... and once the machine could fail over again (recovery points since the reprotect, as ASR shows some minutes later:
    # the lab's /lab/replicate), relaunching the job with the same extra vars, in another private data directory and another working
    # directory, sends no write.
    replicate_again(installed_env, cycle_lab, tmp_path, "vm-lin-01")
    again = tmp_path / "again"
    env = private_data_dir(again / "runner", installed_env, cycle_lab)
    (again / "cwd").mkdir()
    monkeypatch.chdir(again / "cwd")
    runner, stats = run_cycle(again / "runner", env, again / "asr-summary.json", limit="vm-lin-01")
    assert (runner.status, runner.rc) == ("successful", 0), runner.stdout.read()
    assert writes(cycle_lab) == before
    assert stats["artifact_data"]["asr_summary"]["vm-lin-01"]["left_alone"]
