"""The Prometheus side of `Meter`, plus what the Slack adapter records: one registry per app.

Each `Metrics` owns its own `CollectorRegistry`, so two apps in one process (the tests) never
share a counter, and nothing here is module-level state. Label values come from fixed sets or
are squeezed into one (`_bounded`): no user, channel or team id, and no text, ever reaches a
label, so the number of series stays small whatever Slack sends.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from bot.meter import OUTCOMES

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
SURFACES = ("command", "event", "action", "view", "options", "other")
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)
"""Seconds; 1.0 is the ack SLO's threshold (slo/sre-coach.sloth.yaml), 3.0 is Slack's limit."""
LATENESS_BUCKETS = (1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 900.0, 3600.0, 4 * 3600.0)
"""Seconds; 300.0 is the punctuality SLO's threshold."""
TICK_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)
_WORD = re.compile(r"[a-z][a-z0-9_.-]{0,47}")
_METHOD = re.compile(
    r"[a-z]+(\.[a-z][A-Za-z]*){1,3}"
)  # chat.postMessage, files.completeUploadExternal


def _bounded(value: str, allowed: tuple[str, ...] | re.Pattern[str] = _WORD) -> str:
    """`value` when it is one of `allowed` (by default: a short lowercase word, such as Slack's
    error codes), else "other": ids (U0123, C0456) and text never pass."""
    if isinstance(allowed, tuple):
        return value if value in allowed else "other"
    return value if allowed.fullmatch(value) else "other"


PoolState = Callable[[], tuple[int, int]]
"""(connections in use, connections the pool holds) of the database's pool."""


class _Pool(Collector):
    """The database pool, read at scrape time."""

    def __init__(self, state: PoolState) -> None:
        self.state = state

    def collect(self) -> Iterator[GaugeMetricFamily]:
        in_use, size = self.state()
        yield GaugeMetricFamily(
            "sre_coach_db_pool_in_use", "Database connections checked out now.", value=in_use
        )
        yield GaugeMetricFamily(
            "sre_coach_db_pool_size", "Database connections the pool holds now.", value=size
        )


class Metrics:
    """Every metric the bot serves on `/metrics`; implements `bot.meter.Meter`."""

    def __init__(self, pool: PoolState | None = None) -> None:
        self.registry = registry = CollectorRegistry()
        self.acks = Histogram(
            "sre_coach_ack_seconds",
            "Seconds from receiving a Slack request to its acknowledgement, by surface.",
            ["surface"], buckets=ACK_BUCKETS, registry=registry,
        )  # fmt: skip
        self.refused = Counter(
            "sre_coach_requests_refused",
            "Requests refused at the door (bad signature, stale, oversized), by HTTP status.",
            ["status"], registry=registry,
        )  # fmt: skip
        self.nudges = Counter(
            "sre_coach_nudges",
            "Nudges by kind and by how a step ended (planned, sent, deferred, ...).",
            ["kind", "outcome"], registry=registry,
        )  # fmt: skip
        self.late = Histogram(
            "sre_coach_nudge_lateness_seconds",
            "Seconds between the moment a nudge was due to go out and its send, by kind.",
            ["kind"], buckets=LATENESS_BUCKETS, registry=registry,
        )  # fmt: skip
        self.ticks = Histogram(
            "sre_coach_tick_seconds",
            "Seconds one stage of a scheduler tick took (planner, dispatcher, ...).",
            ["stage"], buckets=TICK_BUCKETS, registry=registry,
        )  # fmt: skip
        self.last_tick = Gauge(
            "sre_coach_last_tick_timestamp_seconds",
            "Unix time the last scheduler tick finished.",
            registry=registry,
        )
        self.api_errors = Counter(
            "sre_coach_slack_api_errors",
            "Slack Web API calls that failed, by method and error code.",
            ["method", "error"], registry=registry,
        )  # fmt: skip
        self.duplicates = Counter(
            "sre_coach_events_deduplicated",
            "Slack event deliveries dropped as repeats of one already handled.",
            registry=registry,
        )
        self.kept = Counter(
            "sre_coach_kept_replies",
            "Read-only replies (/sre status) by whether a kept one was reused or worked out.",
            ["result"], registry=registry,
        )  # fmt: skip
        if pool is not None:
            self.watch_pool(pool)

    def watch_pool(self, pool: PoolState) -> None:
        """Serve the database pool's state, read at each scrape."""
        self.registry.register(_Pool(pool))

    def ack(self, surface: str, seconds: float) -> None:
        """A Slack request of `surface` was acknowledged `seconds` after it arrived."""
        self.acks.labels(_bounded(surface, SURFACES)).observe(seconds)

    def refusal(self, status: int) -> None:
        """A request was refused at the door with `status`."""
        self.refused.labels(str(status) if 400 <= status < 600 else "other").inc()

    def api_error(self, method: str, error: str) -> None:
        """A Web API call to `method` failed with `error` (Slack's code or the failure's kind)."""
        self.api_errors.labels(_bounded(method, _METHOD), _bounded(error)).inc()

    def nudge(self, kind: str, outcome: str, count: int = 1) -> None:
        """`count` nudges of `kind` ended a step with `outcome`."""
        self.nudges.labels(_bounded(kind), _bounded(outcome, OUTCOMES)).inc(count)

    def lateness(self, kind: str, seconds: float) -> None:
        """A nudge of `kind` went out `seconds` after it was due."""
        self.late.labels(_bounded(kind)).observe(max(seconds, 0.0))

    def timed(self, stage: str) -> AbstractContextManager[object]:
        """Time a scheduler stage."""
        return self.ticks.labels(_bounded(stage.replace(" ", "_"))).time()

    def ticked(self) -> None:
        """A scheduler tick finished now."""
        self.last_tick.set_to_current_time()

    def deduplicated(self) -> None:
        """An event delivery was a repeat."""
        self.duplicates.inc()

    def kept_reply(self, reused: bool) -> None:
        """A read-only reply was reused or worked out."""
        self.kept.labels("reused" if reused else "worked_out").inc()

    def exposition(self) -> bytes:
        """Every metric in the Prometheus text format."""
        return generate_latest(self.registry)
