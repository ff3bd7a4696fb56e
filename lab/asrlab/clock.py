"""Lab time: real timestamps, durations shrunk by a time scale.

At scale 1.0 a job takes as long as in Azure and Retry-After is 30 s; tests run
at about 0.02, where the same job takes a second or two and Retry-After is 1 s.
"""

from __future__ import annotations

import contextlib
import datetime
import math
import threading
import time

NO_TIME = "1753-01-01T01:01:01Z"  # ASR's "never" (currentScenario.startTime when idle)

_INSTANT = threading.local()  # the moment a request of this thread is answered at (Clock.instant)


def _wall():
    return datetime.datetime.now(datetime.timezone.utc)


def iso(moment):
    """ASR's timestamp form: 2021-08-26T07:14:54.4900624Z (seven fractional digits)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"


class Clock:
    """Wall-clock time, with lab durations scaled by ``scale``."""

    def __init__(self, scale=1.0):
        if scale <= 0:
            raise ValueError("the time scale must be positive")
        self.scale = float(scale)

    @staticmethod
    def now():
        return getattr(_INSTANT, "moment", None) or _wall()

    @staticmethod
    @contextlib.contextmanager
    def instant():
        """Answer one request at one moment: inside, now() stays where it was on entry (nested: the outer moment).

        ASR applies a job's end and the item's new state at once. Without one moment per request, a job could end
        between the lab applying the jobs that had ended and checking the item's allowed operations: the item then
        showed its old state with no job running, and took a second commit (two racing runs, CI of f17df2b)."""
        if getattr(_INSTANT, "moment", None) is not None:
            yield _INSTANT.moment
            return
        _INSTANT.moment = _wall()
        try:
            yield _INSTANT.moment
        finally:
            _INSTANT.moment = None

    @staticmethod
    def monotonic():
        return time.monotonic()

    def duration(self, azure_seconds):
        """How long something that takes ``azure_seconds`` in Azure takes in the lab."""
        return datetime.timedelta(seconds=azure_seconds * self.scale)

    def retry_after(self, azure_seconds=30):
        """Retry-After in whole seconds (at least 1)."""
        return max(1, int(math.ceil(azure_seconds * self.scale)))
