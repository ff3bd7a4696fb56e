# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A recovery plan in the fleet engine: each member's own checks, then one plan job for all of them (docs/fleet.md, "A recovery plan").

Private to the collection. No Ansible. The engine (_fleet.Fleet) decides and checks every member as it does a machine of its own;
then, instead of a write per machine, :class:`PlanAction` (the module asr_recovery_plan_job's workflow: refusals, attach to the
plan's running job, one POST, a line per read with each group's and machine's state) runs the plan's operation once, and each
member's own job, the plan job's child, is handed back to the engine to record. A member out of the run (an earlier task
stopped it, or its checks failed here) stops the plan's job: it is one for all its members, and would move that member unchecked.
"""

from __future__ import annotations

# What each fleet phase asks of the plan, and the word for "nothing was ..." when a member out of the run stops it.
OPERATIONS = {"failover_to_azure": ("failover", "started"), "commit_failover": ("commit", "committed")}


def plan_options(params, stage):
    """The options of PlanAction (asr_recovery_plan_job's names) for the fleet stage ``stage``, from asr_fleet's ``params``."""
    operation = OPERATIONS[stage][0]
    return dict(name=params["recovery_plan"], operation=operation, direction="to_azure" if operation == "failover" else None,
                recovery_point=params["recovery_point"], use_multi_vm_sync_point=False, shutdown_source=params["shutdown_source"],
                test_network_id=None, comments=None, wait=True, wait_timeout=params["wait_timeout"], wait_sleep=params["wait_sleep"])


def members_out(plan_members, machines, stopped=None):
    """{name: why} for each member of the plan that is out of the run: not given to the engine (an earlier task of the run stopped
    it: ``stopped`` {host: why} says why, as the play knows it), or given and failed here. ``plan_members``: the members' item facts;
    ``machines``: the engine's {host: machine}."""
    stopped = {k.lower(): v for k, v in (stopped or {}).items()}
    given = {}
    for host, machine in machines.items():
        if machine["facts"]:
            given[machine["facts"]["id"].lower()] = host
    out = {}
    for member in plan_members:
        host = given.get(member["id"].lower())
        if host is None:
            name = member["friendly_name"] or member["name"]
            out[name] = stopped.get(name.lower()) or "an earlier task of the run stopped it (the summary says why)"
        elif machines[host]["error"]:
            out[host] = machines[host]["error"]
    return out


def refusal(host, stage, plan_name, out, others_option=None):
    """What a member whose stage is to do records when members out of the run stop the plan's job."""
    operation, word = OPERATIONS[stage]
    message = "nothing was sent for %s: the %s of recovery plan %s is one job for all its members, and %s; nothing was %s" % (
        host, operation, plan_name, "; ".join("%s failed - %s" % item for item in sorted(out.items())), word)
    if others_option:
        message += ". %s=true commits the other members machine by machine" % others_option
    return message


def children(plan_job, machines, hosts):
    """{host: id of its own job in the plan job} for each of ``hosts``, from the plan job's groups (group_progress); a host the job
    names no job of is left out."""
    by_name = {}
    for group in (plan_job or {}).get("groups") or []:
        for child in group["machines"]:
            if child.get("job_id"):
                by_name[(child.get("name") or "").lower()] = child["job_id"]
    found = {}
    for host in hosts:
        facts = machines[host]["facts"] or {}
        for name in (host, facts.get("friendly_name"), facts.get("name")):
            if name and name.lower() in by_name:
                found[host] = by_name[name.lower()]
                break
    return found
