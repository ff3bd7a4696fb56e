# -*- coding: utf-8 -*-
from __future__ import annotations

import pytest

import yaml

from ansible_collections.siterecovery.vmware.plugins.doc_fragments.azure import ModuleDocFragment
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_spec import (
    AZURE_ENV,
    USERNAME_REFUSED,
    azure_argument_spec,
    azure_options,
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
        (dict(auth_source="env", secret=None), "with auth_source=env, secret or client_certificate_path is required"),
        (dict(auth_source="env", tenant=None), "with auth_source=env, tenant is required: set the option tenant or the environment "
                                               "variable AZURE_TENANT or AZURE_TENANT_ID"),
        (dict(auth_source="workload_identity", secret=None), "with auth_source=workload_identity, federated_token_file is required: "
                                                             "set the option federated_token_file or the environment variable "
                                                             "AZURE_FEDERATED_TOKEN_FILE"),
        (dict(secret=None, client_certificate_path="/nonexistent/sp.pem"), "client_certificate_path '/nonexistent/sp.pem' is not a file"),
        (dict(secret=None, tenant=None, client_certificate_path=__file__), "a client certificate was given without tenant: set tenant "
                                                                           "(AZURE_TENANT)"),
        (dict(auth_source="kerberos"), "auth_source 'kerberos' is not one of auto, env, credential_file, cli, msi, workload_identity"),
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


def test_the_plugin_doc_fragment_names_the_spec_environment_variables():
    """One set of options: the modules' fallbacks are the variables the inventory plugin's fragment names."""
    documented = {}
    for fragment in (ModuleDocFragment.PLUGINS, ModuleDocFragment.VAULT_PLUGINS):
        for option, doc in yaml.safe_load(fragment)["options"].items():
            documented[option] = [e["name"] for e in doc["env"]]
    assert documented == AZURE_ENV
    spec = azure_argument_spec()
    assert dict((name, option["fallback"][1]) for name, option in spec.items()) == AZURE_ENV
    module_docs = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
    module_docs.update(yaml.safe_load(ModuleDocFragment.VAULT)["options"])
    assert sorted(module_docs) == sorted(spec)
    for name, option in spec.items():
        assert module_docs[name]["type"] == option["type"], name
        assert module_docs[name].get("default") == option.get("default"), name
        assert module_docs[name].get("aliases") == option.get("aliases"), name
        assert module_docs[name].get("choices") == option.get("choices"), name


PROFILES = """
[default]
subscription_id = 22222222-2222-2222-2222-222222222222
client_id = aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee
secret = from-the-file
tenant = contoso.onmicrosoft.com

[prod]
client_id = bbbbbbbb-bbbb-cccc-dddd-eeeeeeeeeeee
tenant = contoso.onmicrosoft.com
x509_certificate_path = ~/sp.pem
cloud_environment = AzureUSGovernment

[legacy]
ad_user = ops@contoso.com
password = hunter2
"""

NOTHING = dict(GOOD, client_id=None, secret=None, tenant=None, subscription_id=None, cloud_environment=None)


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".azure").mkdir()
    return tmp_path


def test_auto_takes_the_default_profile_of_the_credentials_file(home):
    (home / ".azure" / "credentials").write_text(PROFILES)
    resolved, problems = azure_options(NOTHING, environ={})
    assert problems == []
    assert (resolved["secret"], resolved["subscription_id"], resolved["credentials_from"]) == (
        "from-the-file", "22222222-2222-2222-2222-222222222222", "default")


def test_options_given_win_over_the_file_in_auto(home):
    (home / ".azure" / "credentials").write_text(PROFILES)
    resolved, problems = azure_options(GOOD, environ={})
    assert problems == [] and resolved["secret"] == "s3cret" and resolved["credentials_from"] is None


def test_a_profile_with_a_certificate(home):
    (home / ".azure" / "credentials").write_text(PROFILES)
    (home / "sp.pem").write_text("pem")
    resolved, problems = azure_options(dict(NOTHING, profile="prod", subscription_id=SUB), environ={})
    assert problems == []
    assert resolved["client_certificate_path"] == str(home / "sp.pem") and resolved["secret"] is None
    assert (resolved["subscription_id"], resolved["cloud_environment"]) == (SUB, "AzureUSGovernment")  # the option wins, the file fills


@pytest.mark.parametrize("changes, fragment", [
    (dict(auth_source="credential_file", profile="staging"), "has no profile [staging] (it has: default, prod, legacy)"),
    (dict(profile="legacy"), "has ad_user and password: signing in with a user name and password"),
])
def test_profile_problems(home, changes, fragment):
    (home / ".azure" / "credentials").write_text(PROFILES)
    _resolved, problems = azure_options(dict(NOTHING, **changes), environ={})
    assert len(problems) == 1 and fragment in problems[0], problems


def test_credential_file_without_a_file(home):
    _resolved, problems = azure_options(dict(NOTHING, auth_source="credential_file"), environ={})
    assert problems == ["auth_source=credential_file: the credentials file %s does not exist (profile 'default' was asked for)"
                        % (home / ".azure" / "credentials")]


def test_awx_username_mode_is_refused_saying_what_to_use(home):
    _resolved, problems = azure_options(dict(NOTHING, subscription_id=SUB),
                                        environ={"AZURE_AD_USER": "ops@contoso.com", "AZURE_PASSWORD": "hunter2"})
    assert problems == [USERNAME_REFUSED]
    assert "Client ID, Client Secret and Tenant ID" in USERNAME_REFUSED and "multi-factor" in USERNAME_REFUSED
    # AWX sets both only in username mode; with a service principal it sets none of them.
    assert azure_options(GOOD, environ={"AZURE_AD_USER": "ops@contoso.com"})[1] == []
