# -*- coding: utf-8 -*-
"""asr_process_server from the installed collection against the lab: the in-built process server checked, an unhealthy or
silent one failing with what to fix, the process server in Azure deployed once (then changed false) and its registration
waited on, check mode without writes, bad inputs refused before any request, and the modernized appliance."""

from __future__ import annotations

import pytest
from installed_collection import run_playbook, write_playbook
from lab_tasks import WAIT, control, task, writes
from labrunner import start_lab

DEPLOY = {"state": "present", "location": "azure", "link": "vpn", "name": "ps-azure-01", "azure_network": "vnet-dr",
          "azure_resource_group": "rg-dr-recovery", "subnet": "default", "admin_username": "psadmin",
          "admin_password": "Lab-Passw0rd-ps!", "image": {"publisher": "lab", "offer": "process-server", "sku": "classic"}}


@pytest.fixture(scope="module")
def classic_lab(tmp_path_factory):
    running = start_lab(tmp_path_factory.mktemp("ps-classic"), "classic")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def modernized_lab(tmp_path_factory):
    running = start_lab(tmp_path_factory.mktemp("ps-modernized"), "modernized")
    yield running
    running.stop()


def several(installed_env, lab, tmp_path, argument_sets):
    """One playbook running the module once per argument set (failures ignored); the results, in order."""
    steps = [{"siterecovery.vmware.asr_process_server": dict(WAIT, **args), "register": "r%d" % index, "ignore_errors": True}
             for index, args in enumerate(argument_sets)]
    steps.append({"ansible.builtin.set_fact": {"results": "{{ [%s] }}" % ", ".join("r%d" % i for i in range(len(argument_sets)))}})
    done, result = run_playbook(dict(installed_env, **lab.env), write_playbook(tmp_path, steps))
    assert result is not None, done.stdout + done.stderr
    assert lab.client_secret not in done.stdout + done.stderr and "Lab-Passw0rd-ps!" not in done.stdout + done.stderr
    return result["ansible_facts"]["results"]


def arm_requests(lab, since):
    return [r for r in control(lab, "requests")[since:] if "/lab/" not in r["path"] and "oauth2" not in r["path"]]


def test_in_built_process_server_acceptable_over_expressroute_not_vpn(installed_env, classic_lab, tmp_path):
    lab = classic_lab
    control(lab, "reset", "POST")
    expressroute, vpn, vpn_azure = several(installed_env, lab, tmp_path, [
        {"location": "onprem", "link": "expressroute"},
        {"location": "onprem", "link": "vpn"},
        # location defaults to azure over a VPN: with no process server there it says how to get one.
        {"link": "vpn", "azure_network": "vnet-dr", "azure_resource_group": "rg-dr-recovery"}])
    assert not expressroute.get("failed"), expressroute
    chosen = expressroute["process_server"]
    assert chosen["name"] == "cs-lab-01" and chosen["in_built"] is True and chosen["location"] == "onprem"
    assert chosen["heartbeat_age_minutes"] < 15 and chosen["health"] == "Normal"
    status = dict((c["name"], c["status"]) for c in expressroute["checks"])
    assert status["link"] == "warn" and status["health"] == status["heartbeat"] == status["free_space"] == "pass"
    assert expressroute["changed"] is False and expressroute["summary"]["fail"] == 0
    assert all(c["source"] for c in expressroute["checks"])
    assert vpn["failed"] and "needs a process server in Azure" in vpn["msg"]
    assert vpn_azure["failed"] and "no process server runs in Azure network vnet-dr" in vpn_azure["msg"] and "state present" in vpn_azure["msg"]


def test_unhealthy_or_silent_process_server_fails_with_what_to_fix(installed_env, classic_lab, tmp_path):
    lab = classic_lab
    control(lab, "reset", "POST")
    control(lab, "component", "POST", kind="process_server", name="cs-lab-01", heartbeat_minutes_ago=40, services_status="Stopped",
            health="Critical", health_errors=[{"code": "ProcessServerHeartbeat", "message": "no heartbeat",
                                               "recommended_action": "restart the process server services"}])
    code, result = task(installed_env, lab, tmp_path, "asr_process_server", {"location": "onprem", "link": "expressroute"})
    assert code != 0
    assert "last sent a heartbeat 40 minutes ago" in result["msg"] and "restart the process server services" in result["msg"]
    assert "services are Stopped" in result["msg"]
    failed = sorted(c["name"] for c in result["checks"] if c["status"] == "fail")
    assert failed == ["health", "heartbeat", "services"]
    # A larger limit accepts the old heartbeat; the other failures stay.
    control(lab, "component", "POST", kind="process_server", name="cs-lab-01", health="Normal", health_errors=[], services_status="Running",
            free_space_percent=10)
    code, result = task(installed_env, lab, tmp_path, "asr_process_server", {"link": "expressroute", "max_heartbeat_age": 60})
    assert code != 0 and [c["name"] for c in result["checks"] if c["status"] == "fail"] == ["free_space"]
    assert "10.0 % free" in result["msg"]


def test_bad_inputs_are_refused_before_any_request(installed_env, classic_lab, tmp_path):
    lab = classic_lab
    before = len(control(lab, "requests"))
    cases = (
        (dict(DEPLOY, admin_password="short"), "admin_password does not meet"),
        (dict(DEPLOY, name="this-name-is-far-too-long"), "not a valid Windows computer name"),
        (dict(DEPLOY, subnet=None, image={"publisher": "lab"}), "image needs id"),
        ({"azure_network": "vnet-dr", "location": "azure"}, "set azure_resource_group"),
        ({"min_free_space_percent": 120}, "between 0 and 100"),
    )
    results = several(installed_env, lab, tmp_path, [args for args, _words in cases])
    for (args, words), result in zip(cases, results):
        assert result["failed"] and words in result["msg"], (args, result["msg"])
        assert "Lab-Passw0rd-ps!" not in str(result)
    assert len(control(lab, "requests")) == before


def test_azure_process_server_deployed_once_then_changed_false(installed_env, classic_lab, tmp_path):
    lab = classic_lab
    control(lab, "reset", "POST")
    start, wrote = len(control(lab, "requests")), len(writes(lab))
    code, result = task(installed_env, lab, tmp_path, "asr_process_server", DEPLOY, check=True)
    assert code == 0 and result["changed"] is True and result["process_server"] is None
    assert "would deploy process server VM ps-azure-01" in result["msg"] and "UnifiedSetup.exe" in result["msg"]
    assert "10.0.0.10" in result["registration"]  # the configuration server's address
    assert len(writes(lab)) == wrote  # check mode sends no write

    first = len(control(lab, "requests"))
    code, result = task(installed_env, lab, tmp_path, "asr_process_server", dict(DEPLOY, wait_sleep=1))
    assert code == 0, result
    assert result["changed"] is True and result["deployment"]["provisioning_state"] == "Succeeded"
    assert result["process_server"]["name"] == "ps-azure-01" and result["process_server"]["location"] == "azure"
    assert dict((c["name"], c["status"]) for c in result["checks"])["link"] == "pass"
    assert "Lab-Passw0rd-ps!" not in str(result)
    deployed = arm_requests(lab, first)
    puts = [r for r in deployed if r["method"] == "PUT"]
    assert len(puts) == 1 and puts[0]["path"].lower().endswith("/deployments/asr-process-server-ps-azure-01")

    second = len(control(lab, "requests"))
    code, result = task(installed_env, lab, tmp_path, "asr_process_server", DEPLOY)
    assert code == 0 and result["changed"] is False, result
    assert result["process_server"]["name"] == "ps-azure-01" and result["deployment"]["name"] == "asr-process-server-ps-azure-01"
    again = arm_requests(lab, second)
    assert [r for r in again if r["method"] != "GET"] == []
    print("ARM requests: check mode %d, deploy %d (%d PUT), second run %d" % (
        len(arm_requests(lab, start)) - len(deployed) - len(again), len(deployed), len(puts), len(again)))


def test_registration_timeout_says_what_to_run(installed_env, classic_lab, tmp_path):
    lab = classic_lab
    control(lab, "reset", "POST")
    control(lab, "registration", "POST", hold=True)  # nobody runs the setup inside the VM
    wrote = len(writes(lab))
    code, result = task(installed_env, lab, tmp_path, "asr_process_server", dict(DEPLOY, name="ps-azure-02", wait_timeout=2, wait_sleep=1))
    assert code != 0 and "process server ps-azure-02 has not registered with cs-lab-01 after 2 s" in result["msg"], result["msg"]
    assert 'UnifiedSetup.exe /AcceptThirdpartyEULA /ServerMode "PS"' in result["msg"] and 'CSIP "10.0.0.10"' in result["msg"]
    assert "cdpcli.exe --registermt" in result["msg"] and "genpassphrase.exe -v" in result["msg"]
    assert result["deployment"]["name"] == "asr-process-server-ps-azure-02" and result["deployment"]["provisioning_state"] == "Succeeded"
    # wait=false returns at once, with the steps; nothing is deployed again.
    code, result = task(installed_env, lab, tmp_path, "asr_process_server", dict(DEPLOY, name="ps-azure-02", wait=False))
    assert code == 0 and result["changed"] is False and "found the deployment of" in result["msg"] and "cspsconfigtool" in result["msg"]
    # Once someone registers it, the next run picks up where the first stopped.
    control(lab, "registration", "POST", hold=False)
    code, result = task(installed_env, lab, tmp_path, "asr_process_server", dict(DEPLOY, name="ps-azure-02"))
    assert code == 0 and result["changed"] is False and result["process_server"]["name"] == "ps-azure-02", result
    assert [r["method"] for r in writes(lab)[wrote:]] == ["PUT"]


def test_modernized_appliance_and_its_reprotect_agent(installed_env, modernized_lab, tmp_path):
    lab = modernized_lab
    control(lab, "reset", "POST")
    before = len(writes(lab))
    result, refused = several(installed_env, lab, tmp_path, [{}, DEPLOY])
    assert not result.get("failed"), result
    assert result["generation"] == "modernized" and result["process_server"]["role"] == "replication appliance"
    names = [c["name"] for c in result["checks"]]
    assert "reprotect_agent_health" in names and "reprotect_agent_heartbeat" in names
    assert refused["failed"] and "there is no process server in Azure" in refused["msg"]
    assert len(writes(lab)) == before
    control(lab, "component", "POST", kind="reprotect_agent", name="appliance-lab-01", heartbeat_minutes_ago=30)
    code, result = task(installed_env, lab, tmp_path, "asr_process_server", {})
    assert code != 0 and "reprotect agent appliance-lab-01 last sent a heartbeat 30 minutes ago" in result["msg"]
