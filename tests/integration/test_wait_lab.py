# -*- coding: utf-8 -*-
"""asr_wait from the installed collection against the lab: the controller-side wait the roles follow every job with."""

from __future__ import annotations

import re

import pytest
from installed_collection import run_playbook, write_playbook
from lab_tasks import control, task, writes
from labrunner import start_lab


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    running = start_lab(tmp_path_factory.mktemp("wait-classic"), "classic")
    yield running
    running.stop()


def test_a_wait_prints_each_read_and_runs_out_with_the_callers_option(installed_env, lab, tmp_path):
    control(lab, "faults", "POST", kind="job", action="unplannedFailover", item="vm-lin-01", never_ends=True)
    code, started = task(installed_env, lab, tmp_path, "asr_failover", {"name": "vm-lin-01", "direction": "to_azure", "wait": False})
    assert code == 0, started
    job_id = started["job"]["id"]
    before = len(writes(lab))
    playbook = write_playbook(tmp_path, [{"siterecovery.vmware.asr_wait": {
        "job_id": job_id, "label": "vm-lin-01: fail over to Azure", "wait_timeout": 6, "wait_sleep": 1, "wait_timeout_name": "asr_wait_timeout"}}])
    done, result = run_playbook(dict(installed_env, **lab.env), playbook)
    assert done.returncode == 2 and result["error"]["code"] == "WaitTimeout", done.stdout
    lines = [line for line in done.stdout.splitlines() if line.startswith("vm-lin-01: fail over to Azure: UnplannedFailover job %s " % job_id)]
    assert len(lines) >= 4 and all(re.search(r" (NotStarted|InProgress)(, task: [^(]+)? \(\d+ s\)$", line) for line in lines), done.stdout
    assert re.search(r"is still InProgress after [5-9] s", result["msg"]) and "a longer asr_wait_timeout" in result["msg"], result["msg"]
    assert "left running, never cancelled" in result["msg"] and result["job"]["id"] == job_id
    assert len(writes(lab)) == before  # a wait writes nothing, and cancels nothing
    assert control(lab, "state")["items"]["vm-lin-01"]["job"] == job_id


def test_a_wait_follows_a_job_to_its_end_with_module_defaults(installed_env, lab, tmp_path):
    code, started = task(installed_env, lab, tmp_path, "asr_failover", {"name": "vm-win-02", "direction": "to_azure", "wait": False})
    assert code == 0, started
    # The vault comes from module_defaults (the asr action group), as the playbooks set it; the environment's is wrong.
    env = dict(installed_env, **lab.env)
    env["ASR_VAULT_NAME"] = "no-such-vault"
    playbook = write_playbook(tmp_path, [{"siterecovery.vmware.asr_wait": {"job_id": started["job"]["id"], "wait_sleep": 1, "wait_timeout": 120}}],
                              module_defaults={"group/siterecovery.vmware.asr": {"vault_name": lab.env["ASR_VAULT_NAME"]}})
    done, result = run_playbook(env, playbook)
    assert done.returncode == 0, done.stdout
    assert result["job"]["state"] == "Succeeded" and result["job"]["operation"] == "UnplannedFailover" and result["reads"] >= 1
    assert result["failed_reads"] == [] and result["changed"] is False


def test_waits_for_the_agent_after_a_failover(installed_env, lab, tmp_path):
    code, done = task(installed_env, lab, tmp_path, "asr_failover", {"name": "vm-win-01", "direction": "to_azure"})
    assert code == 0, done
    wanted = {"name": done["replicated_item"]["id"], "wait_for": "agent_registered", "wait_timeout": 120}
    code, result = task(installed_env, lab, tmp_path, "asr_wait", wanted)
    assert code == 0, result
    assert result["replicated_item"].get("agent_registered_after_failover") is not False and result["reads"] >= 1
    assert not [e for e in result["replicated_item"]["health_errors"] if e.get("code") == "150273"]


@pytest.mark.parametrize("args, words", [
    ({"job_id": "x", "wait_timeout": 0}, "wait_timeout must be at least 1 second (got 0)"),
    ({"job_id": "x", "wait_sleep": -1}, "wait_sleep must be at least 1 second (got -1)"),
    ({"wait_for": "protected"}, "wait_for is protected but all of the following are missing: name"),
    ({"job_id": "x", "wait_for": "soon"}, "value of wait_for must be one of: job, agent_registered, protected"),
])
def test_bad_options_are_refused_before_any_request(installed_env, lab, tmp_path, args, words):
    before = len(control(lab, "requests"))
    code, result = task(installed_env, lab, tmp_path, "asr_wait", args)
    assert code == 2 and words in result["msg"], result
    assert len(control(lab, "requests")) == before
