# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Following the jobs of many machines at once: one list of the vault's jobs per interval, not one read per machine.

Private to the collection. No Ansible. One :class:`Poll` (the one poll primitive) reads, at each interval, the vault's jobs that
started since the run's earliest job (ReplicationJobs_List with an OData ``startTime`` filter) and hands each machine the state of
its own job; a job the list does not show (yet) is read by its id. A line is printed when a machine's job state or current task
changes, and one line for the fleet per read. See docs/fleet.md.
"""

from __future__ import annotations

import collections
import datetime
import time

from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_cycle import jobs_filter
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_jobs import ENDED, ended_error, job_facts, parse_time, wait_timeout_error
from ansible_collections.siterecovery.vmware.plugins.module_utils._asr_wait import ONE_ATTEMPT, job_line
from ansible_collections.siterecovery.vmware.plugins.module_utils._poll import Poll, PollTimeout

# How far before the earliest followed job's start (or the run's start) the list looks: clocks of the controller and of Azure differ.
SKEW = datetime.timedelta(minutes=10)


def ended(facts):
    """True once a job needs no more reading: it ended, or it is suspended (someone must resume it)."""
    return bool(facts) and (facts["state"] in ENDED or facts["state"] == "Suspended")


def since_filter(starts, now):
    """The OData filter of the jobs that started at or after the earliest of ``starts`` (ASR times; the run's ``now`` if none), less SKEW."""
    moments = [parse_time(s) for s in starts if s] + [now]
    return jobs_filter(min(m for m in moments if m) - SKEW)


def hand_out(listed, wanted):
    """{key: job document} for each ``wanted`` {key: job id} that the list ``listed`` (job documents) shows; the others are left out."""
    by_id = {(j.get("name") or "").lower(): j for j in listed}
    return {key: by_id[job_id.lower()] for key, job_id in wanted.items() if job_id.lower() in by_id}


def fleet_line(label, states, elapsed):
    """One line for the fleet after a read: how many jobs are in each state."""
    counts = collections.Counter(f["state"] if f else "NotSeen" for f in states.values())
    return "%s: %d jobs: %s (%d s)" % (label, len(states), ", ".join("%d %s" % (n, s) for s, n in sorted(counts.items())), elapsed)


class FleetFollower:  # pylint: disable=too-many-instance-attributes
    """Follows {key: job id} until every job has ended, through ``vault`` (a VaultReader) and ``step`` (AzureSession.step)."""

    def __init__(self, vault, step, timeout, interval, progress=None, clock=time.monotonic, pause=time.sleep, timeout_option="wait_timeout"):
        self.vault = vault
        self.step = step
        self.timeout = timeout
        self.interval = interval
        self.progress = progress
        self.clock = clock
        self.pause = pause
        self.timeout_option = timeout_option
        self.lists = 0  # the lists of the vault's jobs sent
        self.single_reads = 0  # the jobs read by id because the list did not show them
        self.poll = None

    def follow(self, wanted, labels, starts=(), now=None):
        """{key: (job facts or None, SiteRecoveryError or None)} for each ``wanted`` {key: job id}, once each job has ended.

        ``labels`` {key: what a line says of the machine}; ``starts``: the ASR start times of jobs started before this run."""
        if not wanted:
            return {}
        odata = since_filter(starts, now or datetime.datetime.now(datetime.timezone.utc))
        states = dict.fromkeys(wanted)
        shown = {}
        poll = self.poll = Poll(self.timeout, self.interval, clock=self.clock, pause=self.pause)

        def read():
            with self.step("listing the jobs of vault %s (%s)" % (self.vault.vault, odata)):
                self.lists += 1
                found = hand_out(self.vault.jobs(odata, retry_total=ONE_ATTEMPT), {k: v for k, v in wanted.items() if not ended(states[k])})
            for key, document in found.items():
                states[key] = job_facts(document)
            for key in [k for k in wanted if states[k] is None and k not in found]:
                with self.step("reading job %s" % wanted[key]):
                    self.single_reads += 1
                    states[key] = job_facts(self.vault.job(wanted[key], retry_total=ONE_ATTEMPT))
            return states

        def report(current):
            if not self.progress:
                return
            for key, facts in current.items():
                seen = (facts or {}).get("state"), (facts or {}).get("current_task")
                if facts and shown.get(key) != seen:
                    shown[key] = seen
                    self.progress(job_line(labels[key], facts))
            self.progress(fleet_line("fleet", current, poll.elapsed()))

        def failed(error, pause_seconds):
            if self.progress:
                self.progress("fleet: list %d of the jobs failed, reading again in %d s (%d s left of %s): %s" % (
                    poll.reads, round(pause_seconds), poll.remaining(), self.timeout_option, error.message))

        try:
            poll.until(read, lambda current: all(ended(f) for f in current.values()), progress=report, failed=failed)
        except PollTimeout as out:
            return {key: self._outcome(states[key], labels[key], wanted[key], out) for key in wanted}
        return {key: self._outcome(states[key], labels[key], wanted[key]) for key in wanted}

    def _outcome(self, facts, label, job_id, out=None):
        """(facts, error) of one machine's job, as JobWaiter.wait would end for it."""
        if ended(facts):
            return facts, ended_error(facts, label)
        return facts, wait_timeout_error(label, job_id, PollTimeout(facts, out.elapsed if out else 0, out.last_error if out else None),
                                         self.timeout_option)
