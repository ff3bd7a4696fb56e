# -*- coding: utf-8 -*-
"""Smoke test of the collection as users get it: built tarball, installed, documented, runnable.

Runs with the ansible-core of the venv running pytest (make integration: the
newest; make test-compat: the oldest that meta/runtime.yml admits).
"""

from __future__ import annotations

import json
import tarfile

import pytest

from installed_collection import BIN, ROOT, run, run_playbook, write_playbook

MODULES = sorted(p.stem for p in (ROOT / "plugins" / "modules").glob("*.py") if p.stem != "__init__")
ROLES = sorted(p.name for p in (ROOT / "roles").iterdir() if (p / "meta" / "argument_specs.yml").exists())
PLAYBOOKS = ("failover", "failback", "full_cycle", "fabric_report")
# What a user of the collection gets, and nothing else: the lab, the tests, the tooling, the molecule
# scenarios (they point at the lab), the development requirements and the changelog's fragments stay out.
SHIPPED_TOP = {"MANIFEST.json", "FILES.json", "README.md", "LICENSE", "requirements.txt", "execution-environment.yml",
               "meta", "plugins", "roles", "playbooks", "docs", "changelogs"}
SHIPPED_CHANGELOGS = {"changelogs", "changelogs/changelog.yaml"}


def test_tarball_holds_the_collection_and_nothing_else(tarball):
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
    for required in ("MANIFEST.json", "FILES.json", "README.md", "LICENSE", "requirements.txt", "meta/runtime.yml",
                     "plugins/modules/asr_fabric_info.py", "docs/awx.md"):
        assert required in names
    assert sorted({n.split("/")[0] for n in names} - SHIPPED_TOP) == []
    assert sorted(n for n in names if n.startswith("changelogs") and n not in SHIPPED_CHANGELOGS) == []
    assert [n for n in names if "__pycache__" in n or n.endswith(".pyc")] == []


def test_modules_are_listed(installed_env):
    listed = json.loads(run([BIN / "ansible-doc", "--json", "-t", "module", "-l", "siterecovery.vmware"], env=installed_env).stdout)
    assert sorted(name.split(".")[-1] for name in listed) == MODULES


@pytest.mark.parametrize("module", MODULES)
def test_ansible_doc_renders(installed_env, module):
    fqcn = "siterecovery.vmware." + module
    doc = json.loads(run([BIN / "ansible-doc", "--json", "-t", "module", fqcn], env=installed_env).stdout)[fqcn]
    assert doc["doc"]["short_description"]
    assert doc["examples"].strip()
    assert doc["return"]
    text = run([BIN / "ansible-doc", "-t", "module", fqcn], env=installed_env).stdout
    assert fqcn in text


def test_roles_and_playbooks_are_shipped_and_documented(installed_env, tarball):
    assert ROLES == ["asr", "commit", "drill", "failback_prepare", "failback_to_onprem", "failover_to_azure", "preflight", "reprotect_to_azure",
                     "reprotect_to_onprem", "validate_recovery"]
    with tarfile.open(tarball) as archive:
        names = set(archive.getnames())
    assert {"playbooks/%s.yml" % p for p in PLAYBOOKS} <= names
    for role in ROLES:
        fqcn = "siterecovery.vmware." + role
        doc = json.loads(run([BIN / "ansible-doc", "--json", "-t", "role", fqcn], env=installed_env).stdout)[fqcn]
        assert doc["entry_points"]["main"]["short_description"]
        # Every entry point but main of the shared role is the stage roles' own, and says so where users list them.
        internal = sorted(e for e, spec in doc["entry_points"].items()
                          if e != "main" and not spec["short_description"].startswith("Internal (stage roles and playbooks) - "))
        assert internal == [] if role == "asr" else sorted(doc["entry_points"]) == ["main"], (role, internal)
        assert "README.md" in {n.rsplit("/", 1)[-1] for n in names if n.startswith("roles/%s/" % role)}


GROUP_DEFAULTS = {"group/siterecovery.vmware.asr": {
    "subscription_id": "11111111-2222-3333-4444-555555555555",
    "resource_group": "rg-dr",
    "vault_name": "vault-dr",
    "auth_source": "env",
    "client_id": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
    "tenant": "11111111-2222-3333-4444-555555555555",
    "secret": "never-print-this-secret",
}}


def test_action_group_defaults_reach_the_module(installed_env, tmp_path):
    # The group sets every option; the task only overrides vault_name, with a bad one,
    # so the run stops at validation, before any request.
    path = write_playbook(tmp_path, [{"siterecovery.vmware.asr_fabric_info": {"vault_name": "1bad"}}], GROUP_DEFAULTS)
    done, result = run_playbook(installed_env, path)
    assert done.returncode == 2, done.stdout
    assert result["msg"].startswith("Invalid Azure options: vault_name '1bad' is not a valid vault name")
    assert "subscription" not in result["msg"]
    assert "never-print-this-secret" not in done.stdout + done.stderr


def test_unreachable_cloud_fails_with_a_clear_message(installed_env, tmp_path):
    # Port 9 on loopback: nothing listens, so the metadata request is refused at once.
    task = {"siterecovery.vmware.asr_fabric_info": {"cloud_environment": "https://127.0.0.1:9/"}}
    done, result = run_playbook(installed_env, write_playbook(tmp_path, [task], GROUP_DEFAULTS))
    assert done.returncode == 2, done.stdout
    assert "Could not reach the cloud metadata endpoint while reading https://127.0.0.1:9/metadata/endpoints" in result["msg"]
    assert result["error"]["code"] == "ServiceRequestError"
    assert "never-print-this-secret" not in done.stdout + done.stderr
