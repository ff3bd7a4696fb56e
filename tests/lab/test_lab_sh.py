# -*- coding: utf-8 -*-
"""tools/lab.sh up and down, as `make lab-up` and `make lab-down` run them."""

from __future__ import annotations

import json
import os
import pathlib
import signal
import subprocess

from labrunner import ROOT


def lab_sh(state_dir, verb, **env):
    return subprocess.run([str(ROOT / "tools" / "lab.sh"), verb], capture_output=True, text=True, check=False, timeout=120,
                          env=dict(os.environ, LAB_STATE_DIR=str(state_dir), LAB_TTL="300", **env))


def test_up_waits_for_a_lab_whose_start_is_slow(tmp_path):
    # Under load the shell that `up` forks for nohup may run a while before it execs Python: for that long
    # its command line is the script's own. An exported function delays the exec by a second.
    slow = {"BASH_FUNC_nohup%%": '() { sleep 1; exec nohup "$@"; }'}
    try:
        up = lab_sh(tmp_path, "up", **slow)
        assert up.returncode == 0, up.stdout + up.stderr
        assert "classic scenario up" in up.stdout
        info = json.loads((tmp_path / "lab.json").read_text())
        assert info["pid"] == int((tmp_path / "asrlab.pid").read_text())
        status = lab_sh(tmp_path, "status")
        assert status.returncode == 0 and "running (pid %d)" % info["pid"] in status.stdout
    finally:
        pidfile = tmp_path / "asrlab.pid"
        pid = int(pidfile.read_text()) if pidfile.exists() else None
        down = lab_sh(tmp_path, "down")
        if pid and pathlib.Path("/proc/%d" % pid).exists():  # what a failed `up` left behind: ours, by its pid
            os.kill(pid, signal.SIGTERM)
    assert down.returncode == 0 and "lab: stopped" in down.stdout, down.stdout + down.stderr
    assert lab_sh(tmp_path, "status").returncode == 1
