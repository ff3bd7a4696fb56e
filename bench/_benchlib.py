# -*- coding: utf-8 -*-
"""What the bench scripts share: a checkout to measure, labs of their own, playbook runs with their CPU, the lab's records.

Standard library only, so that a script runs with any Python 3 against any checkout (``--repo``): the lab and
ansible-playbook run with that checkout's ``.venv`` (``make setup`` there first).
"""

from __future__ import annotations

import argparse
import collections
import datetime
import json
import os
import pathlib
import resource
import shlex
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

HERE = pathlib.Path(__file__).resolve().parent
API_VERSION = "2025-08-01"
WRITES = ("POST", "PUT", "PATCH", "DELETE")


def parser(description):
    """An argument parser with ``--repo`` (the checkout to measure) and ``--keep`` (the work directory)."""
    found = argparse.ArgumentParser(description=description)
    found.add_argument("--repo", type=pathlib.Path, default=HERE.parent,
                       help="the checkout whose playbooks, collection and lab are measured (default: %(default)s)")
    found.add_argument("--workdir", type=pathlib.Path, help="where labs, logs and summaries go (default: a new temporary directory)")
    return found


class Checkout:
    """A checkout to measure: its venv, its lab, its playbooks, and the collection as ansible_collections/siterecovery/vmware."""

    def __init__(self, repo, workdir=None, collections=None):
        self.repo = pathlib.Path(repo).resolve()
        self.python = self.repo / ".venv" / "bin" / "python"
        self.ansible_playbook = self.repo / ".venv" / "bin" / "ansible-playbook"
        for path in (self.python, self.ansible_playbook, self.repo / "lab" / "asrlab"):
            if not path.exists():
                sys.exit("%s: %s is missing (run `make setup` in that checkout)" % (self.repo, path))
        self.workdir = pathlib.Path(workdir or tempfile.mkdtemp(prefix="asr-bench-")).resolve()
        self.workdir.mkdir(parents=True, exist_ok=True)
        if collections:  # an installed collection (the integration tests': the built tarball)
            self.collections = pathlib.Path(collections)
            return
        # The collection from the checkout's tree, without writing into the checkout.
        link = self.workdir / "collections" / "ansible_collections" / "siterecovery" / "vmware"
        link.parent.mkdir(parents=True, exist_ok=True)
        if not link.is_symlink():
            link.symlink_to(self.repo)
        self.collections = link.parents[2]

    def commit(self):
        done = subprocess.run(["git", "-C", str(self.repo), "log", "-1", "--format=%h %s"], capture_output=True, text=True, check=False)
        return done.stdout.strip()[:90] or "(not a git checkout)"

    def inventory(self):
        return self.repo / "lab" / "inventory" / "lab.asr_items.yml"

    def fleet(self, count, generation="classic"):
        """A scenario file of ``count`` generated machines (the lab's ``asrlab.fleet``)."""
        path = self.workdir / ("fleet-%s-%d.yml" % (generation, count))
        subprocess.run([str(self.python), "-m", "asrlab.fleet", str(count), "--generation", generation, "-o", str(path)],
                       env=dict(os.environ, PYTHONPATH=str(self.repo / "lab")), check=True)
        return path


class Lab:
    """A lab of our own on free loopback ports, in a state directory of its own; stopped by its process id only."""

    def __init__(self, checkout, name, scenario="classic", time_scale=1.0, durations=(), ttl=3600):
        self.state_dir = checkout.workdir / ("lab-" + name)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        (self.state_dir / "lab.json").unlink(missing_ok=True)
        command = [str(checkout.python), "-m", "asrlab", "--state-dir", str(self.state_dir), "--scenario", str(scenario),
                   "--ttl", str(ttl), "--time-scale", str(time_scale)] + ["--duration=%s=%s" % pair for pair in durations]
        with open(self.state_dir / "asrlab.log", "wb") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,  # pylint: disable=consider-using-with
                                            env=dict(os.environ, PYTHONPATH=str(checkout.repo / "lab")))
        while not (self.state_dir / "lab.json").exists():
            if self.process.poll() is not None:
                sys.exit("the lab did not start:\n" + (self.state_dir / "asrlab.log").read_text())
            time.sleep(0.05)
        self.info = json.loads((self.state_dir / "lab.json").read_text())
        self.env = {}
        for line in (self.state_dir / "env.sh").read_text().splitlines():
            key, value = line[len("export "):].split("=", 1)
            self.env[key] = shlex.split(value)[0] if value else ""
        self._context = ssl.create_default_context(cafile=self.info["ca_bundle"])

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        self.stop()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def _get(self, url, headers=None, data=None):
        request = urllib.request.Request(url, headers=headers or {}, data=data)
        with urllib.request.urlopen(request, context=self._context, timeout=60) as answer:
            return json.load(answer)

    def control(self, path):
        """GET of the control API: ``requests``, ``state``."""
        return self._get(self.info["control_url"].rstrip("/") + "/" + path)

    def post(self, endpoint, body=None):
        """POST of the control API (``stage``, ``faults``, ``reset``, ...) with the JSON ``body``; the parsed answer."""
        request = urllib.request.Request(self.info["control_url"].rstrip("/") + "/" + endpoint, data=json.dumps(body or {}).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, context=self._context, timeout=60) as answer:
            return json.load(answer)

    def requests_between(self, start, end):
        return [r for r in self.control("requests") if start <= r["time"] <= end]

    def jobs(self):
        """The vault's jobs from ASR's API (replicationJobs), as a client reads them: token first, every page."""
        arm = self.info["arm_endpoint"].rstrip("/")
        [cloud] = self._get(arm + "/metadata/endpoints?api-version=2022-09-01")
        form = urllib.parse.urlencode(dict(grant_type="client_credentials", client_id=self.info["client_id"],
                                           client_secret=self.info["client_secret"],
                                           scope=cloud["authentication"]["audiences"][0].rstrip("/") + "/.default")).encode()
        token = self._get("%s/%s/oauth2/v2.0/token" % (self.info["authority_host"].rstrip("/"), self.info["tenant_id"]), data=form)
        headers = {"Authorization": "Bearer " + token["access_token"]}
        url = "%s/subscriptions/%s/resourceGroups/%s/providers/Microsoft.RecoveryServices/vaults/%s/replicationJobs?api-version=%s" % (
            arm, self.info["subscription_id"], self.info["resource_group"], self.info["vault_name"], API_VERSION)
        found = []
        while url:
            page = self._get(url, headers=headers)
            found += page.get("value") or []
            url = page.get("nextLink")
        return found


def parse_time(text):
    """ASR's timestamps (seven fractional digits, Z) as seconds since the epoch."""
    whole, _dot, fraction = text.rstrip("Z").partition(".")
    moment = datetime.datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    return moment.timestamp() + (float("0." + fraction) if fraction else 0.0)


def job_minutes(jobs, start, end):
    """{machine: minutes its jobs ran} for the jobs that started between ``start`` and ``end`` and have ended."""
    minutes = collections.Counter()
    for job in jobs:
        properties = job["properties"]
        if properties.get("startTime") and properties.get("endTime"):
            began, ended = parse_time(properties["startTime"]), parse_time(properties["endTime"])
            if start <= began <= end:
                minutes[properties.get("targetObjectName") or "?"] += (ended - began) / 60.0
    return minutes


class Run:
    """One ansible-playbook run: exit status, wall seconds, CPU seconds of it and all its children, its log."""

    def __init__(self, returncode, started, ended, cpu, log):
        self.returncode, self.started, self.ended, self.cpu, self.log = returncode, started, ended, cpu, log

    @property
    def wall(self):
        return self.ended - self.started


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def playbook_command(checkout, lab, name, extra_vars, args=()):
    """(argv, environment) of ansible-playbook running a checkout's playbook (or a playbook file, a path) on a lab's inventory."""
    # The collection's playbook by its name, from the collections path (the checkout's tree or an installed collection).
    target = str(name) if isinstance(name, pathlib.Path) else "siterecovery.vmware." + name
    argv = [str(checkout.ansible_playbook), "-i", str(checkout.inventory()), target]
    for key, value in extra_vars.items():
        argv += ["-e", "%s=%s" % (key, value)]
    env = dict(os.environ, **lab.env)
    env.pop("PYTHONPATH", None)
    env.update(ANSIBLE_COLLECTIONS_PATH=str(checkout.collections), ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false", ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0",
               ANSIBLE_LOCAL_TEMP=str(checkout.workdir / "ansible-tmp"), ANSIBLE_HOME=str(checkout.workdir / "ansible-home"))
    return argv + list(args), env


def run_playbook(checkout, lab, name, log_name, extra_vars, args=()):
    """Run a playbook to its end; its CPU is the growth of RUSAGE_CHILDREN (ansible-playbook, its workers, their modules).

    Only this process's waited-for children count there; the lab keeps running meanwhile, so it does not.
    """
    argv, env = playbook_command(checkout, lab, name, extra_vars, args)
    log = checkout.workdir / log_name
    before = children_cpu()
    started = time.time()
    with open(log, "wb") as out:
        returncode = subprocess.run(argv, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=checkout.workdir, check=False).returncode
    ended = time.time()
    return Run(returncode, started, ended, children_cpu() - before, log)


def start_playbook(checkout, lab, name, log_name, extra_vars, args=()):
    """A playbook started in the background: (process, log path, start time). Its CPU is not measured."""
    argv, env = playbook_command(checkout, lab, name, extra_vars, args)
    log = checkout.workdir / log_name
    with open(log, "wb") as out:
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=checkout.workdir)  # pylint: disable=consider-using-with
    return process, log, time.time()


def count_requests(requests):
    """(reads, writes) among the lab's request records."""
    reads = sum(1 for r in requests if r["method"] == "GET")
    return reads, sum(1 for r in requests if r["method"] in WRITES)


def tail(path, lines=15):
    return "\n".join(pathlib.Path(path).read_text(errors="replace").splitlines()[-lines:])
