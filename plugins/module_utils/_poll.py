# -*- coding: utf-8 -*-
# Copyright: contributors to the siterecovery.vmware collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Waiting, written once: read, decide, pause, until the condition holds or the deadline passes.

Private to the collection. No Ansible, no SDK. Every wait of the collection (a job to end, an agent to
register again, an item to be Protected, a deployment, a process server's registration, the job of a POST)
is a :class:`Poll`. The clock and the pause are injectable, so tests drive time instead of racing it.

A read that fails with a transient error (no answer, a reset connection, 408, 429, 5xx) is read again at
the next interval while the deadline allows: waiting is reading, and one failed read is not a failed wait.
A ``Retry-After`` the service gives is honoured, up to ``CEILING`` seconds.
"""

from __future__ import annotations

import time

from ansible_collections.siterecovery.vmware.plugins.module_utils._errors import SiteRecoveryError

# The longest pause a Retry-After may ask for, in seconds.
CEILING = 300
# The answers after which a read may be repeated safely.
TRANSIENT_STATUS = (408, 429, 500, 502, 503, 504)


def transient(error):
    """True for a read error worth reading again: no answer at all, or a status that says "later"."""
    if not isinstance(error, SiteRecoveryError):
        return False
    if error.status is None:
        return error.code in ("ServiceRequestError", "ServiceResponseError")
    return error.status in TRANSIENT_STATUS


class PollTimeout(Exception):
    """The deadline passed before the condition held; ``value`` is the last value read (None if none was)."""

    def __init__(self, value, elapsed, last_error=None):
        super().__init__("the wait ran out after %d s" % elapsed)
        self.value = value
        self.elapsed = elapsed
        self.last_error = last_error


class Poll:
    """One wait: ``timeout`` seconds from now, a read every ``interval`` seconds."""

    def __init__(self, timeout, interval, clock=time.monotonic, pause=time.sleep, ceiling=CEILING):
        if timeout < 0 or interval <= 0:
            raise ValueError("a wait needs a timeout of 0 or more and an interval above 0 (got %r, %r)" % (timeout, interval))
        self.timeout = timeout
        self.interval = interval
        self.clock = clock
        self.pause = pause
        self.ceiling = ceiling
        self.started = clock()
        self.deadline = self.started + timeout
        self.reads = 0
        self.failed_reads = []  # the messages of the transient read errors met

    def elapsed(self):
        return self.clock() - self.started

    def remaining(self):
        return max(self.deadline - self.clock(), 0)

    def next_pause(self, retry_after=None):
        """Seconds until the next read: the interval, or a longer Retry-After up to the ceiling, never past the deadline."""
        wanted = self.interval
        if retry_after:
            wanted = max(wanted, min(float(retry_after), self.ceiling))
        return min(wanted, self.remaining())

    def sleep(self, retry_after=None):
        """Pause until the next read (:meth:`next_pause`)."""
        self.pause(self.next_pause(retry_after))

    def until(self, read, done, progress=None, retry_after=None, failed=None):
        """Call ``read()`` until ``done(value)`` is true, and return that value.

        ``progress(value)`` is called after each read. ``retry_after(value)`` may return the seconds the service
        asked to wait. A transient read error is read again while time remains; any other error is raised.
        ``failed(error, pause)`` is called after each transient read error that will be read again, with the
        seconds until that read. Raises :class:`PollTimeout` when the deadline passes first.
        """
        value, last_error = None, None
        while True:
            hint = None
            self.reads += 1
            try:
                value = read()
            except SiteRecoveryError as error:
                if not transient(error):
                    raise
                last_error = error
                self.failed_reads.append(error.message)
                hint = getattr(error, "retry_after", None)
            else:
                last_error = None
                if progress:
                    progress(value)
                if done(value):
                    return value
                hint = retry_after(value) if retry_after else None
            if self.remaining() <= 0:
                raise PollTimeout(value, self.elapsed(), last_error)
            if last_error is not None and failed:
                failed(last_error, self.next_pause(hint))
            self.sleep(hint)
