# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plain ARM requests for the few resources beside ASR (OffAzure run-as accounts, VMs, quotas, networks, deployments).

Private to the collection, and used by the vault gateway only (``_vault_gateway``): it names the paths and the
api-versions (``_api_versions``). They go through the Site Recovery client's own pipeline (``send_request``):
the same credential, endpoint, retries and error handling, without one more SDK per resource type.
"""

from __future__ import annotations

try:
    from azure.core.rest import HttpRequest
except ImportError:  # the modules report the missing SDK before any call
    HttpRequest = None


def arm_request(client, method, path, api_version, body=None, query=None):
    """The parsed JSON of ``method path?api-version=...`` (and ``query``'s parameters); raises azure-core's HttpResponseError on an error answer."""
    request = HttpRequest(method, path, params=dict(query or {}, **{"api-version": api_version}), json=body)
    response = client.send_request(request)
    response.raise_for_status()
    return response.json() if response.content else None


def arm_list(client, path, api_version, query=None):
    """Every element of an ARM list, following nextLink; a page that fails raises as the first would (HttpResponseError).

    nextLink is used as ARM gives it (it carries its own api-version and $skiptoken).
    """
    page = arm_request(client, "GET", path, api_version, query=query) or {}
    values = list(page.get("value") or [])
    while page.get("nextLink"):
        response = client.send_request(HttpRequest("GET", page["nextLink"]))
        response.raise_for_status()
        page = response.json() if response.content else {}
        values.extend(page.get("value") or [])
    return values
