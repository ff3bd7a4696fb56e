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

A write is sent again only after Resource Manager's 429 (:func:`throttled`), which ARM answers before the request
reaches the resource provider: :func:`send_until_taken` is that loop, on the same Poll.
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


def throttled(error):
    """True for Resource Manager's 429: the request was refused before it was processed, so sending it again is safe, a write too."""
    return isinstance(error, SiteRecoveryError) and error.status == 429


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

    def until(self, read, done, progress=None, retry_after=None, failed=None, retry_on=transient):  # pylint: disable=too-many-arguments
        """Call ``read()`` until ``done(value)`` is true, and return that value.

        ``progress(value)`` is called after each read. ``retry_after(value)`` may return the seconds the service
        asked to wait. A transient read error (``retry_on(error)``) is read again while time remains; any other error is raised.
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
                if not retry_on(error):
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


def send_until_taken(send, context, timeout, option="wait_timeout", clock=time.monotonic, pause=time.sleep):
    """Call ``send()`` (one write) and return what it returns; after Resource Manager's 429 send it again once Retry-After
    has passed (up to ``CEILING``), until ``timeout`` seconds are over. Any other error is raised as it is: only a 429
    proves the write was not taken. When throttling outlasts the timeout, the error says so, and that nothing was taken."""
    poll = Poll(timeout, 1, clock=clock, pause=pause)
    try:
        return poll.until(send, lambda _answer: True, retry_on=throttled)
    except PollTimeout as out:
        last = out.last_error
        error = SiteRecoveryError(
            "%s: Azure Resource Manager throttled it for %d s, past %s (%d s): each of the %d sends was answered 429, so none was "
            "taken and nothing was started; the last answer: %s" % (context, round(out.elapsed), option, timeout, poll.reads, last.message),
            code=last.code or "TooManyRequests", status=429, correlation_id=last.correlation_id, request_id=last.request_id,
            recommended_action="run the task again once fewer requests are sent on the subscription (other runs, forks, shorter poll "
                               "intervals), or with a longer %s" % option)
        error.retry_after = last.retry_after
        raise error from None
