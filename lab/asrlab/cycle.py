"""Where a replicated item stands in the failover-failback cycle, as ASR shows it.

One phase per stable state. For each: the provider ASR reports, protectionState
and its description, activeLocation, allowedOperations (ASR's names), and for
classic failback items InMage's activeSiteType. The values are the recorded
ones (docs/architecture.md) where a recording shows the state;
where none does, the closest recorded state is followed and the row says so.
"""

from __future__ import annotations

import collections

Phase = collections.namedtuple(
    "Phase", ["provider", "protection_state", "description", "active_location", "allowed", "active_site_type", "running_in"]
)

PHASES = {
    # Classic: configuration server, InMageAzureV2 to Azure and InMage back.
    "classic_protected": Phase("InMageAzureV2", "Protected", "Protected", "Primary",
                               ["UnplannedFailover", "DisableProtection", "TestFailover"], None, "onprem"),
    # Not recorded for classic: follows the modernized commit-pending row, without SwitchProtection
    # (docs/architecture.md: do not assume a classic reprotect from commit-pending).
    "classic_failed_over": Phase("InMageAzureV2", "UnplannedFailoverCommitPendingStatesBegin", "Failover completed", "Recovery",
                                 ["CompleteMigration", "Commit", "DisableProtection", "ChangePit"], None, "azure"),
    "classic_committed": Phase("InMageAzureV2", "UnplannedFailoverCommitted", "Failover committed", "Recovery",
                               ["CompleteMigration", "DisableProtection", "SwitchProtection"], None, "azure"),
    "classic_reprotected": Phase("InMage", "Protected", "Protected", "Primary",
                                 ["UnplannedFailover", "DisableProtection"], "Azure", "azure"),
    # Not recorded (the recording commits at once): modeled as the forward commit-pending state.
    "classic_failed_back": Phase("InMage", "UnplannedFailoverCommitPendingStatesBegin", "Failover completed", "Recovery",
                                 ["CompleteMigration", "Commit", "DisableProtection"], "OnPrem", "onprem"),
    "classic_failback_committed": Phase("InMage", "UnplannedFailoverCommitted", "Failover committed", "Recovery",
                                        ["CompleteMigration", "DisableProtection", "SwitchProtection"], "OnPrem", "onprem"),
    # Modernized: replication appliance, InMageRcm to Azure and InMageRcmFailback back.
    "modernized_protected": Phase("InMageRcm", "Protected", "Protected", "Primary",
                                  ["UnplannedFailover", "DisableProtection", "TestFailover"], None, "onprem"),
    "modernized_failed_over": Phase("InMageRcm", "UnplannedFailoverCommitPendingStatesBegin", "Failover completed", "Recovery",
                                    ["CompleteMigration", "Commit", "DisableProtection", "ChangePit", "SwitchProtection"], None, "azure"),
    "modernized_committed": Phase("InMageRcm", "UnplannedFailoverCommitted", "Failover committed", "Recovery",
                                  ["CompleteMigration", "DisableProtection", "SwitchProtection"], None, "azure"),
    "modernized_reprotected": Phase("InMageRcmFailback", "Protected", "Protected", "Primary",
                                    ["PlannedFailover", "DisableProtection"], None, "azure"),
    "modernized_failed_back": Phase("InMageRcmFailback", "CommitPendingStatesBegin", "Planned failover finished", "Recovery",
                                    ["CompleteMigration", "Commit", "DisableProtection", "SwitchProtection", "CancelFailover"], None,
                                    "onprem"),
    # Not recorded (the recording reprotects without a commit): commit leaves the commit-pending state.
    "modernized_failback_committed": Phase("InMageRcmFailback", "PlannedFailoverCommitted", "Failover committed", "Recovery",
                                           ["CompleteMigration", "DisableProtection", "SwitchProtection"], None, "onprem"),
}

# Action (URL verb) -> the allowedOperations name it needs.
OPERATION_OF_ACTION = {
    "unplannedFailover": "UnplannedFailover",
    "plannedFailover": "PlannedFailover",
    "failoverCommit": "Commit",
    "applyRecoveryPoint": "ChangePit",
    "reProtect": "SwitchProtection",
    "failoverCancel": "CancelFailover",
    "repairReplication": "RepairReplication",
    "testFailover": "TestFailover",  # drills.py; a recovery plan's members too
    "testFailoverCleanup": "TestFailoverCleanup",
}

# (phase, action) -> phase after the action's job succeeds.
TRANSITIONS = {
    ("classic_protected", "unplannedFailover"): "classic_failed_over",
    ("classic_failed_over", "applyRecoveryPoint"): "classic_failed_over",
    ("classic_failed_over", "failoverCommit"): "classic_committed",
    ("classic_committed", "reProtect"): "classic_reprotected",
    ("classic_reprotected", "unplannedFailover"): "classic_failed_back",
    ("classic_failed_back", "failoverCommit"): "classic_failback_committed",
    ("classic_failback_committed", "reProtect"): "classic_protected",
    ("modernized_protected", "unplannedFailover"): "modernized_failed_over",
    ("modernized_failed_over", "applyRecoveryPoint"): "modernized_failed_over",
    ("modernized_failed_over", "failoverCommit"): "modernized_committed",
    ("modernized_failed_over", "reProtect"): "modernized_reprotected",
    ("modernized_committed", "reProtect"): "modernized_reprotected",
    ("modernized_reprotected", "plannedFailover"): "modernized_failed_back",
    ("modernized_failed_back", "failoverCommit"): "modernized_failback_committed",
    ("modernized_failed_back", "failoverCancel"): "modernized_reprotected",
    ("modernized_failed_back", "reProtect"): "modernized_protected",
    ("modernized_failback_committed", "reProtect"): "modernized_protected",
}

# The provider input (providerSpecificDetails.instanceType) each (phase, action) takes, and its
# failoverDirection: a value, None (must be absent), or "any" (no body checks: commit, cancel).
INPUTS = {
    ("classic_protected", "unplannedFailover"): ("InMageAzureV2", "PrimaryToRecovery"),
    ("classic_failed_over", "applyRecoveryPoint"): ("InMageAzureV2", "any"),
    ("classic_committed", "reProtect"): ("InMage", "RecoveryToPrimary"),
    ("classic_reprotected", "unplannedFailover"): ("InMage", "PrimaryToRecovery"),
    ("classic_failback_committed", "reProtect"): ("InMageAzureV2", "RecoveryToPrimary"),
    ("modernized_protected", "unplannedFailover"): ("InMageRcm", "PrimaryToRecovery"),
    ("modernized_failed_over", "applyRecoveryPoint"): ("InMageRcm", "any"),
    ("modernized_failed_over", "reProtect"): ("InMageRcm", "RecoveryToPrimary"),
    ("modernized_committed", "reProtect"): ("InMageRcm", "RecoveryToPrimary"),
    ("modernized_reprotected", "plannedFailover"): ("InMageRcmFailback", None),
    ("modernized_failed_back", "reProtect"): ("InMageRcmFailback", None),
    ("modernized_failback_committed", "reProtect"): ("InMageRcmFailback", None),
}

GENERATION_START = {"classic": "classic_protected", "modernized": "modernized_protected"}


def generation(phase):
    return phase.split("_", 1)[0]
