# -*- coding: utf-8 -*-
"""Start and stop the lab for tests: a real process on loopback, with its lab.json and env.sh."""

from __future__ import annotations

import json
import os
import pathlib
import shlex
import subprocess
import sys
import time

import pytest
import requests

ROOT = pathlib.Path(__file__).resolve().parents[1]


class Lab:
    """A running lab: its lab.json as attributes, its env.sh as a dict, and a way to stop it."""

    def __init__(self, process, state_dir):
        self.process = process
        self.state_dir = state_dir
        self.info = json.loads((state_dir / "lab.json").read_text())
        self.env = {}
        for line in (state_dir / "env.sh").read_text().splitlines():
            name, value = line[len("export "):].split("=", 1)
            self.env[name] = shlex.split(value)[0] if value else ""

    def __getattr__(self, name):
        try:
            return self.info[name]
        except KeyError:
            raise AttributeError(name) from None

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_lab(state_dir, scenario="classic", ttl=5400, time_scale=0.002, durations=("agentRegistration=100",)):
    """Start the lab in ``state_dir`` with the project venv's Python (it has Flask), wait until ready.

    At the default time scale an 8-minute failover takes 1 s, a 20-minute planned failover 2.4 s,
    and Retry-After is 1 s; the agent re-registers 0.2 s after a failover.
    """
    state_dir = pathlib.Path(state_dir)
    state_dir.mkdir(parents=True, exist_ok=True)
    python = ROOT / ".venv" / "bin" / "python"
    env = dict(os.environ, PYTHONPATH=str(ROOT / "lab"))
    log = open(state_dir / "asrlab.log", "wb")  # pylint: disable=consider-using-with  # kept open for the process
    process = subprocess.Popen(  # pylint: disable=consider-using-with  # lives for the test session
        [str(python if python.exists() else sys.executable), "-m", "asrlab", "--state-dir", str(state_dir),
         "--scenario", str(scenario), "--ttl", str(ttl), "--time-scale", str(time_scale)]
        + ["--duration=" + d for d in durations],
        stdout=log, stderr=subprocess.STDOUT, env=env,
    )
    deadline = time.monotonic() + 30
    while not (state_dir / "lab.json").exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("the lab did not start:\n" + (state_dir / "asrlab.log").read_text())
        time.sleep(0.05)
    return Lab(process, state_dir)


def control(lab, endpoint, verb="GET", **body):
    """A call of the lab's control API (lab/README.md); the parsed answer, which must be 200 or 201."""
    answer = requests.request(verb, lab.control_url + "/" + endpoint, json=body or None, verify=lab.ca_bundle, timeout=10)
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


def hold(lab, item, action="*"):
    """Keep ``item``'s job of ``action`` (the running one, and those it starts) at its current task until :func:`release`.

    Hold before starting the action: then no machine is too slow to see the job still running."""
    return control(lab, "hold", "POST", item=item, action=action, hold=True)


def release(lab, item, action="*"):
    """Let the jobs :func:`hold` kept go on from where they were."""
    return control(lab, "hold", "POST", item=item, action=action, hold=False)


def until(condition, what, timeout=120, still=None):
    """``condition()``'s first true value, reading it every 0.1 s: for an event the lab reports (a request it answered, a
    job's state), never a duration. Fails naming ``what`` after ``timeout`` seconds, or when ``still()`` is false (the
    run being watched ended first)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if still is not None:
            assert still(), "%s: the run watched ended first" % what
        assert time.monotonic() < deadline, "%s: not seen in %s s" % (what, timeout)
        time.sleep(0.1)


def vsphere_client(lab):
    """The lab's own pyvmomi client (lab/asrlab/vcenter.py) logged in to the lab's vCenter over verified TLS."""
    if str(ROOT / "lab") not in sys.path:
        sys.path.insert(0, str(ROOT / "lab"))
    from asrlab.vcenter import VSphere  # pylint: disable=import-outside-toplevel  # the lab is not an installed package

    info = lab.vcenter
    return VSphere(info["host"], info["port"], info["user"], info["password"], lab.ca_bundle)


def find(content, kind, name):
    """The vSphere managed object of type ``kind`` called ``name`` (None when there is none), from a ServiceContent."""
    view = content.viewManager.CreateContainerView(content.rootFolder, [kind], True)
    try:
        return next((item for item in view.view if item.name == name), None)
    finally:
        view.Destroy()
