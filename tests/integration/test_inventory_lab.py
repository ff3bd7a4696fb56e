# -*- coding: utf-8 -*-
"""The asr_items inventory plugin from the installed collection against the lab, through ansible-inventory:
hosts, groups and host vars of both generations, a host that moves group after a failover, the cache, and errors."""

from __future__ import annotations

import json

import pytest
from installed_collection import BIN, run
from lab_tasks import control

MACHINES = {"classic": ["phys-01", "vm-lin-01", "vm-win-01", "vm-win-02"], "modernized": ["vm-lin-01", "vm-win-01", "vm-win-02"]}


@pytest.fixture(params=["classic", "modernized"])
def any_lab(request, lab, modernized_lab):
    """Each of the session's labs, at the scenario's start, and put back there afterwards."""
    running = lab if request.param == "classic" else modernized_lab
    control(running, "reset", "POST")
    yield running
    control(running, "reset", "POST")


@pytest.fixture
def classic(lab):
    control(lab, "reset", "POST")
    yield lab
    control(lab, "reset", "POST")


def arm_requests(lab):
    return len([r for r in control(lab, "requests") if not r["path"].startswith("/lab")])


def write_config(tmp_path, options=None, name="lab.asr_items.yml"):
    path = tmp_path / name
    path.write_text(json.dumps(dict({"plugin": "siterecovery.vmware.asr_items"}, **(options or {}))))
    return path


def plain(data):
    """ansible-inventory's JSON without its markers: strings an inventory plugin sets are untrusted, {"__ansible_unsafe": text}."""
    if isinstance(data, dict):
        if list(data) == ["__ansible_unsafe"]:
            return data["__ansible_unsafe"]
        return dict((key, plain(value)) for key, value in data.items())
    if isinstance(data, list):
        return [plain(value) for value in data]
    return data


def inventory(installed_env, lab, config, *extra, env=None):
    """ansible-inventory --list on ``config``; (process, parsed output or None). A source that fails to parse fails the run."""
    run_env = dict(installed_env, **lab.env)
    run_env.update(ANSIBLE_INVENTORY_UNPARSED_FAILED="true", **(env or {}))
    done = run([BIN / "ansible-inventory", "-i", str(config), "--list"] + list(extra), env=run_env, check=False)
    assert lab.client_secret not in done.stdout + done.stderr
    return done, plain(json.loads(done.stdout)) if done.returncode == 0 else None


def hosts_of(listing, group):
    return sorted(listing.get(group, {}).get("hosts", []))


def test_hosts_groups_and_host_vars_then_a_failover(installed_env, any_lab, tmp_path):
    lab = any_lab
    config = write_config(tmp_path)
    done, listing = inventory(installed_env, lab, config)
    assert done.returncode == 0, done.stderr
    machines = MACHINES[lab.scenario]
    hostvars = listing["_meta"]["hostvars"]
    assert sorted(hostvars) == machines  # the machines by the names people use, not the items' ARM names
    assert hosts_of(listing, "asr_items") == machines
    assert hosts_of(listing, "asr_running_in_onprem") == machines and "asr_running_in_azure" not in listing
    assert hosts_of(listing, "asr_state_protected") == machines
    assert hosts_of(listing, "asr_group_app_tier") == ["vm-win-01", "vm-win-02"]
    provider, generation, fabric = ("InMageAzureV2", "classic", "cs-lab-01") if lab.scenario == "classic" else (
        "InMageRcm", "modernized", "appliance-lab-01-vmwarefabric")
    assert hosts_of(listing, "asr_provider_" + provider.lower()) == machines
    assert hosts_of(listing, "asr_generation_" + generation) == machines
    assert hosts_of(listing, "asr_fabric_" + fabric.replace("-", "_")) == machines

    win = hostvars["vm-win-01"]
    assert win["asr_friendly_name"] == "vm-win-01" and win["asr_item_name"] != "vm-win-01"
    assert win["asr_item_id"].endswith("/replicationProtectedItems/" + win["asr_item_name"])
    assert "/resourceGroups/rg-dr/providers/Microsoft.RecoveryServices/vaults/vault-dr/" in win["asr_item_id"]
    assert (win["asr_provider"], win["asr_generation"], win["asr_running_in"], win["asr_fabric"]) == (provider, generation, "onprem", fabric)
    assert (win["asr_protection_state"], win["asr_replication_health"], win["asr_item_stage"]) == ("Protected", "Normal", "replicating")
    assert win["asr_next_step"] == "fail over to Azure" and "UnplannedFailover" in win["asr_allowed_operations"]
    # Before any drill, a modernized item carries 161011 ("No successful test failover has been done") and nothing else.
    assert [e["code"] for e in win["asr_health_errors"] if e["code"] != "161011"] == [] and win["asr_multi_vm_group"] == "app-tier"
    assert win["asr_recovery_vm"]["name"] == "vm-win-01" and win["asr_recovery_vm"]["size"].startswith("Standard_")
    assert (win["asr_resource_group"], win["asr_vault_name"]) == ("rg-dr", "vault-dr")
    assert not [name for name in win if name.startswith("ansible_")]  # machines, not connection targets
    assert hostvars["vm-lin-01"]["asr_multi_vm_group"] is None and "vm-lin-01" not in hosts_of(listing, "asr_group_app_tier")

    # After a failover the host moves group.
    control(lab, "stage", "POST", item="vm-win-01", stage="failed_over")
    done, listing = inventory(installed_env, lab, config)
    assert done.returncode == 0, done.stderr
    assert hosts_of(listing, "asr_running_in_azure") == ["vm-win-01"]
    assert "vm-win-01" not in hosts_of(listing, "asr_running_in_onprem") and "vm-win-02" in hosts_of(listing, "asr_running_in_onprem")
    win = listing["_meta"]["hostvars"]["vm-win-01"]
    assert (win["asr_running_in"], win["asr_item_stage"]) == ("azure", "commit_pending")
    state_group = "asr_state_" + "".join("_" + c.lower() if c.isupper() else c for c in win["asr_protection_state"]).lstrip("_")
    assert state_group != "asr_state_protected" and hosts_of(listing, state_group) == ["vm-win-01"]
    assert "vm-win-01" not in hosts_of(listing, "asr_state_protected")

    # Reprotected to on-premises, the item changes provider: the host changes provider group.
    control(lab, "stage", "POST", item="vm-win-01", stage="reprotected")
    done, listing = inventory(installed_env, lab, config)
    failback = "inmage" if lab.scenario == "classic" else "inmagercmfailback"
    assert hosts_of(listing, "asr_provider_" + failback) == ["vm-win-01"]
    assert hosts_of(listing, "asr_running_in_azure") == ["vm-win-01"]


def test_cache_spares_the_requests(installed_env, classic, tmp_path):
    lab = classic
    config = write_config(tmp_path, {"cache": True, "cache_plugin": "ansible.builtin.jsonfile",
                                     "cache_connection": str(tmp_path / "cache"), "cache_timeout": 600})
    before = arm_requests(lab)
    done, first = inventory(installed_env, lab, config)
    assert done.returncode == 0, done.stderr
    after_first = arm_requests(lab)
    assert after_first > before
    assert list((tmp_path / "cache").iterdir())
    assert lab.client_secret not in "".join(p.read_text() for p in (tmp_path / "cache").iterdir())

    control(lab, "stage", "POST", item="vm-win-01", stage="failed_over")
    done, second = inventory(installed_env, lab, config)
    assert done.returncode == 0, done.stderr
    assert arm_requests(lab) == after_first  # no ARM request, not even a token
    assert second == first  # still what the cache holds: vm-win-01 on-premises

    done, fresh = inventory(installed_env, lab, config, "--flush-cache")
    assert done.returncode == 0, done.stderr
    assert arm_requests(lab) > after_first
    assert hosts_of(fresh, "asr_running_in_azure") == ["vm-win-01"]
    done, cached = inventory(installed_env, lab, config)
    assert cached == fresh  # the flushed run refreshed the cache


def test_constructed_options(installed_env, classic, tmp_path):
    config = write_config(tmp_path, {
        "group_prefix": "dr_",
        "compose": {"dr_size": "asr_recovery_vm.size"},
        "groups": {"windows": "asr_os_type == 'Windows'"},
        "keyed_groups": [{"key": "asr_multi_vm_group", "prefix": "mvg"}],
    })
    done, listing = inventory(installed_env, classic, config)
    assert done.returncode == 0, done.stderr
    assert hosts_of(listing, "dr_items") == MACHINES["classic"] and "asr_items" not in listing
    assert hosts_of(listing, "dr_group_app_tier") == hosts_of(listing, "mvg_app_tier") == ["vm-win-01", "vm-win-02"]
    assert "vm-lin-01" not in hosts_of(listing, "windows") and "vm-win-01" in hosts_of(listing, "windows")
    assert listing["_meta"]["hostvars"]["vm-win-01"]["dr_size"] == listing["_meta"]["hostvars"]["vm-win-01"]["asr_recovery_vm"]["size"]


def test_errors_are_clear(installed_env, classic, tmp_path):
    lab = classic
    config = write_config(tmp_path)
    done, _listing = inventory(installed_env, lab, config, env={"AZURE_SECRET": "not-the-secret", "AZURE_CLIENT_SECRET": "not-the-secret"})
    assert done.returncode != 0
    assert "siterecovery.vmware.asr_items: Azure authentication while reading the replicated items of vault vault-dr failed" in done.stderr
    assert "AADSTS7000215" in done.stderr and "Recommended action: check tenant, client_id and secret" in done.stderr

    done, _listing = inventory(installed_env, lab, config, env={"ASR_VAULT_NAME": "vault-typo"})
    assert done.returncode != 0 and "check resource_group and vault_name" in done.stderr

    before = arm_requests(lab)
    bad = write_config(tmp_path, {"subscription_id": "not-a-guid", "group_prefix": "dr-"}, name="bad.asr_items.yml")
    done, _listing = inventory(installed_env, lab, bad, env={"ASR_VAULT_NAME": ""})
    assert done.returncode != 0
    assert "subscription_id 'not-a-guid' is not a subscription id" in done.stderr and "group_prefix 'dr-'" in done.stderr
    assert "the Recovery Services vault is required: set the option vault_name or the environment variable ASR_VAULT_NAME" in done.stderr
    assert arm_requests(lab) == before  # refused before any request
