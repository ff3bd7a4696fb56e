# -*- coding: utf-8 -*-
from __future__ import annotations

import pytest

from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_spec import (
    azure_argument_spec,
    check_azure_params,
    vault_id,
)

SUB = "11111111-2222-3333-4444-555555555555"
GOOD = dict(
    auth_source="auto",
    subscription_id=SUB,
    client_id="aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
    secret="s3cret",
    tenant="contoso.onmicrosoft.com",
    cloud_environment="AzureCloud",
    resource_group="rg-dr",
    vault_name="vault-dr",
)


def params(**changes):
    merged = dict(GOOD)
    merged.update(changes)
    return merged


def test_good_params_have_no_problem():
    assert check_azure_params(GOOD) == []


@pytest.mark.parametrize(
    "changes, fragment",
    [
        (dict(subscription_id=None), "AZURE_SUBSCRIPTION_ID"),
        (dict(subscription_id="my-subscription"), "is not a subscription id"),
        (dict(resource_group=None), "ASR_RESOURCE_GROUP"),
        (dict(resource_group="rg-ends-with-dot."), "not a valid resource group"),
        (dict(resource_group="rg with spaces"), "not a valid resource group"),
        (dict(vault_name=None), "ASR_VAULT_NAME"),
        (dict(vault_name="1vault"), "not a valid vault name"),
        (dict(vault_name="vault_underscore"), "not a valid vault name"),
        (dict(client_id="not-a-guid"), "client_id"),
        (dict(tenant="bad tenant!"), "tenant"),
        (dict(auth_source="env", secret=None), "with auth_source=env, secret is required"),
        (dict(client_id=None), "secret was given without client_id"),
    ],
)
def test_each_problem_is_named(changes, fragment):
    problems = check_azure_params(params(**changes))
    assert len(problems) == 1, problems
    assert fragment in problems[0]


def test_vault_options_can_be_left_out():
    assert check_azure_params(params(resource_group=None, vault_name=None), vault=False) == []
    assert "resource_group" not in azure_argument_spec(vault=False)


def test_spec_copies_are_independent_and_secret_is_no_log():
    first = azure_argument_spec()
    first["secret"]["no_log"] = False
    assert azure_argument_spec()["secret"]["no_log"] is True


def test_cli_and_msi_need_no_secret():
    assert check_azure_params(params(auth_source="cli", client_id=None, secret=None, tenant=None)) == []
    assert check_azure_params(params(auth_source="msi", secret=None, tenant=None)) == []


def test_vault_id():
    assert vault_id(SUB, "rg", "v") == "/subscriptions/%s/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v" % SUB
