# -*- coding: utf-8 -*-
"""ItemAction.start: the job from the answer's headers, a 409 of the same action followed, a write proven not taken sent
again (a bounded number of times). The client is a stand-in fed with a recorded item; the clock is driven by the test."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.siterecovery.vmware.plugins.module_utils import _asr_actions
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_actions import ItemAction
from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError

LOCATION = "https://h/Subscriptions/s/x/replicationProtectedItems/rpi/operationresults/%s?api-version=2025-08-01"


class Model(dict):
    def as_dict(self):
        return copy.deepcopy(dict(self))


class Response:
    def __init__(self, headers):
        self.http_response = type("HttpResponse", (), {"headers": headers})()


class Items:
    """replication_protected_items: each POST takes the next outcome (a job id answered 202, or an error to raise)."""

    def __init__(self, item, outcomes):
        self.item = item
        self.outcomes = list(outcomes)
        self.posts = 0
        self.gets = 0

    def get(self, *args):
        self.gets += 1
        return Model(self.item)

    def list(self, *args):
        return [Model(self.item)]

    def begin_unplanned_failover(self, *args, **kwargs):
        self.posts += 1
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, SiteRecoveryError):
            if outcome.code == "OperationInProgress":  # the other run's job is the item's current scenario now
                self.item["properties"]["currentScenario"] = dict(scenarioName="UnplannedFailover", jobId="/x/replicationJobs/theirs",
                                                                  startTime="2026-12-02T10:00:00Z")
            raise outcome
        kwargs["raw_response_hook"](Response({"Location": LOCATION % outcome}))


class Jobs:
    def __init__(self):
        self.lists = 0

    def list(self, *args, **kwargs):
        self.lists += 1
        return []


class Asr:
    resource_group, vault_name, check_mode, params = "PwsTestRG", "PwsTestVault", False, {}

    def __init__(self, items):
        self.client = type("Client", (), {})()
        self.client.replication_protected_items = items
        self.client.replication_jobs = Jobs()

    class _Step:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    def step(self, context):
        return self._Step()


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def pause(self, seconds):
        self.now += seconds


@pytest.fixture
def item(recording):
    return recording("classic_item_inmageazurev2.json")


def action_for(item, outcomes):
    items, clock = Items(item, outcomes), Clock()
    asr = Asr(items)
    return ItemAction(asr, item["id"], clock=clock, pause=clock.pause), items, asr, clock


def test_the_job_id_comes_from_the_answer_with_no_further_read(item):
    action, items, asr, _clock = action_for(item, ["job-1"])
    gets = items.gets
    assert action.start("unplannedFailover", {"properties": {}}) == "job-1"
    assert items.posts == 1 and items.gets == gets and asr.client.replication_jobs.lists == 0


def test_a_409_for_the_same_action_follows_the_other_runs_job(item):
    busy = SiteRecoveryError("unplannedFailover failed: an operation is in progress", code="OperationInProgress", status=409)
    action, items, _asr, _clock = action_for(item, [busy])
    assert action.start("unplannedFailover", {"properties": {}}) == "theirs" and items.posts == 1


def test_a_write_proven_not_taken_is_sent_again(item):
    dropped = SiteRecoveryError("Could not reach Azure Resource Manager while sending", code="ServiceResponseError")
    action, items, asr, clock = action_for(item, [dropped, "job-2"])
    assert action.start("unplannedFailover", {"properties": {}}) == "job-2"
    assert items.posts == 2 and asr.client.replication_jobs.lists >= 1 and clock.now >= _asr_actions.ATTACH_SECONDS


def test_sending_again_is_bounded(item):
    dropped = SiteRecoveryError("Could not reach Azure Resource Manager while sending", code="ServiceResponseError")
    action, items, _asr, _clock = action_for(item, [dropped] * 5)
    with pytest.raises(SiteRecoveryError) as raised:
        action.start("unplannedFailover", {"properties": {}})
    assert items.posts == _asr_actions.SEND_ATTEMPTS
    assert "after each of %d attempts, so ASR did not take it" % _asr_actions.SEND_ATTEMPTS in raised.value.message


def test_a_refusal_is_not_sent_again(item):
    refused = SiteRecoveryError("unplannedFailover failed: not allowed", code="OperationNotAllowed", status=400)
    action, items, _asr, _clock = action_for(item, [refused, "job-3"])
    with pytest.raises(SiteRecoveryError):
        action.start("unplannedFailover", {"properties": {}})
    assert items.posts == 1


def test_a_refusal_after_another_run_did_the_action_says_so(item):
    """The other run's job of this action began and ended between this run's read and its POST (ASR: not allowed now)."""
    refused = SiteRecoveryError("sending failoverCommit failed: not allowed in state UnplannedFailoverCommitted", code="OperationNotAllowed",
                                status=400)
    action, items, _asr, _clock = action_for(item, [refused])
    items.item = copy.deepcopy(item)
    items.item["properties"]["protectionState"] = "UnplannedFailoverCommitted"

    def done(facts):
        return "committed already" if facts["protection_state"] == "UnplannedFailoverCommitted" else None

    with pytest.raises(_asr_actions.Overtaken) as raised:
        action.start("unplannedFailover", {"properties": {}}, done=done)
    assert str(raised.value).startswith("committed already: done by another run meanwhile (ASR refused this run's unplannedFailover: ")
    assert items.posts == 1
    # Where nothing moved, ASR's refusal stands.
    action, items, _asr, _clock = action_for(item, [refused])
    with pytest.raises(SiteRecoveryError) as raised:
        action.start("unplannedFailover", {"properties": {}}, done=done)
    assert raised.value is refused and items.posts == 1


def throttled(retry_after=5):
    error = SiteRecoveryError("sending unplannedFailover of vm-01 failed: Number of 'write' requests for subscription 's' actor 'a' exceeded",
                              code="SubscriptionRequestsThrottled", status=429)
    error.retry_after = retry_after
    return error


def test_a_throttled_write_is_sent_again_after_its_retry_after_and_taken_once(item):
    """ARM's 429 comes before the provider: nothing was taken, so the POST is sent again, with no read of the item's jobs."""
    action, items, asr, clock = action_for(item, [throttled(5), throttled(7), "job-4"])
    assert action.start("unplannedFailover", {"properties": {}}) == "job-4"
    assert items.posts == 3 and asr.client.replication_jobs.lists == 0
    assert clock.now == 12  # each Retry-After honoured, no more


def test_throttling_that_outlasts_the_deadline_says_so_and_that_nothing_was_taken(item):
    action, items, asr, clock = action_for(item, [throttled(30)] * 10)
    asr.params = dict(wait_timeout=60)
    with pytest.raises(SiteRecoveryError) as raised:
        action.start("unplannedFailover", {"properties": {}})
    error = raised.value
    assert items.posts == 3 and clock.now == 60  # at 0, 30 and 60 s: the last send at the deadline
    assert error.status == 429 and error.code == "SubscriptionRequestsThrottled"
    assert "Azure Resource Manager throttled it for 60 s, past wait_timeout (60 s)" in error.message
    assert "none was taken and nothing was started" in error.message
    assert "longer wait_timeout" in error.recommended_action
