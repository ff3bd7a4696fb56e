# -*- coding: utf-8 -*-
"""Helpers to run the installed collection the way users do: ansible-galaxy, ansible-doc, ansible-playbook."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(sys.executable).parent


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


def write_playbook(tmp_path, tasks, module_defaults=None, name="play.yml"):
    """A one-play playbook on localhost, run with the Python of ansible-playbook."""
    play = {
        "hosts": "localhost",
        "gather_facts": False,
        "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"},
        "tasks": tasks,
    }
    if module_defaults:
        play["module_defaults"] = module_defaults
    path = tmp_path / name
    path.write_text(json.dumps([play]))
    return path


def run_playbook(env, path, *extra, workdir=None):
    """ansible-playbook on localhost; returns (completed process, localhost's last task result or None).

    ``path`` is a playbook file, or a collection playbook's name (then give ``workdir``).
    The result comes from ansible-core's own ``tree`` callback, which writes each
    host's latest result as JSON, failed or not.
    """
    tree = (workdir or path.parent) / "tree"
    run_env = dict(env, ANSIBLE_CALLBACKS_ENABLED="ansible.builtin.tree", ANSIBLE_CALLBACK_TREE_DIR=str(tree),
                   ANSIBLE_LOAD_CALLBACK_PLUGINS="1")
    done = run([BIN / "ansible-playbook", "-i", "localhost,", "-c", "local", str(path)] + list(extra), env=run_env, check=False)
    result_file = tree / "localhost"
    return done, json.loads(result_file.read_text()) if result_file.exists() else None
