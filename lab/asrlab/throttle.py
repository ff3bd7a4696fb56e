"""Azure Resource Manager's request throttling, as Microsoft documents it since 2024: token buckets.

"Understand how Azure Resource Manager throttles requests" (learn.microsoft.com, azure-resource-manager/management/
request-limits-and-throttling): per subscription (and per principal), one bucket per kind of operation, reads 250 tokens
refilled 25 per second, writes 200 refilled 10 per second, deletes 200 refilled 10 per second. A request takes a token;
with none left ARM answers 429 with a Retry-After in seconds and the request is not processed (it takes no token). Each
answer carries the tokens left of its kind (``x-ms-ratelimit-remaining-subscription-reads``, ``-writes``, ``-deletes``).

The buckets run on the real clock, not the lab's time scale: the scale shrinks how long ASR's jobs take, not the pace at
which a client sends requests. ``advance`` moves the buckets' clock on, so a test sees a refill without waiting for it.
"""

from __future__ import annotations

import math
import re
import threading
import time

# ARM's documented figures: kind -> (bucket size, tokens refilled per second).
DEFAULTS = {"reads": (250, 25.0), "writes": (200, 10.0), "deletes": (200, 10.0)}
KIND_OF_METHOD = {"GET": "reads", "HEAD": "reads", "OPTIONS": "reads", "PUT": "writes", "PATCH": "writes", "POST": "writes",
                  "DELETE": "deletes"}
# The word ARM's message uses for each kind.
WORD = {"reads": "read", "writes": "write", "deletes": "delete"}
SUBSCRIPTION_PATH = re.compile(r"^/subscriptions/([^/?]+)", re.IGNORECASE)


class Bucket:
    """``size`` tokens at most, ``refill`` more each second of ``clock``."""

    def __init__(self, size, refill, now):
        self.size = size
        self.refill = refill
        self.tokens = float(size)
        self.stamp = now

    def _fill(self, now):
        self.tokens = min(float(self.size), self.tokens + max(now - self.stamp, 0) * self.refill)
        self.stamp = now

    def take(self, now):
        """(taken, tokens left as ARM reports them, Retry-After in whole seconds when not taken)."""
        self._fill(now)
        if self.tokens >= 1:
            self.tokens -= 1
            return True, int(self.tokens), None
        if self.refill <= 0:
            return False, 0, 3600  # never refilled: as long as ARM's hour
        return False, 0, max(1, int(math.ceil((1 - self.tokens) / self.refill)))


class Throttle:
    """The lab's buckets, per subscription and kind, and what they answered."""

    def __init__(self, clock=time.monotonic):
        self.lock = threading.Lock()
        self.clock = clock
        self.enabled, self.offset, self.figures, self.buckets, self.counts = True, 0.0, {}, {}, {}
        self._defaults()

    def now(self):
        return self.clock() + self.offset

    def reset(self):
        """ARM's figures again, every bucket full, the counts at 0."""
        with self.lock:
            self._defaults()

    def _defaults(self):
        self.enabled = True
        self.offset = 0.0
        self.figures = dict(DEFAULTS)
        self.buckets = {}
        self.counts = {kind: dict(taken=0, throttled=0) for kind in DEFAULTS}

    def configure(self, enabled=None, figures=None, advance=0.0):
        """Turn throttling on or off, set a kind's ``(size, refill)`` (its buckets start full), move the clock on."""
        with self.lock:
            if enabled is not None:
                self.enabled = bool(enabled)
            for kind, (size, refill) in (figures or {}).items():
                self.figures[kind] = (size, refill)
                self.buckets = {key: bucket for key, bucket in self.buckets.items() if key[1] != kind}
            self.offset += advance

    def take(self, method, path):
        """None when the request is not throttled at all (throttling off, no subscription in the path, a method of no
        kind); else (kind, taken, tokens left, Retry-After)."""
        kind = KIND_OF_METHOD.get(method.upper())
        found = SUBSCRIPTION_PATH.match(path)
        if kind is None or found is None:
            return None
        with self.lock:
            if not self.enabled:
                return None
            now = self.now()
            key = (found.group(1).lower(), kind)
            if key not in self.buckets:
                self.buckets[key] = Bucket(self.figures[kind][0], self.figures[kind][1], now)
            taken, left, retry_after = self.buckets[key].take(now)
            self.counts[kind]["taken" if taken else "throttled"] += 1
            return kind, taken, left, retry_after

    def view(self):
        """What GET /lab/throttle answers."""
        with self.lock:
            now = self.now()
            kinds = {}
            for kind, (size, refill) in self.figures.items():
                left = {}
                for (subscription, of_kind), bucket in self.buckets.items():
                    if of_kind == kind:
                        bucket._fill(now)  # pylint: disable=protected-access  # same module's bucket
                        left[subscription] = int(bucket.tokens)
                kinds[kind] = dict(size=size, refill_per_second=refill, remaining=left, **self.counts[kind])
            return dict(enabled=self.enabled, advanced_seconds=self.offset, **kinds)


def message(kind, subscription, actor, retry_after):
    """ARM's words for a throttled request (error code SubscriptionRequestsThrottled)."""
    return ("Number of '%s' requests for subscription '%s' actor '%s' exceeded. Please try again after '%d' seconds after additional "
            "tokens are available. Refer to https://aka.ms/arm-throttling" % (WORD[kind], subscription, actor, retry_after))


def parse(body):
    """The arguments of :meth:`Throttle.configure` from POST /lab/throttle's body; ValueError naming what is wrong."""
    unknown = set(body) - set(DEFAULTS) - {"enabled", "advance_seconds"}
    if unknown:
        raise ValueError("unknown field(s) %s: give enabled, advance_seconds, or %s as {size, refill_per_second}"
                         % (", ".join(sorted(unknown)), ", ".join(DEFAULTS)))
    if "enabled" in body and not isinstance(body["enabled"], bool):
        raise ValueError("enabled must be true or false")
    figures = {}
    for kind in DEFAULTS:
        if kind not in body:
            continue
        given = body[kind] if isinstance(body[kind], dict) else {}
        size, refill = given.get("size", DEFAULTS[kind][0]), given.get("refill_per_second", DEFAULTS[kind][1])
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise ValueError("%s.size must be a whole number >= 0" % kind)
        if not isinstance(refill, (int, float)) or isinstance(refill, bool) or refill < 0:
            raise ValueError("%s.refill_per_second must be a number >= 0" % kind)
        figures[kind] = (size, float(refill))
    advance = body.get("advance_seconds", 0)
    if not isinstance(advance, (int, float)) or isinstance(advance, bool) or advance < 0:
        raise ValueError("advance_seconds must be a number >= 0")
    return dict(enabled=body.get("enabled"), figures=figures, advance=float(advance))
