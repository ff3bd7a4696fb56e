"""Azure Resource Manager as the SDK meets it: metadata, bearer tokens, api-versions, errors, routing.

ARM paths are case-insensitive ("/Subscriptions/" appears in ASR's ids), so
routes are regular expressions matched without case, in one table that the
resource modules add to with :func:`route`.
"""

from __future__ import annotations

import re
import time
import uuid

from flask import Blueprint, current_app, jsonify, request

from . import control, throttle

blueprint = Blueprint("arm", __name__)

# api-versions of Microsoft.RecoveryServices the lab answers: the SDK's and the recordings'.
API_VERSIONS = frozenset(
    ["2025-08-01", "2025-01-01", "2024-10-01", "2024-04-01", "2024-02-01", "2023-08-01", "2023-06-01",
     "2023-04-01", "2023-02-01", "2023-01-01", "2022-10-01", "2022-09-10", "2022-08-01", "2022-05-01",
     "2022-03-01", "2022-02-01", "2022-01-01", "2021-12-01", "2021-11-01", "2021-10-01", "2021-08-01",
     "2021-07-01", "2021-06-01", "2021-04-01", "2021-03-01", "2021-02-10", "2018-07-10", "2018-01-10"]
)
SUBSCRIPTION = r"/subscriptions/(?P<subscription>[^/]+)"
VAULT = SUBSCRIPTION + r"/resourcegroups/(?P<group>[^/]+)/providers/microsoft\.recoveryservices/vaults/(?P<vault>[^/]+)"

_ROUTES = []


def route(pattern, methods=("GET",), api_versions=API_VERSIONS):
    """Register ``handler(**groups)`` for an ARM path regex (anchored, case-insensitive) and its api-versions."""

    def register(handler):
        _ROUTES.append((re.compile("^" + pattern + "/?$", re.IGNORECASE), frozenset(methods), handler, frozenset(api_versions)))
        return handler

    return register


class ArmError(Exception):
    """An ARM error answer."""

    def __init__(self, status, code, message, headers=None, possible_causes=None, recommended_action=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.extra = {}
        if possible_causes is not None or recommended_action is not None:
            # ASR's own errors carry these beside ARM's code and message.
            self.extra = dict(possibleCauses=possible_causes or "", recommendedAction=recommended_action or "",
                              activityId=str(uuid.uuid4()))


def arm_response(body, status=200, headers=None):
    response = jsonify(body) if body is not None else current_app.response_class(status=status)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _error_response(error):
    response = jsonify(error=dict({"code": error.code, "message": error.message}, **error.extra))
    response.status_code = error.status
    for name, value in error.headers.items():
        response.headers[name] = value
    return response


def _check_token():
    config = current_app.config["LAB"]
    challenge = {"WWW-Authenticate": 'Bearer authorization_uri="%s%s", error="invalid_token", '
                 'error_description="The authentication failed because of missing \'Authorization\' header."'
                 % (request.host_url, config.tenant_id)}
    header = request.headers.get("Authorization", "")
    if not header:
        raise ArmError(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.", challenge)
    scheme, token = (header.split(" ", 1) + [""])[:2]
    if scheme.lower() != "bearer" or not token.strip():
        raise ArmError(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is provided in an invalid format.",
                       challenge)
    issued = current_app.config["TOKENS"].lookup(token.strip())
    if issued is None:
        raise ArmError(401, "InvalidAuthenticationToken", "The access token is invalid.", challenge)
    if issued["expires"] < time.time():
        raise ArmError(401, "ExpiredAuthenticationToken", "The access token expiry UTC time is earlier than current UTC time.", challenge)


def _check_api_version(versions):
    version = request.args.get("api-version")
    if not version:
        raise ArmError(400, "MissingApiVersionParameter",
                       "The api-version query parameter (?api-version=) is required for all requests.")
    if version not in versions:
        raise ArmError(400, "NoRegisteredProviderFound",
                       "No registered resource provider found for location 'lab' and API version '%s' for this resource type. "
                       "The supported api-versions are '%s'." % (version, ", ".join(sorted(versions, reverse=True))))


@blueprint.route("/metadata/endpoints")
def metadata_endpoints():
    """Azure's cloud list (api-version 2019-05-01 and later) or Azure Stack Hub's short form (older)."""
    fault = control.take_http_fault(request.method, request.path)
    if fault and fault["kind"] in ("400", "429", "500", "503"):
        return _error_response(_fault_error(fault))
    config = current_app.config["LAB"]
    base = request.host_url
    authentication = dict(loginEndpoint=base.rstrip("/"), audiences=[config.audience, config.audience.rstrip("/") + "/"],
                          tenant="common", identityProvider="AAD")
    version = request.args.get("api-version", "")
    if version and version >= "2019-05-01":
        return jsonify([dict(name="SiteRecoveryLab", resourceManager=base, authentication=authentication,
                             portal=base, suffixes=dict(keyVaultDns="vault.lab.local", storage="lab.local"))])
    return jsonify(dict(galleryEndpoint=base, graphEndpoint=base, portalEndpoint=base, authentication=authentication))


@blueprint.route("/<path:path>", methods=["GET", "PUT", "POST", "PATCH", "DELETE"])
def dispatch(path):
    """Find the ARM route; check token and api-version first, as ARM does."""
    current_app.config["GATE"].pass_through(request.method, "/" + path, control.interim_continue)  # a closed gate of the control API keeps it waiting here
    started = time.time()
    headers = {"x-ms-request-id": str(uuid.uuid4()),
               "x-ms-correlation-request-id": request.headers.get("x-ms-correlation-request-id") or str(uuid.uuid4())}
    jobs = current_app.config["JOBS"]
    if control.outage_on():
        _record(path, started, 0, "outage")
        control.drop_connection()
    fault = control.take_http_fault(request.method, "/" + path)
    name = fault and (fault["kind"] + ("_after" if fault.get("after") else ""))
    if fault and fault["kind"] == "drop":
        _record(path, started, 0, name)
        control.drop_connection()
    try:
        if fault and fault["kind"] in ("400", "429", "500", "503", "504") and not fault.get("after"):
            raise _fault_error(fault)
        _check_token()
        refused = _throttle(path, headers)
        if refused is not None:
            name = "throttled"
            raise refused
        if not request.args.get("api-version"):
            _check_api_version(())
        with jobs.settled():
            for tick in current_app.config.get("TICKS", ()):
                tick(current_app.config["VAULT"])
            response = _route(path)
        if fault and fault.get("after"):
            raise _fault_error(fault)  # handled (a write took effect), and the answer is this error instead
    except ArmError as error:
        response = _error_response(error)
    for header, value in headers.items():
        response.headers.setdefault(header, value)
    _record(path, started, response.status_code, name)
    if fault and fault["kind"] == "drop_after":
        control.drop_connection()
    return response


def _throttle(path, headers):
    """Take a token of the request's kind (asrlab/throttle.py) and put the tokens left in ``headers``; with none left, the
    429 ARM answers instead (SubscriptionRequestsThrottled, Retry-After), else None."""
    decision = current_app.config["THROTTLE"].take(request.method, "/" + path)
    if decision is None:
        return None
    kind, taken, left, retry_after = decision
    header = "x-ms-ratelimit-remaining-subscription-" + kind
    headers[header] = str(left)
    if taken:
        return None
    subscription = throttle.SUBSCRIPTION_PATH.match("/" + path).group(1)
    return ArmError(429, "SubscriptionRequestsThrottled", throttle.message(kind, subscription, current_app.config["LAB"].client_id, retry_after),
                    {"Retry-After": str(retry_after)})


def _record(path, started, status, fault):
    """The request in /lab/requests; status 0: no answer (the connection was dropped before it was handled)."""
    current_app.config["REQUESTS"].append(dict(time=time.time(), method=request.method, path="/" + path, status=status,
                                               seconds=round(time.time() - started, 4), fault=fault or None))


def _fault_error(fault):
    if fault["kind"] == "400":
        error = fault.get("error") or {}
        return ArmError(400, error.get("code", "BadRequest"), error.get("message", "The request was refused (lab fault)."),
                        possible_causes=error.get("possibleCauses", ""), recommended_action=error.get("recommendedAction", ""))
    if fault["kind"] == "429":
        return ArmError(429, "TooManyRequests", "The request is being throttled (lab fault).", {"Retry-After": str(fault["retry_after"])})
    if fault["kind"] == "503":
        return ArmError(503, "ServiceUnavailable", "The service is unavailable (lab fault).", {"Retry-After": str(fault["retry_after"])})
    if fault["kind"] == "504":
        return ArmError(504, "GatewayTimeout", "The gateway did not receive a response in time (lab fault).")
    return ArmError(500, "InternalServerError", "An internal server error occurred (lab fault).")


def _route(path):
    for pattern, methods, handler, versions in _ROUTES:
        match = pattern.match("/" + path)
        if match and request.method in methods:
            _check_api_version(versions)
            return handler(**match.groupdict())
    if any(entry[0].match("/" + path) for entry in _ROUTES):
        raise ArmError(405, "MethodNotAllowed", "The method '%s' is not allowed on '/%s'." % (request.method, path))
    raise ArmError(404, "InvalidResourceType", "The resource type could not be found for '/%s'." % path)
