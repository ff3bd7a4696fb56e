# -*- coding: utf-8 -*-
"""Two full_cycle runs of the installed collection on the same machines at once (a job template launched twice), and
reruns while a stage's job runs: issues #16, #12 and #11.

The second run is launched at moments the lab's control API makes exact instead of the wall clock:

- together: both runs' failover POSTs wait at the lab's gate (/lab/gate) and go at once, so one of each pair is ASR's
  409, which the run answers by following the other run's job;
- right after the first run's failover POST was taken, its jobs held running (/lab/hold): the second run reads the
  machines busy with the stage's job and follows it (no preflight: its checks were made before the job started);
- while the first run is in its commit stage (its commit POSTs kept at the gate): the second finds nothing to fail
  over and both runs' commits are let go one by one, each after the job of the one before has ended, so that the
  later commit of each machine is refused as not allowed any more (400), which that run reports as done meanwhile.

Following is what the second run does (not stopping with a message): the job template launched twice wants the
cycle done once, and both runs' summaries then say how it went, with the same job ids. Each case asserts both runs
succeed, each machine completes the cycle, and each machine has one job per stage (the lab's /lab/jobs).

bench/race_offsets.py launches the runs 0, 3 and 20 s apart at realistic timings instead.
"""

from __future__ import annotations

import collections

from lab_tasks import RACE_MACHINES, RUN_SECONDS, Run, control, task
from labrunner import hold, release, until

MACHINES = RACE_MACHINES
# The item actions of one whole classic cycle, in order: one job per stage (failback_prepare has none).
CYCLE_ACTIONS = ["unplannedFailover", "failoverCommit", "reProtect", "unplannedFailover", "failoverCommit", "reProtect"]


def following(job_id, machine, stage_title):
    """The line asr_wait prints for each read of ``job_id`` (roles/asr/tasks/wait.yml)."""
    return "%s: %s: " % (machine, stage_title), " job %s " % job_id


def jobs_by_machine(lab):
    jobs = collections.defaultdict(list)
    for job in control(lab, "jobs"):
        jobs[job["item"]].append(job)
    return jobs


def running_jobs(lab, action, machines=MACHINES):
    """{machine: id of its running job of ``action``} once every machine has one, else None."""
    found = {}
    for machine, jobs in jobs_by_machine(lab).items():
        for job in jobs:
            if job["action"] == action and job["state"] in ("NotStarted", "InProgress"):
                found[machine] = job["id"]
    return found if set(machines) <= set(found) else None


def assert_cycle_done_once(lab, runs, machines=MACHINES, actions=None, failover_only=False):
    """Both runs succeeded without a traceback, each machine has one job per stage (all succeeded), and ends back
    on-premises replicating to Azure, its cycle complete in each run's summary (``failover_only``: failover.yml's
    stages, the machine failed over and committed)."""
    for run in runs:
        out = run.output()
        assert run.process.returncode == 0, "%s exited %s:\n%s" % (run.name, run.process.returncode, out[-6000:])
        assert "Traceback" not in out and "NoneType" not in out, out
        assert lab.client_secret not in out
    jobs = jobs_by_machine(lab)
    for machine in machines:
        done = [(j["action"], j["state"]) for j in jobs[machine]]
        wanted = CYCLE_ACTIONS[:2] if failover_only else (actions or {}).get(machine, CYCLE_ACTIONS)
        assert done == [(a, "Succeeded") for a in wanted], (machine, done)
        item = control(lab, "state")["items"][machine]
        where = ("azure", "InMageAzureV2", None) if failover_only else ("onprem", "InMageAzureV2", None)
        assert (item["running_in"], item["provider"], item["job"]) == where, (machine, item)
        for run in runs:
            record = run.machines()[machine]
            assert not record["failed"] and (failover_only and record["stage"] == "committed" or record["cycle_complete"]), (run.name, machine, record)
    for machine in machines:
        # Both runs name the same jobs: the one that did not start a stage's job followed the other's.
        ids = [{s: r["job_id"] for s, r in run.machines()[machine]["stages"].items() if r["status"] == "done" and r["job_id"]} for run in runs]
        for stage in set(ids[0]) & set(ids[-1]):
            assert ids[0][stage] == ids[-1][stage], (machine, stage, ids)


def test_two_runs_launched_together_follow_each_others_jobs(installed_env, fresh, tmp_path):
    """Both runs read, check and send their failovers at the same moment: one POST of each machine is ASR's 409."""
    lab = fresh
    control(lab, "gate", "POST", method="POST", path="/unplannedFailover$", hold=True)
    for machine in MACHINES:
        hold(lab, machine, "unplannedFailover")
    first, second = Run("first", installed_env, lab, tmp_path), Run("second", installed_env, lab, tmp_path)
    try:
        waiting = until(lambda: len(control(lab, "gate")["waiting"]) == 4 and control(lab, "gate")["waiting"],
                        "both runs' failover POSTs at the gate", still=lambda: first.running() and second.running())
        assert control(lab, "jobs") == [], waiting
        control(lab, "gate", "POST", hold=False)
        started = until(lambda: running_jobs(lab, "unplannedFailover"), "a failover job of each machine")
        # Each run follows the one job of each machine, whichever run started it.
        until(lambda: all(run.shows(*following(started[m], m, "fail over to Azure")) for run in (first, second) for m in MACHINES),
              "both runs following both failover jobs", still=lambda: first.running() and second.running())
        statuses = [r["status"] for r in control(lab, "requests") if r["method"] == "POST" and r["path"].endswith("/unplannedFailover")]
        assert sorted(statuses) == [202, 202, 409, 409], statuses
    finally:
        control(lab, "gate", "POST", hold=False)
        for machine in MACHINES:
            release(lab, machine, "unplannedFailover")
    first.end()
    second.end()
    assert_cycle_done_once(lab, (first, second))


def test_a_second_run_follows_the_first_runs_failover(installed_env, fresh, tmp_path):
    """Launched right after the first run's failover POSTs were taken (their jobs held): the second run reads the machines
    busy with them and follows them, without their preflight. failover.yml twice: its failover and commit, what the race
    is about, at a third of full_cycle's time."""
    lab = fresh
    for machine in MACHINES:
        hold(lab, machine, "unplannedFailover")
    first = Run("first", installed_env, lab, tmp_path, playbook="failover")
    second = None
    try:
        started = until(lambda: running_jobs(lab, "unplannedFailover"), "the first run's failover jobs", still=first.running)
        second = Run("second", installed_env, lab, tmp_path, playbook="failover")
        until(lambda: all(second.shows("fail over to Azure: to do - %s runs in onprem, stage busy" % m, *following(started[m], m, "fail over to Azure"))
                          for m in MACHINES), "the second run following the first run's failover jobs", still=second.running)
        assert all(first.shows(*following(started[m], m, "fail over to Azure")) for m in MACHINES), first.output()
        assert "is not ready to fail over" not in second.output()
    finally:
        for machine in MACHINES:
            release(lab, machine, "unplannedFailover")
    first.end()
    second.end()
    assert_cycle_done_once(lab, (first, second), failover_only=True)


def test_a_second_run_launched_during_the_first_runs_commit_finds_it_done(installed_env, fresh, tmp_path):
    """The first run is in its commit stage (its commit POSTs kept at the lab's gate) when the second starts: the second
    has nothing to fail over, and reads both machines still to commit. The four commit POSTs are let go one by one, each
    once the one before it was answered and its job ended: the later POST of each machine is refused (400, not allowed
    once committed), and that run says the commit was done by another run meanwhile instead of failing."""
    lab = fresh

    def commits():
        """This test's commit POSTs the lab answered (a reset keeps /lab/requests: the file's earlier tests' are there too)."""
        return [r for r in control(lab, "requests") if r["path"].endswith("/failoverCommit")][earlier:]

    earlier = len([r for r in control(lab, "requests") if r["path"].endswith("/failoverCommit")])
    control(lab, "gate", "POST", method="POST", path="/failoverCommit$", hold=True)
    first = Run("first", installed_env, lab, tmp_path, playbook="failover")
    second = None

    def at_gate(count):
        return lambda: len(control(lab, "gate")["waiting"]) == count

    try:
        until(at_gate(2), "the first run's commit POSTs at the gate", still=first.running)
        second = Run("second", installed_env, lab, tmp_path, playbook="failover")
        until(at_gate(4), "the second run's commit POSTs at the gate", still=second.running)
        assert all(second.shows("fail over to Azure: nothing to do - %s runs in azure" % m) for m in MACHINES), second.output()
        for left in (3, 2, 1, 0):
            control(lab, "gate", "POST", let_go=1)
            until(lambda: len(commits()) == 4 - left
                  and all(j["state"] == "Succeeded" for j in control(lab, "jobs")), "the commit POST let go answered, its job ended",  # noqa: B023
                  timeout=RUN_SECONDS)
    finally:
        control(lab, "gate", "POST", hold=False)
    first.end()
    second.end()
    statuses = [r["status"] for r in commits()]
    assert sorted(statuses) == [202, 202, 400, 400], statuses
    assert_cycle_done_once(lab, (first, second), failover_only=True)
    said = first.output() + second.output()
    assert all(("%s is committed already" % m) in said and "done by another run meanwhile" in said for m in MACHINES), said


# A rerun while a stage's job runs (#12, #11): the earlier run's wait ran out (here: the module started the job without
# waiting), the job is still running (held), and full_cycle is run again. Each machine stands at another stage.
RERUNS = {
    # machine: (the lab stage it is put in, the action left running, its module task, the stage's title)
    "vm-lin-01": ("protected", "unplannedFailover", ("asr_failover", {"direction": "to_azure"}), "fail over to Azure"),
    "vm-win-01": ("committed", "reProtect", ("asr_reprotect", {"direction": "to_onprem", "master_target": "mt-win-01", "datastore": "ds-vmfs-01",
                                                               "run_as_account": "vcenteruser"}), "reprotect to on-premises"),
    "vm-win-02": ("reprotected", "unplannedFailover", ("asr_failover", {"direction": "to_onprem"}), "fail back to on-premises"),
}


def test_a_rerun_follows_the_running_job_of_each_stage_instead_of_failing_its_preflight(installed_env, fresh, tmp_path):
    lab = fresh
    started = {}
    try:
        for machine, (stage, action, (module, args), _title) in RERUNS.items():
            if stage != "protected":
                control(lab, "stage", "POST", item=machine, stage=stage)
            hold(lab, machine, action)
            code, result = task(installed_env, lab, tmp_path, module, dict(args, name=machine, wait=False))
            assert code == 0 and result["job"]["state"] in ("NotStarted", "InProgress"), result
            started[machine] = result["job"]["id"]
        rerun = Run("rerun", installed_env, lab, tmp_path, limit=tuple(RERUNS))
        # The stages run in the cycle's order, every machine at each (the linear strategy): each held job is let go once
        # the rerun follows it, so that the rerun reaches the next machine's stage.
        for machine, (_stage, action, _task, title) in RERUNS.items():
            until(lambda: rerun.shows(*following(started[machine], machine, title)), "the rerun following %s's job" % machine,  # noqa: B023
                  timeout=RUN_SECONDS, still=rerun.running)
            release(lab, machine, action)
        out = rerun.output()
        assert "is not ready to" not in out and "wait for it" not in out, out
    finally:
        for machine, (_stage, action, *_rest) in RERUNS.items():
            release(lab, machine, action)
    rerun.end()
    # Each machine's remaining stages, one job each: the held one followed, the later ones started by the rerun.
    remaining = {m: CYCLE_ACTIONS[CYCLE_ACTIONS.index(RERUNS[m][1], 3 if RERUNS[m][0] == "reprotected" else 0):] for m in RERUNS}
    assert_cycle_done_once(lab, (rerun,), machines=tuple(RERUNS), actions=remaining)
    for machine in RERUNS:
        record = rerun.machines()[machine]["stages"]
        followed = next(s for s in record.values() if s["job_id"] == started[machine])
        assert followed["status"] == "done", record
