# -*- coding: utf-8 -*-
"""Runs interrupted at any point, then run again (issue #12): the rerun completes, and no job is started twice.

The failover to Azure of one classic machine runs through the installed collection's stage role
(bench/fault_stage.yml) with its job held by the lab (/lab/hold), so that each moment is reached by watching the lab's
request log (labrunner.until), never by a sleep: the wait's reads of the job, or the failover's POST answered.
Then ansible-playbook is stopped (SIGTERM as AWX's cancel sends it, kill -9 as the OOM killer does, Ctrl-C as a
terminal sends SIGINT to the whole process group), or the lab restarts (its state kept), or Resource Manager is
unreachable for a minute. The rerun is held too until it is seen following the same job, then the job is released.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import signal
import subprocess
import sys
import time

import pytest
from azure.identity import ClientSecretCredential
from azure.mgmt.recoveryservicessiterecovery import SiteRecoveryManagementClient
from installed_collection import ROOT
from labrunner import control, hold, release, start_lab, until

sys.path.insert(0, str(ROOT / "bench"))
from _benchlib import Checkout, playbook_command  # noqa: E402  pylint: disable=wrong-import-position  # bench/ is not a package

PLAYBOOK = ROOT / "bench" / "fault_stage.yml"
ACTION = "unplannedFailover"
OUTAGE_SECONDS = 60


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A classic lab of this module's own: it is restarted and made unreachable here."""
    running = start_lab(tmp_path_factory.mktemp("lab-interruptions"))
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def fresh_lab(lab):
    """Each test starts from the scenario's start: the jobs counted are its own (machines are shared between tests)."""
    control(lab, "reset", "POST")
    return lab


@pytest.fixture
def checkout(installed_env, tmp_path):
    return Checkout(ROOT, tmp_path, collections=installed_env["ANSIBLE_COLLECTIONS_PATH"])


class Run:
    """ansible-playbook of the failover stage for one machine, in a process group of its own, its output in a file."""

    def __init__(self, checkout, lab, machine, name):
        argv, env = playbook_command(checkout, lab, PLAYBOOK, {}, args=[
            "-e", json.dumps(dict(fault_matrix_stages={machine: "failover_to_azure"})), "--limit", machine])
        self.log = checkout.workdir / (name + ".log")
        self.started = time.time()
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=checkout.workdir,  # pylint: disable=consider-using-with
                                            start_new_session=True)

        self.workers = set()  # ansible-playbook's worker processes seen (each in a session of its own)

    def running(self):
        return self.process.poll() is None

    def children(self):
        """The process ids of ansible-playbook's children now (its workers), from /proc; remembered for the end."""
        found = set()
        for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                found.add(int(stat.parent.name))
        self.workers |= found
        return found

    def end(self, timeout=300):
        """The exit status once the run has ended; workers of it still alive then are killed, by their ids."""
        until(lambda: not self.running(), "the end of %s" % self.log.name, timeout=timeout)
        for pid in self.workers:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return self.process.returncode

    def text(self):
        return self.log.read_text(errors="replace")


def requests_since(lab, since, method, path_pattern, status=None):
    return [r for r in control(lab, "requests") if r["time"] >= since and r["method"] == method and re.search(path_pattern, r["path"])
            and (status is None or r["status"] == status)]


def stage_jobs(lab, machine):
    """The failover jobs the lab started on ``machine``, as ASR's job list gives them."""
    credential = ClientSecretCredential(lab.tenant_id, lab.client_id, lab.client_secret, authority=lab.authority_host,
                                        disable_instance_discovery=True, connection_verify=lab.ca_bundle)
    client = SiteRecoveryManagementClient(credential, lab.subscription_id, base_url=lab.arm_endpoint, connection_verify=lab.ca_bundle,
                                          credential_scopes=["https://management.siterecovery.lab/.default"])
    return [dict(state=j.properties.state, id=j.name) for j in client.replication_jobs.list(lab.resource_group, lab.vault_name)
            if j.properties.target_object_name == machine and j.properties.scenario_name == "UnplannedFailover"]


def start_held(checkout, lab, machine, name):
    """The machine ready for a failover, its failover job held, the run started: (run, job id once the item names it)."""
    control(lab, "stage", "POST", item=machine, stage="protected")
    hold(lab, machine, ACTION)
    run = Run(checkout, lab, machine, name)
    posted = until(lambda: requests_since(lab, run.started, "POST", "/%s-rpi/%s$" % (machine, ACTION)), "the failover's POST",
                   still=run.running)
    return run, posted


def running_job(lab, machine):
    return until(lambda: control(lab, "state")["items"][machine]["job"], "the job running on %s" % machine)


def following(run, machine, job_id):
    """The lines in which ``run``'s wait reads ``job_id`` (the job still running)."""
    return re.findall(r"^%s: fail over to Azure: UnplannedFailover job %s InProgress" % (machine, job_id), run.text(), re.M)


def rerun_completes(checkout, lab, machine, job_id, name="rerun"):
    """The rerun follows the same job (its own output says so), which is then released; it ends 0, the machine failed over."""
    rerun = Run(checkout, lab, machine, name)
    until(lambda: following(rerun, machine, job_id), "the rerun following job %s" % job_id, still=rerun.running)
    release(lab, machine, ACTION)
    assert rerun.end() == 0, rerun.text()[-3000:]
    assert control(lab, "state")["items"][machine]["phase"] == "classic_failed_over"
    return rerun


def assert_one_job(lab, machine):
    jobs = stage_jobs(lab, machine)
    assert len(jobs) == 1 and jobs[0]["state"] == "Succeeded", jobs


@pytest.mark.parametrize("signum, moment, machine", [
    (signal.SIGTERM, "wait", "vm-win-01"),
    (signal.SIGTERM, "post", "vm-win-02"),
    (signal.SIGKILL, "wait", "vm-lin-01"),
    (signal.SIGKILL, "post", "vm-win-01"),
    (signal.SIGINT, "wait", "vm-win-02"),
], ids=["sigterm-wait", "sigterm-after-post", "kill9-wait", "kill9-after-post", "ctrl-c-wait"])
def test_a_stopped_run_is_rerun_to_completion_with_its_job_started_once(checkout, lab, signum, moment, machine):
    run, _posted = start_held(checkout, lab, machine, "first")
    job_id = running_job(lab, machine)
    if moment == "wait":
        until(lambda: following(run, machine, job_id), "the wait reading job %s" % job_id, still=run.running)
        workers = until(run.children, "the worker of the wait")
    run.children()  # remembered, to be killed at the end if still there
    if signum == signal.SIGINT:
        os.killpg(run.process.pid, signum)  # a terminal's Ctrl-C reaches the whole foreground process group
    else:
        run.process.send_signal(signum)  # AWX's cancel, or the OOM killer, stops ansible-playbook itself
    until(lambda: not run.running(), "the end of the stopped run")
    if moment == "wait":
        # The wait's worker (a session of its own: neither a signal to ansible-playbook nor Ctrl-C reaches it) stops at its
        # next read once ansible-playbook is gone, instead of reading the job on for hours with nobody to tell.
        until(lambda: not any(pathlib.Path("/proc/%d" % pid).exists() and "zombie" not in _status(pid) for pid in workers),
              "the wait's worker stopping after its run", timeout=60)
    code = run.end()
    assert code != 0, run.text()[-2000:]
    assert control(lab, "state")["items"][machine]["job"] == job_id  # the job runs on, nobody cancelled it
    rerun_completes(checkout, lab, machine, job_id)
    assert_one_job(lab, machine)


def test_a_lab_restarted_mid_job_is_ridden_through_and_the_rerun_has_nothing_to_do(checkout, lab):
    machine = "vm-lin-01"
    run, _posted = start_held(checkout, lab, machine, "first")
    job_id = running_job(lab, machine)
    until(lambda: following(run, machine, job_id), "the wait reading job %s" % job_id, still=run.running)
    control(lab, "restart", "POST", down_seconds=3)

    def lines():
        return re.findall(r"^%s: fail over to Azure: read \d+ failed, reading again.*$" % machine, run.text(), re.M)

    until(lines, "a failed read while the lab is down", still=run.running)
    back = until(lambda: _answers(lab), "the lab back", timeout=60)
    assert back
    release(lab, machine, ACTION)
    assert run.end() == 0, run.text()[-3000:]
    said = "\n".join(lines())  # each failed read's line says why it failed
    assert "Could not reach Azure Resource Manager" in said or "Connection" in said or "did not answer" in said, said
    rerun = Run(checkout, lab, machine, "rerun")
    assert rerun.end() == 0, rerun.text()[-3000:]
    assert "nothing to do" in rerun.text()
    assert_one_job(lab, machine)


def _status(pid):
    try:
        return pathlib.Path("/proc/%d/status" % pid).read_text().lower()
    except OSError:
        return "zombie"


def _answers(lab):
    try:
        return control(lab, "state")
    except Exception:  # pylint: disable=broad-except  # down: connection refused
        return None


def test_arm_unreachable_for_a_minute_during_a_wait_is_ridden_through_a_line_per_failed_read(checkout, lab):
    machine = "phys-01"
    run, _posted = start_held(checkout, lab, machine, "first")
    job_id = running_job(lab, machine)
    until(lambda: following(run, machine, job_id), "the wait reading job %s" % job_id, still=run.running)
    outage = control(lab, "outage", "POST", seconds=OUTAGE_SECONDS)
    began = time.time()
    release(lab, machine, ACTION)  # the job ends during the outage: only a read after it can tell
    assert run.end(timeout=OUTAGE_SECONDS + 240) == 0, run.text()[-3000:]
    assert time.time() - began >= OUTAGE_SECONDS, outage
    text = run.text()
    failed = re.findall(r"^%s: fail over to Azure: read (\d+) failed, reading again in \d+ s \((\d+) s left of asr_wait_timeout\): (.*)$"
                        % machine, text, re.M)
    dropped = requests_since(lab, began, "GET", "/replicationJobs/%s$" % job_id)
    dropped = [r for r in dropped if r["fault"] == "outage"]
    assert failed and len(failed) == len(dropped), (len(failed), len(dropped))
    assert all("Azure Resource Manager" in message or "Connection" in message for _read, _left, message in failed), failed[:3]
    assert re.search(r"^%s: fail over to Azure: UnplannedFailover job %s Succeeded" % (machine, job_id), text, re.M)
    rerun = Run(checkout, lab, machine, "rerun")
    assert rerun.end() == 0, rerun.text()[-3000:]
    assert_one_job(lab, machine)
