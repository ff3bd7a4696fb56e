# -*- coding: utf-8 -*-
from __future__ import annotations

from azure.mgmt.recoveryservicessiterecovery.models import Fabric

from ansible_collections.siterecovery.vmware.plugins.module_utils._fabric_facts import fabric_facts, matches


def through_sdk(document):
    """What the module sees: the recorded answer read by the SDK's model."""
    return Fabric(document).as_dict()


def test_sdk_reads_the_recorded_rcm_fabric_unchanged(recording):
    document = recording("rcm_fabric.json")
    assert through_sdk(document) == document


def test_modernized_appliance_facts(recording):
    facts = fabric_facts(through_sdk(recording("rcm_fabric.json")))
    assert facts["generation"] == "modernized"
    assert facts["kind"] == "replication appliance"
    assert facts["fabric_type"] == "InMageRcm"
    assert facts["friendly_name"] == "Rcm-Vault-150-vmwarefabric"
    assert facts["health"] == "Normal"
    assert facts["appliance"]["vmware_site_id"].endswith("/VMwareSites/Rcm-Vault-4678vmwaresite")
    assert [p["name"] for p in facts["process_servers"]] == ["Rcm-App-150", "Rcm-App-151"]
    ps = facts["process_servers"][0]
    assert ps["id"] == "7d30ec24-f20e-4c17-8dfd-d7ccb444b072"
    assert ps["name"] == "Rcm-App-150"
    assert ps["ip_addresses"] == ["10.150.110.19"]
    assert ps["free_space_bytes"] == 662597852501
    assert ps["last_heartbeat"] == "2021-08-26T06:24:51.2051348Z"
    agent = facts["reprotect_agents"][0]
    assert agent["accessible_datastores"] == ["datastore-85", "SharedDS-84-85", "DS-84-85", "DS-5TB-84-85"]
    assert agent["vcenter_id"].endswith("/vcenters/vcenter67")
    assert [a["name"] for a in facts["replication_agents"]] == ["Rcm-App-150", "Rcm-App-151"]
    assert "master_targets" not in facts
    # Values ASR sent as null are left out, not returned as None.
    assert "protected_machines" not in ps


def test_classic_configuration_server_facts(recording):
    facts = fabric_facts(through_sdk(recording("classic_fabric.json")))
    assert facts["generation"] == "classic"
    assert facts["kind"] == "configuration server"
    assert facts["configuration_server"]["host_name"] == "PwsTestCS"
    assert [p["name"] for p in facts["process_servers"]] == ["PwsTestCS", "V2A-PS-200"]
    loaded = facts["process_servers"][1]
    assert loaded["ip_addresses"] == ["10.150.208.200"]
    assert loaded["health_errors"] == [
        dict(
            code="ECH00010",
            severity="Warning",
            message="The free space on the cache volume of the process server is below 30 percent.",
            possible_causes="The data change rate of the protected machines is high.",
            recommended_action="Add space to the cache volume or move machines to another process server.",
            created="2021-04-06T06:10:00Z",
            source="ProcessServer",
        )
    ]
    [mt] = facts["master_targets"]
    assert mt["id"] == "30AE6187-5869-8E44-B8AF6AA66E3ECC8F"
    assert mt["retention_volumes"] == [dict(name="F", capacity_bytes=214748364800, free_bytes=171798691840)]
    assert [d["name"] for d in mt["datastores"]] == ["datastore1", "DS-77"]
    assert facts["run_as_accounts"][0] == dict(id="1", name="vcenteruser")
    assert "reprotect_agents" not in facts


def test_azure_fabric_has_no_infrastructure_lists():
    fabric = {"name": "asr-a2a-default-westeurope", "properties": {"friendlyName": "West Europe", "customDetails": {"instanceType": "Azure"}}}
    facts = fabric_facts(fabric)
    assert facts["generation"] == "azure"
    assert "process_servers" not in facts


def test_unknown_fabric_type_is_reported_as_is():
    facts = fabric_facts({"name": "x", "properties": {"customDetails": {"instanceType": "SomethingNew"}}})
    assert facts["generation"] is None
    assert facts["kind"] == "SomethingNew"


def test_match_by_name_or_friendly_name(recording):
    fabric = recording("classic_fabric.json")
    assert matches(fabric, "pwstestcs")
    assert matches(fabric, fabric["name"].upper())
    assert not matches(fabric, "PwsTest")
