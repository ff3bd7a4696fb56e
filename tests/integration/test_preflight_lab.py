# -*- coding: utf-8 -*-
"""asr_preflight_info from the installed collection against the lab: a good machine passes before a failover and
before a failback (both generations); a machine that breaks a rule and a region without vCPU quota fail."""

from __future__ import annotations

import os

import pytest
from installed_collection import run_playbook, write_playbook
from lab_tasks import WAIT, control, writes


@pytest.fixture(autouse=True)
def fresh_labs(lab, modernized_lab):
    """The session's labs back at the scenario's start (quota included): other tests change them."""
    for running in (lab, modernized_lab):
        control(running, "reset", "POST")


def preflight(installed_env, lab, tmp_path, *runs):
    """One playbook running asr_preflight_info once per dict of options in ``runs``; their registered results, in order."""
    steps = [{"siterecovery.vmware.asr_preflight_info": args, "register": "r%d" % i, "ignore_errors": True} for i, args in enumerate(runs)]
    steps.append({"ansible.builtin.debug": {"msg": "{{ [%s] }}" % ", ".join("r%d" % i for i in range(len(runs)))}})
    done, result = run_playbook(dict(installed_env, **lab.env), write_playbook(tmp_path, steps))
    assert done.returncode == 0 and result is not None, done.stdout + done.stderr
    assert lab.client_secret not in done.stdout + done.stderr
    return result["msg"]


def statuses(result):
    return dict((c["name"], c["status"]) for c in result["checks"])


def failed(result):
    return dict((c["name"], c["reason"]) for c in result["checks"] if c["status"] == "fail")


@pytest.mark.parametrize("generation", ["classic", "modernized"])
def test_good_machine_before_failover_and_failback(installed_env, lab, modernized_lab, tmp_path, generation):
    running = lab if generation == "classic" else modernized_lab
    before = len(writes(running))
    [result] = preflight(installed_env, running, tmp_path, {"name": "vm-win-01"})
    assert not result.get("failed"), result
    assert result["before"] == "failover" and result["ready"] is True, failed(result)
    assert result["summary"] == {"pass": len(result["checks"]), "warn": 0, "fail": 0}
    assert {"quota_family", "quota_regional", "target_size_offered", "vm_name", "os_disk_size", "target_subnet"} <= set(statuses(result))
    assert result["target"]["size"] == "Standard_D2s_v3" and result["target"]["location"] == "westeurope"
    assert result["replicated_item"]["generation"] == generation
    assert all(c["source"] and c["reason"] for c in result["checks"])

    control(running, "stage", "POST", item="vm-win-01", stage="reprotected")
    control(running, "stage", "POST", item="vm-lin-01", stage="committed")
    result, committed = preflight(installed_env, running, tmp_path, {"name": "vm-win-01"}, {"name": "vm-lin-01", "before": "failback"})
    assert not result.get("failed"), result
    assert result["before"] == "failback" and result["ready"] is True, failed(result)
    assert statuses(result)["reprotected"] == "pass" and statuses(result)["azure_vm_exists"] == "pass"
    assert statuses(result)["vcenter_connected"] == "pass" and statuses(result)["agent_registered"] == "pass"
    assert statuses(result)["vcenter_reachable"] == "pass"  # the lab's env.sh names its vCenter (VMWARE_*)
    assert "vm_name" not in statuses(result) and result["target"] is None
    assert len(writes(running)) == before  # an info module sends no write
    # Failed over and committed, not reprotected yet: the failback path can go on; the reprotect comes first.
    assert committed["ready"] is True, failed(committed)
    assert statuses(committed)["reprotected"] == "warn" and statuses(committed)["recovery_point"] == "warn"
    assert statuses(committed)["operation_allowed"] == "pass"


def test_machine_breaking_a_rule_fails(installed_env, lab, tmp_path):
    # Azure's VM-name rule of the support matrix (letters, digits, hyphens) is stricter than what ASR's PATCH takes;
    # and vm-win-02 is given the static address that vm-win-01 holds once it runs in Azure.
    changes = [{"siterecovery.vmware.asr_replicated_item": dict(WAIT, name=name, **change)}
               for name, change in (("vm-lin-01", {"vm_name": "vm_lin.01"}), ("vm-win-01", {"static_ip": "10.10.0.10"}),
                                    ("vm-win-02", {"static_ip": "10.10.0.10"}))]
    done, result = run_playbook(dict(installed_env, **lab.env), write_playbook(tmp_path, changes))
    assert done.returncode == 0 and result["changed"] is True, done.stdout + done.stderr
    control(lab, "stage", "POST", item="vm-win-01", stage="failed_over")
    name, address = preflight(installed_env, lab, tmp_path, {"name": "vm-lin-01"}, {"name": "vm-win-02"})
    assert not name.get("failed"), name  # an info module: the checks fail, not the task
    assert name["ready"] is False and list(failed(name)) == ["vm_name"]
    assert "'vm_lin.01'" in failed(name)["vm_name"] and "asr_replicated_item vm_name" in failed(name)["vm_name"]
    assert statuses(name)["failover_time_linux"] == "warn"
    assert name["summary"] == {"pass": len(name["checks"]) - 2, "warn": 1, "fail": 1}
    assert list(failed(address)) == ["static_ip"] and "10.10.0.10 is already in use in network vnet-dr" in failed(address)["static_ip"]


def test_region_without_quota_fails(installed_env, modernized_lab, tmp_path):
    running = modernized_lab  # the classic lab's region is tested in test_size_not_offered_and_failback_blockers
    control(running, "quota", "POST", standardDSv3Family=1)
    default_size, bigger = preflight(installed_env, running, tmp_path, {"name": "vm-win-02"},
                                     {"name": "vm-win-02", "target_vm_size": "Standard_D4s_v3", "rpo_threshold": 60})
    for result, needs in ((default_size, "size Standard_D2s_v3 needs 2"), (bigger, "size Standard_D4s_v3 needs 4")):
        assert not result.get("failed") and result["ready"] is False, result
        assert list(failed(result)) == ["quota_family"]
        assert "standardDSv3Family: 0 of 1 vCPUs used in westeurope, 1 left, " + needs in failed(result)["quota_family"]
    assert bigger["target"]["size"] == "Standard_D4s_v3"


def test_size_not_offered_and_failback_blockers(installed_env, lab, tmp_path):
    control(lab, "quota", "POST", total=3)
    offered, missing, quota = preflight(installed_env, lab, tmp_path, {"name": "phys-01", "target_vm_size": "Standard_Z9"}, {"name": "vm-win-1"},
                                        {"name": "vm-win-02", "target_vm_size": "Standard_D4s_v3"})
    assert list(failed(quota)) == ["quota_regional"] and quota["ready"] is False
    assert "total regional vCPU quota: 0 of 3 vCPUs used in westeurope, 3 left, size Standard_D4s_v3 needs 4" in failed(quota)["quota_regional"]
    assert set(failed(offered)) == {"target_size_offered", "quota_family", "quota_regional"}
    assert statuses(offered)["failover_time_physical"] == "warn"
    assert missing["failed"] is True and missing["error"]["code"] == "ReplicatedItemNotFound" and "vm-win-01" in missing["msg"]
    control(lab, "stage", "POST", item="phys-01", stage="reprotected")
    control(lab, "health", "POST", item="phys-01", resync_required=True)
    back, forth, login = preflight(installed_env, lab, tmp_path, {"name": "phys-01"}, {"name": "phys-01", "before": "failover"},
                                   {"name": "phys-01", "password": "not-the-password"})
    assert back["before"] == "failback" and set(failed(back)) == {"replication_health", "resync_required"}
    assert set(failed(login)) == {"replication_health", "resync_required", "vcenter_reachable"}
    assert "login to 127.0.0.2" in failed(login)["vcenter_reachable"] and "not-the-password" not in str(login)
    assert "resynchronisation" in failed(back)["resync_required"]
    assert "would be the failback" in failed(forth)["operation_allowed"] and "nothing to fail over" in failed(forth)["running_in"]


def test_bad_inputs_fail_before_any_request(installed_env, lab, tmp_path):
    asked = len(control(lab, "requests"))
    threshold, direction, host = preflight(installed_env, lab, tmp_path, {"name": "vm-win-01", "rpo_threshold": 0},
                                           {"name": "vm-win-01", "before": "sideways"}, {"name": "vm-win-01", "hostname": "https://vc01/sdk"})
    assert threshold["failed"] is True and "rpo_threshold must be 1 minute or more" in threshold["msg"]
    assert direction["failed"] is True and "before" in direction["msg"] and "sideways" in direction["msg"]
    assert host["failed"] is True and "Invalid vSphere options: hostname 'https://vc01/sdk' must be a host name" in host["msg"]
    assert len(control(lab, "requests")) == asked


def test_vsphere_options_a_check_cannot_make_or_does_not_use(installed_env, lab, tmp_path):
    """A vCenter whose certificate is not trusted fails vcenter_reachable with the other modules' TLS message; before a
    failover, which does not use the vCenter, the result says that the vSphere options given (VMWARE_HOST) are not used."""
    control(lab, "stage", "POST", item="vm-lin-01", stage="committed")
    system_bundle = os.environ.get("SSL_CERT_FILE") or "/etc/ssl/certs/ca-certificates.crt"  # without the lab's CA
    asked = len(control(lab, "requests"))
    untrusted, unused = preflight(installed_env, lab, tmp_path, {"name": "vm-lin-01", "before": "failback", "ca_path": system_bundle},
                                  {"name": "vm-win-01", "ca_path": system_bundle})
    assert not untrusted.get("failed") and untrusted["ready"] is False, untrusted
    assert list(failed(untrusted)) == ["vcenter_reachable"], failed(untrusted)
    reason = failed(untrusted)["vcenter_reachable"]
    assert "vSphere: the certificate of 127.0.0.2" in reason and "is not trusted" in reason, reason
    assert "set ca_path (VMWARE_CA_PATH) to the CA bundle that signed the server's certificate" in reason, reason
    assert unused["ready"] is True and statuses(unused)["vcenter_reachable"] == "pass", unused
    reason = [c["reason"] for c in unused["checks"] if c["name"] == "vcenter_reachable"][0]
    assert reason.startswith("not checked: a failover to Azure does not use the vCenter, so the vSphere options (hostname 127.0.0.2)"), reason
    assert not [r for r in control(lab, "requests")[asked:] if r["method"] != "GET"]
