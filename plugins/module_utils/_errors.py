# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One exception for everything that goes wrong, with what a person can act on.

Private to the collection. Knows no Ansible. SDK and identity errors are
turned into :class:`SiteRecoveryError` once, in :func:`from_exception`; the
module base catches it once and fails the task with its fields.
"""

from __future__ import annotations

import json
import re

_AADSTS = re.compile(r"\b(AADSTS\d+)\b")


class SiteRecoveryError(Exception):
    """An error with ASR's code, message, possible causes and recommended action."""

    def __init__(self, message, code=None, possible_causes=None, recommended_action=None,
                 status=None, correlation_id=None, request_id=None, details=None, job=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.possible_causes = possible_causes
        self.recommended_action = recommended_action
        self.status = status
        self.correlation_id = correlation_id
        self.request_id = request_id
        self.details = details or []
        self.job = job  # the job's facts, when the error is a job's
        self.retry_after = None  # the seconds a 429 or 503 asked to wait (Retry-After), for a wait that reads again

    def to_result(self):
        """The fields for ``fail_json``: ``msg`` plus an ``error`` dict without empty values."""
        error = dict(
            code=self.code,
            message=self.message,
            possible_causes=self.possible_causes,
            recommended_action=self.recommended_action,
            status=self.status,
            correlation_id=self.correlation_id,
            request_id=self.request_id,
            details=self.details,
        )
        error = dict((k, v) for k, v in error.items() if v not in (None, "", []))
        parts = [self.message]
        if self.code and str(self.code) not in self.message:
            parts[0] = "%s (code %s)" % (self.message, self.code)
        if self.possible_causes:
            parts.append("Possible causes: %s" % self.possible_causes)
        if self.recommended_action:
            parts.append("Recommended action: %s" % self.recommended_action)
        if self.correlation_id:
            parts.append("Correlation id: %s" % self.correlation_id)
        result = dict(msg=" ".join(parts), error=error)
        if self.job:
            result["job"] = self.job
        return result


def _first(mapping, *names):
    for name in names:
        for key in (name, name[:1].upper() + name[1:]):
            value = mapping.get(key)
            if value not in (None, ""):
                return value
    return None


def _detail(item):
    if not isinstance(item, dict):
        return {"message": str(item)}
    detail = dict(
        code=_first(item, "code", "errorCode"),
        message=_first(item, "message", "errorMessage"),
        possible_causes=_first(item, "possibleCauses"),
        recommended_action=_first(item, "recommendedAction"),
    )
    return dict((k, v) for k, v in detail.items() if v is not None)


def error_from_response(status, headers, body, context):
    """Build the error for an HTTP answer: ``status`` code, ``headers`` mapping, ``body`` text.

    ``context`` says what was being done ("listing the fabrics of vault X").
    ARM errors look like ``{"error": {"code", "message", "details"}}``; ASR adds
    ``possibleCauses`` and ``recommendedAction``; identity errors carry
    ``error`` and ``error_description``.
    """
    headers = dict((str(k).lower(), v) for k, v in (headers or {}).items())
    payload = {}
    if body:
        try:
            payload = json.loads(body)
        except (TypeError, ValueError):
            payload = {}
    error = payload.get("error") if isinstance(payload, dict) else None
    if isinstance(error, str):
        # OAuth2 shape: {"error": "invalid_client", "error_description": "AADSTS7000215: ..."}
        error = {"code": error, "message": payload.get("error_description") or error}
    if not isinstance(error, dict):
        error = payload if isinstance(payload, dict) and ("code" in payload or "Code" in payload) else {}
    code = _first(error, "code", "errorCode")
    message = _first(error, "message", "errorMessage")
    if not message:
        text = (body or "").strip()
        message = "HTTP %s%s" % (status, (": " + text[:300]) if text else "")
    details = [_detail(d) for d in (error.get("details") or [])]
    possible = _first(error, "possibleCauses")
    action = _first(error, "recommendedAction")
    if not possible and not action and details:
        possible = next((d.get("possible_causes") for d in details if d.get("possible_causes")), None)
        action = next((d.get("recommended_action") for d in details if d.get("recommended_action")), None)
    hint = _hint(status, code)
    found = SiteRecoveryError(
        "%s failed: %s%s" % (context, message, hint),
        code=code,
        possible_causes=possible,
        recommended_action=action,
        status=status,
        correlation_id=headers.get("x-ms-correlation-request-id"),
        request_id=headers.get("x-ms-request-id"),
        details=details,
    )
    found.retry_after = _seconds(headers.get("retry-after"))
    return found


def _seconds(text):
    """A Retry-After in seconds (its delay-seconds form); None for none or an HTTP date."""
    try:
        return max(float(text), 0) if text not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _hint(status, code):
    code = str(code or "")
    if status == 404 and code in ("ResourceNotFound", "ResourceGroupNotFound", "ArmResourceDoesNotExist"):
        return " (check resource_group and vault_name, and that the identity can read that subscription)"
    if status == 403 or code == "AuthorizationFailed":
        return " (the identity lacks a role on the vault: Site Recovery Contributor or Site Recovery Operator)"
    return ""


def from_exception(exc, context, auth_advice=None):
    """Turn an SDK, identity or network exception into a SiteRecoveryError.

    ``auth_advice``: what to check when no token could be had, for the credential the options chose
    (``_azure_auth.auth_advice``); without it, the service principal's options are named.
    """
    if isinstance(exc, SiteRecoveryError):
        return exc
    # Imported here: this module must import without the Azure SDKs.
    try:
        from azure.core import exceptions as core_errors  # pylint: disable=import-outside-toplevel
    except ImportError:  # pragma: no cover - the modules check the SDKs first
        core_errors = None
    if core_errors is not None:
        if isinstance(exc, core_errors.ClientAuthenticationError):
            return _authentication_error(exc, context, auth_advice)
        if isinstance(exc, core_errors.HttpResponseError) and getattr(exc, "response", None) is not None:
            return _response_error(exc.response, context)
        if isinstance(exc, core_errors.ServiceRequestError):
            text = str(exc)
            hint = ""
            if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
                hint = " The server's certificate is not trusted: add its CA to the bundle named by REQUESTS_CA_BUNDLE."
            return SiteRecoveryError(
                "Could not reach Azure Resource Manager while %s: %s.%s" % (context, text, hint),
                code="ServiceRequestError",
            )
        if isinstance(exc, core_errors.AzureError):
            return SiteRecoveryError("%s failed: %s" % (context, exc), code=type(exc).__name__)
    return SiteRecoveryError("%s failed: %s: %s" % (context, type(exc).__name__, exc), code=type(exc).__name__)


def _response_error(response, context):
    try:
        body = response.text()
    except Exception:  # pylint: disable=broad-except  # a body that cannot be decoded is no body
        body = ""
    return error_from_response(response.status_code, response.headers, body, context)


_AUTH_ACTION = (
    "check tenant, client_id and secret (or the identity that auth_source selects), "
    "and cloud_environment / AZURE_AUTHORITY_HOST"
)


def _authentication_error(exc, context, advice=None):
    """A token that could not be had (identity) or was refused (ARM 401)."""
    response = getattr(exc, "response", None)
    if response is not None:
        error = _response_error(response, "Azure authentication while " + context)
    else:
        error = SiteRecoveryError("Azure authentication while %s failed: %s" % (context, str(exc).strip()))
    match = _AADSTS.search(error.message)
    if match:
        error.code = match.group(1)
    elif not error.code:
        error.code = type(exc).__name__
    if not error.recommended_action:
        if "Unable to get authority configuration" in error.message:
            # MSAL's words when the login endpoint does not know the tenant (its
            # OpenID discovery document answered an error) or is not a login endpoint.
            error.recommended_action = (
                "check tenant (the directory id or domain) and the login endpoint (cloud_environment, AZURE_AUTHORITY_HOST)"
            )
        else:
            error.recommended_action = advice or _AUTH_ACTION
    return error
