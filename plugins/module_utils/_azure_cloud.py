# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where an Azure cloud's Resource Manager and login endpoints are.

Private to the collection. Knows no Ansible. ``cloud_environment`` is either a
cloud name (AzureCloud, AzureUSGovernment, AzureChinaCloud) or the URL of a
Resource Manager whose ``/metadata/endpoints`` document names the rest, as
Azure Stack Hub and the collection's lab serve it.
"""

from __future__ import annotations

import collections
import os

from ansible_collections.siterecovery.vmware.plugins.module_utils._api_versions import CLOUD_METADATA

CloudEndpoints = collections.namedtuple(
    "CloudEndpoints",
    ["name", "resource_manager", "authority_host", "audience", "known_authority"],
)

# Login hosts that Microsoft Entra ID serves itself: MSAL may validate them
# against its instance discovery. Any other host (Azure Stack Hub with AD FS,
# the lab) needs disable_instance_discovery=True.
KNOWN_AUTHORITY_HOSTS = frozenset(
    [
        "login.microsoftonline.com",
        "login.windows.net",
        "login.microsoftonline.us",
        "login.chinacloudapi.cn",
        "login.partner.microsoftonline.cn",
    ]
)

KNOWN_CLOUDS = {
    "azurecloud": CloudEndpoints(
        "AzureCloud",
        "https://management.azure.com/",
        "https://login.microsoftonline.com/",
        "https://management.azure.com",
        True,
    ),
    "azureusgovernment": CloudEndpoints(
        "AzureUSGovernment",
        "https://management.usgovcloudapi.net/",
        "https://login.microsoftonline.us/",
        "https://management.usgovcloudapi.net",
        True,
    ),
    "azurechinacloud": CloudEndpoints(
        "AzureChinaCloud",
        "https://management.chinacloudapi.cn/",
        "https://login.chinacloudapi.cn/",
        "https://management.chinacloudapi.cn",
        True,
    ),
}

# The metadata document's api-versions, tried in order (_api_versions.CLOUD_METADATA).
METADATA_API_VERSIONS = CLOUD_METADATA


class CloudConfigError(Exception):
    """The cloud environment cannot be resolved."""


class CloudUnreachable(CloudConfigError):
    """The metadata endpoint of a Resource Manager URL did not answer; ``url`` is what was asked, the cause is the network error."""

    def __init__(self, message, url):
        super().__init__(message)
        self.url = url


def _host(url):
    rest = url.split("://", 1)[-1]
    return rest.split("/", 1)[0].split(":", 1)[0].lower()


def _with_slash(url):
    return url if url.endswith("/") else url + "/"


def is_known_authority(url):
    """True when ``url`` is a login endpoint that Entra ID serves itself."""
    return _host(url) in KNOWN_AUTHORITY_HOSTS


def endpoints_from_metadata(resource_manager_url, document):
    """Build CloudEndpoints from a ``/metadata/endpoints`` answer.

    ``document`` is the parsed JSON: Azure's list of clouds (2022-09-01), one
    cloud object with ``resourceManager``, or the short Azure Stack Hub form
    (``authentication`` only; the resource manager is the URL asked).
    """
    wanted = _host(resource_manager_url)
    if isinstance(document, list):
        chosen = None
        for cloud in document:
            if isinstance(cloud, dict) and _host(cloud.get("resourceManager") or "") == wanted:
                chosen = cloud
                break
        if chosen is None:
            if not document or not isinstance(document[0], dict):
                raise CloudConfigError("the metadata endpoint of %s lists no cloud" % resource_manager_url)
            chosen = document[0]
        document = chosen
    if not isinstance(document, dict):
        raise CloudConfigError("the metadata endpoint of %s did not answer a JSON object" % resource_manager_url)
    auth = document.get("authentication") or {}
    login = auth.get("loginEndpoint")
    audiences = auth.get("audiences") or []
    if not login or not audiences:
        raise CloudConfigError(
            "the metadata endpoint of %s names no authentication.loginEndpoint or audiences" % resource_manager_url
        )
    resource_manager = document.get("resourceManager") or resource_manager_url
    audience = audiences[0].rstrip("/")
    return CloudEndpoints(
        document.get("name") or resource_manager_url,
        _with_slash(resource_manager),
        _with_slash(login),
        audience,
        is_known_authority(login),
    )


def fetch_metadata(resource_manager_url, timeout=30):
    """GET the metadata document of a Resource Manager URL; returns parsed JSON.

    Through azure-core's pipeline, so a throttled or briefly unavailable endpoint is retried (honouring Retry-After)
    as every other read is, with the CA bundle of REQUESTS_CA_BUNDLE.
    """
    # pylint: disable=import-outside-toplevel  # this module must import without the Azure SDKs
    from azure.core import PipelineClient
    from azure.core.exceptions import AzureError
    from azure.core.pipeline.policies import HeadersPolicy, RetryPolicy
    from azure.core.rest import HttpRequest

    client = PipelineClient(_with_slash(resource_manager_url), policies=[
        HeadersPolicy({"Accept": "application/json"}),
        RetryPolicy(retry_total=4, retry_backoff_factor=0.5, retry_backoff_max=30),
    ])
    last_error = None
    for api_version in METADATA_API_VERSIONS:
        url = "%smetadata/endpoints?api-version=%s" % (_with_slash(resource_manager_url), api_version)
        try:
            response = client.send_request(HttpRequest("GET", url), connection_timeout=timeout, read_timeout=timeout)
        except AzureError as exc:
            raise CloudUnreachable("cannot read the cloud metadata at %s: %s" % (url, exc), url) from exc
        if response.status_code == 200:
            try:
                return response.json()
            except ValueError as exc:
                raise CloudConfigError("the cloud metadata at %s is not JSON" % url) from exc
        last_error = "HTTP %s from %s" % (response.status_code, url)
    raise CloudConfigError("cannot read the cloud metadata: %s" % last_error)


def resolve_cloud(cloud_environment, environ=None, fetch=fetch_metadata):
    """Endpoints for ``cloud_environment``; ``AZURE_AUTHORITY_HOST`` overrides the login endpoint."""
    environ = os.environ if environ is None else environ
    value = (cloud_environment or "AzureCloud").strip()
    if value.lower().startswith("https://"):
        endpoints = endpoints_from_metadata(value, fetch(value))
    elif value.lower().startswith("http://"):
        raise CloudConfigError("cloud_environment %s must use https: Azure tokens are never sent in clear" % value)
    else:
        endpoints = KNOWN_CLOUDS.get(value.lower())
        if endpoints is None:
            raise CloudConfigError(
                "unknown cloud_environment %r: use one of %s, or the https URL of a Resource Manager metadata endpoint"
                % (value, ", ".join(c.name for c in KNOWN_CLOUDS.values()))
            )
    override = environ.get("AZURE_AUTHORITY_HOST")
    if override:
        if not override.lower().startswith("https://"):
            raise CloudConfigError("AZURE_AUTHORITY_HOST %s must be an https URL" % override)
        endpoints = endpoints._replace(authority_host=_with_slash(override), known_authority=is_known_authority(override))
    return endpoints


def describe(endpoints):
    """A plain dict for module results (endpoints hold no secrets)."""
    return dict(endpoints._asdict())
