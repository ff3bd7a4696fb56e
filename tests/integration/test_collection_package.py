# -*- coding: utf-8 -*-
"""Smoke test of the collection as users get it: built tarball, installed, documented, runnable.

Runs with the ansible-core of the venv running pytest (make integration: the
newest; make test-compat: the oldest that meta/runtime.yml admits).
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import tarfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(sys.executable).parent
MODULES = sorted(p.stem for p in (ROOT / "plugins" / "modules").glob("*.py") if p.stem != "__init__")
# Not part of the collection: must stay out of the tarball.
DEV_ONLY = ("lab/", "tests/", "tools/", "build/", ".ci/", ".venv", ".lab/", "Makefile", ".ansible-lint")


def run(args, env=None, cwd=ROOT, check=True):
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)
    if check and done.returncode != 0:
        pytest.fail("%s exited %s\nstdout:\n%s\nstderr:\n%s" % (" ".join(map(str, args)), done.returncode, done.stdout, done.stderr))
    return done


def clean_env(collections_path):
    """The environment of a user's run: only the installed collection, nothing from the source tree."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env.update(
        ANSIBLE_COLLECTIONS_PATH=str(collections_path),
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_FORCE_COLOR="0",
        PATH="%s%s%s" % (BIN, os.pathsep, env.get("PATH", "")),
    )
    return env


@pytest.fixture(scope="module")
def tarball(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    run([BIN / "ansible-galaxy", "collection", "build", "--output-path", str(out), str(ROOT)], env=clean_env(out))
    [built] = list(out.glob("siterecovery-vmware-*.tar.gz"))
    return built


@pytest.fixture(scope="module")
def installed_env(tarball, tmp_path_factory):
    collections = tmp_path_factory.mktemp("collections")
    env = clean_env(collections)
    done = run([BIN / "ansible-galaxy", "collection", "install", "-p", str(collections), str(tarball)], env=env)
    assert "siterecovery.vmware:%s was installed successfully" % tarball.name[len("siterecovery-vmware-"):-len(".tar.gz")] in done.stdout
    return env


def test_tarball_holds_the_collection_and_nothing_else(tarball):
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
    for required in ("MANIFEST.json", "FILES.json", "README.md", "LICENSE", "meta/runtime.yml", "plugins/modules/asr_fabric_info.py"):
        assert required in names
    leaked = [n for n in names if n.startswith(DEV_ONLY) or "__pycache__" in n]
    assert leaked == []


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


def playbook(tmp_path, tasks):
    path = tmp_path / "play.yml"
    path.write_text(json.dumps([{
        "hosts": "localhost",
        "gather_facts": False,
        "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"},
        "module_defaults": {"group/siterecovery.vmware.asr": {
            "subscription_id": "11111111-2222-3333-4444-555555555555",
            "resource_group": "rg-dr",
            "vault_name": "vault-dr",
            "auth_source": "env",
            "client_id": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
            "tenant": "11111111-2222-3333-4444-555555555555",
            "secret": "never-print-this-secret",
        }},
        "tasks": tasks,
    }]))
    return path


def play(installed_env, path):
    return run([BIN / "ansible-playbook", "-i", "localhost,", "-c", "local", str(path)], env=installed_env, check=False)


def test_action_group_defaults_reach_the_module(installed_env, tmp_path):
    # The group sets every option; the task only overrides vault_name, with a bad one,
    # so the run stops at validation, before any request.
    done = play(installed_env, playbook(tmp_path, [{"siterecovery.vmware.asr_fabric_info": {"vault_name": "1bad"}}]))
    assert done.returncode == 2, done.stdout
    assert "vault_name '1bad' is not a valid vault name" in done.stdout
    assert "subscription" not in done.stdout.split("Invalid Azure options:")[1].split("\n")[0]
    assert "never-print-this-secret" not in done.stdout + done.stderr


def test_unreachable_cloud_fails_with_a_clear_message(installed_env, tmp_path):
    # Port 9 on loopback: nothing listens, so the metadata request is refused at once.
    task = {"siterecovery.vmware.asr_fabric_info": {"cloud_environment": "https://127.0.0.1:9/"}}
    done = play(installed_env, playbook(tmp_path, [task]))
    assert done.returncode == 2, done.stdout
    assert "cannot read the cloud metadata at https://127.0.0.1:9/metadata/endpoints" in done.stdout
    assert "never-print-this-secret" not in done.stdout + done.stderr
