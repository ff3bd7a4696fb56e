# -*- coding: utf-8 -*-
"""The process server's choice and checks, the options refused before any request, and the deployment body: pure tables."""

from __future__ import annotations

import datetime

import pytest
from ansible_collections.siterecovery.vmware.plugins.module_utils import _asr_process_server as ps
from ansible_collections.siterecovery.vmware.plugins.module_utils._fabric_facts import fabric_facts

NOW = datetime.datetime(2026, 1, 1, 12, 0, tzinfo=datetime.timezone.utc)
GOOD_DEPLOY = dict(state="present", location="azure", name="ps-azure-01", azure_network="vnet-dr", azure_resource_group="rg-dr-recovery",
                   subnet="default", admin_username="psadmin", admin_password="Lab-Passw0rd-ps!",
                   image=dict(publisher="p", offer="o", sku="s"), vm_size="Standard_A8_v2", max_heartbeat_age=15, min_free_space_percent=25,
                   wait_timeout=60, wait_sleep=1)


def ago(minutes):
    return (NOW - datetime.timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"


def classic_ps(name, ip, **changes):
    data = dict(friendlyName=name, id=name.upper() + "-ID", ipAddress=ip, osType="Windows", agentVersion="9.62.7172.1", lastHeartbeat=ago(2),
                versionStatus="Supported", systemLoadStatus="Healthy", cpuLoadStatus="Healthy", memoryUsageStatus="Healthy",
                totalSpaceInBytes=1000, availableSpaceInBytes=800, spaceUsageStatus="Healthy", psServiceStatus="Running", health="Normal",
                healthErrors=[])
    data.update(changes)
    return data


def classic_fabric(*servers):
    custom = dict(instanceType="VMware", hostName="cs-01", ipAddress="10.0.0.10", agentVersion="9.62.7172.1",
                  processServers=list(servers) or [classic_ps("cs-01", "10.0.0.10")])
    return fabric_facts(dict(name="cs-fabric", id="/x/cs-fabric", properties=dict(friendlyName="cs-01", customDetails=custom)))


def modernized_fabric(agent_changes=None, agents=True):
    common = dict(id="app-id", name="app-01", version="9.62", lastHeartbeatUtc=ago(1), health="Normal", healthErrors=[])
    process_server = dict(common, ipAddresses=["10.0.0.20"], totalSpaceInBytes=1000, availableSpaceInBytes=900, systemLoadStatus="Healthy",
                          diskUsageStatus="Healthy", memoryUsageStatus="Healthy", processorUsageStatus="Healthy")
    agent = dict(common, accessibleDatastores=["datastore-1"])
    agent.update(agent_changes or {})
    custom = dict(instanceType="InMageRcm", processServers=[process_server], reprotectAgents=[agent] if agents else [])
    return fabric_facts(dict(name="app-fabric", properties=dict(friendlyName="app-01", customDetails=custom)))


def statuses(checks):
    return dict((c["name"], c["status"]) for c in checks)


def run(fabric, prefixes=None, **params):
    base = dict(max_heartbeat_age=15, min_free_space_percent=25)
    base.update(params)
    servers = ps.checked(ps.process_servers(fabric, NOW, prefixes), base, fabric["generation"])
    return servers, ps.choose(servers, base, fabric["generation"])


# ---- where each process server runs -------------------------------------------------------------------
def test_in_built_scale_out_and_azure_are_told_apart():
    fabric = classic_fabric(classic_ps("cs-01", "10.0.0.10"), classic_ps("ps-scale", "10.0.0.11"), classic_ps("ps-azure", "10.10.0.5"))
    servers = ps.process_servers(fabric, NOW, ["10.10.0.0/16"])
    assert [(s["name"], s["in_built"], s["location"], s["role"]) for s in servers] == [
        ("cs-01", True, "onprem", "in-built (configuration server)"), ("ps-scale", False, "onprem", "scale-out"),
        ("ps-azure", False, "azure", "in Azure")]
    assert servers[0]["heartbeat_age_minutes"] == 2.0 and servers[0]["free_space_percent"] == 80.0


def test_without_a_network_nothing_is_in_azure():
    fabric = classic_fabric(classic_ps("cs-01", "10.0.0.10"), classic_ps("ps-azure", "10.10.0.5"))
    assert [s["location"] for s in ps.process_servers(fabric, NOW)] == ["onprem", "onprem"]


# ---- the choice --------------------------------------------------------------------------------------
@pytest.mark.parametrize("params, expected", [
    (dict(location="onprem"), "cs-01"),
    (dict(link="expressroute"), "cs-01"),
    (dict(link="vpn", azure_network="n"), "ps-azure-good"),  # location defaults to azure over a VPN; the healthy one wins
    (dict(location="azure", azure_network="n"), "ps-azure-good"),
    (dict(name="PS-SCALE"), "ps-scale"),
    (dict(name="PS-AZURE-BAD-ID"), "ps-azure-bad"),
])
def test_choice(params, expected):
    fabric = classic_fabric(classic_ps("cs-01", "10.0.0.10"), classic_ps("ps-scale", "10.0.0.11"),
                            classic_ps("ps-azure-bad", "10.10.0.4", health="Critical", lastHeartbeat=ago(60)),
                            classic_ps("ps-azure-good", "10.10.0.5"))
    _servers, chosen = run(fabric, ["10.10.0.0/16"], **params)
    assert chosen["name"] == expected


def test_no_azure_process_server_says_how_to_get_one():
    with pytest.raises(ps.ProcessServerError) as caught:
        run(classic_fabric(), ["10.10.0.0/16"], location="azure", azure_network="vnet-dr")
    assert caught.value.code == "NoAzureProcessServer" and "state present" in caught.value.recommended_action


def test_an_unknown_name_lists_the_ones_there_are():
    with pytest.raises(ps.ProcessServerError) as caught:
        run(classic_fabric(), name="nope")
    assert caught.value.code == "ProcessServerNotFound" and "cs-01 (in-built (configuration server))" in caught.value.message


# ---- the checks --------------------------------------------------------------------------------------
@pytest.mark.parametrize("changes, name, status, words", [
    ({}, "health", "pass", "health Normal"),
    (dict(health="Warning"), "health", "warn", "health Warning"),
    (dict(health="Critical", healthErrors=[dict(errorCode="E1", errorMessage="cache full", recommendedAction="free the cache")]), "health",
     "fail", "cache full (to fix: free the cache)"),
    (dict(lastHeartbeat=ago(16)), "heartbeat", "fail", "16 minutes ago (limit 15)"),
    (dict(lastHeartbeat=ago(14)), "heartbeat", "pass", "14.0 minutes ago"),
    (dict(lastHeartbeat=None), "heartbeat", "fail", "never sent a heartbeat"),
    (dict(psServiceStatus="Stopped"), "services", "fail", "services are Stopped"),
    (dict(availableSpaceInBytes=240), "free_space", "fail", "24.0 % free (at least 25 % needed)"),
    (dict(availableSpaceInBytes=280), "free_space", "warn", "ASR warns under 30 %"),
    (dict(availableSpaceInBytes=None), "free_space", "warn", "does not report"),
    (dict(cpuLoadStatus="Warning"), "load", "warn", "CPU load Warning"),
    (dict(memoryUsageStatus="Critical"), "load", "fail", "memory usage Critical"),
    (dict(versionStatus="Deprecated"), "version", "fail", "is Deprecated: upgrade"),
    (dict(versionStatus="UpdateAvailable"), "version", "warn", "UpdateAvailable"),
])
def test_server_checks(changes, name, status, words):
    fabric = classic_fabric(classic_ps("cs-01", "10.0.0.10", **changes))
    server = ps.process_servers(fabric, NOW)[0]
    found = [c for c in ps.server_checks(server) if c["name"] == name]
    assert len(found) == 1 and found[0]["status"] == status and words in found[0]["reason"], found
    assert found[0]["source"]


def test_limits_are_options():
    server = ps.process_servers(classic_fabric(classic_ps("cs-01", "10.0.0.10", lastHeartbeat=ago(40), availableSpaceInBytes=350)), NOW)[0]
    assert statuses(ps.server_checks(server))["heartbeat"] == "fail"
    relaxed = statuses(ps.server_checks(server, max_heartbeat_age=60, min_free_space_percent=40))
    assert relaxed["heartbeat"] == "pass" and relaxed["free_space"] == "fail"


@pytest.mark.parametrize("location, link, where, expected", [
    ("onprem", "vpn", "onprem", dict(link="fail")),
    ("onprem", "expressroute", "onprem", dict(link="warn")),
    ("onprem", None, "onprem", dict(link="warn")),
    ("azure", "vpn", "azure", dict(link="pass")),
    ("azure", "vpn", "onprem", dict(location="fail", link="fail")),
    ("onprem", "expressroute", "azure", dict(location="fail", link="pass")),
])
def test_link_and_location(location, link, where, expected):
    checks = ps.location_checks(dict(name="x", location=where), location, link, "classic")
    assert statuses(checks) == expected


def test_vpn_makes_the_in_built_one_fail_with_what_to_do():
    _servers, chosen = run(classic_fabric(), location="onprem", link="vpn")
    failed = ps.failures(chosen["checks"])
    assert [c["name"] for c in failed] == ["link"]
    message = ps.failure_message(chosen, chosen["checks"])
    assert "site-to-site VPN" in message and "location azure" in message and "cs-01" in message


def test_failure_message_names_every_failed_check():
    fabric = classic_fabric(classic_ps("cs-01", "10.0.0.10", lastHeartbeat=ago(30), psServiceStatus="Stopped"))
    _servers, chosen = run(fabric, location="onprem", link="expressroute")
    message = ps.failure_message(chosen, chosen["checks"])
    assert "heartbeat:" in message and "services:" in message and "health:" not in message
    assert ps.summary(chosen["checks"])["fail"] == 2


# ---- modernized --------------------------------------------------------------------------------------
def test_modernized_checks_the_appliance_and_its_reprotect_agent():
    servers, chosen = run(modernized_fabric())
    assert chosen["role"] == "replication appliance" and chosen["reprotect_agent"]["name"] == "app-01"
    result = statuses(chosen["checks"])
    assert result["reprotect_agent_health"] == result["reprotect_agent_heartbeat"] == result["location"] == "pass"
    assert "link" not in result and not ps.failures(chosen["checks"])
    assert servers[0]["free_space_percent"] == 90.0


@pytest.mark.parametrize("agent_changes, agents, name, status", [
    (dict(lastHeartbeatUtc=ago(20)), True, "reprotect_agent_heartbeat", "fail"),
    (dict(health="Critical"), True, "reprotect_agent_health", "fail"),
    (dict(accessibleDatastores=[]), True, "reprotect_agent_datastores", "warn"),
    (None, False, "reprotect_agent", "fail"),
])
def test_modernized_reprotect_agent_problems(agent_changes, agents, name, status):
    _servers, chosen = run(modernized_fabric(agent_changes, agents))
    assert statuses(chosen["checks"])[name] == status


# ---- options refused before any request --------------------------------------------------------------
def test_good_deployment_options_pass():
    assert ps.check_params(GOOD_DEPLOY) == []
    assert ps.check_params(dict(max_heartbeat_age=15, min_free_space_percent=25)) == []


@pytest.mark.parametrize("changes, words", [
    (dict(admin_password="short1A"), "admin_password does not meet"),
    (dict(admin_password="alllowercaseletters"), "admin_password does not meet"),
    (dict(admin_username="administrator"), "admin_username 'administrator' is not allowed"),
    (dict(name="x" * 16), "not a valid Windows computer name"),
    (dict(name="12345"), "not a valid Windows computer name"),
    (dict(name=None, vm_name=None), "needs name"),
    (dict(subnet=None), "needs subnet"),
    (dict(image=None), "needs image"),
    (dict(image=dict(publisher="p")), "image needs id, or publisher, offer and sku"),
    (dict(image=dict(id="/img", publisher="p")), "either id or publisher"),
    (dict(image=dict(publisher="p", offer="o", sku="s", plan=dict(name="n"))), "image.plan needs"),
    (dict(vm_size="A8"), "not an Azure VM size name"),
    (dict(ip_address="10.0.0.300"), "not an IPv4 address"),
    (dict(deployment_name="bad name!"), "deployment_name"),
    (dict(azure_network="/subscriptions/s/networks/n"), "neither a network name nor"),
    (dict(azure_resource_group=None), "set azure_resource_group too"),
    (dict(azure_network=None), "location azure needs azure_network"),
    (dict(max_heartbeat_age=0), "max_heartbeat_age must be at least 1"),
    (dict(min_free_space_percent=101), "between 0 and 100"),
])
def test_bad_options(changes, words):
    problems = ps.check_params(dict(GOOD_DEPLOY, **changes))
    assert any(words in p for p in problems), problems


def test_validated_needs_no_deployment_options_and_vpn_defaults_to_azure():
    assert ps.check_params(dict(location="onprem")) == []
    assert ps.effective_location(dict(link="vpn")) == "azure" and ps.effective_location(dict(link="expressroute")) == "onprem"
    assert ps.check_params(dict(link="vpn")) == ["location azure needs azure_network: the network the machines failed over into "
                                                 "(one process server per network)"]


def test_network_address_from_name_or_id():
    network_id = "/subscriptions/s/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-a"
    assert ps.network_address(dict(azure_network=network_id), "s") == ("rg-net", "vnet-a", network_id)
    assert ps.network_address(dict(azure_network="vnet-b", azure_resource_group="rg-b"), "sub") == (
        "rg-b", "vnet-b", "/subscriptions/sub/resourceGroups/rg-b/providers/Microsoft.Network/virtualNetworks/vnet-b")


# ---- the deployment ----------------------------------------------------------------------------------
def test_deployment_body():
    body = ps.deployment_body(dict(GOOD_DEPLOY, ip_address="10.10.0.9"), "ps-azure-01", "/net/subnets/default", "westeurope")
    properties = body["properties"]
    assert properties["mode"] == "Incremental"
    parameters = dict((k, v["value"]) for k, v in properties["parameters"].items())
    assert parameters == dict(processServerName="ps-azure-01", vmSize="Standard_A8_v2", adminUsername="psadmin", adminPassword="Lab-Passw0rd-ps!",
                              subnetId="/net/subnets/default", privateIpAddress="10.10.0.9", location="westeurope")
    template = properties["template"]
    assert template["parameters"]["adminPassword"]["type"] == "securestring"
    assert set(template["parameters"]) == set(parameters)  # every parameter sent is declared
    vm = [r for r in template["resources"] if r["type"] == "Microsoft.Compute/virtualMachines"][0]
    assert vm["properties"]["storageProfile"]["imageReference"] == dict(publisher="p", offer="o", sku="s", version="latest")
    assert "plan" not in vm


def test_deployment_from_an_image_id_with_a_plan():
    image = dict(id="/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/images/ps", plan=dict(name="n", publisher="p", product="x"))
    template = ps.deployment_template(image)
    vm = template["resources"][1]
    assert vm["properties"]["storageProfile"]["imageReference"] == {"id": image["id"]} and vm["plan"] == image["plan"]


def test_deployment_facts_never_carry_parameters():
    error = dict(code="Conflict", message="no", details=[dict(code="SkuNotAvailable", message="A8")])
    document = dict(name="d", id="/d", properties=dict(provisioningState="Failed", parameters=dict(adminPassword=dict(value="secret")),
                                                       outputs=dict(processServerName=dict(type="String", value="ps")), error=error))
    facts = ps.deployment_facts(document)
    assert "secret" not in str(facts) and facts["outputs"] == {"processServerName": "ps"}
    assert facts["error"]["details"] == [{"code": "SkuNotAvailable", "message": "A8"}]
    assert ps.deployment_facts(None) is None


def test_registration_instructions_name_the_configuration_server_and_the_commands():
    text = ps.registration_instructions("ps-azure-01", dict(host_name="cs-01", ip_address="10.0.0.10"))
    for words in ('/CSIP "10.0.0.10"', '/ServerMode "PS"', "/PassphraseFilePath", "genpassphrase.exe -v", "cspsconfigtool",
                  "cdpcli.exe --registermt", "ps-azure-01", "port 443", ps.SOURCES["azure_ps"]):
        assert words in text
