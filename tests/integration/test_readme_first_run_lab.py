# -*- coding: utf-8 -*-
"""README's "First run against your vault", step by step, with the installed collection and the lab standing in for the vault:
the environment its step 2 exports, the inventory directory its step 3 describes, and the commands of steps 3 and 4 as the
README writes them (its machine name replaced by one of the lab's). The --check run sends no write."""

from __future__ import annotations

import re
import shlex
import shutil

from installed_collection import BIN, ROOT, run
from lab_tasks import control, writes

MACHINE = "vm-lin-01"


def first_run_section():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("\n## First run against your vault\n")
    return text[start:text.index("\n## ", start + 1)]


def commands(section, program):
    """The shell lines of the section's code blocks and inline code that run ``program``."""
    prose = re.sub(r"```.*?```", "", section, flags=re.S)
    lines = [line.strip() for line in section.splitlines()] + re.findall(r"`([^`]+)`", prose)
    return [shlex.split(line.split("#", 1)[0]) for line in lines if line.startswith(program + " ")]


def test_the_readme_leads_from_credentials_to_a_check_run(installed_env, lab, tmp_path):
    section = first_run_section()
    exported = set(re.findall(r"\b([A-Z][A-Z_]+)=", "\n".join(line for line in section.splitlines() if line.strip().startswith("export "))))
    assert {"AZURE_SUBSCRIPTION_ID", "AZURE_TENANT", "AZURE_CLIENT_ID", "AZURE_SECRET", "ASR_RESOURCE_GROUP", "ASR_VAULT_NAME"} <= exported
    assert exported <= set(lab.env), sorted(exported - set(lab.env))  # every variable it names is one the lab's vault is reached with
    # Step 3: "a directory with a file named dr.asr_items.yml holding one line, plugin: ..., and a group_vars/all.yml".
    source, line = re.search(r"a file named `([\w.]+asr_items\.yml)` holding one line,\s+`(plugin: [\w.]+)`", section).groups()
    inventory = tmp_path / "dr"
    inventory.mkdir()
    (inventory / source).write_text(line + "\n")
    shutil.copytree(ROOT / "lab" / "inventory" / "group_vars", inventory / "group_vars")  # the example the README points to
    env = dict(installed_env, PWD=str(tmp_path), **lab.env)  # the shell's working directory: the run's summary is written there
    control(lab, "reset", "POST")
    sent = len(writes(lab))  # a reset keeps the lab's request log: the session's earlier tests wrote to this lab

    [graph] = commands(section, "ansible-inventory")
    assert graph == ["ansible-inventory", "-i", "dr/", "--graph"]
    shown = run([BIN / graph[0]] + graph[1:], env=env, cwd=tmp_path)
    assert "@asr_items:" in shown.stdout and MACHINE in shown.stdout, shown.stdout

    [check] = [c for c in commands(section, "ansible-playbook") if "--check" in c]
    argv = [MACHINE if arg == check[check.index("--limit") + 1] else arg for arg in check]
    done = run([BIN / argv[0]] + argv[1:], env=env, cwd=tmp_path, check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    assert re.search(r"%s\s+: ok=\d+ .*failed=0" % MACHINE, output), output[-3000:]
    assert "failover_to_azure" in output
    assert len(writes(lab)) == sent
    assert (tmp_path / "asr-summary-check.json").exists()  # the run's summary, where the user ran it
    assert lab.client_secret not in output
