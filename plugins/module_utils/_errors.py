# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One exception for everything that goes wrong, with what a person can act on.

Private to the collection. Knows no Ansible. SDK and identity errors are
turned into :class:`SiteRecoveryError` once, in :func:`from_exception`; the
module base catches it once and fails the task with its fields.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import ssl

_AADSTS = re.compile(r"\b(AADSTS\d+)\b")
# urllib3's words for the connection it tried: HTTPSConnection(host='127.0.0.1', port=443), HTTPSConnectionPool(host=..., port=...)
_URLLIB3_WHERE = re.compile(r"host='([^']+)', port=(\d+)")
_URL_WHERE = re.compile(r"^[a-z]+://([^/?#]+)", re.IGNORECASE)


# What ASR says when a refusal is about a multi-VM consistency group (its members fail over together, in a recovery plan).
_GROUP_WORDS = re.compile(r"multi[- ]?vm|consistency group|replication group|recovery plan", re.IGNORECASE)


def about_multi_vm_group(error):
    """Whether ASR's error (its message, possible causes, recommended action) is about a multi-VM group, not, say, a missing
    recovery point: only then does a group member's refusal get the hint to fail the group over together."""
    text = " ".join(str(part) for part in (error.message, error.possible_causes, error.recommended_action) if part)
    return bool(_GROUP_WORDS.search(text))


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
        self.network = None  # the kind of network failure (see network_problem), when the server was not reached
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
    if status == 429:
        return " (Azure Resource Manager throttled the request: it was not processed, and is safe to send again after its Retry-After)"
    return ""


# Network failures, in the order they are looked for along the exception chain: (kind, classes, class names of the
# libraries that may not be installed, SiteRecoveryError code). A code of _poll.TRANSIENT_CODES is read again during a
# wait; a certificate does not become trusted by waiting, so its code is not one of them.
_NETWORK_KINDS = (
    ("untrusted", (ssl.SSLCertVerificationError,), (), "CertificateVerifyFailed"),
    ("tls", (ssl.SSLError,), (), "TlsError"),
    ("dns", (socket.gaierror,), ("NameResolutionError",), "ServiceRequestError"),
    ("refused", (ConnectionRefusedError,), (), "ServiceRequestError"),
    ("reset", (ConnectionResetError, ConnectionAbortedError, BrokenPipeError, http.client.RemoteDisconnected), (), "ServiceResponseError"),
    ("timeout", (TimeoutError,), ("ConnectTimeoutError", "ReadTimeoutError", "ConnectTimeout", "ReadTimeout", "ServiceRequestTimeoutError",
                                  "ServiceResponseTimeoutError"), "ServiceResponseError"),
)


def _chain(exc):
    """``exc`` and what it wraps: azure-core's inner_exception, urllib3's reason, the cause, the context, a wrapped first argument."""
    found, seen = [], set()
    todo = [exc]
    while todo:
        current = todo.pop(0)
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        found.append(current)
        todo.extend([getattr(current, "inner_exception", None), getattr(current, "reason", None), current.__cause__, current.__context__]
                    + [a for a in current.args if isinstance(a, BaseException)])
    return found


def _server(chain, where=None):
    """(host, host:port) of the server an exception chain failed to reach: urllib3's words, the request requests failed on,
    else ``where`` (host:port or a URL); (None, None) when none says."""
    found = _URLLIB3_WHERE.search(" ".join(str(e) for e in chain))
    if found:
        return found.group(1), "%s:%s" % found.groups()
    asked = next((getattr(e.request, "url", None) for e in chain if getattr(e, "request", None) is not None), None)
    url = _URL_WHERE.match(asked or where or "")
    where = url.group(1) if url else where
    if not where:
        return None, None
    port = where.rsplit(":", 1)
    return (port[0] if len(port) == 2 and port[1].isdigit() else where), where


def network_problem(exc, where=None):
    """(kind, code, sentence) when ``exc`` is, or wraps, a failure to reach a server; None otherwise.

    kind is one of untrusted (its certificate), tls, dns (the name not resolved), refused (nothing listens), reset
    (the connection cut before the answer), timeout. ``where`` (host:port, or a URL) is used when the error does not
    say which server it tried.
    """
    chain = _chain(exc)
    host, where = _server(chain, where)
    where = where or "the server"
    for kind, classes, names, code in _NETWORK_KINDS:
        match = next((e for e in chain if isinstance(e, classes) or type(e).__name__ in names), None)
        if match is None:
            continue
        if kind == "untrusted":
            detail = getattr(match, "verify_message", None) or str(match)
            return kind, code, "the certificate of %s is not trusted (%s)" % (where, detail)
        if kind == "tls":
            return kind, code, "TLS with %s failed (%s)" % (where, match)
        if kind == "dns":
            return kind, code, "the host name %s cannot be resolved (DNS: %s)" % (host or where, match)
        if kind == "refused":
            return kind, code, "nothing listens at %s (connection refused): the service is down, or the host or port is wrong" % where
        if kind == "reset":
            return kind, code, ("the connection to %s was reset before the answer came (by the service, or a proxy or firewall on the way)"
                                % where)
        return kind, code, "%s did not answer in time (%s): a firewall dropping the traffic, or the service overloaded" % (where, match)
    return None


# What to do, per kind of network failure, for a server the options or the environment name.
_NETWORK_ACTIONS = {
    "untrusted": "add the CA that signed the certificate to the bundle named by {ca}; do not turn verification off",
    "tls": "check that {where} speaks HTTPS on that port, and any TLS-inspecting proxy ({ca})",
    "dns": "check the host name ({names}) and the controller's DNS",
    "refused": "check that the service runs and that {names} name the right host and port",
    "reset": "check the proxy or firewall between the controller and {where} ({names}); a read is tried again while a wait has time left",
    "timeout": "check the route, proxy and firewall between the controller and {where} ({names})",
}


def unreachable_error(exc, what, context, where=None, names="the endpoint of cloud_environment (AZURE_CLOUD_ENVIRONMENT)",
                      ca="REQUESTS_CA_BUNDLE"):
    """The SiteRecoveryError of ``what`` (Azure Resource Manager, the login endpoint) not reached while doing ``context``."""
    problem = network_problem(exc, where)
    if problem is None:
        text = str(exc).strip() or type(exc).__name__
        return SiteRecoveryError("Could not reach %s while %s: %s" % (what, context, text), code="ServiceRequestError")
    kind, code, sentence = problem
    server = _server(_chain(exc), where)[1] or what
    error = SiteRecoveryError("Could not reach %s while %s: %s." % (what, context, sentence), code=code,
                              recommended_action=_NETWORK_ACTIONS[kind].format(where=server, names=names, ca=ca))
    error.network = kind
    return error


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
        if isinstance(exc, (core_errors.ServiceRequestError, core_errors.ServiceResponseError)):
            return unreachable_error(exc, "Azure Resource Manager", context)
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

# What requests and urllib3 say when the login endpoint refused, reset or dropped the connection, or did not answer.
_NO_ANSWER = re.compile(r"Connection aborted|Connection refused|Connection reset|RemoteDisconnected|Failed to establish a new connection"
                        r"|Max retries exceeded|timed out", re.IGNORECASE)
_NO_ANSWER_ACTION = (
    "the login endpoint did not answer (a refused, reset or dropped connection): the credentials were not checked; check that "
    "the login endpoint is reachable from where the task runs (cloud_environment / AZURE_AUTHORITY_HOST, a proxy, a firewall), "
    "then run again"
)


def _authentication_error(exc, context, advice=None):
    """A token that could not be had (identity) or was refused (ARM 401)."""
    response = getattr(exc, "response", None)
    if response is None and network_problem(exc):
        # The login endpoint could not be reached: no credential was judged, so none is blamed.
        return unreachable_error(exc, "the Azure login endpoint", "getting a token for " + context,
                                 names="the login endpoint of cloud_environment, or AZURE_AUTHORITY_HOST")
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
        elif response is None and _NO_ANSWER.search(error.message):
            error.recommended_action = _NO_ANSWER_ACTION
        else:
            error.recommended_action = advice or _AUTH_ACTION
    return error
