# -*- coding: utf-8 -*-
"""Running one module task of the installed collection against a lab, and reading the lab's control API."""

from __future__ import annotations

from installed_collection import run_playbook, write_playbook
from labrunner import control

WAIT = {"wait_sleep": 1, "wait_timeout": 60}
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
