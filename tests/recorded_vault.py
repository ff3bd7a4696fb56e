# -*- coding: utf-8 -*-
"""A vault that answers as the recordings do: the real SiteRecoveryManagementClient (as _azure_auth builds it) over azure-core's
RequestsTransport, whose requests adapter answers each request from a table of recorded answers, and records what was sent.

Unit tests of the gateway and of the workflows in module_utils (reprotect, process server, master target) read Azure through it:
the SDK's whole pipeline runs, only the network is replaced."""

from __future__ import annotations

import functools
import io
import json
from urllib.parse import parse_qs, urlsplit

import requests
import urllib3
from azure.core.credentials import AccessToken
from azure.core.pipeline.transport import RequestsTransport

from ansible_collections.siterecovery.vmware.plugins.module_utils import _azure_auth
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_cloud import CloudEndpoints
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_session import AzureSession

NOT_FOUND = (404, {"error": {"code": "ResourceNotFound", "message": "not found"}})
CLOUD = CloudEndpoints("AzureCloud", "https://management.example/", "https://login.example/", "https://management.example", True)


class Answers(requests.adapters.HTTPAdapter):
    """Answers a request by ``(METHOD, path)`` or by its path (lower case): ``(status, JSON body)`` or ``(status, body, headers)``;
    a list of answers is given one per request, its last one again after that; 404 for any other path.

    ``sent``: (method, path, api-version) of each request; ``bodies``: (method, path, JSON body) of each request with a body."""

    def __init__(self, routes):
        super().__init__()
        self.routes = {}
        for key, answer in routes.items():
            method, path = key if isinstance(key, tuple) else (None, key)
            self.routes[(method, path.lower())] = list(answer) if isinstance(answer, list) else [answer]
        self.sent = []
        self.bodies = []

    def answer(self, method, path):
        answers = self.routes.get((method, path.lower())) or self.routes.get((None, path.lower()))
        if not answers:
            return NOT_FOUND
        return answers.pop(0) if len(answers) > 1 else answers[0]

    def send(self, request, **kwargs):  # pylint: disable=arguments-differ
        url = urlsplit(request.url)
        self.sent.append((request.method, url.path, (parse_qs(url.query).get("api-version") or [None])[0]))
        if request.body:
            self.bodies.append((request.method, url.path, json.loads(request.body)))
        status, body, headers = (tuple(self.answer(request.method, url.path)) + ({},))[:3]
        content = b"" if body is None else json.dumps(body).encode()
        headers = dict(headers, **{"Content-Type": "application/json", "Content-Length": str(len(content))})
        raw = urllib3.HTTPResponse(body=io.BytesIO(content), status=status, preload_content=False, headers=headers)
        return self.build_response(request, raw)

    def writes(self):
        """The (method, path) of every request that was not a GET."""
        return [(method, path) for method, path, _version in self.sent if method != "GET"]


class Credential:
    def get_token(self, *scopes, **kwargs):
        return AccessToken("token", 4102444800)


def recorded_client(monkeypatch, routes, subscription):
    """(the real SiteRecoveryManagementClient whose requests ``routes`` answers, the Answers that records them)."""
    answers, session = Answers(routes), requests.Session()
    session.mount("https://", answers)
    monkeypatch.setattr(_azure_auth, "SiteRecoveryManagementClient",
                        functools.partial(_azure_auth.SiteRecoveryManagementClient, transport=RequestsTransport(session=session)))
    return _azure_auth.build_site_recovery_client(Credential(), subscription, CLOUD), answers


class Failed(Exception):
    """What AsrModule.fail would have failed the task with."""

    def __init__(self, error, result):
        super().__init__(error.message)
        self.error = error
        self.result = result


class RecordedSession(AzureSession):
    """A task's session as a workflow gets it from AsrModule (``params``, ``check_mode``, ``step``, ``fail``), its client fed by ``routes``."""

    def __init__(self, monkeypatch, routes, params, check_mode=False):
        super().__init__(params, check_mode=check_mode)
        self._client, self.answers = recorded_client(monkeypatch, routes, params["subscription_id"])

    def fail(self, error, **result):
        raise Failed(error, result)
