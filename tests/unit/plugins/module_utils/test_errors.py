# -*- coding: utf-8 -*-
from __future__ import annotations

import json

from azure.core.exceptions import ClientAuthenticationError, HttpResponseError

from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import (
    SiteRecoveryError,
    error_from_response,
    from_exception,
)

ASR_BODY = {
    "error": {
        "code": "28031",
        "message": "Failover of the virtual machine V2aVm1 failed because the core quota was exceeded.",
        "possibleCauses": "The subscription's vCPU quota in the region is used up.",
        "recommendedAction": "Raise the quota for the VM family, then retry the failover.",
        "details": [],
    }
}
HEADERS = {"x-ms-correlation-request-id": "corr-1", "x-ms-request-id": "req-1", "Content-Type": "application/json"}


class Response:
    """The part of azure-core's HttpResponse that from_exception reads."""

    def __init__(self, status, body, headers=None):
        self.status_code = status
        self.headers = headers or HEADERS
        self._body = body
        self.reason = "reason"

    def text(self, encoding=None):
        return self._body


def test_asr_error_keeps_code_causes_action_and_correlation():
    error = error_from_response(400, HEADERS, json.dumps(ASR_BODY), "failing over V2aVm1")
    assert error.code == "28031"
    assert error.message.startswith("failing over V2aVm1 failed: Failover of the virtual machine")
    assert error.possible_causes.startswith("The subscription's vCPU quota")
    assert error.recommended_action.startswith("Raise the quota")
    assert error.correlation_id == "corr-1"
    result = error.to_result()
    assert "(code 28031)" in result["msg"]
    assert "Recommended action: Raise the quota" in result["msg"]
    assert "Correlation id: corr-1" in result["msg"]
    assert result["error"]["status"] == 400
    assert "details" not in result["error"]


def test_arm_not_found_says_what_to_check():
    body = json.dumps({"error": {"code": "ResourceNotFound", "message": "The Resource 'x/vault-dr' was not found."}})
    error = error_from_response(404, {}, body, "listing the fabrics of vault vault-dr")
    assert "check resource_group and vault_name" in error.message
    assert error.code == "ResourceNotFound"


def test_details_lend_their_causes_when_the_top_has_none():
    body = {"error": {"code": "BadRequest", "message": "Invalid.", "details": [
        {"code": "InvalidVmSize", "message": "Size X is not offered.", "possibleCauses": "Typo.", "recommendedAction": "Pick a size."}]}}
    error = error_from_response(400, {}, json.dumps(body), "updating")
    assert error.possible_causes == "Typo."
    assert error.recommended_action == "Pick a size."
    assert error.details[0]["code"] == "InvalidVmSize"


def test_body_that_is_not_json_is_quoted():
    error = error_from_response(502, {}, "<html>Bad gateway</html>", "reading")
    assert error.message == "reading failed: HTTP 502: <html>Bad gateway</html>"


def test_http_response_error_is_translated():
    exc = HttpResponseError(message="boom", response=Response(400, json.dumps(ASR_BODY)))
    error = from_exception(exc, "failing over")
    assert isinstance(error, SiteRecoveryError)
    assert error.code == "28031"


def test_identity_error_body_gives_the_aadsts_code():
    body = json.dumps({"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided."})
    exc = ClientAuthenticationError(message="token request failed", response=Response(401, body, {}))
    error = from_exception(exc, "listing the fabrics")
    assert error.code == "AADSTS7000215"
    assert "Invalid client secret" in error.message
    assert "client_id and secret" in error.recommended_action


def test_identity_error_without_response():
    error = from_exception(ClientAuthenticationError("AADSTS90002: Tenant 'x' not found."), "reading")
    assert error.code == "AADSTS90002"
    assert error.message.startswith("Azure authentication while reading failed")


# The certificate, and the other network failures, as azure-core raises them: test_network_errors.py.


def test_other_exceptions_keep_their_type():
    error = from_exception(ValueError("bad"), "reading")
    assert error.code == "ValueError"
    assert error.message == "reading failed: ValueError: bad"


def test_empty_fields_are_left_out():
    error = SiteRecoveryError("failed", code="X")
    assert set(error.to_result()["error"]) == {"code", "message"}


def test_unknown_tenant_points_at_the_tenant():
    exc = ClientAuthenticationError("Authentication failed: Unable to get authority configuration for https://login.example/x.")
    error = from_exception(exc, "reading")
    assert error.recommended_action.startswith("check tenant (the directory id or domain)")


def test_a_login_endpoint_that_does_not_answer_is_not_blamed_on_the_credentials():
    exc = ClientAuthenticationError("Authentication failed: ('Connection aborted.', RemoteDisconnected('Remote end closed connection "
                                    "without response'))")
    error = from_exception(exc, "reading the replicated items of vault v")
    assert error.recommended_action.startswith("the login endpoint did not answer (a refused, reset or dropped connection)")
    assert "secret" not in error.recommended_action


def test_arms_throttling_says_the_request_was_not_processed():
    body = '{"error": {"code": "SubscriptionRequestsThrottled", "message": "Number of \'write\' requests for subscription \'s\' exceeded."}}'
    error = error_from_response(429, {"Retry-After": "7"}, body, "sending unplannedFailover of vm-01")
    assert error.code == "SubscriptionRequestsThrottled" and error.retry_after == 7
    assert "throttled the request: it was not processed, and is safe to send again after its Retry-After" in error.message
