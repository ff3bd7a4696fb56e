# -*- coding: utf-8 -*-
"""The whole cycle as AWX runs it: ansible-runner, the collection installed from its built tarball, the inventory plugin."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import ansible_runner
import pytest
from installed_collection import ROOT
from lab_tasks import control, writes
from labrunner import start_lab

LIMIT = "vm-lin-01,phys-01"
CYCLE_STAGES = ["failover_to_azure", "commit_failover", "failback_prepare", "reprotect_to_onprem", "failback_to_onprem",
                "commit_failback", "reprotect_to_azure"]


@pytest.fixture(scope="module")
def cycle_lab(tmp_path_factory):
    """A classic lab of its own: the cycle moves every machine, which the shared labs' tests must not see."""
    running = start_lab(tmp_path_factory.mktemp("lab-cycle"))
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


def run_cycle(base, env, summary, confirm=True, cmdline=None):
    # Two machines, as a job template's "Limit" gives: the Linux VM (Linux master target) and the physical server
    # (failback to a new VM); the molecule scenarios run every machine of both generations.
    runner = ansible_runner.run(private_data_dir=str(base), playbook="cycle.yml", envvars=env, cmdline=cmdline, limit=LIMIT,
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


def test_full_cycle_through_ansible_runner(cycle_lab, job):
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
    # Back on-premises, powered on, replicating to Azure, no Azure VM left: the lab and its vCenter say so.
    report = subprocess.run([sys.executable, "-m", "asrlab.report", "--state-dir", str(cycle_lab.state_dir), "--summary", str(summary),
                             "--expect", "cycle_done"], env=dict(env, PYTHONPATH=str(ROOT / "lab")), capture_output=True, text=True, check=False)
    assert report.returncode == 0, report.stdout + report.stderr

    # A second run (the job template launched again) leaves every machine alone and sends no write.
    before = writes(cycle_lab)
    runner, stats = run_cycle(base, env, summary)
    assert (runner.status, runner.rc) == ("successful", 0), runner.stdout.read()
    assert sum(stats["changed"].values()) == 0, stats["changed"]
    assert writes(cycle_lab) == before
    assert all(record.get("left_alone") for record in stats["artifact_data"]["asr_summary"].values())
