# -*- coding: utf-8 -*-
"""failback.yml decides the whole path before its first write (docs/failback_plan.md), from the installed collection against the
lab: a second process server does not stop the reprotect to Azure after the failback, a failback recovery point the provider or
the failback policy cannot give is refused at the start (in --check too), the master target chosen is one that passes every check
(the others listed with why not), the VPN failback's network reaches the role, and the members of one multi-VM group are not
reprotected through different master targets."""

from __future__ import annotations

import shutil

import pytest
import yaml
from installed_collection import BIN, ROOT, run, run_playbook, write_playbook
from lab_tasks import WAIT, control, task, writes
from labrunner import start_lab

SCENARIOS = ROOT / "lab" / "scenarios"
# A second Windows master target, as ready as mt-win-01 (lab/asrlab/vcenter.py inventory_for).
MT_WIN_02 = {"name": "mt-win-02", "os_type": "Windows", "os_version": "Windows Server 2019", "ip": "10.0.0.13", "retention_drive": "F",
             "datastores": ["ds-vmfs-01"]}
DEPLOY = {"state": "present", "location": "azure", "link": "vpn", "name": "ps-azure-01", "azure_network": "vnet-dr",
          "azure_resource_group": "rg-dr-recovery", "subnet": "default", "admin_username": "psadmin",
          "admin_password": "Lab-Passw0rd-ps!", "image": {"publisher": "lab", "offer": "process-server", "sku": "classic"}}


def scenario_lab(tmp_path_factory, generation, change):
    scenario = yaml.safe_load((SCENARIOS / ("%s.yml" % generation)).read_text())
    change(scenario)
    state = tmp_path_factory.mktemp("plan-" + generation)
    path = state / ("%s-plan.yml" % generation)
    path.write_text(yaml.safe_dump(scenario))
    return start_lab(state / "lab", path)


@pytest.fixture(scope="module")
def classic_lab(tmp_path_factory):
    running = scenario_lab(tmp_path_factory, "classic", lambda s: s["master_targets"].append(MT_WIN_02))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def modernized_lab(tmp_path_factory):
    """A modernized vault whose only failback policy takes crash-consistent points only."""
    running = scenario_lab(tmp_path_factory, "modernized",
                           lambda s: s.update(failback_policies=[{"name": "policy-lab-failback-crash", "app_consistent_minutes": 0}]))
    yield running
    running.stop()


def failback(installed_env, lab, tmp_path, *extra, inventory=None):
    """failback.yml as an operator runs it, with the lab's inventory; (exit code, the output with its lines joined)."""
    done = run([BIN / "ansible-playbook", "-i", str(inventory or ROOT / "lab" / "inventory"), "siterecovery.vmware.failback",
                "-e", "asr_summary_file=%s" % (tmp_path / "summary.json")] + list(extra),
               env=dict(installed_env, **lab.env), cwd=tmp_path, check=False)
    output = done.stdout + done.stderr
    assert "Traceback" not in output and lab.client_secret not in output, output
    return done.returncode, " ".join(output.split())


def deploy_process_server_in_azure(installed_env, lab, tmp_path):
    code, result = task(installed_env, lab, tmp_path, "asr_process_server", dict(DEPLOY, **WAIT))
    assert code == 0 and result["process_server"]["name"] == "ps-azure-01", result


def test_a_second_process_server_does_not_stop_the_reprotect_to_azure(installed_env, classic_lab, tmp_path):
    lab = classic_lab
    control(lab, "reset", "POST")
    deploy_process_server_in_azure(installed_env, lab, tmp_path)
    control(lab, "stage", "POST", item="vm-lin-01", stage="committed")
    code, out = failback(installed_env, lab, tmp_path, "--limit", "vm-lin-01", "-e", "asr_confirm_failover=true")
    assert code == 0, out
    assert ("process server of the reprotect to Azure: cs-lab-01: the configuration server's in-built process server: the reprotect to "
            "Azure replicates from on-premises, and a process server in Azure serves only the failback; not chosen: ps-azure-01") in out
    state = control(lab, "state")["items"]["vm-lin-01"]
    assert (state["provider"], state["running_in"], state["protection_state"]) == ("InMageAzureV2", "onprem", "Protected"), state
    reprotects = [r for r in writes(lab) if r["path"].endswith("/reProtect") and "vm-lin-01" in r["path"]]
    assert len(reprotects) == 2 and all(r["status"] == 202 for r in reprotects)


def test_a_failback_recovery_point_that_cannot_be_had_is_refused_at_the_start(installed_env, modernized_lab, tmp_path):
    lab = modernized_lab
    control(lab, "stage", "POST", item="vm-lin-01", stage="committed")
    before = len(writes(lab))
    real = ["-e", "asr_confirm_failover=true"]
    cases = (("latest_processed", (["--check"], real), "asr_failback_recovery_point=latest_processed: a modernized failback "
              "(InMageRcmFailback) takes latest, latest_app_consistent or latest_crash_consistent"),
             ("latest_app_consistent", (["--check"],), "asr_failback_recovery_point=latest_app_consistent: failback policy "
              "policy-lab-failback-crash takes no app-consistent recovery points (crash-consistent only), so ASR would refuse the "
              "failback (NoRecoveryPoint)"))
    for choice, modes, words in cases:
        for mode in modes:
            code, out = failback(installed_env, lab, tmp_path, "--limit", "vm-lin-01", "-e", "asr_failback_recovery_point=" + choice, *mode)
            assert code != 0, out
            assert ("nothing was sent for vm-lin-01: failback_prepare, reprotect_to_onprem, failback_to_onprem, commit_failback, "
                    "reprotect_to_azure could not go through") in out
            assert words in out, out
    assert len(writes(lab)) == before
    assert control(lab, "state")["items"]["vm-lin-01"]["provider"] == "InMageRcm"


def test_the_master_target_chosen_passes_every_check_and_the_others_say_why_not(installed_env, classic_lab, tmp_path):
    lab = classic_lab
    control(lab, "reset", "POST")
    control(lab, "stage", "POST", item="vm-win-01", stage="committed")
    before = len(writes(lab))
    code, out = failback(installed_env, lab, tmp_path, "--check", "--limit", "vm-win-01", "-e", "asr_master_target=")
    assert code == 0, out
    assert "master target: mt-win-01: of the machine's OS family and every check passing" in out, out
    assert ("not chosen: cs-lab-01 (os_match: master target cs-lab-01 runs Windows Server 2016, older than vm-win-01 (Windows Server 2019 "
            "Datacenter): use a master target with the same or a later OS version; disk_enable_uuid: disk.EnableUUID is not set") in out
    assert "mt-lin-01 (os_match: vm-win-01 runs Windows (Windows Server 2019 Datacenter): it fails back only through a Windows master target" in out
    assert "mt-win-02 (passes too, with" in out
    assert len(writes(lab)) == before
    # Check mode says what it would do to the master target.
    step = {"siterecovery.vmware.vmware_master_target": {"name": "mt-win-01", "protected_item": "vm-win-01", "datastore": "ds-vmfs-01"},
            "check_mode": True}
    done, result = run_playbook(dict(installed_env, **lab.env), write_playbook(tmp_path, [step]))
    assert done.returncode == 0 and result["changed"] is True, done.stdout + done.stderr
    assert result["msg"].startswith("master target mt-win-01 would be prepared ("), result["msg"]


def test_a_vpn_failback_reaches_the_process_server_in_azure_from_the_role(installed_env, classic_lab, tmp_path):
    lab = classic_lab
    control(lab, "reset", "POST")
    control(lab, "stage", "POST", item="vm-win-02", stage="committed")
    vpn = ["--check", "--limit", "vm-win-02", "-e", "asr_link=vpn", "-e", "asr_azure_network=vnet-dr", "-e", "asr_azure_resource_group=rg-dr-recovery"]
    before = len(writes(lab))
    code, out = failback(installed_env, lab, tmp_path, *vpn)
    assert code != 0 and "the failback's process server: no process server runs in Azure network vnet-dr" in out, out
    code, out = failback(installed_env, lab, tmp_path, *vpn[:5])
    assert code != 0 and "asr_azure_network is required: with asr_link=vpn the failback goes through a process server in the Azure network" in out
    assert len(writes(lab)) == before
    deploy_process_server_in_azure(installed_env, lab, tmp_path)
    before = len(writes(lab))
    code, out = failback(installed_env, lab, tmp_path, *vpn)
    assert code == 0, out
    assert "failback process server: ps-azure-01: the process server in Azure network vnet-dr" in out, out
    assert len(writes(lab)) == before


def test_the_members_of_one_multi_vm_group_go_through_one_master_target(installed_env, classic_lab, tmp_path):
    lab = classic_lab
    control(lab, "reset", "POST")
    for machine in ("vm-win-01", "vm-win-02"):
        control(lab, "stage", "POST", item=machine, stage="committed")
    inventory = tmp_path / "inventory"
    shutil.copytree(ROOT / "lab" / "inventory", inventory)
    (inventory / "host_vars").mkdir()
    (inventory / "host_vars" / "vm-win-02.yml").write_text("asr_master_target: mt-win-02\n")
    before = len(writes(lab))
    limit = ["--check", "--limit", "vm-win-01,vm-win-02"]
    code, out = failback(installed_env, lab, tmp_path, *limit, inventory=inventory)
    assert code != 0, out
    assert ("the members of multi-VM group app-tier would be reprotected through different master targets (vm-win-01 through mt-win-01, "
            "vm-win-02 through mt-win-02), and they would no longer share a point in time") in out, out
    code, out = failback(installed_env, lab, tmp_path, *limit, "-e", "asr_group_master_targets=warn", inventory=inventory)
    assert code == 0, out
    assert "WARNING: multi-VM group app-tier: vm-win-01 through mt-win-01, vm-win-02 through mt-win-02" in out, out
    assert len(writes(lab)) == before
