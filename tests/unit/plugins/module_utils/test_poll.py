# -*- coding: utf-8 -*-
"""The one poll primitive: deadline, interval, Retry-After, transient read errors; the waits built on it."""

from __future__ import annotations

import pytest

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_actions import job_id_of
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_jobs import JobWaiter, wait_problems
from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError, error_from_response
from ansible_collections.siterecovery.vmware.plugins.module_utils._poll import CEILING, Poll, PollTimeout, transient


class Clock:
    """A clock the test drives: pause() moves it on, and records each pause."""

    def __init__(self):
        self.now = 1000.0
        self.pauses = []

    def __call__(self):
        return self.now

    def pause(self, seconds):
        self.pauses.append(seconds)
        self.now += seconds


def answers(*values):
    """read() that returns (or raises) each value in turn."""
    queue = list(values)

    def read():
        value = queue.pop(0)
        if isinstance(value, Exception):
            raise value
        return value
    return read


def test_reads_until_done_at_the_interval():
    clock = Clock()
    poll = Poll(100, 10, clock=clock, pause=clock.pause)
    assert poll.until(answers(1, 2, 3), lambda v: v == 3) == 3
    assert clock.pauses == [10, 10] and poll.reads == 3


def test_never_sleeps_past_the_deadline_and_reports_the_last_value():
    clock = Clock()
    poll = Poll(25, 10, clock=clock, pause=clock.pause)
    with pytest.raises(PollTimeout) as out:
        poll.until(lambda: "running", lambda v: False)
    assert clock.pauses == [10, 10, 5] and out.value.value == "running" and out.value.elapsed == 25


def test_a_long_wait_is_a_loop_not_a_recursion():
    """The role's recursive include died at Python's recursion limit after about 247 reads; 20,000 reads here."""
    clock = Clock()
    count = iter(range(1, 100000))
    assert Poll(20000, 1, clock=clock, pause=clock.pause).until(lambda: next(count), lambda v: v == 20000) == 20000


def test_retry_after_is_honoured_up_to_the_ceiling():
    clock = Clock()
    poll = Poll(10000, 5, clock=clock, pause=clock.pause)
    hints = iter([30, 2, 100000])
    poll.until(answers("a", "b", "c", "d"), lambda v: v == "d", retry_after=lambda v: next(hints))
    assert clock.pauses == [30, 5, CEILING]


@pytest.mark.parametrize("error", [
    SiteRecoveryError("refused", code="ServiceRequestError"),
    SiteRecoveryError("reset", code="ServiceResponseError"),
    SiteRecoveryError("busy", status=503),
    SiteRecoveryError("throttled", status=429),
])
def test_a_transient_read_error_is_read_again(error):
    clock = Clock()
    poll = Poll(100, 10, clock=clock, pause=clock.pause)
    assert poll.until(answers(error, error, "done"), lambda v: v == "done") == "done"
    assert poll.failed_reads == [error.message, error.message] and transient(error)


def test_an_error_that_is_not_transient_ends_the_wait_at_once():
    clock = Clock()
    refused = SiteRecoveryError("no such job", status=404, code="NotFound")
    with pytest.raises(SiteRecoveryError) as raised:
        Poll(100, 10, clock=clock, pause=clock.pause).until(answers(refused), lambda v: True)
    assert raised.value is refused and clock.pauses == []


def test_reads_failing_until_the_deadline_keep_the_last_error():
    clock = Clock()
    down = SiteRecoveryError("Could not reach Azure Resource Manager", code="ServiceRequestError")
    with pytest.raises(PollTimeout) as out:
        Poll(20, 10, clock=clock, pause=clock.pause).until(answers(down, down, down), lambda v: True)
    assert out.value.last_error is down and out.value.value is None


@pytest.mark.parametrize("timeout, interval", [(-1, 5), (10, 0), (10, -3)])
def test_a_poll_refuses_a_wait_it_cannot_make(timeout, interval):
    with pytest.raises(ValueError):
        Poll(timeout, interval)


def job(state, task=None):
    tasks = [dict(name="t", friendlyName=task, state="InProgress")] if task else []
    return dict(name="job-1", properties=dict(scenarioName="UnplannedFailover", state=state, tasks=tasks))


def test_job_waiter_rides_through_a_failed_read_and_names_the_real_elapsed_time():
    clock = Clock()
    down = SiteRecoveryError("Could not reach Azure Resource Manager while reading job job-1", code="ServiceRequestError")
    reads = answers(job("InProgress", "Start failover"), down, job("InProgress", "Start failover"), job("Succeeded"))
    waiter = JobWaiter(lambda job_id: reads(), timeout=3600, sleep=30, clock=clock, pause=clock.pause)
    assert waiter.wait("job-1", "failing over vm-01")["state"] == "Succeeded"
    assert waiter.poll.failed_reads == [down.message]


def test_each_failed_read_is_told_with_the_pause_before_the_next_one():
    clock = Clock()
    down = SiteRecoveryError("Could not reach Azure Resource Manager", code="ServiceRequestError")
    busy = SiteRecoveryError("busy", status=503)
    busy.retry_after = 45
    told = []
    reads = answers(job("InProgress"), down, busy, down, job("Succeeded"))
    waiter = JobWaiter(lambda job_id: reads(), timeout=3600, sleep=30, clock=clock, pause=clock.pause,
                       failed=lambda error, pause: told.append((error.message, pause, waiter.poll.reads)))
    assert waiter.wait("job-1", "vm-01: fail over to Azure")["state"] == "Succeeded"
    assert told == [(down.message, 30, 2), ("busy", 45, 3), (down.message, 30, 4)]
    assert clock.pauses == [30, 30, 45, 30]


def test_a_failed_read_at_the_deadline_is_not_told_as_read_again():
    clock = Clock()
    down = SiteRecoveryError("Could not reach Azure Resource Manager", code="ServiceRequestError")
    told = []
    with pytest.raises(PollTimeout):
        Poll(10, 10, clock=clock, pause=clock.pause).until(answers(down, down), lambda v: True, failed=lambda e, p: told.append(p))
    assert told == [10]


def test_retry_after_of_an_answer_is_kept_on_its_error():
    assert error_from_response(429, {"Retry-After": "17"}, "", "reading job j").retry_after == 17
    assert error_from_response(503, {"Retry-After": "Wed, 21 Oct 2026 07:28:00 GMT"}, "", "reading job j").retry_after is None
    assert error_from_response(500, {}, "", "reading job j").retry_after is None


def test_job_waiter_timeout_message_gives_the_elapsed_time_and_the_callers_option():
    clock = Clock()
    waiter = JobWaiter(lambda job_id: job("InProgress", "Start failover"), timeout=20, sleep=7, clock=clock, pause=clock.pause,
                       timeout_option="asr_wait_timeout")
    with pytest.raises(SiteRecoveryError) as raised:
        waiter.wait("job-1", "vm-01: fail over to Azure")
    message = raised.value.message
    assert "still InProgress after 20 s (current task: Start failover)" in message and "a longer asr_wait_timeout" in message


@pytest.mark.parametrize("headers, expected", [
    ({"Azure-AsyncOperation": "https://h/Subscriptions/s/resourceGroups/g/providers/Microsoft.RecoveryServices/vaults/v/"
      "replicationOperationStatus/a2e9f617-1?api-version=2021-06-01"}, "a2e9f617-1"),
    ({"Azure-AsyncOperation": "https://management.azure.com/x/replicationJobs/363f82fd-2?api-version=2018-07-10"}, "363f82fd-2"),
    ({"Location": "https://h/x/replicationProtectedItems/rpi/operationresults/f1d8e44a-3?api-version=2025-08-01"}, "f1d8e44a-3"),
    ({"Location": "https://h/x/somethingElse/abc"}, None),
    ({}, None),
])
def test_the_job_id_of_an_action_comes_from_its_answer_headers(headers, expected):
    assert job_id_of(headers) == expected


@pytest.mark.parametrize("params, problems", [
    (dict(wait_timeout=0, wait_sleep=30), ["wait_timeout must be at least 1 second (got 0)"]),
    (dict(wait_timeout=-5, wait_sleep=0), ["wait_timeout must be at least 1 second (got -5)", "wait_sleep must be at least 1 second (got 0)"]),
    (dict(wait_timeout=3600, wait_sleep=30), []),
    (dict(), []),
])
def test_wait_options_that_no_wait_can_use_are_refused(params, problems):
    assert wait_problems(params) == problems
