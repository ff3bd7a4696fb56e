# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ASR jobs: normalised facts, and waiting on one until it ends.

Private to the collection. No Ansible, no SDK: the waiter gets a ``read(job_id)`` callable that
returns the job's JSON. A wait that times out fails with the job's id and state and leaves the job
running: this collection never cancels a failover by itself.
"""

from __future__ import annotations

import datetime
import time

from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError
from ansible_collections.siterecovery.vmware.plugins.module_utils._facts import pick
from ansible_collections.siterecovery.vmware.plugins.module_utils._poll import Poll, PollTimeout

# The options of every module that waits on a job (documented in the doc fragment siterecovery.vmware.wait).
WAIT_SPEC = dict(wait=dict(type="bool", default=True), wait_timeout=dict(type="int", default=3600), wait_sleep=dict(type="int", default=30))


def wait_problems(params):
    """The wait options' values no wait can use (checked before any request); an empty list when there are none."""
    return ["%s must be at least 1 second (got %s)" % (option, params[option]) for option in ("wait_timeout", "wait_sleep")
            if params.get(option) is not None and params[option] < 1]


ENDED = ("Succeeded", "Failed", "Cancelled", "CompletedWithInformation", "Skipped")
TASK_FIELDS = (("name", "name"), ("friendly_name", "friendlyName"), ("state", "state"), ("state_description", "stateDescription"),
               ("start_time", "startTime"), ("end_time", "endTime"))
ERROR_FIELDS = (("code", "code"), ("message", "message"), ("possible_causes", "possibleCauses"), ("recommended_action", "recommendedAction"))


def _errors(entries):
    found = []
    for entry in entries or []:
        if not isinstance(entry, dict):
            continue
        service = entry.get("serviceErrorDetails") or {}
        provider = entry.get("providerErrorDetails") or {}
        facts = pick(service, ERROR_FIELDS)
        if not facts and provider:
            facts = pick(provider, (("code", "errorCode"), ("message", "errorMessage"), ("possible_causes", "possibleCauses"),
                                    ("recommended_action", "recommendedAction")))
        facts.update(pick(entry, (("task_id", "taskId"), ("level", "errorLevel"))))
        found.append(facts)
    return found


def parse_time(text):
    """An aware datetime from ASR's timestamps (2021-04-06T09:48:12.0073939Z, +00:00, no zone: UTC); None when unset or not one.

    ``datetime.fromisoformat`` reads them all on Python 3.11 and later (Z, and 7 fractional digits, cut to microseconds).
    """
    if not text or str(text).startswith("0001-"):
        return None
    try:
        moment = datetime.datetime.fromisoformat(str(text).strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.timezone.utc)


def _recovery_point(properties):
    """The recovery point a failover job used (FailoverJobDetails), and its age when the job started: the achieved RPO."""
    details = (properties.get("customDetails") or {}).get("protectedItemDetails") or []
    first = details[0] if details and isinstance(details[0], dict) else {}
    if not first.get("recoveryPointId") and not first.get("recoveryPointTime"):
        return None
    point_time, started = parse_time(first.get("recoveryPointTime")), parse_time(properties.get("startTime"))
    age = round((started - point_time).total_seconds(), 1) if point_time and started else None
    return dict(id=first.get("recoveryPointId"), time=first.get("recoveryPointTime"), age_seconds=age)


def _seconds(properties):
    started, ended = parse_time(properties.get("startTime")), parse_time(properties.get("endTime"))
    return round((ended - started).total_seconds(), 1) if started and ended else None


def job_facts(job):
    """Normalised facts about one job: id, state, times, target, tasks, errors."""
    properties = job.get("properties") or {}
    tasks = [dict(pick(t, TASK_FIELDS), errors=_errors(t.get("errors"))) for t in properties.get("tasks") or [] if isinstance(t, dict)]
    current = next((t for t in tasks if t.get("state") in ("InProgress", "Suspended")), None)
    return dict(
        id=job.get("name"), arm_id=job.get("id"), operation=properties.get("scenarioName"), friendly_name=properties.get("friendlyName"),
        state=properties.get("state"), state_description=properties.get("stateDescription"), start_time=properties.get("startTime"),
        end_time=properties.get("endTime"), target_name=properties.get("targetObjectName"), target_id=properties.get("targetObjectId"),
        allowed_actions=list(properties.get("allowedActions") or []), current_task=current["friendly_name"] if current else None,
        tasks=tasks, errors=_errors(properties.get("errors")), seconds=_seconds(properties),
        recovery_point=_recovery_point(properties),
    )


def job_error(facts, context):
    """The SiteRecoveryError of a job that ended Failed (or Cancelled), with ASR's first error."""
    first = (facts["errors"] or [{}])[0]
    failed_task = next((t for t in facts["tasks"] if t.get("state") == "Failed"), None)
    where = " at task '%s'" % failed_task["friendly_name"] if failed_task else ""
    detail = first.get("message") or "no error detail"
    message = "%s: job %s (%s) ended %s%s: %s" % (context, facts["id"], facts["operation"], facts["state"], where, detail)
    return SiteRecoveryError(message, code=first.get("code"), possible_causes=first.get("possible_causes"),
                             recommended_action=first.get("recommended_action"), details=facts["errors"][1:], job=facts)


class JobWaiter:
    """Follows a job until it ends, up to ``timeout`` seconds, reading it every ``sleep`` seconds (one :class:`Poll`)."""

    def __init__(self, read, timeout, sleep, progress=None, clock=time.monotonic, pause=time.sleep, timeout_option="wait_timeout",
                 failed=None):
        self.read = read
        self.timeout = timeout
        self.sleep = sleep
        self.progress = progress  # called with the job's facts at each read
        self.failed = failed  # called with (error, seconds until the next read) after each read that failed and is read again
        self.clock = clock
        self.pause = pause
        self.timeout_option = timeout_option  # how the caller names the timeout, for the message
        self.poll = None  # the last wait's Poll (its reads and failed reads)

    def wait(self, job_id, context):
        """The job's facts once it has ended; SiteRecoveryError when it failed, is suspended, or the wait timed out."""
        poll = self.poll = Poll(self.timeout, self.sleep, clock=self.clock, pause=self.pause)
        try:
            facts = poll.until(lambda: job_facts(self.read(job_id)), lambda f: f["state"] in ENDED or f["state"] == "Suspended",
                               progress=self.progress, failed=self.failed)
        except PollTimeout as out:
            raise wait_timeout_error(context, job_id, out, self.timeout_option) from None
        error = ended_error(facts, context)
        if error:
            raise error
        return facts


def ended_error(facts, context):
    """The SiteRecoveryError of a job that has stopped without success (failed, cancelled, suspended); None when it succeeded."""
    if facts["state"] in ("Failed", "Cancelled"):
        return job_error(facts, context)
    if facts["state"] == "Suspended":
        return SiteRecoveryError(
            "%s: job %s (%s) is suspended at task '%s' and waits for someone to resume it" % (
                context, facts["id"], facts["operation"], facts["current_task"]),
            code="JobSuspended", recommended_action="Resume the job (portal, or the ASR API) once the condition it waits for is met",
            job=facts)
    return None


def wait_timeout_error(context, job_id, out, timeout_option="wait_timeout"):
    """The error of a wait on ``job_id`` that ran out (:class:`PollTimeout` ``out``): the job is left running."""
    facts = out.value
    if facts is None:
        return SiteRecoveryError("%s: job %s could not be read for %d s (%s); it was left running, never cancelled"
                                 % (context, job_id, out.elapsed, out.last_error.message if out.last_error else "no answer"),
                                 code="WaitTimeout")
    unread = "; the last read failed: %s" % out.last_error.message if out.last_error else ""
    return SiteRecoveryError(
        "%s: job %s (%s) is still %s after %d s (current task: %s)%s; it was left running, never cancelled. "
        "Wait on it again with asr_job_info (job_id %s, wait: true) or a longer %s" % (
            context, facts["id"], facts["operation"], facts["state"], round(out.elapsed), facts["current_task"] or "none", unread,
            facts["id"], timeout_option),
        code="WaitTimeout", job=facts)
