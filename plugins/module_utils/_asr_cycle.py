# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The last failover-failback cycle of one replicated item, from the vault's own record: its jobs.

Private to the collection. Pure: no Ansible, no SDK, no I/O. Jobs are ASR's JSON (``job_facts`` makes
their facts). ASR's jobs do not say which way a failover or a reprotect went, so the jobs are read
backwards from where the machine runs now: the newest failover brought it where it is, each failover
before it went the other way, and a commit or a reprotect happens where the machine runs at that time.
"""

from __future__ import annotations

import datetime

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_jobs import job_facts, parse_time
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_state import FORWARD_PROVIDERS

# The stages of the whole cycle, in order, as full_cycle.yml names them (failback_prepare runs no ASR job).
CYCLE_STAGES = ("failover_to_azure", "commit_failover", "failback_prepare", "reprotect_to_onprem", "failback_to_onprem",
                "commit_failback", "reprotect_to_azure")
# ASR's scenario names (recorded: UnplannedFailover, CommitFailover, SwitchReplicationGroupProtection).
FAILOVERS = ("UnplannedFailover", "PlannedFailover")
COMMITS = ("CommitFailover", "Commit", "FinalizeFailback")
REPROTECTS = ("SwitchReplicationGroupProtection", "Reprotect", "SwitchProtection")
CANCEL = "CancelFailover"
SUCCEEDED = ("Succeeded", "CompletedWithInformation")
# How far back the record is read when no start is given.
DEFAULT_WINDOW_DAYS = 30
# The item's identifiers a job may name as its targetObjectId (recorded: the VM id of a classic item, the
# internal identifier of a modernized one; they change when a reprotect switches the provider).
TARGET_ID_KEYS = ("vmId", "internalIdentifier", "infrastructureVmId", "replicaId")


def parse_since(text):
    """An aware datetime from ISO 8601 text with a zone (Z or +hh:mm); ValueError otherwise."""
    try:
        moment = datetime.datetime.fromisoformat(str(text).strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError("%r is not an ISO 8601 date and time (for example 2026-12-01T08:00:00Z)" % (text,)) from None
    if moment.tzinfo is None:
        raise ValueError("%r has no time zone: add Z (UTC) or an offset such as +01:00" % (text,))
    return moment


def window_start(since=None, window_days=DEFAULT_WINDOW_DAYS, now=None):
    """Where the record is read from: ``since`` (ISO 8601 with a zone), else ``window_days`` before ``now``."""
    if since:
        return parse_since(since)
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return now - datetime.timedelta(days=window_days)


def jobs_filter(start):
    """The OData filter of the vault's job list for the jobs that started since ``start`` (ASR's JobQueryParameter startTime)."""
    return "startTime eq '%s'" % start.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _target_ids(item):
    details = item["properties"].get("providerSpecificDetails") or {}
    ids = {item["name"].lower()}
    for key in TARGET_ID_KEYS:
        value = str(details.get(key) or "").lower()
        if value:
            ids.update((value, value.split("_replica_", 1)[0]))
    return ids


def item_jobs(item, jobs):
    """The jobs (ASR's JSON) that worked on ``item`` (ASR's JSON), as job facts: by target id, else by the machine's name."""
    ids = _target_ids(item)
    name = (item["properties"].get("friendlyName") or "").lower()
    found = []
    for job in jobs:
        properties = job.get("properties") or {}
        if properties.get("targetInstanceType") not in (None, "ProtectionEntity"):
            continue
        target = str(properties.get("targetObjectId") or "").lower()
        if (target and target in ids) or (name and str(properties.get("targetObjectName") or "").lower() == name):
            found.append(job_facts(job))
    return found


def _record(job):
    return dict(job_id=job["id"], job_state=job["state"], job_start=job["start_time"], job_end=job["end_time"], job_seconds=job["seconds"],
                recovery_point=job["recovery_point"])


def _classified(facts, jobs, start):
    """(stage, job) of each successful cycle job that started since ``start``, oldest first, read back from where the machine runs."""
    since = [j for j in jobs if j["state"] in SUCCEEDED and (parse_time(j["start_time"]) or start) >= start]
    ended = sorted(((parse_time(j["end_time"]), j) for j in since if parse_time(j["end_time"])), key=lambda pair: pair[0])
    moves = []
    for _time, job in ended:
        if job["operation"] == CANCEL:
            # A cancelled failover puts the machine back where it was: it and its cancel count for nothing.
            last = next((i for i in range(len(moves) - 1, -1, -1) if moves[i]["operation"] in FAILOVERS), None)
            if last is not None:
                del moves[last]
        elif job["operation"] in FAILOVERS + COMMITS + REPROTECTS:
            moves.append(job)
    where = facts.get("running_in")
    stages = []
    for job in reversed(moves):
        if job["operation"] in FAILOVERS:
            stages.append(("failover_to_azure" if where == "azure" else "failback_to_onprem", job))
            where = "onprem" if where == "azure" else "azure"
        elif job["operation"] in COMMITS:
            stages.append(("commit_failover" if where == "azure" else "commit_failback", job))
        else:
            stages.append(("reprotect_to_onprem" if where == "azure" else "reprotect_to_azure", job))
    return list(reversed(stages))


def last_cycle(facts, jobs, start):
    """The item's last cycle since ``start`` (an aware datetime), from its facts (``item_facts``) and its jobs (``job_facts``).

    The cycle begins with the newest failover to Azure (or, when it ended before ``start``, with the oldest job since).
    ``stages`` holds each stage the cycle went through, in order, with its job (failback_prepare has none, nor a commit that
    a modernized reprotect made); ``complete`` is true when a reprotect to Azure followed a failback and the machine
    replicates to Azure from on-premises again.
    """
    classified = _classified(facts, jobs, start)
    begin = max((i for i, (stage, _job) in enumerate(classified) if stage == "failover_to_azure"), default=0)
    jobs_of = {}
    for stage, job in classified[begin:]:
        jobs_of[stage] = job  # a stage done twice (a retry that succeeded again): the newest
    reached = max((CYCLE_STAGES.index(s) for s in jobs_of), default=-1)
    stages = {}
    for stage in CYCLE_STAGES[:reached + 1]:
        unknown = dict(job_id=None, job_state=None, job_start=None, job_end=None, job_seconds=None, recovery_point=None)
        stages[stage] = _record(jobs_of[stage]) if stage in jobs_of else unknown
    failback, back_to_azure = jobs_of.get("failback_to_onprem"), jobs_of.get("reprotect_to_azure")
    in_place = (facts.get("running_in") == "onprem" and facts.get("stage") == "replicating" and facts.get("provider") in FORWARD_PROVIDERS)
    complete = bool(failback and back_to_azure and parse_time(back_to_azure["end_time"]) >= parse_time(failback["end_time"]) and in_place)
    return dict(
        since=start.isoformat(), complete=complete, reached=CYCLE_STAGES[reached] if reached >= 0 else None, stages=stages,
        failover_to_azure=stages.get("failover_to_azure"), failback_to_onprem=stages.get("failback_to_onprem"),
        reprotect_to_azure=stages.get("reprotect_to_azure"),
    )
