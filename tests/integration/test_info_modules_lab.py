# -*- coding: utf-8 -*-
"""The info modules from the installed collection against the lab, through ansible-playbook."""

from __future__ import annotations

import pytest
import requests
from installed_collection import run_playbook, write_playbook
from lab_tasks import control


@pytest.fixture(autouse=True)
def fresh_labs(lab, modernized_lab):
    """The session's labs back at the scenario's start: other modules' tests change them."""
    for running in (lab, modernized_lab):
        control(running, "reset", "POST")


def lab_env(installed_env, lab):
    return dict(installed_env, **lab.env)


def run_task(installed_env, lab, tmp_path, module, args, check=False):
    task = {"siterecovery.vmware." + module: args}
    if check:
        task["check_mode"] = True
    done, result = run_playbook(lab_env(installed_env, lab), write_playbook(tmp_path, [task]))
    assert result is not None, done.stdout + done.stderr
    assert lab.client_secret not in done.stdout + done.stderr
    return done, result


def test_item_info_of_one_machine(installed_env, lab, tmp_path):
    done, result = run_task(installed_env, lab, tmp_path, "asr_replicated_item_info", {"name": "VM-WIN-01"}, check=True)
    assert done.returncode == 0, result
    [item] = result["replicated_items"]
    assert (item["friendly_name"], item["provider"], item["running_in"], item["stage"]) == ("vm-win-01", "InMageAzureV2", "onprem", "replicating")
    assert item["next_step"] == "fail over to Azure"
    assert item["multi_vm_group"] == "app-tier"
    assert item["recovery_points"]["count"] == 288
    assert item["recovery_points"]["latest_app_consistent"]["type"] == "AppConsistent"


def test_item_info_filters(installed_env, modernized_lab, tmp_path):
    done, result = run_task(installed_env, modernized_lab, tmp_path, "asr_replicated_item_info", {"running_in": "onprem"})
    assert done.returncode == 0, result
    assert sorted(i["friendly_name"] for i in result["replicated_items"]) == ["vm-lin-01", "vm-win-01", "vm-win-02"]
    assert all("recovery_points" not in i for i in result["replicated_items"])
    done, result = run_task(installed_env, modernized_lab, tmp_path, "asr_replicated_item_info", {"running_in": "azure"})
    assert result["replicated_items"] == []


def test_unknown_machine_names_close_ones(installed_env, lab, tmp_path):
    done, result = run_task(installed_env, lab, tmp_path, "asr_replicated_item_info", {"name": "vm-win-1"})
    assert done.returncode == 2
    assert result["error"]["code"] == "ReplicatedItemNotFound"
    assert "no replicated item is named 'vm-win-1'; did you mean" in result["msg"] and "vm-win-01" in result["msg"]


def test_last_cycle_from_the_vault_jobs(installed_env, lab, tmp_path):
    """The item's last cycle, read from the vault's jobs: the failover just done, and no cycle complete."""
    done, result = run_task(installed_env, lab, tmp_path, "asr_replicated_item_info", {"name": "vm-win-02", "last_cycle": True})
    assert done.returncode == 0, result
    cycle = result["replicated_items"][0]["last_cycle"]
    assert (cycle["complete"], cycle["reached"], cycle["stages"]) == (False, None, {}), cycle
    done, failover = run_task(installed_env, lab, tmp_path, "asr_failover", {"name": "vm-win-02", "direction": "to_azure", "wait_sleep": 1})
    assert done.returncode == 0 and failover["job"]["state"] == "Succeeded", failover
    done, result = run_task(installed_env, lab, tmp_path, "asr_replicated_item_info",
                            {"name": "vm-win-02", "last_cycle": True, "cycle_since": "2000-01-01T01:00:00+01:00"})
    cycle = result["replicated_items"][0]["last_cycle"]
    assert cycle["since"] == "2000-01-01T01:00:00+01:00" and cycle["reached"] == "failover_to_azure" and not cycle["complete"]
    assert cycle["failover_to_azure"]["job_id"] == failover["job"]["id"]
    assert cycle["failover_to_azure"]["recovery_point"]["age_seconds"] > 0
    # Another machine's failover is not this one's.
    done, result = run_task(installed_env, lab, tmp_path, "asr_replicated_item_info", {"name": "vm-win-01", "last_cycle": True})
    assert result["replicated_items"][0]["last_cycle"]["reached"] is None


@pytest.mark.parametrize("args, fragment", [
    ({"cycle_since": "2026-12-01T08:00:00"}, "cycle_since: '2026-12-01T08:00:00' has no time zone"),
    ({"cycle_since": "last week"}, "is not an ISO 8601 date and time"),
    ({"cycle_window_days": 0}, "cycle_window_days must be 1 or more"),
])
def test_last_cycle_options_are_checked_before_any_request(installed_env, lab, tmp_path, args, fragment):
    before = len(control(lab, "requests"))
    done, result = run_task(installed_env, lab, tmp_path, "asr_replicated_item_info", dict(args, name="vm-win-01", last_cycle=True))
    assert done.returncode == 2 and fragment in result["msg"], result
    assert len(control(lab, "requests")) == before


def test_recovery_point_info(installed_env, lab, tmp_path):
    done, result = run_task(installed_env, lab, tmp_path, "asr_recovery_point_info", {"name": "vm-lin-01", "type": "app_consistent"})
    assert done.returncode == 0, result
    points = result["recovery_points"]
    assert len(points) == 24 and {p["type"] for p in points} == {"AppConsistent"}
    assert [p["time"] for p in points] == sorted((p["time"] for p in points), reverse=True)
    assert result["summary"]["latest"] == points[0]


@pytest.fixture
def one_job(lab):
    """A commit refused and a failover run on phys-01 through the lab's control API and ARM (classic lab)."""
    requests.post(lab.control_url + "/stage", json={"item": "phys-01", "stage": "protected"}, verify=lab.ca_bundle, timeout=10)
    return lab


def test_job_info_lists_and_waits(installed_env, one_job, tmp_path):
    lab = one_job
    requests.post(lab.control_url + "/stage", json={"item": "phys-01", "stage": "failed_over"}, verify=lab.ca_bundle, timeout=10)
    done, result = run_task(installed_env, lab, tmp_path, "asr_job_info", {"state": "Failed"})
    assert done.returncode == 0, result
    assert result["jobs"] == []
    done, result = run_task(installed_env, lab, tmp_path, "asr_job_info", {"job_id": "00000000-0000-0000-0000-000000000000"})
    assert done.returncode == 2 and result["error"]["status"] == 404
    done, result = run_task(installed_env, lab, tmp_path, "asr_job_info", {"wait": True})
    assert done.returncode == 2 and "job_id" in result["msg"]
