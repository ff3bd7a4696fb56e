# -*- coding: utf-8 -*-
"""The fleet engine's pure parts: each machine's stages decided from next_stages, one list of the vault's jobs per interval
handing every machine its job's state, the region-wide preflight reads made once, the options refused before any request."""

from __future__ import annotations

import contextlib
import datetime
import threading

import pytest

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_state import next_stages
from ansible_collections.siterecovery.vmware.plugins.module_utils._fleet import ARGUMENT_SPEC, fleet_problems, plan
from ansible_collections.siterecovery.vmware.plugins.module_utils._fleet_follow import FleetFollower, hand_out, since_filter
from ansible_collections.siterecovery.vmware.plugins.module_utils._preflight_azure import PreflightReads, SharedPreflightReads

STAGES = ("failover_to_azure", "validate_recovery")


def facts(where, stage, forward=True, job=None):
    return dict(running_in=where, stage=stage, replicates_to_azure=forward, next_stages=next_stages(where, stage, forward, job),
                current_job=dict(scenario=job, id="j-1", start_time="2026-12-03T08:00:00Z") if job else None)


@pytest.mark.parametrize("where, stage, job, expected", [
    ("onprem", "replicating", None, [("failover_to_azure", True, False), ("validate_recovery", False, False)]),
    ("onprem", "busy", "UnplannedFailover", [("failover_to_azure", True, True), ("validate_recovery", False, False)]),
    ("azure", "commit_pending", None, [("failover_to_azure", False, False), ("validate_recovery", True, False)]),
    ("azure", "committed", None, [("failover_to_azure", False, False), ("validate_recovery", False, False)]),
])
def test_each_machine_is_decided_from_where_it_stands(where, stage, job, expected):
    decided = plan(facts(where, stage, job=job), STAGES)
    assert [(d["stage"], d["todo"], d["following"]) for d in decided] == expected


def test_check_mode_decides_the_next_stages_from_where_a_stage_would_leave_the_machine():
    decided = plan(facts("onprem", "replicating"), ("failover_to_azure", "validate_recovery", "commit_failover"), check_mode=True)
    assert [d["todo"] for d in decided] == [True, True, True]
    decided = plan(facts("azure", "committed"), ("failover_to_azure", "validate_recovery", "commit_failover"), check_mode=True)
    assert [d["todo"] for d in decided] == [False, False, False]


def job(name, state, task=None, machine="m"):
    tasks = [dict(name="t", friendlyName=task, state="InProgress")] if task else []
    return dict(name=name, id="/x/replicationJobs/" + name, properties=dict(
        scenarioName="UnplannedFailover", state=state, startTime="2026-12-03T08:00:00Z", targetObjectName=machine, tasks=tasks,
        endTime="2026-12-03T08:01:40Z" if state in ("Succeeded", "Failed") else None,
        errors=[dict(serviceErrorDetails=dict(code="28031", message="Core quota exceeded."))] if state == "Failed" else []))


class Vault:
    """A vault whose job list answers the next of ``answers`` (lists of job documents) at each list."""

    vault = "vault-dr"

    def __init__(self, answers, by_id=None):
        self.answers = list(answers)
        self.by_id = by_id or {}
        self.filters = []
        self.gets = []

    def jobs(self, odata_filter=None, **_options):
        self.filters.append(odata_filter)
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]

    def job(self, job_id, **_options):
        self.gets.append(job_id)
        return self.by_id[job_id]


class Clock(list):
    """The follower's clock and pause: time moves only when it pauses."""

    def __call__(self):
        return sum(self)

    def pause(self, seconds):
        self.append(seconds)


def follower(vault, clock, lines, timeout=600):
    return FleetFollower(vault, lambda _what: contextlib.nullcontext(), timeout, 30, progress=lines.append, clock=clock, pause=clock.pause)


def test_one_list_per_interval_hands_every_machine_its_job():
    machines = {"m%02d" % n: "job-%02d" % n for n in range(40)}
    running = [job(j, "InProgress", "Start failover", m) for m, j in machines.items()]
    done = [job(j, "Succeeded", None, m) for m, j in machines.items()]
    vault, clock, lines = Vault([running, running, done]), Clock(), []
    outcomes = follower(vault, clock, lines).follow(machines, {m: "%s: fail over" % m for m in machines})
    assert len(vault.filters) == 3 and not vault.gets  # three reads for forty machines, not 120
    assert clock() == 60
    assert all(facts["state"] == "Succeeded" and error is None for facts, error in outcomes.values())
    # A line per machine when its state or task changes (twice each), and one line for the fleet per read.
    assert len([line for line in lines if line.startswith("m00:")]) == 2
    assert [line for line in lines if line.startswith("fleet:")] == [
        "fleet: 40 jobs: 40 InProgress (0 s)", "fleet: 40 jobs: 40 InProgress (30 s)", "fleet: 40 jobs: 40 Succeeded (60 s)"]
    assert vault.filters[0].startswith("startTime eq '")


def test_a_job_the_list_does_not_show_is_read_by_its_id_and_a_failed_job_says_why():
    vault = Vault([[job("a", "Failed", machine="m1")]], by_id={"b": job("b", "Succeeded", machine="m2")})
    outcomes = follower(vault, Clock(), []).follow({"m1": "a", "m2": "b"}, {"m1": "m1: fail over", "m2": "m2: fail over"})
    assert vault.gets == ["b"]
    facts, error = outcomes["m1"]
    assert facts["state"] == "Failed" and error.code == "28031" and "m1: fail over: job a (UnplannedFailover) ended Failed" in error.message
    assert outcomes["m2"][1] is None


def test_a_follow_that_runs_out_leaves_the_jobs_running():
    vault, clock = Vault([[job("a", "InProgress", "Start failover", "m1"), job("b", "Succeeded", machine="m2")]]), Clock()
    outcomes = follower(vault, clock, [], timeout=90).follow({"m1": "a", "m2": "b"}, {"m1": "m1", "m2": "m2"})
    assert outcomes["m1"][1].code == "WaitTimeout" and "left running, never cancelled" in outcomes["m1"][1].message
    assert outcomes["m2"][1] is None
    assert len(vault.filters) == 4  # 0, 30, 60, 90 s


def test_the_list_starts_before_the_earliest_job_followed():
    now = datetime.datetime(2026, 12, 3, 9, 0, tzinfo=datetime.timezone.utc)
    assert since_filter([], now) == "startTime eq '2026-12-03T08:50:00Z'"
    assert since_filter(["2026-12-03T07:00:00.1234567Z"], now) == "startTime eq '2026-12-03T06:50:00Z'"
    assert hand_out([dict(name="A-1"), dict(name="b")], {"m1": "a-1", "m2": "c"}) == {"m1": dict(name="A-1")}


class Session:
    params = dict(subscription_id="s")
    resource_group, vault_name = "rg-dr", "vault-dr"

    @staticmethod
    def step(_what):
        return contextlib.nullcontext()


def test_region_wide_preflight_reads_are_made_once_for_every_machine(monkeypatch):
    calls = []
    gate = threading.Event()

    def usages(_self, location):
        gate.wait(5)
        calls.append(location)
        return {"cores": location}

    monkeypatch.setattr(PreflightReads, "usages", usages)
    reads = SharedPreflightReads(Session())
    threads = [threading.Thread(target=reads.usages, args=("westeurope",)) for _reader in range(20)]
    for thread in threads:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join()
    assert calls == ["westeurope"] and reads.reads == 1
    assert reads.usages("northeurope") == {"cores": "northeurope"} and reads.reads == 2


def options(**changes):
    params = {key: spec.get("default") for key, spec in ARGUMENT_SPEC.items()}
    params["machines"] = [dict(host="a", name=None)]
    params.update(changes)
    return params


@pytest.mark.parametrize("changes, fragment", [
    (dict(machines=[]), "machines is empty"),
    (dict(machines=[dict(host="a"), dict(host="a")]), "names a host more than once: a"),
    (dict(writers=0), "writers must be 1 to 64"),
    (dict(rpo_threshold=0), "rpo_threshold must be 1 minute or more"),
    (dict(validation_port=70000), "validation_port must be 0"),
    (dict(recovery_plan="plan-web", recovery_point="custom", recovery_point_id="p"), "recovery_plan plan-web takes no custom recovery point"),
])
def test_bad_options_are_refused_before_any_request(changes, fragment):
    assert any(fragment in problem for problem in fleet_problems(options(**changes)))
    assert not fleet_problems(options())
