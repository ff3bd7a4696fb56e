# -*- coding: utf-8 -*-
"""The bad-input table (issue #12), as data: inputs a person can get wrong, and what the answer must say.

Shared by ``bench/bad_inputs.py`` (which runs every case against labs of its own and prints the table) and
``tests/integration/test_bad_inputs_lab.py`` (which runs the cases marked ``suite``). Data only: no I/O.

Every case must end in a failure (a failed task, or ansible-playbook exiting non-zero) whose message holds each of
``words`` (the option or variable, the value, what is allowed), with no write request reaching the lab and no
Python traceback, "Finalization of task args" or "filter plugin" in the output.

Module cases run as tasks of one playbook per lab generation, on localhost, the lab's ``env.sh`` exported (so the
Azure and vSphere options come from the environment unless a case gives them). Before that playbook the items of
``STAGES`` are put in their stage (and a case's item reads only that state: no case writes).
Variable cases run ``ansible-playbook -i lab/inventory siterecovery.vmware.PLAYBOOK -e asr_confirm_failover=true``
with the case's extra variables (``extra``, JSON) and environment changes (``env``).
"""

from __future__ import annotations

# Where the items stand while the module cases run: {generation: {machine: stage of /lab/stage}} (the rest: protected).
STAGES = {
    "classic": {"vm-lin-01": "committed", "vm-win-02": "committed", "phys-01": "reprotected"},
    "modernized": {"vm-win-01": "reprotected", "vm-win-02": "committed"},
}

LOG = "LOG_ACCOUNT"  # replaced by the lab's cache storage account id
SUB = "SUBSCRIPTION"  # replaced by the lab's subscription id
MISSING_CA = "/no/such/ca.pem"


def _case(case_id, lab, module, args, words, suite=False):
    return dict(id=case_id, kind="module", lab=lab, module=module, args=args, words=list(words), suite=suite)


def _variable(case_id, playbook, extra, words, env=None, suite=False, lab="classic"):
    return dict(id=case_id, kind="variable", lab=lab, playbook=playbook, extra=extra, env=env or {}, words=list(words), suite=suite)


C, M = "classic", "modernized"
W1 = {"name": "vm-win-01"}

MODULE_CASES = [
    # ---- the Azure options every module takes (here through asr_replicated_item_info / asr_fabric_info) -------------
    _case("subscription-not-guid", C, "asr_replicated_item_info", {"subscription_id": "my-sub"},
          ["subscription_id 'my-sub' is not a subscription id", "GUID"], suite=True),
    _case("tenant-malformed", C, "asr_fabric_info", {"tenant": "not a tenant!"}, ["tenant 'not a tenant!' is neither a tenant id (GUID) nor a domain"]),
    _case("client-id-not-guid", C, "asr_fabric_info", {"client_id": "my-app"}, ["client_id 'my-app' is not an application (client) id", "GUID"]),
    _case("auth-source-choice", C, "asr_fabric_info", {"auth_source": "password"},
          ["auth_source", "password", "auto, env, credential_file, cli, msi, workload_identity"]),
    _case("secret-without-client-id", C, "asr_fabric_info", {"client_id": ""}, ["a service principal secret was given without client_id"]),
    _case("auth-env-without-secret", C, "asr_fabric_info", {"auth_source": "env", "secret": ""},
          ["with auth_source=env, secret or client_certificate_path is required", "AZURE_SECRET"]),
    _case("cloud-unknown", C, "asr_failover", {"name": "vm-win-01", "direction": "to_azure", "cloud_environment": "AzureMoon"},
          ["unknown cloud_environment 'AzureMoon'", "AzureCloud, AzureUSGovernment, AzureChinaCloud"], suite=True),
    _case("cloud-http", C, "asr_fabric_info", {"cloud_environment": "http://management.example.com/"},
          ["cloud_environment http://management.example.com/ must use https"]),
    _case("resource-group-malformed", C, "asr_fabric_info", {"resource_group": "rg dr!"},
          ["resource_group 'rg dr!' is not a valid resource group name", "1-90 letters"]),
    _case("vault-name-malformed", C, "asr_fabric_info", {"vault_name": "1vault"},
          ["vault_name '1vault' is not a valid vault name", "a letter first"]),
    _case("resource-group-unknown", C, "asr_failover", {"name": "vm-win-01", "direction": "to_azure", "resource_group": "rg-gone"},
          ["Resource group 'rg-gone' could not be found", "check resource_group and vault_name"]),
    _case("vault-unknown", C, "asr_commit", {"name": "vm-win-01", "vault_name": "vault-gone"}, ["vault-gone", "check resource_group and vault_name"]),
    _case("item-unknown", C, "asr_failover", {"name": "vm-nope-01", "direction": "to_azure"},
          ["no replicated item is named 'vm-nope-01'", "vault-dr"], suite=True),
    _case("item-bad-arm-id", C, "asr_commit", {"name": "/subscriptions/x/resourceGroups/rg-dr/providers/Microsoft.Compute/virtualMachines/vm"},
          ["is not the ARM id of a replicated item of vault vault-dr"]),
    # ---- asr_failover --------------------------------------------------------------------------------------------
    _case("failover-direction-choice", C, "asr_failover", {"name": "vm-win-01", "direction": "sideways"},
          ["direction", "sideways", "to_azure, to_onprem"]),
    _case("failover-direction-missing", C, "asr_failover", W1, ["missing required arguments: direction"]),
    _case("failover-recovery-point-choice", C, "asr_failover", {"name": "vm-win-01", "direction": "to_azure", "recovery_point": "yesterday"},
          ["recovery_point", "yesterday", "latest, latest_processed, latest_app_consistent, latest_crash_consistent, custom"]),
    _case("failover-custom-without-id", C, "asr_failover", {"name": "vm-win-01", "direction": "to_azure", "recovery_point": "custom"},
          ["recovery_point is custom but all of the following are missing: recovery_point_id"]),
    _case("failover-recovery-point-unknown", C, "asr_failover",
          {"name": "vm-win-01", "direction": "to_azure", "recovery_point": "custom", "recovery_point_id": "rp-nope"},
          ["recovery point rp-nope is not one of the item's", "recovery points"]),
    _case("failover-wait-timeout-zero", C, "asr_failover", {"name": "vm-win-01", "direction": "to_azure", "wait_timeout": 0},
          ["wait_timeout must be at least 1 second (got 0)"], suite=True),
    _case("failover-wait-timeout-negative", C, "asr_failover", {"name": "vm-win-01", "direction": "to_azure", "wait_timeout": -60},
          ["wait_timeout must be at least 1 second (got -60)"]),
    _case("failover-wait-sleep-zero", C, "asr_failover", {"name": "vm-win-01", "direction": "to_azure", "wait_sleep": 0},
          ["wait_sleep must be at least 1 second (got 0)"]),
    _case("failover-wait-timeout-text", C, "asr_failover", {"name": "vm-win-01", "direction": "to_azure", "wait_timeout": "an hour"},
          ["wait_timeout", "an hour", "int"]),
    _case("failover-shutdown-source-not-bool", C, "asr_failover", {"name": "vm-win-01", "direction": "to_azure", "shutdown_source": "perhaps"},
          ["shutdown_source", "perhaps", "bool"]),
    _case("failover-vsphere-port-range", C, "asr_failover", {"name": "vm-win-01", "direction": "to_azure", "shutdown_source": True, "port": 70000},
          ["port 70000 is not a TCP port (1-65535)"]),
    _case("failover-vsphere-ca-path-missing", C, "asr_failover",
          {"name": "vm-win-01", "direction": "to_azure", "shutdown_source": True, "ca_path": MISSING_CA},
          ["ca_path '/no/such/ca.pem' does not exist"], suite=True),
    _case("failback-classic-before-reprotect", C, "asr_failover", {"name": "vm-lin-01", "direction": "to_onprem"},
          ["an InMageAzureV2 item cannot fail over to on-premises"]),
    _case("failback-modernized-custom-point", M, "asr_failover",
          {"name": "vm-win-01", "direction": "to_onprem", "recovery_point": "custom", "recovery_point_id": "x"},
          ["a modernized failback takes recovery_point latest, latest_app_consistent or latest_crash_consistent"]),
    _case("failback-modernized-latest-processed", M, "asr_failover",
          {"name": "vm-win-01", "direction": "to_onprem", "recovery_point": "latest_processed"}, ["a modernized failback takes", "latest_processed"]),
    # ---- asr_reprotect ---------------------------------------------------------------------------------------------
    _case("reprotect-direction-choice", C, "asr_reprotect", {"name": "vm-lin-01", "direction": "to_mars"}, ["direction", "to_mars", "to_onprem, to_azure"]),
    _case("reprotect-appliance-on-classic", C, "asr_reprotect", {"name": "vm-lin-01", "direction": "to_onprem", "appliance": "appliance-lab-01"},
          ["appliance does not apply", "InMageAzureV2"], suite=True),
    _case("reprotect-log-account-on-classic", C, "asr_reprotect", {"name": "vm-lin-01", "direction": "to_onprem", "log_storage_account_id": LOG},
          ["log_storage_account_id does not apply"]),
    _case("reprotect-master-target-on-modernized", M, "asr_reprotect",
          {"name": "vm-win-02", "direction": "to_onprem", "master_target": "mt-win-01", "datastore": "ds-vmfs-01", "log_storage_account_id": LOG},
          ["master_target does not apply", "InMageRcm"], suite=True),
    _case("reprotect-retention-on-modernized", M, "asr_reprotect",
          {"name": "vm-win-02", "direction": "to_onprem", "retention_drive": "E", "datastore": "ds-vmfs-01", "log_storage_account_id": LOG},
          ["retention_drive does not apply"]),
    _case("reprotect-master-target-os-mismatch", C, "asr_reprotect",
          {"name": "vm-lin-01", "direction": "to_onprem", "master_target": "mt-win-01", "datastore": "ds-vmfs-01", "retention_drive": "E"},
          ["mt-win-01", "Linux", "master targets that fit: mt-lin-01"]),
    _case("reprotect-windows-through-linux-master-target", C, "asr_reprotect",
          {"name": "vm-win-02", "direction": "to_onprem", "master_target": "mt-lin-01", "datastore": "ds-vmfs-01"},
          ["vm-win-02 runs Windows", "only through a Windows master target", "mt-lin-01 runs Linux", "master targets that fit:", "mt-win-01"],
          suite=True),
    _case("reprotect-master-target-unknown", C, "asr_reprotect",
          {"name": "vm-lin-01", "direction": "to_onprem", "master_target": "mt-nope", "datastore": "ds-vmfs-01"},
          ["no master_target named 'mt-nope'; the valid ones:", "mt-lin-01"]),
    _case("reprotect-process-server-unknown", C, "asr_reprotect",
          {"name": "vm-lin-01", "direction": "to_onprem", "process_server": "ps-nope", "master_target": "mt-lin-01", "datastore": "ds-vmfs-01"},
          ["no process_server named 'ps-nope'; the valid ones: cs-lab-01"]),
    _case("reprotect-datastore-unknown", C, "asr_reprotect",
          {"name": "vm-lin-01", "direction": "to_onprem", "master_target": "mt-lin-01", "datastore": "ds-nope"},
          ["no datastore", "'ds-nope'", "ds-vmfs-01"]),
    _case("reprotect-datastore-missing", C, "asr_reprotect", {"name": "vm-lin-01", "direction": "to_onprem", "master_target": "mt-lin-01"},
          ["datastore (on master target mt-lin-01) is required: choose one of ds-vmfs-01, ds-vmfs-02"]),
    _case("reprotect-retention-unknown", C, "asr_reprotect",
          {"name": "vm-lin-01", "direction": "to_onprem", "master_target": "mt-lin-01", "datastore": "ds-vmfs-01", "retention_drive": "Z"},
          ["no retention", "'Z'", "/mnt/retention"]),
    _case("reprotect-run-as-unknown", C, "asr_reprotect",
          {"name": "vm-lin-01", "direction": "to_onprem", "master_target": "mt-lin-01", "datastore": "ds-vmfs-01", "run_as_account": "nobody"},
          ["no run_as_account named 'nobody'; the valid ones:"]),
    _case("reprotect-policy-unknown", C, "asr_reprotect",
          {"name": "vm-lin-01", "direction": "to_onprem", "master_target": "mt-lin-01", "datastore": "ds-vmfs-01", "policy": "policy-nope"},
          ["policy-nope", "policy-lab-failback"]),
    _case("reprotect-wait-for-choice", C, "asr_reprotect", {"name": "vm-lin-01", "direction": "to_onprem", "wait_for": "forever"},
          ["wait_for", "forever", "job, protected"]),
    _case("reprotect-modernized-no-log-account", M, "asr_reprotect", {"name": "vm-win-02", "direction": "to_onprem", "datastore": "ds-vmfs-01"},
          ["log_storage_account_id is required"]),
    _case("reprotect-modernized-log-account-not-arm-id", M, "asr_reprotect",
          {"name": "vm-win-02", "direction": "to_onprem", "datastore": "ds-vmfs-01", "log_storage_account_id": "labcache"},
          ["log_storage_account_id 'labcache' is not the ARM id of a storage account", "Microsoft.Storage/storageAccounts/NAME"], suite=True),
    _case("reprotect-appliance-unknown", M, "asr_reprotect",
          {"name": "vm-win-02", "direction": "to_onprem", "appliance": "nope", "datastore": "ds-vmfs-01", "log_storage_account_id": LOG},
          ["no appliance named 'nope'; the valid ones: appliance-lab-01"]),
    _case("reprotect-datastore-unreachable", M, "asr_reprotect",
          {"name": "vm-win-02", "direction": "to_onprem", "datastore": "ds-nfs-01", "log_storage_account_id": LOG},
          ["no datastore (reachable from appliance appliance-lab-01) named 'ds-nfs-01'"]),
    _case("reprotect-to-azure-too-early", M, "asr_reprotect", {"name": "vm-win-02", "direction": "to_azure"}, ["cannot be reprotected to azure now"]),
    _case("reprotect-wait-sleep-negative", C, "asr_reprotect", {"name": "vm-lin-01", "direction": "to_onprem", "wait_sleep": -1},
          ["wait_sleep must be at least 1 second (got -1)"]),
    # ---- asr_apply_recovery_point, asr_commit, asr_cancel_failover, asr_resync ---------------------------------------
    _case("apply-point-choice", C, "asr_apply_recovery_point", {"name": "vm-win-01", "recovery_point": "latest"},
          ["recovery_point", "latest", "latest_processed, latest_app_consistent, latest_crash_consistent, custom"]),
    _case("apply-point-custom-without-id", C, "asr_apply_recovery_point", {"name": "vm-win-01", "recovery_point": "custom"},
          ["recovery_point is custom but all of the following are missing: recovery_point_id"]),
    _case("apply-point-not-failed-over", M, "asr_apply_recovery_point", W1, ["can be changed only after a failover to Azure"]),
    _case("commit-name-missing", C, "asr_commit", {}, ["missing required arguments: name"]),
    _case("commit-not-allowed", C, "asr_commit", W1, ["Commit is not allowed on vm-win-01 now (protection state Protected)"]),
    _case("commit-wait-timeout-text", C, "asr_commit", {"name": "vm-win-01", "wait_timeout": "soon"}, ["wait_timeout", "soon", "int"]),
    _case("commit-wait-timeout-zero", C, "asr_commit", {"name": "vm-win-01", "wait_timeout": 0}, ["wait_timeout must be at least 1 second (got 0)"]),
    _case("cancel-after-commit", M, "asr_cancel_failover", {"name": "vm-win-02"}, ["CancelFailover is not allowed on vm-win-02"]),
    _case("resync-wait-sleep-zero", C, "asr_resync", {"name": "vm-win-01", "wait_sleep": 0}, ["wait_sleep must be at least 1 second (got 0)"]),
    _case("resync-unknown-option", C, "asr_resync", {"name": "vm-win-01", "force": True}, ["Unsupported parameters", "force"]),
    # ---- the info modules ------------------------------------------------------------------------------------------
    _case("job-info-state-choice", C, "asr_job_info", {"state": "Sideways"}, ["state", "Sideways", "NotStarted, InProgress"]),
    _case("job-info-wait-without-job", C, "asr_job_info", {"wait": True}, ["wait is True but all of the following are missing: job_id"]),
    _case("job-info-job-unknown", C, "asr_job_info", {"job_id": "00000000-0000-0000-0000-000000000000"},
          ["00000000-0000-0000-0000-000000000000"]),
    _case("points-type-choice", C, "asr_recovery_point_info", {"name": "vm-win-01", "type": "Whatever"},
          ["type", "Whatever", "app_consistent, crash_consistent"]),
    _case("items-running-in-choice", C, "asr_replicated_item_info", {"running_in": "mars"}, ["running_in", "mars", "azure, onprem"]),
    _case("items-provider-choice", C, "asr_replicated_item_info", {"provider": "HyperV"}, ["provider", "HyperV", "InMageAzureV2"]),
    _case("items-cycle-since-not-a-time", C, "asr_replicated_item_info", {"last_cycle": True, "cycle_since": "yesterday"},
          ["cycle_since", "'yesterday' is not an ISO 8601 date and time"]),
    _case("items-cycle-since-no-zone", C, "asr_replicated_item_info", {"name": "vm-win-01", "last_cycle": True, "cycle_since": "2026-12-01T08:00:00"},
          ["cycle_since: '2026-12-01T08:00:00' has no time zone"]),
    _case("items-cycle-window-zero", C, "asr_replicated_item_info", {"last_cycle": True, "cycle_window_days": 0},
          ["cycle_window_days", "0", "1 or more"]),
    _case("preflight-rpo-zero", C, "asr_preflight_info", {"name": "vm-win-01", "rpo_threshold": 0}, ["rpo_threshold must be 1 minute or more, not 0"]),
    _case("preflight-before-choice", C, "asr_preflight_info", {"name": "vm-win-01", "before": "sideways"}, ["before", "sideways", "failover, failback"]),
    _case("preflight-hostname-url", C, "asr_preflight_info", {"name": "vm-win-01", "hostname": "https://vc01/sdk"},
          ["hostname 'https://vc01/sdk' must be a host name or address"]),
    _case("preflight-target-size-blank", C, "asr_preflight_info", {"name": "vm-win-01", "target_vm_size": "  "},
          ["target_vm_size must name a VM size"]),
    # ---- asr_replicated_item ---------------------------------------------------------------------------------------
    _case("item-license-choice", C, "asr_replicated_item", {"name": "vm-win-01", "license_type": "Free"},
          ["license_type", "Free", "NotSpecified, WindowsServer"]),
    _case("item-network-not-arm-id", C, "asr_replicated_item", {"name": "vm-win-01", "network_id": "vnet-dr"},
          ["network_id 'vnet-dr' is not the ARM id of a virtual network", "Microsoft.Network/virtualNetworks/NAME"], suite=True),
    _case("item-static-ip-malformed", C, "asr_replicated_item", {"name": "vm-win-01", "static_ip": "10.0.0.999"},
          ["static_ip '10.0.0.999' is not an IPv4 address"], suite=True),
    _case("item-availability-set-not-arm-id", C, "asr_replicated_item", {"name": "vm-win-01", "availability_set_id": "avset-01"},
          ["availability_set_id 'avset-01' is not the ARM id of an availability set", "Microsoft.Compute/availabilitySets"]),
    _case("item-target-group-malformed", C, "asr_replicated_item", {"name": "vm-win-01", "target_resource_group": "rg dr!"},
          ["target_resource_group 'rg dr!' is not a valid resource group name"]),
    # ---- asr_process_server ----------------------------------------------------------------------------------------
    _case("ps-location-choice", C, "asr_process_server", {"location": "moon"}, ["location", "moon", "onprem, azure"]),
    _case("ps-link-choice", C, "asr_process_server", {"link": "carrier-pigeon"}, ["link", "carrier-pigeon", "expressroute, vpn"]),
    _case("ps-state-choice", C, "asr_process_server", {"state": "absent"}, ["state", "absent", "validated, present"]),
    _case("ps-heartbeat-zero", C, "asr_process_server", {"max_heartbeat_age": 0}, ["max_heartbeat_age must be at least 1 minute"]),
    _case("ps-free-space-range", C, "asr_process_server", {"min_free_space_percent": 150}, ["min_free_space_percent must be between 0 and 100"]),
    _case("ps-azure-without-network", C, "asr_process_server", {"location": "azure"}, ["location azure needs azure_network"]),
    _case("ps-present-missing-deployment", C, "asr_process_server",
          {"location": "azure", "state": "present", "azure_network": "/subscriptions/%s/resourceGroups/rg-dr-recovery/providers/"
           "Microsoft.Network/virtualNetworks/vnet-dr" % SUB, "name": "ps-azure-01"},
          ["state present with location azure needs subnet", "admin_username"]),
    _case("ps-image-unknown-key", C, "asr_process_server", {"image": {"urn": "MicrosoftWindowsServer"}}, ["Unsupported parameters", "urn"]),
    # ---- asr_wait --------------------------------------------------------------------------------------------------
    _case("wait-job-without-id", C, "asr_wait", {}, ["wait_for is job but all of the following are missing: job_id"]),
    _case("wait-for-choice", C, "asr_wait", {"name": "vm-win-01", "wait_for": "forever"}, ["wait_for", "forever", "job, agent_registered, protected"]),
    _case("wait-timeout-zero", C, "asr_wait", {"job_id": "j1", "wait_timeout": 0}, ["wait_timeout must be at least 1 second (got 0)"]),
    _case("wait-protected-without-name", C, "asr_wait", {"wait_for": "protected"},
          ["wait_for is protected but all of the following are missing: name"]),
    _case("wait-sleep-negative", C, "asr_wait", {"job_id": "j1", "wait_sleep": -1}, ["wait_sleep must be at least 1 second (got -1)"]),
    _case("wait-sleep-zero", C, "asr_wait", {"name": "vm-win-01", "wait_for": "protected", "wait_sleep": 0},
          ["wait_sleep must be at least 1 second (got 0)"]),
    # ---- vmware_master_target --------------------------------------------------------------------------------------
    _case("mt-item-and-os-type", C, "vmware_master_target", {"name": "mt-win-01", "protected_item": "vm-win-01", "os_type": "windows"},
          ["parameters are mutually exclusive: protected_item|os_type"]),
    _case("mt-neither-item-nor-os", C, "vmware_master_target", {"name": "mt-win-01"}, ["one of the following is required: protected_item, os_type"]),
    _case("mt-os-version-alone", C, "vmware_master_target", {"name": "mt-win-01", "protected_item": "vm-win-01", "os_version": "2019"},
          ["missing parameter(s) required by 'os_version': os_type"]),
    _case("mt-os-type-choice", C, "vmware_master_target", {"name": "mt-win-01", "os_type": "solaris"}, ["os_type must be windows or linux", "solaris"]),
    _case("mt-drs-behavior-choice", C, "vmware_master_target", {"name": "mt-win-01", "os_type": "windows", "drs_behavior": "sometimes"},
          ["drs_behavior", "sometimes", "manual, partiallyAutomated, fullyAutomated, disabled"]),
    _case("mt-retention-negative", C, "vmware_master_target", {"name": "mt-win-01", "os_type": "windows", "required_retention_gb": -1},
          ["required_retention_gb must be 0 or more"]),
    _case("mt-heartbeat-zero", C, "vmware_master_target", {"name": "mt-win-01", "os_type": "windows", "heartbeat_max_age": 0},
          ["heartbeat_max_age must be a positive number of minutes"]),
    _case("mt-port-range", C, "vmware_master_target", {"name": "mt-win-01", "os_type": "windows", "port": 99999},
          ["port 99999 is not a TCP port (1-65535)"]),
    _case("mt-ca-path-missing", C, "vmware_master_target", {"name": "mt-win-01", "os_type": "windows", "ca_path": MISSING_CA},
          ["ca_path '/no/such/ca.pem' does not exist"]),
    _case("mt-os-mismatch", C, "vmware_master_target", {"name": "mt-lin-01", "protected_item": "vm-win-01"},
          ["mt-lin-01", "Windows"], suite=True),
    _case("mt-item-unknown", C, "vmware_master_target", {"name": "mt-win-01", "protected_item": "vm-nope-01"},
          ["no replicated item is named 'vm-nope-01'"]),
]

# The playbooks' variables (roles/asr/tasks/validate.yml and the validate entry point's argument spec).
VARIABLE_CASES = [
    _variable("var-recovery-point", "failover", {"asr_recovery_point": "nonsense"},
              ["asr_recovery_point must be one of: latest, latest_processed", "nonsense"]),
    _variable("var-confirm-not-bool", "failover", {"asr_confirm_failover": "maybe"}, ["asr_confirm_failover", "maybe"]),
    _variable("var-poll-interval-text", "failover", {"asr_poll_interval": "abc"}, ["asr_poll_interval", "abc"]),
    _variable("var-poll-interval-negative", "failover", {"asr_poll_interval": -5}, ["asr_poll_interval must be 1 second or more (got -5)"]),
    _variable("var-wait-timeout-zero", "full_cycle", {"asr_wait_timeout": 0}, ["asr_wait_timeout must be 1 second or more (got 0)"]),
    _variable("var-process-server-location", "full_cycle", {"asr_process_server_location": "moon"},
              ["asr_process_server_location must be one of: onprem, azure", "moon"]),
    _variable("var-link", "full_cycle", {"asr_link": "carrier-pigeon"}, ["asr_link must be one of: expressroute, vpn", "carrier-pigeon"]),
    _variable("var-summary-dir", "failover", {"asr_summary_file": "/no/such/dir/summary.json"}, ["directory /no/such/dir does not exist"]),
    _variable("var-rpo-zero", "failover", {"asr_rpo_threshold": 0}, ["asr_rpo_threshold must be 1 minute or more (got 0)"]),
    _variable("var-max-fail-percentage", "failover", {"asr_max_fail_percentage": 150}, ["asr_max_fail_percentage must be 0 to 100 (got 150)"]),
    _variable("var-failback-point", "failback", {"asr_failback_recovery_point": "yesterday"},
              ["asr_failback_recovery_point must be one of", "yesterday"]),
    _variable("var-commit-point", "failover", {"asr_commit_recovery_point": "latest"},
              ["asr_commit_recovery_point must be one of: latest_processed", "latest"]),
    _variable("var-shutdown-not-bool", "failover", {"asr_shutdown_source": "perhaps"}, ["asr_shutdown_source", "perhaps"]),
    _variable("var-preflight-not-bool", "failback", {"asr_preflight": "sometimes"}, ["asr_preflight", "sometimes"]),
    _variable("var-cycle-window-zero", "full_cycle", {"asr_cycle_window_days": 0}, ["asr_cycle_window_days must be 1 day or more (got 0)"]),
    _variable("var-cycle-since-not-a-time", "full_cycle", {"asr_cycle_since": "yesterday"},
              ['asr_cycle_since "yesterday" is not an ISO 8601 date and time with a zone']),
    _variable("var-custom-point-without-id", "failover", {"asr_recovery_point": "custom"},
              ["asr_recovery_point is custom: set asr_recovery_point_id"], suite=True),
    _variable("var-failback-custom-without-id", "failback", {"asr_failback_recovery_point": "custom"},
              ["asr_failback_recovery_point is custom: set asr_failback_recovery_point_id"]),
    _variable("var-log-account-not-arm-id", "full_cycle", {"asr_log_storage_account_id": "labcache"},
              ['asr_log_storage_account_id "labcache" is not the ARM id of a storage account', "Microsoft.Storage/storageAccounts/NAME"], suite=True),
    _variable("var-vault-name-malformed", "failover", {"asr_vault_name": "vault dr"},
              ['asr_vault_name "vault dr" is not a valid vault name', "a letter first"]),
    _variable("var-datastore-list", "full_cycle", {"asr_datastore": ["ds-vmfs-01", "ds-vmfs-02"]},
              ['asr_datastore must be a name or an id (a string), not list ["ds-vmfs-01", "ds-vmfs-02"]']),
    _variable("var-hosts-unknown", "failover", {"asr_hosts": "vm-nope-01"},
              ["no machine of the inventory matches asr_hosts=vm-nope-01. The inventory has: "]),
    _variable("var-vault-unknown-env", "failback", {}, ["The inventory has no machine at all: its source failed"], env={"ASR_VAULT_NAME": "vault-typo"}),
    _variable("var-wrong-secret-env", "full_cycle", {}, ["The inventory has no machine at all: its source failed"],
              env={"AZURE_SECRET": "wrong-secret", "AZURE_CLIENT_SECRET": "wrong-secret"}),
]

CASES = MODULE_CASES + VARIABLE_CASES
