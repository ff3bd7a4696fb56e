# -*- coding: utf-8 -*-
"""Each kind of Azure credential, as operators hold them, through the installed collection and the real azure-identity
against the lab's Entra ID: a certificate (with and without a password), workload identity (a federated token file),
profiles of ~/.azure/credentials; the modules through ansible-playbook and the inventory plugin through ansible-inventory.
The lab says which proof each token had (/lab/grants). And the refusals and failures say what to set."""

from __future__ import annotations

import json

from installed_collection import BIN, run, run_playbook, write_playbook
from lab_tasks import control

SECRET_VARIABLES = ("AZURE_SECRET", "AZURE_CLIENT_SECRET")
IDENTITY_VARIABLES = SECRET_VARIABLES + ("AZURE_CLIENT_ID", "AZURE_TENANT", "AZURE_TENANT_ID")


def without(env, names):
    return dict((k, v) for k, v in env.items() if k not in names)


def credentials_file(home, lab):
    (home / ".azure").mkdir(parents=True)
    (home / ".azure" / "credentials").write_text(
        "[default]\nclient_id=%s\ntenant=%s\nsecret=%s\n\n[ops-cert]\nclient_id=%s\ntenant=%s\nx509_certificate_path=%s\n"
        "client_certificate_password=%s\n" % (lab.client_id, lab.tenant_domain, lab.client_secret, lab.client_id, lab.tenant_id,
                                              lab.client_certificate_with_password_path, lab.client_certificate_password))


def grants_since(lab, before):
    return [g["grant"] for g in control(lab, "grants")[before:]]


def arm_requests(lab):
    return len([r for r in control(lab, "requests") if not r["path"].startswith("/lab")])


def read_vault(name, **options):
    return {"name": name, "siterecovery.vmware.asr_fabric_info": options, "register": name.replace(" ", "_")}


def test_modules_sign_in_with_a_certificate_workload_identity_and_credentials_file_profiles(installed_env, lab, tmp_path):
    home = tmp_path / "home"
    credentials_file(home, lab)
    env = dict(without(dict(installed_env, **lab.env), SECRET_VARIABLES), HOME=str(home))
    tasks = [
        read_vault("certificate", client_certificate_path=lab.client_certificate_path),
        read_vault("certificate with password", client_certificate_path=lab.client_certificate_with_password_path,
                   client_certificate_password=lab.client_certificate_password),
        read_vault("workload identity", federated_token_file=lab.federated_token_file),
        read_vault("default profile", auth_source="credential_file"),
        read_vault("profile with a certificate", profile="ops-cert"),
        {"name": "all read the vault", "ansible.builtin.assert": {"that": [
            "%s.fabrics | length == 1" % name for name in
            ("certificate", "certificate_with_password", "workload_identity", "default_profile", "profile_with_a_certificate")]}},
    ]
    before = len(control(lab, "grants"))
    done, result = run_playbook(env, write_playbook(tmp_path, tasks))
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    assert result["msg"] == "All assertions passed"
    assert grants_since(lab, before) == ["certificate", "certificate", "federated", "secret", "certificate"]
    for secret in (lab.client_secret, lab.client_certificate_password):
        assert secret not in output


def test_refusals_and_failures_say_what_to_set(installed_env, lab, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = dict(without(dict(installed_env, **lab.env), IDENTITY_VARIABLES), HOME=str(home))
    results = tmp_path / "results.json"
    tasks = [
        dict(read_vault("awx username mode"), ignore_errors=True,
             environment={"AZURE_AD_USER": "ops@siterecovery.lab", "AZURE_PASSWORD": "Winter2026!"}),
        dict(read_vault("cli without az", auth_source="cli"), ignore_errors=True),
        dict(read_vault("auto with nothing"), ignore_errors=True),
        {"ansible.builtin.copy": {"dest": str(results), "mode": "0600",
                                  "content": "{{ [awx_username_mode, cli_without_az, auto_with_nothing] | to_json }}"}},
    ]
    before, requests_before = len(control(lab, "grants")), arm_requests(lab)
    done, _result = run_playbook(env, write_playbook(tmp_path, tasks))
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    assert "Winter2026!" not in done.stdout + done.stderr
    username, cli, nothing = json.loads(results.read_text())
    assert all(r["failed"] for r in (username, cli, nothing))

    assert "signing in with a user name and password (AZURE_AD_USER and AZURE_PASSWORD" in username["msg"]
    assert "fill the credential's Client ID, Client Secret and Tenant ID" in username["msg"]

    assert "Azure CLI not found" in cli["msg"]
    assert "install the Azure CLI (az) on the controller" in cli["error"]["recommended_action"]
    assert "check tenant, client_id and secret" not in cli["msg"]

    assert "DefaultAzureCredential" in nothing["msg"]
    action = nothing["error"]["recommended_action"]
    assert "no credential is configured: set AZURE_CLIENT_ID, AZURE_TENANT and AZURE_SECRET" in action
    assert "AZURE_FEDERATED_TOKEN_FILE" in action and "~/.azure/credentials" in action and "az login" in action

    assert grants_since(lab, before) == [] and arm_requests(lab) == requests_before  # no token, no ARM request


def inventory(installed_env, lab, tmp_path, env):
    config = tmp_path / "lab.asr_items.yml"
    config.write_text(json.dumps({"plugin": "siterecovery.vmware.asr_items"}))
    run_env = dict(without(dict(installed_env, **lab.env), SECRET_VARIABLES), ANSIBLE_INVENTORY_UNPARSED_FAILED="true", **env)
    done = run([BIN / "ansible-inventory", "-i", str(config), "--list"], env=run_env, check=False)
    assert lab.client_secret not in done.stdout + done.stderr
    return done


def test_the_inventory_plugin_signs_in_as_the_modules_do(installed_env, lab, tmp_path):
    home = tmp_path / "home"
    credentials_file(home, lab)
    control(lab, "reset", "POST")
    for env, grant in (
        ({"AZURE_CLIENT_CERTIFICATE_PATH": lab.client_certificate_path}, "certificate"),
        ({"AZURE_FEDERATED_TOKEN_FILE": lab.federated_token_file}, "federated"),
        ({"HOME": str(home), "AZURE_PROFILE": "ops-cert"}, "certificate"),
    ):
        before = len(control(lab, "grants"))
        done = inventory(installed_env, lab, tmp_path, env)
        assert done.returncode == 0, done.stderr
        assert "vm-win-01" in json.loads(done.stdout)["_meta"]["hostvars"]
        assert grants_since(lab, before) == [grant], env

    done = inventory(installed_env, lab, tmp_path, {"AZURE_CLIENT_CERTIFICATE_PATH": str(tmp_path / "missing.pem")})
    assert done.returncode != 0
    assert "client_certificate_path '%s' is not a file" % (tmp_path / "missing.pem") in done.stderr
