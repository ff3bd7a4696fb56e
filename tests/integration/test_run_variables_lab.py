# -*- coding: utf-8 -*-
"""The playbooks' variables are checked before anything is sent: a wrong one is a sentence naming it, with 0 writes."""

from __future__ import annotations

import pytest
from installed_collection import BIN, ROOT, run
from lab_tasks import writes
from labrunner import start_lab


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    running = start_lab(tmp_path_factory.mktemp("variables-classic"), "classic")
    yield running
    running.stop()


@pytest.mark.parametrize("playbook", ["failover", "full_cycle"])
@pytest.mark.parametrize("extra, words", [
    ("asr_recovery_point=nonsense", "asr_recovery_point must be one of: latest, latest_processed"),
    ("asr_confirm_failover=maybe", "asr_confirm_failover"),
    ("asr_poll_interval=abc", "asr_poll_interval"),
    ("asr_poll_interval=-5", "asr_poll_interval must be 1 second or more (got -5)"),
    ("asr_wait_timeout=0", "asr_wait_timeout must be 1 second or more (got 0)"),
    ("asr_process_server_location=moon", "asr_process_server_location must be one of: onprem, azure"),
    ("asr_link=carrier-pigeon", "asr_link must be one of: expressroute, vpn"),
    ("asr_summary_file=/no/such/dir/summary.json", "directory /no/such/dir does not exist"),
])
def test_a_wrong_variable_stops_every_machine_before_any_write(installed_env, lab, tmp_path, playbook, extra, words):
    before = len(writes(lab))
    env = dict(installed_env, **lab.env)
    done = run([BIN / "ansible-playbook", "-i", str(ROOT / "lab" / "inventory"), "siterecovery.vmware." + playbook,
                "-e", "asr_confirm_failover=true", "-e", extra, "-e", "asr_summary_file=%s" % (tmp_path / "summary.json")]
               + (["-e", extra] if extra.startswith("asr_summary_file") else []),
               env=env, cwd=tmp_path, check=False)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert words in output, output
    assert "Traceback" not in output and "Finalization of task args" not in output and "filter plugin" not in output, output
    assert len(writes(lab)) == before


@pytest.mark.parametrize("playbook", ["failover", "failback", "full_cycle"])
@pytest.mark.parametrize("change, words", [
    ({"extra": "asr_hosts=vm-nope-01"}, "no machine of the inventory matches asr_hosts=vm-nope-01. The inventory has: "),
    ({"env": {"ASR_VAULT_NAME": "vault-typo"}}, "The inventory has no machine at all: its source failed"),
    ({"env": {"AZURE_SECRET": "wrong-secret", "AZURE_CLIENT_SECRET": "wrong-secret"}}, "The inventory has no machine at all: its source failed"),
])
def test_a_run_with_no_machine_to_run_on_fails(installed_env, lab, tmp_path, playbook, change, words):
    before = len(writes(lab))
    env = dict(installed_env, **lab.env)
    env.update(change.get("env", {}))
    done = run([BIN / "ansible-playbook", "-i", str(ROOT / "lab" / "inventory"), "siterecovery.vmware." + playbook,
                "-e", "asr_confirm_failover=true"] + (["-e", change["extra"]] if "extra" in change else []),
               env=env, cwd=tmp_path, check=False)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert words in output, output
    assert len(writes(lab)) == before
