# -*- coding: utf-8 -*-
"""A lab job's timeline on its own clock (lab/asrlab/jobs.py), and an agent's re-registration (items.py):
holds and suspensions shift what follows, nothing else.

Pure: explicit moments, no lab process and no wall clock.
"""

from __future__ import annotations

import datetime
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "lab"))

from asrlab import clock as lab_clock  # noqa: E402  pylint: disable=wrong-import-position
from asrlab.items import ReplicatedItem  # noqa: E402  pylint: disable=wrong-import-position
from asrlab.jobs import QUEUED_AZURE_SECONDS, Job, JobBook, JobFault, TaskPlan  # noqa: E402  pylint: disable=wrong-import-position

T0 = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)


def at(seconds):
    return T0 + datetime.timedelta(seconds=seconds)


def job(fault=None):
    # Tasks run 2-12, 12-42 (a skipped one at 42), 42-102 on the job's clock (scale 1: one Azure second is one second).
    tasks = [TaskPlan("First", "first", 10), TaskPlan("Second", "second", 30), TaskPlan("Skipped", "skipped", 0, skipped=True),
             TaskPlan("Third", "third", 60)]
    return Job(vault_id="v", item_id="i", scenario_name="UnplannedFailover", friendly_name="Failover", target_id="t", target_name="vm",
               details_type="AsrJobDetails", tasks=tasks, created=T0, scale=1.0, fault=fault or JobFault())


def tasks(moment, the_job):
    return [(t["state"], t["startTime"], t["endTime"]) for t in the_job.view(moment)["properties"]["tasks"]]


def iso(seconds):
    return at(seconds).strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"


def test_an_unheld_job_runs_its_plan():
    plain = job()
    assert plain.state(at(1)) == "NotStarted"
    assert plain.state(at(50)) == "InProgress" and plain.end_time == at(102)
    assert plain.state(at(102)) == "Succeeded"


def test_a_hold_stops_the_job_at_its_task_and_shifts_only_what_follows():
    held = job()
    assert held.hold(at(20)) is True
    for moment in (20, 500, 5000):
        assert held.state(at(moment)) == "InProgress"
        assert tasks(at(moment), held)[:2] == [("Succeeded", iso(2), iso(12)), ("InProgress", iso(12), None)]
    assert held.end_time is None  # not known while held: the lab applies no outcome
    held.release(at(120))  # held 100 s
    assert held.end_time == at(202)
    # The second task goes on from 8 s in: 22 s left; the third keeps its 60 s.
    assert tasks(at(141), held)[1] == ("InProgress", iso(12), None)
    assert tasks(at(142), held)[1:] == [("Succeeded", iso(12), iso(142)), ("Other", iso(142), iso(142)), ("InProgress", iso(142), None)]
    assert tasks(at(202), held)[3] == ("Succeeded", iso(142), iso(202))
    assert held.state(at(201)) == "InProgress" and held.state(at(202)) == "Succeeded"


def test_a_job_held_before_it_starts_waits_in_its_first_task():
    held = job()
    held.hold(at(0))
    assert held.state(at(1)) == "NotStarted"
    assert held.state(at(1000)) == "InProgress"
    assert tasks(at(1000), held)[0] == ("InProgress", iso(QUEUED_AZURE_SECONDS), None)
    held.release(at(1000))
    assert held.end_time == at(1000 + 100)
    assert tasks(at(1010), held)[0] == ("Succeeded", iso(2), iso(1010))


def test_an_ended_job_is_not_held():
    ended = job()
    assert ended.hold(at(200)) is False
    assert ended.state(at(300)) == "Succeeded" and ended.end_time == at(102)


def test_a_hold_and_a_suspension_add_up():
    suspended = job(JobFault(suspend_at=3))
    suspended.hold(at(20))
    suspended.release(at(30))  # 10 s held in the second task
    assert suspended.state(at(51)) == "InProgress" and suspended.state(at(52)) == "Suspended"
    assert tasks(at(60), suspended)[3] == ("Suspended", iso(52), None)
    suspended.hold(at(60))  # a hold while suspended: the resume alone does not let it go
    suspended.resume(at(70))
    assert suspended.state(at(80)) == "InProgress" and suspended.end_time is None
    suspended.release(at(90))  # suspended 38 s in all
    assert suspended.end_time == at(102 + 10 + 38)
    assert tasks(at(150), suspended)[3] == ("Succeeded", iso(52), iso(150))


def test_a_cancelled_job_stops_on_its_clock():
    cancelled = job()
    cancelled.hold(at(20))
    cancelled.cancel(at(60))
    assert cancelled.state(at(70)) == "Cancelled" and cancelled.end_time == at(60)
    assert tasks(at(70), cancelled)[:2] == [("Succeeded", iso(2), iso(12)), ("Cancelled", iso(12), iso(60))]
    assert tasks(at(70), cancelled)[3][0] == "NotStarted"


def test_a_held_agent_registration_goes_on_from_where_it_was():
    item = ReplicatedItem(machine=None, name="vm", vault=None, phase="classic_failed_over", history_start=T0,
                          agent_wait_from=at(0), agent_ready_at=at(100))  # 100 s of re-registration after the failover
    item.hold_agent(at(30))
    assert not item.agent_registered(at(500))
    item.release_agent(at(500))  # 70 s left
    assert not item.agent_registered(at(569)) and item.agent_registered(at(570))
    item.hold_agent(at(600))  # registered already: a hold takes nothing back
    assert item.agent_registered(at(700))
    item.release_agent(at(700))
    assert item.agent_ready_at == at(570)


def test_an_agent_held_before_the_failover_ends_waits_its_whole_registration():
    item = ReplicatedItem(machine=None, name="vm", vault=None, phase="classic_protected", history_start=T0)
    item.hold_agent(at(0))
    assert item.agent_registered(at(5))  # no failover: nothing to register
    item.agent_wait_from, item.agent_ready_at = at(10), at(110)  # the failover ends at 10 s
    assert not item.agent_registered(at(300))
    item.release_agent(at(300))
    assert item.agent_ready_at == at(400)


def test_a_job_that_ends_while_a_request_is_answered_is_applied_or_still_running(monkeypatch):
    """One moment per request (Jobs.settled): the wall clock passes the job's end between the lab applying the ended
    jobs and its check of the item, yet the item never shows its old state with no job running. Two racing runs had
    one commit each accepted that way (CI of f17df2b)."""
    applied = []
    ending = job()
    ending.on_success = applied.append
    jobs = JobBook(lab_clock.Clock(1.0))
    jobs.start(ending)
    moments = iter([at(101.999), at(102.001), at(102.002)])  # every later read of the wall clock is past the job's end
    monkeypatch.setattr(lab_clock, "_wall", lambda: next(moments, at(103)))
    with jobs.settled():
        running = jobs.running_on("i")
        assert (running is ending) != bool(applied), (running, applied)  # running, or ended and its outcome applied
        assert running is ending and ending.state(lab_clock.Clock.now()) == "InProgress"
    with jobs.settled():  # the next request: past the end, and the outcome applied before anything is checked
        assert jobs.running_on("i") is None and applied == [ending]
