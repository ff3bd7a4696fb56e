# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The run's summary: each machine's record, the fleet's totals, the lines printed, and the words for a machine's state.

Private to the collection. Pure: no Ansible, no SDK, no I/O. The playbooks' summary (roles/asr/tasks/summary.yml) gives it
what the run knows of each machine (the stages it recorded, its error, its last read) and, when that read worked, the
vault's final read; everything else is computed here, from those alone (docs/summary.md).
"""

from __future__ import annotations

import datetime

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_jobs import parse_time
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_state import FORWARD_PROVIDERS

UNKNOWN_JOB = dict(job_id=None, job_state=None, job_start=None, job_end=None, job_seconds=None, recovery_point=None)


def utc_now():
    """Now, in UTC, with its zone."""
    return datetime.datetime.now(datetime.timezone.utc)


def iso(moment):
    """An aware datetime as ISO 8601 with its zone (naive ones are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.isoformat()


def seconds_between(earlier, later):
    """Seconds from ``earlier`` to ``later`` (ASR timestamps, or aware datetimes), one decimal; None when either is unknown."""
    first = earlier if isinstance(earlier, datetime.datetime) else parse_time(earlier)
    second = later if isinstance(later, datetime.datetime) else parse_time(later)
    if first is None or second is None:
        return None
    return round((second - first).total_seconds(), 1)


def state_words(state):
    """Where a machine stands, in words, from its state (running_in, stage, forward, job): what the stages' messages say."""
    where, stage, job = state.get("running_in"), state.get("stage"), state.get("job")
    side = {"azure": "in Azure", "onprem": "on-premises"}.get(where, "somewhere ASR does not say")
    if stage == "replicating":
        return "replicating to Azure" if state.get("forward") else "replicating to on-premises"
    if stage == "commit_pending":
        return ("failed over to Azure" if where == "azure" else "failed back to on-premises") + ", not committed yet"
    if stage == "committed":
        return ("failed over to Azure" if where == "azure" else "failed back to on-premises") + " and committed, not replicating"
    if stage == "busy":
        return "job %s running" % job if job else "a job running"
    return "running %s, neither replicating nor failed over (initial replication, resync, or a state this collection does not drive)" % side


def failback_point_check(name, points, choice, failover_time, now=None, point_id=None):
    """Whether the point a failback would use is older than the machine's failover to Azure: then every write made in Azure
    since that failover is lost. ``points``: the item's recovery points (id, time, type); ``choice``: the failback's
    recovery_point option; ``failover_time``: when the failover to Azure started. Returns the point, the times, and a
    ``message`` (None when the point is newer, or when it cannot be told)."""
    now = now or utc_now()
    kind = "AppConsistent" if choice == "latest_app_consistent" else None
    if choice == "custom" and point_id:
        chosen = [p for p in points if point_id in (p.get("id"), (p.get("id") or "").rsplit("/", 1)[-1], p.get("name"))]
    else:
        chosen = [p for p in points if kind is None or p.get("type") == kind]
    point = max(chosen, key=lambda p: parse_time(p.get("time")) or datetime.datetime.min.replace(tzinfo=datetime.timezone.utc),
                default=None)
    result = dict(point=point, failover_time=failover_time, older_than_failover=False, lost_seconds=None, message=None)
    gap = seconds_between((point or {}).get("time"), failover_time)
    if point is None or gap is None or gap <= 0:
        return result
    lost = seconds_between(failover_time, now)
    result.update(older_than_failover=True, lost_seconds=lost, message=(
        "%s: the failback would use recovery point %s (the newest%s), %s s older than the failover to Azure at %s: what the "
        "machine wrote in Azure since that failover, %s s so far (%s to %s), would be lost. ASR has no recovery point of the "
        "Azure VM newer than the failover yet; to keep that data, wait until asr_recovery_point_info lists one, then run again."
        % (name, point.get("time"), " app-consistent one" if kind else "", gap, failover_time, lost, failover_time, iso(now))))
    return result


def _stage_warnings(stages):
    found = []
    for name, stage in stages.items():
        for text in stage.get("warnings") or []:
            found.append("%s: %s" % (name, text))
    return found


def _merged_stages(run, earlier, stage_table, stage_order):
    """Each stage under its own key, in the cycle's order: this run's record, or, for a stage this run skipped (or did not
    reach) that the machine's last cycle went through, that stage as the vault's jobs show it."""
    out = {}
    for name in stage_order:
        ran = run.get(name)
        if ran and ran.get("status") != "skipped":
            out[name] = ran
        elif name in earlier:
            done = earlier[name]
            reason = ("done before this run, job %s ended %s" % (done["job_id"], done["job_end"]) if done.get("job_id")
                      else "done before this run (no ASR job of its own in the record)")
            out[name] = dict(done, title=stage_table[name]["title"], status="done earlier", seconds=0, reason=reason)
        elif ran:
            out[name] = ran
    return out


def _committed_point(stages):
    """The recovery point the failover was committed on, with its age at the failover's start (the achieved RPO): the point
    the commit moved to (a change of recovery point, ChangePit), else the one the failover used."""
    failover = stages.get("failover_to_azure") or {}
    commit = stages.get("commit_failover") or {}
    moved = (commit.get("change_recovery_point") or {}).get("recovery_point")
    if moved:
        started = failover.get("job_start") or commit.get("failover_time")
        return dict(moved, age_seconds=seconds_between(moved.get("time"), started))
    return failover.get("recovery_point")


def _failback_check(stages):
    """The failback's point against the failover to Azure (the job's point when it ran, else what was found before it)."""
    failback = stages.get("failback_to_onprem") or {}
    before = failback.get("point_check") or {}
    point = failback.get("recovery_point") or before.get("point")
    failover_time = (stages.get("failover_to_azure") or {}).get("job_start") or before.get("failover_time")
    gap = seconds_between((point or {}).get("time"), failover_time)
    if not point or gap is None or gap <= 0:
        return None
    lost = seconds_between(failover_time, failback.get("job_start")) if failback.get("job_start") else before.get("lost_seconds")
    return dict(point_time=point.get("time"), failover_time=failover_time, older_by_seconds=gap, lost_seconds=lost)


def _state_now(final, run, item, stage_table):
    """(running_in, stage, provider, protection_state, forward, as_of) from the final read, else from the run's own record:
    where the last stage done leaves the machine (the stage table), or the machine's last read."""
    if final:
        return (final.get("running_in"), final.get("stage"), final.get("provider"), final.get("protection_state"),
                final.get("replicates_to_azure"), "the vault, read at the end of the run")
    done = [name for name, stage in run.items() if stage.get("status") == "done"]
    last = list(run)[-1] if run else None
    if done and last == done[-1]:
        to = stage_table[last]["leaves"]
        return (to["running_in"], to["stage"], None, None, to["forward"],
                "this run's record: where %s left it (the final read failed)" % stage_table[last]["title"])
    if item:
        return (item.get("running_in"), item.get("stage"), item.get("provider"), item.get("protection_state"), item.get("replicates_to_azure"),
                "this run's last read of the machine (the final read failed or was not made)")
    return None, None, None, None, None, "unknown: the machine was never read"


def machine_record(host, data, final, stage_table, stage_order, now):
    """The summary's record of one machine. ``data``: what the run knows (stages, run_error, left_alone, item, item_name,
    not_started); ``final``: the machine's facts from the summary's final read, or None."""
    run = data.get("stages") or {}
    item = data.get("item") or {}
    cycle = (final or {}).get("last_cycle") or {}
    stages = _merged_stages(run, cycle.get("stages") or {}, stage_table, stage_order)
    running, stage, provider, protection, forward, as_of = _state_now(final, run, item, stage_table)
    if forward is None and provider:
        forward = provider in FORWARD_PROVIDERS
    failed = data.get("run_error") is not None or any(s.get("status") == "failed" for s in run.values())
    statuses = [s.get("status") for s in run.values()]
    if failed:
        status = "failed" if run else "not started"  # not started: it failed before any stage was recorded
    elif data.get("left_alone") or data.get("outside_plan"):
        status = "left alone"
    elif "would run" in statuses:
        status = "would run"
    elif "done" in statuses:
        status = "done"
    elif run:
        status = "skipped"
    else:
        status = "not started"
    point = _committed_point(stages)
    commit = stages.get("commit_failover")
    if commit and commit.get("recovery_point") and point and commit["recovery_point"].get("id") == point.get("id"):
        stages["commit_failover"] = dict(commit, recovery_point=dict(commit["recovery_point"], age_seconds=point.get("age_seconds")))
    failover, failback = run.get("failover_to_azure") or {}, run.get("failback_to_onprem") or {}
    warnings = _stage_warnings(stages)
    stale = _failback_check(stages)
    if stale:
        ran = (stages.get("failback_to_onprem") or {}).get("status") in ("done", "done earlier")
        warnings.append("failback_to_onprem: the failback %s recovery point %s, %s s older than the failover to Azure at %s: "
                        "what the machine wrote in Azure after the failover%s %s lost" % (
                            "used" if ran else "would use", stale["point_time"], stale["older_by_seconds"], stale["failover_time"],
                            " (%s s until the failback %s)" % (stale["lost_seconds"], "started" if ran else "was checked")
                            if stale["lost_seconds"] is not None else "", "was" if ran else "would be"))
    complete = bool(cycle.get("complete")) if final else all((stages.get(s) or {}).get("status") == "done" for s in stage_order)
    return dict(
        item=(final or {}).get("name") or item.get("name") or data.get("item_name") or host,
        status=status,
        running_in=running, stage=stage, provider=provider, protection_state=protection,
        state_words=state_words(dict(running_in=running, stage=stage, forward=forward)) if stage else None,
        state_as_of=as_of,
        last_failover_time=(final or item).get("last_failover_time"),
        failed=failed,
        error=data.get("run_error"),
        left_alone=bool(data.get("left_alone")),
        # With asr_recovery_plan: the plan whose jobs did this machine's failover, drill or commit; or the machine, not a member, left alone.
        recovery_plan=data.get("recovery_plan") if not data.get("outside_plan") else None,
        outside_plan=data.get("recovery_plan") if data.get("outside_plan") else None,
        stages=stages,
        # Achieved only by a failover that completed: a failed one's point is in its stage's line, not in the fleet's worst.
        achieved_rpo_seconds=(point or {}).get("age_seconds") if (stages.get("failover_to_azure") or {}).get("status") in ("done", "done earlier")
        else None,
        achieved_rto_seconds=failover.get("seconds") if failover.get("status") == "done" else None,
        failback_rpo_seconds=((stages.get("failback_to_onprem") or {}).get("recovery_point") or {}).get("age_seconds"),
        failback_rto_seconds=failback.get("seconds") if failback.get("status") == "done" else None,
        failback_point_older_than_failover=stale,
        warnings=warnings,
        cycle_complete=complete,
        last_cycle_since=cycle.get("since"),
        finished=iso(now),
    )


def _final_facts(final_items, name):
    """The final read's facts of the machine ``name`` (the inventory plugin names it by its ARM name, a static inventory by
    the machine's: either matches); None when the read failed or does not list it."""
    if final_items is None:
        return None
    for key in ("name", "friendly_name"):
        for facts in final_items:
            if facts.get(key) == name:
                return facts
    return None


def _worst(machines, key):
    found = [(record[key], host) for host, record in machines.items() if record.get(key) is not None]
    if not found:
        return None
    seconds, host = max(found)
    return dict(machine=host, seconds=seconds)


def totals(machines):
    """The fleet's totals: how many machines ended each way, and the worst RTO and RPO with their machine."""
    count = {}
    for record in machines.values():
        count[record["status"]] = count.get(record["status"], 0) + 1
    return dict(
        machines=len(machines), done=count.get("done", 0), skipped=count.get("skipped", 0) + count.get("left alone", 0),
        # failed: every machine that failed, not_started: those of them that failed before their first stage
        left_alone=count.get("left alone", 0), failed=sum(1 for r in machines.values() if r["failed"]),
        not_started=sum(1 for r in machines.values() if r["failed"] and r["status"] == "not started"),
        would_run=count.get("would run", 0),
        worst_rto=_worst(machines, "achieved_rto_seconds"), worst_rpo=_worst(machines, "achieved_rpo_seconds"),
        worst_failback_rto=_worst(machines, "failback_rto_seconds"), worst_failback_rpo=_worst(machines, "failback_rpo_seconds"),
        warnings=sum(len(r["warnings"]) for r in machines.values()),
    )


def summary_document(hosts, final_items, read_errors, stage_table, stage_order, playbook="", check_mode=False, now=None):
    """The whole summary: ``hosts`` maps each inventory host to what the run knows of it (see :func:`machine_record`);
    ``final_items``: the final read's facts of every item, or None when it failed or was not made; ``read_errors``: the
    reads that failed ({"read", "error"})."""
    now = now or utc_now()
    machines = {}
    for host, data in hosts.items():
        machines[host] = machine_record(host, data, _final_facts(final_items, data.get("item_name") or host), stage_table,
                                        stage_order, now)
    return dict(playbook=playbook, check_mode=bool(check_mode), finished=iso(now), machines=machines, totals=totals(machines),
                reads_failed=list(read_errors or []))


def _seconds(value):
    return "%s s" % value if value is not None else "unknown"


def _stage_line(name, stage):
    parts = []
    if stage.get("job_id"):
        state = stage.get("job_state") or "state unknown"
        if stage.get("job_seconds") is not None:
            state += ", %s s" % stage["job_seconds"]
        elif stage.get("job_start"):
            state += ", started %s" % stage["job_start"]
        parts.append("job %s (%s)" % (stage["job_id"], state))
    if stage.get("status") in ("done", "failed") and stage.get("seconds") is not None:
        parts.append("%s s" % stage["seconds"])
    point = stage.get("recovery_point")
    if point:
        parts.append("recovery point %s%s" % (point.get("time"), " (%s s old)" % point["age_seconds"] if point.get("age_seconds") is not None else ""))
    moved = stage.get("change_recovery_point") or {}
    if moved.get("job_id"):
        parts.append("recovery point changed first with job %s (%s)" % (moved["job_id"], moved.get("job_state") or "state unknown"))
    text = ("  %-24s %-12s %s" % (name, stage.get("status"), ", ".join(parts))).rstrip()
    if stage.get("status") in ("skipped", "failed", "done earlier") and stage.get("reason"):
        text += " - %s" % stage["reason"]
    return text


def _machine_head(host, record):
    words = {"failed": "FAILED", "left alone": "left alone (cycle already complete)", "not started": "NOT STARTED"}
    if record.get("outside_plan"):
        words["left alone"] = "left alone (not in recovery plan %s)" % record["outside_plan"]
    head = "%s: %s" % (host, words.get(record["status"], record["status"]))
    if record.get("recovery_plan"):
        head += " [recovery plan %s]" % record["recovery_plan"]
    if record.get("stage"):
        head += " - now %s, %s" % ({"azure": "in Azure", "onprem": "on-premises"}.get(record["running_in"], record["running_in"]),
                                   record["state_words"])
        extra = ", ".join(v for v in (record.get("protection_state"), record.get("provider")) if v)
        if extra:
            head += " (%s)" % extra
    else:
        head += " - where it stands now is unknown"
    if record.get("cycle_complete"):
        head += ", cycle complete"
    if record.get("stage") and record.get("state_as_of") and not record["state_as_of"].startswith("the vault"):
        head += " [as of %s]" % record["state_as_of"]
    return head


def summary_lines(document):
    """The summary as the run prints it: one block per machine, then the fleet's totals and the reads that failed."""
    lines = ["%s%s, finished %s" % (document.get("playbook") or "the run", " (check mode: nothing was changed)"
                                    if document.get("check_mode") else "", document.get("finished"))]
    for host, record in document["machines"].items():
        lines.append(_machine_head(host, record))
        if record.get("error") and record["status"] in ("failed", "not started"):
            lines.append("  error: %s" % record["error"])
        for name, stage in record["stages"].items():
            lines.append(_stage_line(name, stage))
        if (record["stages"].get("failover_to_azure") or {}).get("status") == "failed":
            lines.append("  achieved RPO unknown, RTO unknown: the failover to Azure did not complete")
        elif record.get("achieved_rpo_seconds") is not None or record.get("achieved_rto_seconds") is not None:
            lines.append("  achieved RPO %s, RTO %s" % (_seconds(record["achieved_rpo_seconds"]),
                                                        _seconds(record["achieved_rto_seconds"])
                                                        if record["achieved_rto_seconds"] is not None else "unknown (the failover was not done by this run)"))
        if record.get("failback_rpo_seconds") is not None or record.get("failback_rto_seconds") is not None:
            lines.append("  failback RPO %s, RTO %s" % (_seconds(record["failback_rpo_seconds"]), _seconds(record["failback_rto_seconds"])))
        for text in record.get("warnings") or []:
            lines.append("  WARNING %s" % text)
    total = document["totals"]
    counts = ", ".join("%s %s" % (total[key], word) for key, word in (
        ("done", "done"), ("skipped", "skipped"), ("failed", "failed"), ("would_run", "would run")) if total[key] or key != "would_run")
    if total["not_started"]:
        counts += " (%d before their first stage)" % total["not_started"]
    worst = "; ".join("worst %s %s s (%s)" % (word, total[key]["seconds"], total[key]["machine"])
                      for key, word in (("worst_rto", "RTO"), ("worst_rpo", "RPO"), ("worst_failback_rto", "failback RTO"),
                                        ("worst_failback_rpo", "failback RPO")) if total[key])
    warned = "; %d warning%s" % (total["warnings"], "" if total["warnings"] == 1 else "s") if total["warnings"] else ""
    plural = "" if total["machines"] == 1 else "s"
    lines.append("fleet: %d machine%s: %s%s%s" % (total["machines"], plural, counts, "; " + worst if worst else "", warned))
    for failed in document.get("reads_failed") or []:
        lines.append("read failed: %s: %s" % (failed.get("read"), failed.get("error")))
    return lines


def stage_record(title, status, reason, job=None, seconds=0.0, extra=None):  # pylint: disable=too-many-arguments
    """One stage of one machine as the run records it (roles/asr/tasks/finish.yml, and the fleet engine): status, reason, its job's
    id, state, times, seconds and recovery point, the stage's wall seconds, and what ``extra`` adds."""
    job = job or {}
    found = dict(title=title, status=status, reason=reason, job_id=job.get("id"), job_state=job.get("state"), job_start=job.get("start_time"),
                 job_end=job.get("end_time"), job_seconds=job.get("seconds"), recovery_point=job.get("recovery_point"), seconds=seconds)
    found.update(extra or {})
    return found
