# -*- coding: utf-8 -*-
"""Running one module task of the installed collection against a lab, and reading the lab's control API."""

from __future__ import annotations

import json
import shutil
import subprocess

from installed_collection import BIN, ROOT, run_playbook, write_playbook
from labrunner import control

WAIT = {"wait_sleep": 1, "wait_timeout": 60}
RUN_SECONDS = 600
# The machines test_racing_runs_lab.py races two runs on.
RACE_MACHINES = ("vm-lin-01", "phys-01")
LOG_ACCOUNT = "/subscriptions/%s/resourceGroups/rg-dr/providers/Microsoft.Storage/storageAccounts/labcache"


def writes(lab):
    """The write requests the lab has answered so far (POST, PUT, PATCH, DELETE)."""
    return [r for r in control(lab, "requests") if r["method"] in ("POST", "PUT", "PATCH", "DELETE")]


def task(installed_env, lab, tmp_path, module, args, check=False, extra=(), wait=True):  # pylint: disable=too-many-arguments
    """Run one module task; ``wait``: with the short WAIT options (not for a module without them, such as an _info one)."""
    step = {"siterecovery.vmware." + module: dict(WAIT, **args) if wait else dict(args)}
    if check:
        step["check_mode"] = True
    done, result = run_playbook(dict(installed_env, **lab.env), write_playbook(tmp_path, [step]), *extra)
    assert result is not None, done.stdout + done.stderr
    assert lab.client_secret not in done.stdout + done.stderr
    return done.returncode, result


class Run:
    """A playbook of the installed collection (full_cycle), in the background, on the lab's inventory (the collection's plugin);
    ``limit`` None: on every machine of the inventory."""

    def __init__(self, name, installed_env, lab, tmp_path, limit=RACE_MACHINES, playbook="full_cycle", extra=()):
        inventory = tmp_path / "inventory"
        if not inventory.exists():
            shutil.copytree(ROOT / "lab" / "inventory", inventory)
        self.name = name
        self.log = tmp_path / (name + ".log")
        self.summary = tmp_path / (name + "-summary.json")
        argv = ([str(BIN / "ansible-playbook"), "-i", str(inventory / "lab.asr_items.yml"), "siterecovery.vmware." + playbook]
                + (["--limit", ",".join(limit)] if limit else [])
                + ["-e", "asr_confirm_failover=true", "-e", "asr_summary_file=%s" % self.summary] + list(extra))
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path,  # pylint: disable=consider-using-with
                                            env=dict(installed_env, **lab.env))

    def output(self):
        return self.log.read_text(errors="replace")

    def running(self):
        return self.process.poll() is None

    def shows(self, *texts):
        """True once the run's output holds every text (an event the run reports, not a duration)."""
        out = self.output()
        return all(text in out for text in texts)

    def end(self):
        try:
            self.process.wait(timeout=RUN_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        return self.process.returncode

    def machines(self):
        return json.loads(self.summary.read_text())["machines"]
