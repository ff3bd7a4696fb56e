# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: asr_items
short_description: The machines an Azure Site Recovery vault protects, as inventory hosts
version_added: 0.1.0
description:
  - Lists the replicated items of one Recovery Services vault (VMware VMs and physical servers protected by Azure Site Recovery,
    classic and modernized) as inventory hosts, one host per machine, named as people know it (the item's friendly name, the VM's name).
  - Each host carries the item's facts as host vars (see the notes), the same facts
    M(siterecovery.vmware.asr_replicated_item_info) returns, and belongs to groups by where it runs, protection state, provider,
    generation, replication health, multi-VM group and fabric.
  - Takes the same Azure options as the collection's modules, with the same environment variables and the same credentials
    (documented once, in the doc fragment the modules use), and connects the same way, so an AWX / Automation Platform
    C(Microsoft Azure Resource Manager) credential supplies them.
  - Hosts are machines, not connection targets; the collection's roles delegate their tasks to the controller.
    No connection variable is set.
  - The configuration file's name must end with C(asr_items.yml) or C(asr_items.yaml).
author:
  - siterecovery.vmware maintainers (@siterecovery)
extends_documentation_fragment:
  - siterecovery.vmware.azure
  - siterecovery.vmware.azure.plugins
  - siterecovery.vmware.azure.vault
  - siterecovery.vmware.azure.vault_plugins
  - constructed
  - inventory_cache
options:
  plugin:
    description: The name of this plugin, V(siterecovery.vmware.asr_items).
    required: true
    type: str
    choices: [siterecovery.vmware.asr_items]
  group_prefix:
    description:
      - The start of the name of every group this plugin makes (not of the groups of O(groups) and O(keyed_groups)).
      - Letters, digits and underscores; may be empty.
    type: str
    default: asr_
notes:
  - "Host vars: C(asr_item_name) and C(asr_item_id) (the item's ARM name and id), C(asr_friendly_name), C(asr_provider)
    (C(InMageAzureV2), C(InMage), C(InMageRcm) or C(InMageRcmFailback)), C(asr_generation) (C(classic) or C(modernized)),
    C(asr_running_in) (C(azure) or C(onprem), whatever C(activeLocation) says for the provider), C(asr_replicates_to_azure), C(asr_item_stage) (C(replicating),
    C(commit_pending), C(committed), C(busy), C(other)), C(asr_next_step),
    C(asr_next_stages) (the cycle's stages that run next), C(asr_protection_state), C(asr_protection_state_description),
    C(asr_active_location), C(asr_replication_health), C(asr_failover_health), C(asr_health_errors), C(asr_allowed_operations),
    C(asr_current_job), C(asr_resync_required), C(asr_multi_vm_group), C(asr_fabric) (the configuration server or appliance, by name),
    C(asr_fabric_name) and C(asr_container) (ARM names), C(asr_policy), C(asr_recovery_vm) (the Azure VM a failover creates: name, size,
    resource group, availability set, network, subnet, static IP), C(asr_last_failover_time), C(asr_os_type), C(asr_os_version),
    C(asr_ip_address), C(asr_rpo_seconds), C(asr_last_recovery_point), and the vault read, C(asr_resource_group) and C(asr_vault_name)."
  - "Groups (with the default O(group_prefix)): C(asr_items) (every host), C(asr_running_in_azure) and C(asr_running_in_onprem),
    C(asr_state_<protection state>) (for example C(asr_state_protected), C(asr_state_unplanned_failover_committed)),
    C(asr_provider_<provider>) (for example C(asr_provider_inmageazurev2)), C(asr_generation_classic) and C(asr_generation_modernized),
    C(asr_health_<replication health>), C(asr_group_<multi-VM group>) and C(asr_fabric_<fabric>). Names are lower case,
    with every run of other characters than letters and digits made one underscore."
  - Machines that share a friendly name are named by their items' names instead, with a warning.
  - One request lists the vault's items (ARM pages through large vaults); with O(cache) enabled and a persistent cache plugin,
    a run within O(cache_timeout) makes no request at all. The cache is per configuration file and vault.
"""

EXAMPLES = r"""
# dr.asr_items.yml: the vault and the credentials come from the environment
# (AZURE_SUBSCRIPTION_ID, AZURE_CLIENT_ID, AZURE_SECRET, AZURE_TENANT, ASR_RESOURCE_GROUP, ASR_VAULT_NAME).
plugin: siterecovery.vmware.asr_items

---
# dr.asr_items.yml: the vault named in the file, the inventory cached for ten minutes between runs,
# and groups of one's own from the host vars.
plugin: siterecovery.vmware.asr_items
resource_group: rg-dr
vault_name: vault-dr
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/asr_items
cache_timeout: 600
groups:
  needs_attention: asr_replication_health != 'Normal' or asr_resync_required
keyed_groups:
  - key: asr_os_type | default('unknown') | lower
    prefix: os
compose:
  dr_vm_size: asr_recovery_vm.size | default(omit)
"""

import hashlib

from ansible.errors import AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_auth import missing_libraries
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_session import AzureSession
from ansible_collections.siterecovery.vmware.plugins.module_utils._azure_spec import azure_argument_spec, azure_options, vault_id
from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError
from ansible_collections.siterecovery.vmware.plugins.module_utils._inventory_facts import check_group_prefix, inventory_hosts
from ansible_collections.siterecovery.vmware.plugins.module_utils._vault_gateway import VaultGateway

AZURE_OPTIONS = tuple(azure_argument_spec(vault=True))


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    """The replicated items of a Recovery Services vault as hosts."""

    NAME = "siterecovery.vmware.asr_items"

    def verify_file(self, path):
        return super().verify_file(path) and path.endswith(("asr_items.yml", "asr_items.yaml"))

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        self._read_config_data(path)
        params, problems = azure_options(dict((name, self.get_option(name)) for name in AZURE_OPTIONS))
        prefix = self.get_option("group_prefix")
        prefix = "" if prefix is None else prefix
        if check_group_prefix(prefix):
            problems.append(check_group_prefix(prefix))
        if problems:
            raise AnsibleParserError("Invalid options for %s in %s: %s" % (self.NAME, path, "; ".join(problems)))

        items = self._items(path, params, cache)
        hosts, warnings = inventory_hosts(items, dict(resource_group=params["resource_group"], vault_name=params["vault_name"]), prefix)
        for warning in warnings:
            self.display.warning(warning)
        self._populate(hosts)

    def _items(self, path, params, cache):
        """The vault's items as ASR sends them: from the cache when enabled and fresh, else from Azure."""
        use_cache = self.get_option("cache")
        key = None
        if use_cache:
            # Per file and vault: the same file read with another vault in the environment gets its own entry.
            vault = vault_id(params["subscription_id"], params["resource_group"], params["vault_name"]).lower()
            key = "%s_%s" % (self.get_cache_key(path), hashlib.sha256(vault.encode("utf-8")).hexdigest()[:12])
            if cache:
                try:
                    return self._cache[key]
                except KeyError:
                    pass
        items = self._read_vault(params)
        if use_cache:
            self._cache[key] = items
        return items

    def _read_vault(self, params):
        for library, _trace in missing_libraries():
            raise AnsibleParserError("%s needs the Python library %s on the controller (or in the execution environment)" % (self.NAME, library))
        session = AzureSession(params)
        try:
            with session.step("reading the replicated items of vault %s" % params["vault_name"]):
                return VaultGateway.of(session).items()
        except SiteRecoveryError as error:
            # The translated message says all ASR said; chaining would print the SDK's text of it again.
            raise AnsibleParserError("%s: %s" % (self.NAME, error.to_result()["msg"])) from None

    def _populate(self, hosts):
        strict = self.get_option("strict")
        for name, variables, groups in hosts:
            for group in groups:
                self.inventory.add_group(group)
            self.inventory.add_host(name, group=groups[0])
            for group in groups[1:]:
                self.inventory.add_child(group, name)
            for var, value in variables.items():
                self.inventory.set_variable(name, var, value)
            host_vars = self.inventory.get_host(name).get_vars()
            self._set_composite_vars(self.get_option("compose"), host_vars, name, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), host_vars, name, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), host_vars, name, strict=strict)
