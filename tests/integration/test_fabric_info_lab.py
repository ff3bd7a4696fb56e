# -*- coding: utf-8 -*-
"""asr_fabric_info from the installed collection against the lab: the whole Azure plumbing.

ansible-playbook -> module -> azure-identity ClientSecretCredential (token from the lab's
Entra ID endpoint, over TLS checked against the lab's CA) -> SiteRecoveryManagementClient
-> the lab's Resource Manager. Nothing is mocked.
"""

from __future__ import annotations

import os

import pytest

from installed_collection import run_playbook, write_playbook

FABRIC_INFO = [{"siterecovery.vmware.asr_fabric_info": {}}]


def lab_env(installed_env, lab, **changes):
    env = dict(installed_env)
    env.update(lab.env)
    env.update(changes)
    return env


def run_fabric_info(installed_env, lab, tmp_path, tasks=None, **env_changes):
    done, result = run_playbook(lab_env(installed_env, lab, **env_changes), write_playbook(tmp_path, tasks or FABRIC_INFO))
    assert result is not None, done.stdout + done.stderr
    assert lab.client_secret not in done.stdout + done.stderr
    return done, result


def test_classic_configuration_server(installed_env, lab, tmp_path):
    done, result = run_fabric_info(installed_env, lab, tmp_path)
    assert done.returncode == 0, result
    assert result["changed"] is False
    [fabric] = result["fabrics"]
    assert fabric["generation"] == "classic"
    assert fabric["configuration_server"]["host_name"] == "cs-lab-01"
    # The configuration server's in-built master target, then the scenario's Windows and Linux ones.
    assert [(m["name"], m["os_type"]) for m in fabric["master_targets"]] == [("cs-lab-01", "Windows"), ("mt-win-01", "Windows"),
                                                                             ("mt-lin-01", "Linux")]
    linux = fabric["master_targets"][2]
    assert linux["retention_volumes"][0]["name"] == "/mnt/retention"
    assert [d["name"] for d in linux["datastores"]] == ["ds-vmfs-01", "ds-vmfs-02"]
    assert result["vault_id"].endswith("/resourceGroups/rg-dr/providers/Microsoft.RecoveryServices/vaults/vault-dr")
    [vcenter] = fabric["vcenters"]
    assert (vcenter["ip_address"], vcenter["port"], vcenter["discovery_status"]) == (lab.vcenter["host"], str(lab.vcenter["port"]), "Completed")


def test_modernized_appliance(installed_env, modernized_lab, tmp_path):
    done, result = run_fabric_info(installed_env, modernized_lab, tmp_path)
    assert done.returncode == 0, result
    [fabric] = result["fabrics"]
    assert fabric["generation"] == "modernized"
    assert fabric["reprotect_agents"][0]["accessible_datastores"] == ["ds-vmfs-01", "ds-vmfs-02"]


def test_one_fabric_by_name_in_check_mode(installed_env, lab, tmp_path):
    tasks = [{"siterecovery.vmware.asr_fabric_info": {"name": "CS-LAB-01"}, "check_mode": True}]
    done, result = run_fabric_info(installed_env, lab, tmp_path, tasks)
    assert done.returncode == 0, result
    assert [f["friendly_name"] for f in result["fabrics"]] == ["cs-lab-01"]


@pytest.mark.parametrize(
    "env_changes, code, fragment",
    [
        ({"AZURE_SECRET": "wrong-secret", "AZURE_CLIENT_SECRET": "wrong-secret"}, "AADSTS7000215", "Invalid client secret"),
        # MSAL reads the tenant's OpenID configuration first; the lab, as Entra ID, answers AADSTS90002
        # there, and MSAL reports it as it would against Azure.
        ({"AZURE_TENANT": "contoso.example", "AZURE_TENANT_ID": "contoso.example"}, "ClientAuthenticationError",
         "Unable to get authority configuration for https://127.0.0.1"),
        ({"AZURE_CLIENT_ID": "99999999-9999-9999-9999-999999999999"}, "AADSTS700016", "was not found in the directory"),
    ],
)
def test_identity_errors_are_entra_ids(installed_env, lab, tmp_path, env_changes, code, fragment):
    done, result = run_fabric_info(installed_env, lab, tmp_path, **env_changes)
    assert done.returncode == 2
    assert result["error"]["code"] == code
    assert fragment in result["msg"]
    assert "Recommended action: check tenant" in result["msg"]
    assert "wrong-secret" not in done.stdout + done.stderr


def test_unknown_vault_says_what_to_check(installed_env, lab, tmp_path):
    done, result = run_fabric_info(installed_env, lab, tmp_path, ASR_VAULT_NAME="vault-elsewhere")
    assert done.returncode == 2
    assert result["error"]["code"] == "ResourceNotFound"
    assert result["error"]["status"] == 404
    assert "check resource_group and vault_name" in result["msg"]
    assert result["error"]["correlation_id"]


def test_server_certificate_is_verified(installed_env, lab, tmp_path):
    # Without the lab's CA in the bundle, TLS verification must fail, not be skipped.
    system_bundle = os.environ.get("SSL_CERT_FILE") or "/etc/ssl/certs/ca-certificates.crt"
    done, result = run_fabric_info(installed_env, lab, tmp_path, REQUESTS_CA_BUNDLE=system_bundle)
    assert done.returncode == 2
    assert "certificate" in result["msg"] and "REQUESTS_CA_BUNDLE" in result["msg"], result["msg"]
    assert "REQUESTS_CA_BUNDLE" in result["msg"]


@pytest.mark.parametrize("scenario", ["lab", "modernized_lab"])
def test_fabric_report_playbook_by_its_collection_name(installed_env, request, tmp_path, scenario):
    running = request.getfixturevalue(scenario)
    done, result = run_playbook(lab_env(installed_env, running), "siterecovery.vmware.fabric_report",
                                "-e", "asr_fabric_report_fail_on_warning=true", workdir=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    # The last task is the health assertion, run for each fabric.
    assert [r["item"]["generation"] for r in result["results"]] == ["classic" if scenario == "lab" else "modernized"]
    assert running.client_secret not in done.stdout + done.stderr
