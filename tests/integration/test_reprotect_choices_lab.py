# -*- coding: utf-8 -*-
"""asr_reprotect and asr_failover choose, never guess, from the installed collection against the lab (real SDK, real vCenter simulator):
a failback policy among two mapped ones, options of the other generation, a master target of the wrong OS family, and the source's
power state after a failover with shutdown."""

from __future__ import annotations

import pathlib

import pytest
import yaml
from installed_collection import run_playbook, write_playbook
from lab_tasks import LOG_ACCOUNT, WAIT, control, task, writes
from labrunner import find, start_lab, vsphere_client
from pyVmomi import vim

SCENARIOS = pathlib.Path(__file__).resolve().parents[2] / "lab" / "scenarios"
# A real vault (TestV2ARCMReprotect) maps an app-consistency and a crash-consistency failback policy.
TWO_FAILBACK_POLICIES = [{"name": "policy-lab-failback"}, {"name": "policy-lab-failback-crash", "app_consistent_minutes": 0}]


def two_policy_lab(tmp_path_factory, generation):
    scenario = yaml.safe_load((SCENARIOS / ("%s.yml" % generation)).read_text())
    scenario["failback_policies"] = TWO_FAILBACK_POLICIES
    state = tmp_path_factory.mktemp("choices-" + generation)
    path = state / ("%s-two-failback-policies.yml" % generation)
    path.write_text(yaml.safe_dump(scenario))
    return start_lab(state / "lab", path)


@pytest.fixture(scope="module")
def classic_lab(tmp_path_factory):
    running = two_policy_lab(tmp_path_factory, "classic")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def modernized_lab(tmp_path_factory):
    running = two_policy_lab(tmp_path_factory, "modernized")
    yield running
    running.stop()


def refused(installed_env, lab, tmp_path, args, fragments, check=False):
    """The task fails before any write (check mode or not), and says each of ``fragments``."""
    before = len(writes(lab))
    code, result = task(installed_env, lab, tmp_path, "asr_reprotect", args, check=check)
    assert code == 2, result
    for fragment in fragments:
        assert fragment in result["msg"], result["msg"]
    assert len(writes(lab)) == before
    return result


def test_classic_two_failback_policies_refused_then_the_named_one(installed_env, classic_lab, tmp_path):
    lab = classic_lab
    control(lab, "stage", "POST", item="vm-win-01", stage="committed")
    args = {"name": "vm-win-01", "direction": "to_onprem", "master_target": "mt-win-01", "datastore": "ds-vmfs-02"}
    for check in (True, False):
        refused(installed_env, lab, tmp_path, args, ["2 InMage policies are mapped", "set policy to one of",
                                                     "/replicationPolicies/policy-lab-failback)", "/replicationPolicies/policy-lab-failback-crash)"],
                check=check)
    refused(installed_env, lab, tmp_path, dict(args, policy="policy-lab"),
            ["policy 'policy-lab' is an InMageAzureV2 policy; the reprotect takes an InMage one", "the InMage policies mapped: policy-lab-failback"])
    code, result = task(installed_env, lab, tmp_path, "asr_reprotect", dict(args, policy="policy-lab-failback-crash"))
    assert code == 0, result
    assert result["request"]["properties"]["providerSpecificDetails"]["profileId"].endswith("/replicationPolicies/policy-lab-failback-crash")
    assert (result["policy"]["name"], result["policy"]["chosen"]) == ("policy-lab-failback-crash", "named by the policy option")
    assert result["replicated_item"]["provider"] == "InMage" and result["replicated_item"]["policy"]["name"] == "policy-lab-failback-crash"
    # Back to Azure: one InMageAzureV2 policy is mapped; it is used, and the result says so.
    task(installed_env, lab, tmp_path, "asr_failover", {"name": "vm-win-01", "direction": "to_onprem"})
    task(installed_env, lab, tmp_path, "asr_commit", {"name": "vm-win-01"})
    code, result = task(installed_env, lab, tmp_path, "asr_reprotect", {"name": "vm-win-01", "direction": "to_azure"})
    assert code == 0, result
    assert result["policy"]["chosen"] == "the only InMageAzureV2 policy mapped" and result["policy"]["name"] == "policy-lab"
    assert result["request"]["properties"]["providerSpecificDetails"]["policyId"] == result["policy"]["id"]


def test_modernized_two_failback_policies_refused_then_the_named_one(installed_env, modernized_lab, tmp_path):
    lab = modernized_lab
    control(lab, "stage", "POST", item="vm-win-01", stage="committed")
    args = {"name": "vm-win-01", "direction": "to_onprem", "datastore": "ds-vmfs-01", "log_storage_account_id": LOG_ACCOUNT % lab.subscription_id}
    result = refused(installed_env, lab, tmp_path, args, ["2 InMageRcmFailback policies are mapped", "policy-lab-failback-crash ("])
    assert result["error"]["code"] == "InvalidReprotectInput"
    policies = "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.RecoveryServices/vaults/%s/replicationPolicies/" % (
        lab.subscription_id, lab.resource_group, lab.vault_name)
    code, result = task(installed_env, lab, tmp_path, "asr_reprotect", dict(args, policy=(policies + "policy-lab-failback-crash").upper()))
    assert code == 0, result
    details = result["request"]["properties"]["providerSpecificDetails"]
    assert details["policyId"].lower() == (policies + "policy-lab-failback-crash").lower()
    assert result["replicated_item"]["provider"] == "InMageRcmFailback" and result["replicated_item"]["policy"]["name"] == "policy-lab-failback-crash"


def test_options_of_the_other_generation_are_refused_before_any_write(installed_env, classic_lab, modernized_lab, tmp_path):
    control(classic_lab, "stage", "POST", item="vm-win-02", stage="committed")
    refused(installed_env, classic_lab, tmp_path, {"name": "vm-win-02", "direction": "to_onprem", "master_target": "mt-win-01",
                                                   "datastore": "ds-vmfs-01", "policy": "policy-lab-failback", "appliance": "appliance-lab-01"},
            ["vm-win-02 is an InMageAzureV2 item (classic",
             "appliance does not apply (use master_target (and process_server))"])
    control(modernized_lab, "stage", "POST", item="vm-win-02", stage="committed")
    refused(installed_env, modernized_lab, tmp_path, {"name": "vm-win-02", "direction": "to_onprem", "datastore": "ds-vmfs-01",
                                                      "log_storage_account_id": LOG_ACCOUNT % modernized_lab.subscription_id,
                                                      "policy": "policy-lab-failback", "master_target": "mt-win-01", "retention_drive": "E"},
            ["(modernized", "master_target does not apply (use appliance); retention_drive does not apply (use log_storage_account_id"])
    control(modernized_lab, "stage", "POST", item="vm-lin-01", stage="failback_committed")
    refused(installed_env, modernized_lab, tmp_path, {"name": "vm-lin-01", "direction": "to_azure", "datastore": "ds-vmfs-01"},
            ["datastore does not apply (it takes nothing in its place)"])


def test_a_windows_machine_through_the_linux_master_target_is_refused(installed_env, classic_lab, tmp_path):
    lab = classic_lab
    control(lab, "stage", "POST", item="vm-win-02", stage="committed")
    result = refused(installed_env, lab, tmp_path, {"name": "vm-win-02", "direction": "to_onprem", "master_target": "mt-lin-01",
                                                    "datastore": "ds-vmfs-01", "policy": "policy-lab-failback"},
                     ["vm-win-02 runs Windows (Windows Server 2016 Datacenter): it fails back only through a Windows master target, "
                      "and mt-lin-01 runs Linux (RHEL 8.6); master targets that fit: cs-lab-01, mt-win-01"])
    assert result["error"]["code"] == "InvalidReprotectInput"
    control(lab, "stage", "POST", item="vm-lin-01", stage="committed")
    refused(installed_env, lab, tmp_path, {"name": "vm-lin-01", "direction": "to_onprem", "master_target": "mt-win-01",
                                           "datastore": "ds-vmfs-01", "policy": "policy-lab-failback"},
            ["it fails back only through a Linux master target", "master targets that fit: mt-lin-01"])


def test_the_source_power_state_after_a_failover_with_shutdown(installed_env, modernized_lab, tmp_path):
    lab = modernized_lab
    control(lab, "stage", "POST", item="vm-win-02", stage="protected")
    args = {"name": "vm-win-02", "direction": "to_azure", "shutdown_source": True}
    code, result = task(installed_env, lab, tmp_path, "asr_failover", args)
    assert code == 0, result
    assert result["source_power"] == {"checked": True, "vm": "vm-win-02", "power_state": "poweredOff",
                                      "message": "the source VM vm-win-02 is powered off"}


def test_a_source_that_stays_on_is_warned_about(installed_env, modernized_lab, tmp_path):
    """The lab powers the source off by its exact name; renamed VM-LIN-01 in vCenter it stays on, as when ASR's shutdown fails,
    and the module (which finds a VM case-insensitively when no name matches exactly, as vmware_master_target does) sees it on."""
    lab = modernized_lab
    control(lab, "stage", "POST", item="vm-lin-01", stage="protected")  # on-premises, its VM on
    client = vsphere_client(lab)
    try:
        vm = find(client.content, vim.VirtualMachine, "vm-lin-01")
        client._wait(vm.Rename_Task(newName="VM-LIN-01"))  # pylint: disable=protected-access
    finally:
        client.close()
    step = {"siterecovery.vmware.asr_failover": dict(WAIT, name="vm-lin-01", direction="to_azure", shutdown_source=True)}
    done, result = run_playbook(dict(installed_env, **lab.env), write_playbook(tmp_path, [step]))
    assert done.returncode == 0, done.stdout + done.stderr
    assert (result["source_power"]["checked"], result["source_power"]["vm"], result["source_power"]["power_state"]) == (True, "VM-LIN-01", "poweredOn")
    shown = " ".join(done.stdout.split() + done.stderr.split())  # the warning as ansible-playbook shows it, wrapped or not
    assert "[WARNING]: the source VM VM-LIN-01 is still poweredOn after the failover with shutdown_source: shut it down now" in shown


def test_without_vsphere_options_the_power_state_is_said_not_checked(installed_env, modernized_lab, tmp_path):
    lab = modernized_lab
    control(lab, "reset", "POST")  # vm-win-01 as at the start, its recovery points there (the tests above reprotected it)
    env = dict((k, v) for k, v in installed_env.items() if not k.startswith("VMWARE_"))
    lab_env = dict((k, v) for k, v in lab.env.items() if not k.startswith("VMWARE_"))

    class Bare:  # the lab, without the vSphere part of its environment
        def __getattr__(self, name):
            return lab_env if name == "env" else getattr(lab, name)

    code, result = task(env, Bare(), tmp_path, "asr_failover", {"name": "vm-win-01", "direction": "to_azure", "shutdown_source": True})
    assert code == 0, result
    assert result["source_power"]["checked"] is False and result["source_power"]["power_state"] is None
    assert "was not checked: give the vSphere options" in result["source_power"]["message"]


def test_incomplete_vsphere_options_fail_before_any_request(installed_env, modernized_lab, tmp_path):
    lab = modernized_lab
    before = len(control(lab, "requests"))
    code, result = task(installed_env, lab, tmp_path, "asr_failover", {"name": "vm-win-01", "direction": "to_azure", "shutdown_source": True,
                                                                       "hostname": "https://vcenter.example.com/sdk"})
    assert code == 2 and "Invalid vSphere options" in result["msg"] and "without a scheme or path" in result["msg"]
    assert len(control(lab, "requests")) == before
