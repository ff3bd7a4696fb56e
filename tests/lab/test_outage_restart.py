# -*- coding: utf-8 -*-
"""The lab's faults for issue #12: an answer replaced by a 5xx after the write was handled, faults aimed at one item,
ARM unreachable for a while (/lab/outage), and a restart that keeps the lab's state (/lab/restart).

Real clients only: the ASR SDK (its transport retries disabled where a test counts requests) and requests.
"""

from __future__ import annotations

import pytest
import requests
from asr_client import Items
from azure.core.exceptions import HttpResponseError, ServiceRequestError, ServiceResponseError
import labrunner
from labrunner import until

FAILOVER = {"properties": {"failoverDirection": "PrimaryToRecovery", "providerSpecificDetails": {"instanceType": "InMageAzureV2"}}}


@pytest.fixture(autouse=True)
def fresh(classic):
    """Each test starts from the scenario's start."""
    control(classic, "reset", verb="POST")


def control(items, endpoint, verb="GET", **body):
    return labrunner.control(items.lab, endpoint, verb, **body)


def start_failover(items, machine):
    """The POST of a failover, sent once (no transport retry, no long-running-operation polling)."""
    return items.client.replication_protected_items.begin_unplanned_failover(*items.address(machine), FAILOVER, polling=False,
                                                                             retry_total=0)


def reachable(lab):
    try:
        return requests.get(lab.control_url + "/state", verify=lab.ca_bundle, timeout=5).ok
    except requests.ConnectionError:
        return False


def test_a_5xx_after_the_write_was_handled_leaves_its_job_running(classic):
    labrunner.hold(classic.lab, "vm-win-01", "unplannedFailover")
    control(classic, "faults", verb="POST", kind="504", after=True, method="POST", path="/unplannedFailover$")
    with pytest.raises(HttpResponseError) as raised:
        start_failover(classic, "vm-win-01")
    assert raised.value.status_code == 504
    running = classic.get("vm-win-01").properties.current_scenario
    assert running.scenario_name == "UnplannedFailover"
    [record] = [r for r in control(classic, "requests") if r["method"] == "POST"]
    assert (record["status"], record["fault"]) == (504, "504_after")


def test_after_is_refused_for_faults_that_cannot_follow_handling(classic):
    answer = requests.post(classic.lab.control_url + "/faults", json=dict(kind="429", after=True), verify=classic.lab.ca_bundle, timeout=10)
    assert answer.status_code == 400 and "after applies to 500, 503, 504 only" in answer.json()["error"]


def test_a_fault_aimed_at_an_item_spares_the_others_and_meets_its_jobs(classic):
    control(classic, "faults", verb="POST", kind="500", method="GET", item="vm-win-02", count=5)
    assert classic.client.replication_protected_items.get(*classic.address("vm-win-01"), retry_total=0).name  # another item: no fault
    with pytest.raises(HttpResponseError):
        classic.client.replication_protected_items.get(*classic.address("vm-win-02"), retry_total=0)
    control(classic, "reset", verb="POST")
    items = Items(classic.lab)
    labrunner.hold(items.lab, "vm-lin-01", "unplannedFailover")
    start_failover(items, "vm-lin-01")
    job_id = items.get("vm-lin-01").properties.current_scenario.job_id.rsplit("/", 1)[1]
    control(items, "faults", verb="POST", kind="503", method="GET", item="vm-lin-01", path="/replicationJobs/", count=1, skip=1)
    assert items.client.replication_jobs.get(items.group, items.vault, job_id, retry_total=0).name == job_id  # skipped
    with pytest.raises(HttpResponseError) as raised:
        items.client.replication_jobs.get(items.group, items.vault, job_id, retry_total=0)
    assert raised.value.status_code == 503
    assert items.client.replication_jobs.get(items.group, items.vault, job_id, retry_total=0).name == job_id
    bad = requests.post(items.lab.control_url + "/faults", json=dict(kind="500", item="vm-nope"), verify=items.lab.ca_bundle, timeout=10)
    assert bad.status_code == 400 and "no item 'vm-nope'" in bad.json()["error"]


def test_an_outage_drops_every_arm_request_and_ends_by_itself(classic):
    control(classic, "outage", verb="POST", seconds=2)
    with pytest.raises((ServiceRequestError, ServiceResponseError)):
        classic.client.replication_protected_items.get(*classic.address("vm-win-01"), retry_total=0)
    assert reachable(classic.lab)  # the control API stays up
    until(lambda: _arm_answers(classic), "the outage's end", timeout=30)
    assert any(r["fault"] == "outage" and r["status"] == 0 for r in control(classic, "requests"))


def _arm_answers(items):
    try:
        return bool(items.client.replication_protected_items.get(*items.address("vm-win-01"), retry_total=0).name)
    except (ServiceRequestError, ServiceResponseError):
        return False


def test_a_restart_refuses_connections_then_comes_back_with_its_state_and_jobs(classic):
    labrunner.hold(classic.lab, "vm-win-01", "unplannedFailover")
    start_failover(classic, "vm-win-01")
    job_id = classic.get("vm-win-01").properties.current_scenario.job_id.rsplit("/", 1)[1]
    control(classic, "faults", verb="POST", kind="429", method="GET", path="/nothing-asks-this$", count=1)
    control(classic, "restart", verb="POST", down_seconds=1)
    until(lambda: not reachable(classic.lab), "the lab down")
    with pytest.raises(ServiceRequestError):  # refused: nobody listens
        classic.client.replication_jobs.get(classic.group, classic.vault, job_id, retry_total=0)
    until(lambda: reachable(classic.lab), "the lab back", timeout=30)
    state = control(classic, "state")
    assert state["items"]["vm-win-01"]["job"] == job_id and len(state["http_faults"]) == 1
    labrunner.release(classic.lab, "vm-win-01", "unplannedFailover")
    assert classic.job_once(job_id, ("Succeeded",)).state == "Succeeded"
    assert classic.get("vm-win-01").properties.active_location == "Recovery"
