# -*- coding: utf-8 -*-
"""The inputs of a reprotect: the policy chosen (never guessed), options of the other generation refused, the master target's OS rule."""

from __future__ import annotations

import pytest

from ansible_collections.siterecovery.vmware.plugins.module_utils import _master_target_checks as rules
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_reprotect import policy_for, reprotect_inputs
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_state import StateError

VAULT = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v"


def policy(name, provider):
    return dict(id="%s/replicationPolicies/%s" % (VAULT, name), name=name,
                properties=dict(friendlyName=name, providerSpecificDetails=dict(instanceType=provider)))


def mapping(pol):
    return dict(name=pol["name"] + "-containerpairing", properties=dict(policyId=pol["id"].upper()))  # ASR's ids vary in case


APP, CRASH, FORWARD = policy("appconsistency-policy-failback", "InMage"), policy("crashconsistency-policy-failback", "InMage"), policy("p", "InMageAzureV2")
UNMAPPED = policy("spare-failback", "InMage")
POLICIES = [FORWARD, APP, CRASH, UNMAPPED]


def test_one_policy_mapped_is_used_and_said():
    chosen = policy_for("InMage", [mapping(FORWARD), mapping(APP)], POLICIES)
    assert chosen == dict(id=APP["id"], name=APP["name"], mapping="appconsistency-policy-failback-containerpairing",
                          chosen="the only InMage policy mapped")


def test_two_policies_mapped_and_none_named_is_refused_with_both():
    with pytest.raises(StateError) as caught:
        policy_for("InMage", [mapping(FORWARD), mapping(APP), mapping(CRASH)], POLICIES)
    text = str(caught.value)
    assert "2 InMage policies are mapped" in text and "set policy to one of" in text
    assert APP["id"] in text and CRASH["id"] in text and FORWARD["id"] not in text


@pytest.mark.parametrize("wanted", ["crashconsistency-policy-failback", "CRASHCONSISTENCY-policy-failback", CRASH["id"], CRASH["id"].lower()])
def test_a_named_policy_by_name_or_id(wanted):
    chosen = policy_for("InMage", [mapping(APP), mapping(CRASH)], POLICIES, wanted)
    assert (chosen["id"], chosen["chosen"]) == (CRASH["id"], "named by the policy option")


@pytest.mark.parametrize("wanted, fragment", [
    ("spare-failback", "an InMage policy that no mapping of the item's container pairs with it"),
    ("p", "policy 'p' is an InMageAzureV2 policy; the reprotect takes an InMage one"),
    ("nope", "the vault has no policy 'nope'"),
])
def test_a_named_policy_that_does_not_fit(wanted, fragment):
    with pytest.raises(StateError) as caught:
        policy_for("InMage", [mapping(FORWARD), mapping(APP), mapping(CRASH)], POLICIES, wanted)
    assert fragment in str(caught.value)
    assert "the InMage policies mapped: appconsistency-policy-failback" in str(caught.value)


def classic_fabric():
    masters = [
        dict(id="MT-WIN", name="mt-win-01", osType="Windows", osVersion="Windows Server 2019", dataStores=[dict(symbolicName="ds-1")],
             retentionVolumes=[dict(volumeName="E")]),
        dict(id="MT-LIN", name="mt-lin-01", osType="Linux", osVersion="RHEL 8.6", dataStores=[dict(symbolicName="ds-1")],
             retentionVolumes=[dict(volumeName="/mnt/retention")]),
    ]
    return dict(masterTargetServers=masters, processServers=[dict(id="PS", friendlyName="cs-01")], runAsAccounts=[])


def item(provider, os_type="Windows", os_version="Windows Server 2016 Datacenter", name="vm-1"):
    generation = "modernized" if provider.startswith("InMageRcm") else "classic"
    return dict(provider=provider, generation=generation, friendly_name=name, name=name + "-rpi", os_type=os_type, os_version=os_version)


def options(**given):
    names = ("master_target", "process_server", "datastore", "retention_drive", "run_as_account", "appliance", "log_storage_account_id", "policy")
    return dict((n, given.get(n)) for n in names)


def test_classic_inputs_and_the_policy():
    inputs, chosen = reprotect_inputs(item("InMageAzureV2"), classic_fabric(), [mapping(FORWARD), mapping(APP)], POLICIES,
                                      options(master_target="mt-win-01"))
    assert inputs["master_target_id"] == "MT-WIN" and inputs["failback_policy_id"] == APP["id"] and chosen["name"] == APP["name"]


@pytest.mark.parametrize("machine, master, fits", [
    (item("InMageAzureV2"), "mt-lin-01", "mt-win-01"),  # Windows through a Linux master target: what vmware_master_target fails too
    (item("InMageAzureV2", "Linux", "RHEL 8.6"), "mt-win-01", "mt-lin-01"),
    (item("InMageAzureV2", "Linux", "RHEL 9.2"), "mt-lin-01", "none"),  # an older OS version than the machine's
])
def test_the_master_target_os_rule_is_vmware_master_target_s(machine, master, fits):
    fabric = classic_fabric()
    with pytest.raises(StateError) as caught:
        reprotect_inputs(machine, fabric, [mapping(APP)], POLICIES, options(master_target=master))
    record = next(m for m in fabric["masterTargetServers"] if m["name"] == master)
    same = rules.check_os(master, rules.parse_os(record["osVersion"], record["osType"]), machine["friendly_name"],
                          rules.parse_os(machine["os_version"], machine["os_type"]))
    assert same["status"] == "fail"
    assert str(caught.value) == "%s; master targets that fit: %s" % (same["reason"], fits)


@pytest.mark.parametrize("provider, given, fragments", [
    ("InMageAzureV2", dict(appliance="appliance-01"), ["appliance does not apply (use master_target (and process_server))", "classic"]),
    ("InMageAzureV2", dict(log_storage_account_id="/x"), ["log_storage_account_id does not apply (use retention_drive"]),
    ("InMage", dict(datastore="ds-1", master_target="mt-win-01"),
     ["datastore does not apply (it takes nothing in its place); master_target does not apply (use process_server)"]),
    ("InMageRcm", dict(master_target="mt-win-01", retention_drive="E", log_storage_account_id="/x"),
     ["modernized", "master_target does not apply (use appliance); retention_drive does not apply (use log_storage_account_id"]),
    ("InMageRcmFailback", dict(appliance="appliance-01"), ["appliance does not apply (use process_server)"]),
])
def test_options_of_the_other_generation_are_refused(provider, given, fragments):
    with pytest.raises(StateError) as caught:
        reprotect_inputs(item(provider), classic_fabric(), [], [], options(**given))  # refused before the policy is looked for
    for fragment in fragments:
        assert fragment in str(caught.value)
