# -*- coding: utf-8 -*-
"""Writes are sent once by the transport: azure-core's pipeline with the collection's retry policy, over a fake transport."""

from __future__ import annotations

import pytest
from azure.core.pipeline import Pipeline
from azure.core.pipeline.transport import HttpTransport
from azure.core.rest import HttpRequest

from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_auth import RETRY_AFTER_CEILING, ReadRetryPolicy


class Answers(HttpTransport):
    """Answers each request with the next status, counting what was sent."""

    def __init__(self, statuses, retry_after="0"):
        self.statuses = list(statuses)
        self.retry_after = retry_after
        self.sent = []
        self.slept = []

    def sleep(self, duration):
        self.slept.append(duration)

    def send(self, request, **kwargs):
        from azure.core.pipeline.transport import HttpResponse  # pylint: disable=import-outside-toplevel

        self.sent.append(request.method)
        status = self.statuses.pop(0)

        class Response(HttpResponse):
            def body(self):
                return b""

        response = Response(request, None)
        response.status_code = status
        response.headers = {"Retry-After": self.retry_after} if status in (429, 503) else {}
        response.reason = str(status)
        return response

    def open(self):
        pass

    def close(self):
        pass

    def __exit__(self, *args):
        pass


def run(method, statuses, transport=None):
    transport = transport or Answers(statuses)
    pipeline = Pipeline(transport, policies=[ReadRetryPolicy(retry_total=3, retry_backoff_factor=0)])
    response = pipeline.run(HttpRequest(method, "https://127.0.0.1/x"))
    return transport.sent, response.http_response.status_code


@pytest.mark.parametrize("method", ["POST", "PATCH", "PUT", "DELETE"])
@pytest.mark.parametrize("status", [500, 503, 504])
def test_a_write_answered_with_a_server_error_is_not_sent_again(method, status):
    sent, answered = run(method, [status, 202])
    assert sent == [method] and answered == status


def test_a_throttled_write_is_sent_again():
    assert run("POST", [429, 202]) == (["POST", "POST"], 202)


@pytest.mark.parametrize("status", [500, 503, 504, 429])
def test_a_read_rides_through(status):
    assert run("GET", [status, 200]) == (["GET", "GET"], 200)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_retry_after_within_the_ceiling_is_slept_by_the_transport(method):
    transport = Answers([429, 200], str(RETRY_AFTER_CEILING))
    assert run(method, None, transport=transport) == ([method, method], 200)
    assert transport.slept == [RETRY_AFTER_CEILING]


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("status", [429, 503])
def test_a_retry_after_over_the_ceiling_is_handed_to_the_caller_unslept(method, status):
    """azure-core would sleep the hour, past every deadline, printing nothing: the caller's wait or write loop decides."""
    transport = Answers([status, 200], "3600")
    assert run(method, None, transport=transport) == ([method], status)
    assert transport.slept == []
