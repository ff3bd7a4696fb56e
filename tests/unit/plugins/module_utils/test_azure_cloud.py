# -*- coding: utf-8 -*-
from __future__ import annotations

import pytest

from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_cloud import (
    CloudConfigError,
    endpoints_from_metadata,
    resolve_cloud,
)

LAB = "https://127.0.0.1:8443/"

# Azure's 2022-09-01 form: a list of clouds.
AZURE_LIST = [
    {
        "name": "AzureCloud",
        "resourceManager": "https://management.azure.com/",
        "authentication": {"loginEndpoint": "https://login.microsoftonline.com", "audiences": ["https://management.core.windows.net/"]},
    },
    {
        "name": "Lab",
        "resourceManager": "https://127.0.0.1:8443/",
        "authentication": {"loginEndpoint": "https://127.0.0.1:8443", "audiences": ["https://management.lab.local/"]},
    },
]
# Azure Stack Hub's short form: no resourceManager, it is the URL asked.
STACK = {
    "galleryEndpoint": "https://gallery.local/",
    "authentication": {"loginEndpoint": "https://adfs.local/adfs", "audiences": ["https://management.adfs.local/abc"]},
}


@pytest.mark.parametrize(
    "name, resource_manager, authority",
    [
        ("AzureCloud", "https://management.azure.com/", "https://login.microsoftonline.com/"),
        ("azureusgovernment", "https://management.usgovcloudapi.net/", "https://login.microsoftonline.us/"),
        ("AzureChinaCloud", "https://management.chinacloudapi.cn/", "https://login.chinacloudapi.cn/"),
        (None, "https://management.azure.com/", "https://login.microsoftonline.com/"),
    ],
)
def test_named_clouds(name, resource_manager, authority):
    cloud = resolve_cloud(name, environ={}, fetch=pytest.fail)
    assert cloud.resource_manager == resource_manager
    assert cloud.authority_host == authority
    assert cloud.known_authority is True


def test_metadata_list_picks_the_cloud_of_the_url():
    cloud = resolve_cloud(LAB, environ={}, fetch=lambda url: AZURE_LIST)
    assert cloud.name == "Lab"
    assert cloud.resource_manager == LAB
    assert cloud.authority_host == "https://127.0.0.1:8443/"
    assert cloud.audience == "https://management.lab.local"
    assert cloud.known_authority is False


def test_metadata_stack_hub_form_uses_the_url_as_resource_manager():
    cloud = endpoints_from_metadata("https://management.local.azurestack.external", STACK)
    assert cloud.resource_manager == "https://management.local.azurestack.external/"
    assert cloud.authority_host == "https://adfs.local/adfs/"
    assert cloud.audience == "https://management.adfs.local/abc"
    assert not cloud.known_authority


def test_authority_host_environment_overrides_the_login_endpoint():
    cloud = resolve_cloud("AzureCloud", environ={"AZURE_AUTHORITY_HOST": "https://127.0.0.5:9000"}, fetch=pytest.fail)
    assert cloud.authority_host == "https://127.0.0.5:9000/"
    assert cloud.known_authority is False
    assert cloud.resource_manager == "https://management.azure.com/"


@pytest.mark.parametrize(
    "value, fragment",
    [
        ("AzureMars", "unknown cloud_environment"),
        ("http://127.0.0.1:8080/", "must use https"),
    ],
)
def test_bad_cloud_environment(value, fragment):
    with pytest.raises(CloudConfigError, match=fragment):
        resolve_cloud(value, environ={}, fetch=pytest.fail)


def test_metadata_without_authentication_is_refused():
    with pytest.raises(CloudConfigError, match="loginEndpoint"):
        endpoints_from_metadata(LAB, {"resourceManager": LAB})


def test_plain_http_authority_override_is_refused():
    with pytest.raises(CloudConfigError, match="AZURE_AUTHORITY_HOST"):
        resolve_cloud("AzureCloud", environ={"AZURE_AUTHORITY_HOST": "http://login.local"}, fetch=pytest.fail)
