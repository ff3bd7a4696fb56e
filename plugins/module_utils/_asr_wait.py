# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the roles and modules wait for: a job to end, or an item to reach a condition; one Poll each.

Private to the collection. Used by the module ``asr_wait``, by its controller-side action plugin (which prints
each read through Ansible's display instead of starting a module process per read), and by ``asr_reprotect``.
See docs/waiting.md.
"""

from __future__ import annotations

import time

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_items import item_facts
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_jobs import WAIT_SPEC, JobWaiter, parse_time
from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError
from ansible_collections.siterecovery.vmware.plugins.module_utils._poll import Poll, PollTimeout
from ansible_collections.siterecovery.vmware.plugins.module_utils._vault_gateway import VaultGateway

# A wait's reads are sent once each (no retry by the transport): the wait's Poll reads again at its interval, and a read
# that failed is one line of the wait's output, instead of up to a minute of silent retries inside one read.
ONE_ATTEMPT = 0
# What ASR says while a failed-over machine's agent has not registered again (the reprotect fails meanwhile).
AGENT_NOT_REGISTERED = ("150273",)


def agent_pending(facts):
    """True while the failed-over machine's Mobility agent has not registered again (it takes up to 15 minutes)."""
    return facts.get("agent_registered_after_failover") is False or any(e.get("code") in AGENT_NOT_REGISTERED for e in facts["health_errors"])


# condition -> (test on the item's facts, what is waited for)
CONDITIONS = {
    "agent_registered": (lambda facts: not agent_pending(facts), "the machine's agent to register again after the failover"),
    "protected": (lambda facts: facts["protection_state"] == "Protected", "the item to be Protected"),
}
WAIT_FOR = ("job",) + tuple(sorted(CONDITIONS))
# The options of asr_wait (its module and its action plugin), beside the Azure ones.
ARGUMENT_SPEC = dict(
    job_id=dict(type="str"),
    name=dict(type="str"),
    wait_for=dict(type="str", default="job", choices=list(WAIT_FOR)),
    label=dict(type="str"),
    wait_timeout=WAIT_SPEC["wait_timeout"],
    wait_sleep=WAIT_SPEC["wait_sleep"],
    wait_timeout_name=dict(type="str", default="wait_timeout"),
)
REQUIRED_IF = [("wait_for", "job", ["job_id"]), ("wait_for", "agent_registered", ["name"]), ("wait_for", "protected", ["name"])]


def job_line(label, facts, now=None):
    """One progress line for a job: state, current task, seconds since the job started."""
    started = parse_time(facts.get("start_time"))
    seconds = ""
    if started:
        seconds = " (%d s)" % max(((now or time.time()) - started.timestamp()), 0)
    task = ", task: %s" % facts["current_task"] if facts.get("current_task") else ""
    return "%s: %s job %s %s%s%s" % (label, facts.get("operation") or "the", facts.get("id"), facts.get("state") or "NotStarted", task, seconds)


def item_line(label, what, facts, elapsed):
    return "%s: waiting for %s: %s, %s (%d s)" % (label, what, facts["protection_state"], facts["stage"], elapsed)


def failed_line(label, error, pause, poll, timeout_option):
    """One line for a read that failed and will be read again: which read, why, when the next one is, what time is left."""
    return "%s: read %d failed, reading again in %d s (%d s left of %s): %s" % (
        label, poll.reads, round(pause), poll.remaining(), timeout_option, error.message)


def wait_for_item(asr, vault, item, condition, label, poll, progress=None):
    """The item's facts once ``condition`` (a key of CONDITIONS) holds, read under ``poll``; SiteRecoveryError when it runs out."""
    test, what = CONDITIONS[condition]
    params = asr.params

    def read():
        with asr.step("reading replicated item %s" % item["name"]):
            return item_facts(vault.refresh(item, retry_total=ONE_ATTEMPT))

    option = params.get("wait_timeout_name") or "wait_timeout"
    try:
        return poll.until(read, test, progress=(lambda facts: progress(item_line(label, what, facts, poll.elapsed()))) if progress else None,
                          failed=(lambda error, pause: progress(failed_line(label, error, pause, poll, option))) if progress else None)
    except PollTimeout as out:
        state = "; it is %s" % out.value["protection_state"] if out.value else ""
        raise SiteRecoveryError("%s: still waiting for %s after %d s%s; nothing was changed. Run again, or raise %s"
                                % (label, what, out.elapsed, state, params.get("wait_timeout_name") or "wait_timeout"),
                                code="WaitTimeout") from None


def wait(asr, progress=None, clock=time.monotonic, pause=time.sleep):
    """The run of ``asr_wait``: follow ``job_id``, or wait until item ``name`` meets ``wait_for``.

    ``progress(line)`` is given a line after each read (the action plugin prints it).
    """
    params = asr.params
    vault = VaultGateway.of(asr)
    started = clock()
    if params["wait_for"] == "job":
        label = params["label"] or "job %s" % params["job_id"]

        def read(job_id):
            with asr.step("reading job %s of vault %s" % (job_id, asr.vault_name)):
                return vault.job(job_id, retry_total=ONE_ATTEMPT)

        option = params.get("wait_timeout_name") or "wait_timeout"
        waiter = JobWaiter(read, params["wait_timeout"], params["wait_sleep"], clock=clock, pause=pause,
                           progress=(lambda facts: progress(job_line(label, facts))) if progress else None, timeout_option=option,
                           failed=(lambda error, pause_seconds: progress(failed_line(label, error, pause_seconds, waiter.poll, option)))
                           if progress else None)
        job = waiter.wait(params["job_id"], label)
        return dict(changed=False, job=job, seconds=round(clock() - started, 1), reads=waiter.poll.reads, failed_reads=waiter.poll.failed_reads)
    with asr.step("finding replicated item %s in vault %s" % (params["name"], asr.vault_name)):
        item = vault.find(params["name"])
    label = params["label"] or item["properties"].get("friendlyName") or item["name"]
    poll = Poll(params["wait_timeout"], params["wait_sleep"], clock=clock, pause=pause)
    facts = wait_for_item(asr, vault, item, params["wait_for"], label, poll, progress=progress)
    return dict(changed=False, replicated_item=facts, seconds=round(clock() - started, 1), reads=poll.reads, failed_reads=poll.failed_reads)
