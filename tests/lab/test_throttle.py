# -*- coding: utf-8 -*-
"""ARM's token buckets in the lab (lab/asrlab/throttle.py), through real HTTP with a real token.

No test waits for a refill: a bucket of 1 refilled once in 1,000 s refuses the second request whatever the machine's
speed, and /lab/throttle's advance_seconds refills it without waiting.
"""

from __future__ import annotations

import pytest
import requests
from asr_client import AUDIENCE, credential
from labrunner import control

VAULT = "/subscriptions/%s/resourceGroups/rg-dr/providers/Microsoft.RecoveryServices/vaults/vault-dr"
SLOW = {"size": 1, "refill_per_second": 0.001}  # one token, the next one 1,000 s later


@pytest.fixture
def lab(classic):
    """This module's own classic lab (tests/lab/conftest.py), back at its start with ARM's figures."""
    control(classic.lab, "reset", "POST")
    return classic.lab


@pytest.fixture(scope="module")
def token(classic):
    return credential(classic.lab).get_token(AUDIENCE).token


def arm(lab, token, method="GET", tail="/replicationFabrics"):
    """One ARM request on the lab's vault (a write to an unknown path is answered 404, after its token was taken)."""
    return requests.request(method, lab.arm_endpoint.rstrip("/") + VAULT % lab.subscription_id + tail, params={"api-version": "2025-08-01"},
                            headers={"Authorization": "Bearer " + token}, json={} if method != "GET" else None, verify=lab.ca_bundle, timeout=10)


def reads(lab, token, count):
    """The statuses of ``count`` reads sent one after the other."""
    return [arm(lab, token).status_code for _read in range(count)]


def test_arms_documented_buckets_are_on_by_default(lab, token):
    buckets = control(lab, "throttle")
    assert buckets["enabled"] is True
    assert {k: (buckets[k]["size"], buckets[k]["refill_per_second"]) for k in ("reads", "writes", "deletes")} == {
        "reads": (250, 25.0), "writes": (200, 10.0), "deletes": (200, 10.0)}
    answer = arm(lab, token)
    assert answer.status_code == 200
    assert answer.headers["x-ms-ratelimit-remaining-subscription-reads"] == "249"  # a full bucket, less this request's token
    assert "x-ms-ratelimit-remaining-subscription-writes" not in answer.headers
    written = arm(lab, token, "POST", "/noSuchAction")
    assert written.headers["x-ms-ratelimit-remaining-subscription-writes"] == "199"
    deleted = arm(lab, token, "DELETE", "/noSuchThing")
    assert deleted.headers["x-ms-ratelimit-remaining-subscription-deletes"] == "199"


def test_an_empty_bucket_answers_arms_429_and_the_request_is_not_taken(lab, token):
    control(lab, "throttle", "POST", reads=SLOW)
    first = arm(lab, token)
    assert first.status_code == 200 and first.headers["x-ms-ratelimit-remaining-subscription-reads"] == "0"
    second = arm(lab, token)
    assert second.status_code == 429
    error = second.json()["error"]
    assert error["code"] == "SubscriptionRequestsThrottled"
    assert "Number of 'read' requests for subscription '%s'" % lab.subscription_id in error["message"]
    retry_after = int(second.headers["Retry-After"])
    assert 1 < retry_after <= 1000  # the seconds until a token is back
    assert "Please try again after '%d' seconds" % retry_after in error["message"]
    assert second.headers["x-ms-ratelimit-remaining-subscription-reads"] == "0"
    recorded = [r for r in control(lab, "requests") if r["path"].endswith("/replicationFabrics")][-2:]
    assert [(r["status"], r["fault"]) for r in recorded] == [(200, None), (429, "throttled")]
    buckets = control(lab, "throttle")["reads"]
    assert (buckets["taken"], buckets["throttled"]) == (1, 1)
    assert buckets["remaining"] == {lab.subscription_id.lower(): 0}


def test_reads_and_writes_have_buckets_of_their_own(lab, token):
    control(lab, "throttle", "POST", writes=SLOW)
    assert arm(lab, token, "POST", "/noSuchAction").status_code == 404  # ARM takes the token before the provider answers
    refused = arm(lab, token, "POST", "/noSuchAction")
    assert refused.status_code == 429 and "Number of 'write' requests" in refused.json()["error"]["message"]
    assert arm(lab, token).status_code == 200  # reads go on
    assert arm(lab, token, "DELETE", "/noSuchThing").status_code == 404  # and deletes, in their own bucket
    counts = control(lab, "throttle")
    assert (counts["writes"]["taken"], counts["writes"]["throttled"], counts["reads"]["throttled"]) == (1, 1, 0)


def test_the_bucket_refills_at_its_rate(lab, token):
    control(lab, "throttle", "POST", reads={"size": 3, "refill_per_second": 0.001})
    assert reads(lab, token, 4) == [200, 200, 200, 429]
    control(lab, "throttle", "POST", advance_seconds=1000)  # one token back
    assert reads(lab, token, 2) == [200, 429]
    control(lab, "throttle", "POST", advance_seconds=10000)  # ten tokens' worth: the bucket holds 3 at most
    assert reads(lab, token, 4) == [200, 200, 200, 429]


def test_identity_metadata_and_the_control_api_are_not_throttled(lab, token):
    control(lab, "throttle", "POST", reads={"size": 0, "refill_per_second": 0})
    assert arm(lab, token).status_code == 429
    assert credential(lab).get_token(AUDIENCE).token
    assert requests.get(lab.arm_endpoint + "metadata/endpoints", params={"api-version": "2022-09-01"}, verify=lab.ca_bundle,
                        timeout=10).status_code == 200
    assert control(lab, "state")["items"]
    assert requests.get(lab.arm_endpoint.rstrip("/") + VAULT % lab.subscription_id, params={"api-version": "2025-08-01"},
                        verify=lab.ca_bundle, timeout=10).status_code == 401  # no token: refused before any bucket


def test_throttling_can_be_turned_off_and_a_reset_restores_arms_figures(lab, token):
    control(lab, "throttle", "POST", reads=SLOW)
    arm(lab, token)
    assert arm(lab, token).status_code == 429
    control(lab, "throttle", "POST", enabled=False)
    off = arm(lab, token)
    assert off.status_code == 200 and "x-ms-ratelimit-remaining-subscription-reads" not in off.headers
    control(lab, "reset", "POST")
    buckets = control(lab, "throttle")
    assert buckets["enabled"] and (buckets["reads"]["size"], buckets["reads"]["refill_per_second"], buckets["reads"]["throttled"]) == (250, 25.0, 0)
    assert arm(lab, token).headers["x-ms-ratelimit-remaining-subscription-reads"] == "249"


@pytest.mark.parametrize("body", [{"reads": {"size": -1}}, {"writes": {"refill_per_second": "fast"}}, {"enabled": "no"},
                                  {"advance_seconds": -5}, {"tenant": {}}])
def test_a_wrong_setting_is_refused(lab, body):
    answer = requests.post(lab.control_url + "/throttle", json=body, verify=lab.ca_bundle, timeout=10)
    assert answer.status_code == 400, answer.text
