# -*- coding: utf-8 -*-
"""Writes are sent once by the transport: azure-core's pipeline with the collection's retry policy, over a fake transport."""

from __future__ import annotations

import pytest
from azure.core.pipeline import Pipeline
from azure.core.pipeline.transport import HttpTransport
from azure.core.rest import HttpRequest

from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_auth import ReadRetryPolicy


class Answers(HttpTransport):
    """Answers each request with the next status, counting what was sent."""

    def __init__(self, statuses):
        self.statuses = list(statuses)
        self.sent = []

    def send(self, request, **kwargs):
        from azure.core.pipeline.transport import HttpResponse  # pylint: disable=import-outside-toplevel

        self.sent.append(request.method)
        status = self.statuses.pop(0)

        class Response(HttpResponse):
            def body(self):
                return b""

        response = Response(request, None)
        response.status_code = status
        response.headers = {"Retry-After": "0"} if status in (429, 503) else {}
        response.reason = str(status)
        return response

    def open(self):
        pass

    def close(self):
        pass

    def __exit__(self, *args):
        pass


def run(method, statuses):
    transport = Answers(statuses)
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
