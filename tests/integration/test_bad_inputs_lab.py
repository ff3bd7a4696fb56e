# -*- coding: utf-8 -*-
"""More inputs a person can get wrong: each fails with a message to act on, and no write request reaches ASR.
(With test_failover_commit_lab.py's tables, more than twenty cases.) And reads that ride through throttling."""

from __future__ import annotations

import pytest
from lab_tasks import LOG_ACCOUNT, control, task, writes

# (lab fixture, item to stage first, stage, module, arguments, what the message must say)
CASES = [
    ("modernized_lab", "vm-win-01", "reprotected", "asr_failover",
     {"name": "vm-win-01", "direction": "to_onprem", "recovery_point": "custom", "recovery_point_id": "x"},
     "a modernized failback takes recovery_point latest, latest_app_consistent or latest_crash_consistent"),
    ("modernized_lab", "vm-win-01", "reprotected", "asr_failover",
     {"name": "vm-win-01", "direction": "to_onprem", "recovery_point": "latest_processed"}, "a modernized failback takes"),
    ("modernized_lab", "vm-win-02", "committed", "asr_reprotect", {"name": "vm-win-02", "direction": "to_onprem", "datastore": "ds-vmfs-01"},
     "log_storage_account_id is required"),
    ("modernized_lab", "vm-win-02", "committed", "asr_reprotect",
     {"name": "vm-win-02", "direction": "to_onprem", "appliance": "nope", "datastore": "ds-vmfs-01", "log_storage_account_id": "LOG"},
     "no appliance named 'nope'; the valid ones: appliance-lab-01"),
    ("modernized_lab", "vm-win-02", "committed", "asr_reprotect",
     {"name": "vm-win-02", "direction": "to_onprem", "datastore": "ds-nfs-01", "log_storage_account_id": "LOG"},
     "no datastore (reachable from appliance appliance-lab-01) named 'ds-nfs-01'"),
    ("modernized_lab", "vm-win-02", "committed", "asr_reprotect", {"name": "vm-win-02", "direction": "to_azure"},
     "cannot be reprotected to azure now"),
    ("modernized_lab", "vm-win-01", "reprotected", "asr_apply_recovery_point", {"name": "vm-win-01"},
     "can be changed only after a failover to Azure"),
    ("modernized_lab", "vm-lin-01", "committed", "asr_cancel_failover", {"name": "vm-lin-01"}, "CancelFailover is not allowed on vm-lin-01"),
    ("lab", "vm-win-01", "protected", "asr_reprotect", {"name": "vm-win-01", "direction": "to_onprem"},
     "SwitchProtection is not allowed on vm-win-01"),
    ("lab", "vm-win-01", "protected", "asr_failover", {"name": "vm-win-01", "direction": "to_azure", "subscription_id": "my-sub"},
     "subscription_id 'my-sub' is not a subscription id"),
    ("lab", "vm-win-01", "protected", "asr_failover", {"name": "vm-win-01", "direction": "to_azure", "resource_group": "rg-gone"},
     "Resource group 'rg-gone' could not be found"),
    ("lab", "vm-win-01", "protected", "asr_recovery_point_info", {"name": "vm-win-01", "type": "Whatever"}, "value of type must be one of"),
    ("lab", "vm-win-01", "protected", "asr_job_info", {"state": "Sideways"}, "value of state must be one of"),
    ("lab", "vm-win-01", "protected", "asr_failover", {"name": "vm-win-01", "direction": "to_azure", "cloud_environment": "AzureMoon"},
     "unknown cloud_environment 'AzureMoon'"),
]


@pytest.mark.parametrize("fixture, machine, stage, module, args, fragment", CASES, ids=[c[5][:40] for c in CASES])
def test_bad_input(installed_env, request, tmp_path, fixture, machine, stage, module, args, fragment):
    lab = request.getfixturevalue(fixture)
    control(lab, "stage", "POST", item=machine, stage=stage)
    args = dict((k, LOG_ACCOUNT % lab.subscription_id if v == "LOG" else v) for k, v in args.items())
    before = len(writes(lab))
    code, result = task(installed_env, lab, tmp_path, module, args)
    assert code == 2, result
    assert fragment in result["msg"], result["msg"]
    assert len(writes(lab)) == before


def test_reads_ride_through_throttling_and_unavailability(installed_env, modernized_lab, tmp_path):
    lab = modernized_lab
    control(lab, "stage", "POST", item="vm-lin-01", stage="protected")
    control(lab, "faults", "POST", kind="429", method="GET", path="/replicationProtectedItems$", count=2, retry_after=1)
    control(lab, "faults", "POST", kind="503", method="GET", path="/replicationJobs/", count=2, retry_after=1)
    code, result = task(installed_env, lab, tmp_path, "asr_failover", {"name": "vm-lin-01", "direction": "to_azure"})
    assert code == 0, result
    assert result["replicated_item"]["running_in"] == "azure"
    seen = [r["fault"] for r in control(lab, "requests") if r["fault"]]
    assert seen.count("429") >= 2 and seen.count("503") >= 2
