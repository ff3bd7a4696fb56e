# -*- coding: utf-8 -*-
"""A recovery plan in the fleet engine, its pure parts: which members are out of the run (and so stop the plan's job), what the
others record then, the plan operation's options, and each member's own job found in the plan job's groups."""

from __future__ import annotations

from ansible_collections.siterecovery.vmware.plugins.module_utils._fleet import ARGUMENT_SPEC
from ansible_collections.siterecovery.vmware.plugins.module_utils._fleet_plan import children, members_out, plan_options, refusal


def member(name, friendly=None):
    return dict(id="/v/replicationProtectedItems/%s-rpi" % name, name="%s-rpi" % name, friendly_name=friendly or name)


def machine(name, error=None, given=True):
    return dict(facts=member(name) if given else None, error=error)


def test_a_member_not_given_or_failed_is_out_with_why_and_the_others_are_not():
    plan = [member("web-01"), member("web-02"), member("db-01"), member("db-02")]
    machines = {"web-01": machine("web-01"), "web-02": machine("web-02", error="Preflight checks of web-02 failed: RPO 45 min")}
    # db-01 was stopped by an earlier task and the play says why; db-02 too, and the play does not know why.
    out = members_out(plan, machines, {"DB-01": "Check the run's variables failed"})
    assert out == {"web-02": "Preflight checks of web-02 failed: RPO 45 min", "db-01": "Check the run's variables failed",
                   "db-02": "an earlier task of the run stopped it (the summary says why)"}
    assert members_out(plan[:1], machines) == {}


def test_the_members_are_matched_by_item_id_whatever_their_host_names():
    machines = {"host-a": dict(facts=member("web-01", friendly="WEB-01"), error=None)}
    assert members_out([dict(member("web-01"), id=member("web-01")["id"].upper())], machines) == {}


def test_the_others_say_which_member_stopped_the_plan_and_what_was_not_sent():
    out = {"web-02": "its preflight failed", "db-01": "an earlier task of the run stopped it"}
    failover = refusal("web-01", "failover_to_azure", "plan-web", out)
    assert failover == ("nothing was sent for web-01: the failover of recovery plan plan-web is one job for all its members, and db-01 failed - "
                        "an earlier task of the run stopped it; web-02 failed - its preflight failed; nothing was started")
    commit = refusal("web-01", "commit_failover", "plan-web", {"web-02": "its validation failed"}, "asr_plan_commit_others")
    assert commit.endswith("nothing was committed. asr_plan_commit_others=true commits the other members machine by machine"), commit


def test_the_plan_operation_takes_the_fleet_options():
    params = {key: spec.get("default") for key, spec in ARGUMENT_SPEC.items()}
    params.update(recovery_plan="plan-web", recovery_point="latest_app_consistent", shutdown_source=True, wait_timeout=7200, wait_sleep=10)
    failover = plan_options(params, "failover_to_azure")
    assert (failover["name"], failover["operation"], failover["direction"], failover["recovery_point"], failover["shutdown_source"]) == (
        "plan-web", "failover", "to_azure", "latest_app_consistent", True)
    assert (failover["wait"], failover["wait_timeout"], failover["wait_sleep"]) == (True, 7200, 10)
    commit = plan_options(params, "commit_failover")
    assert (commit["operation"], commit["direction"]) == ("commit", None)


def test_each_member_finds_its_own_job_in_the_plan_job_by_host_or_item_name():
    job = dict(id="plan-job", groups=[
        dict(group="Group 1", machines=[dict(name="web-01", state="Succeeded", job_id="j-1"), dict(name="web-02-rpi", state="Succeeded", job_id="j-2")]),
        dict(group="Group 2", machines=[dict(name="db-01", state="NotStarted", job_id=None)])])
    machines = {h: machine(h) for h in ("web-01", "web-02", "db-01")}
    assert children(job, machines, ["web-01", "web-02", "db-01"]) == {"web-01": "j-1", "web-02": "j-2"}
    assert children(None, machines, ["web-01"]) == {}
