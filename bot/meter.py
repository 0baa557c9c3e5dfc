"""What the scheduler and the database count and time, as a port: `Meter`.

The scheduler and the unit of work record through this small protocol and never import a
metrics library; `bot/metrics.py` implements it with Prometheus, and `NO_METER` does nothing
(the console and most tests). Every label value passed here comes from a fixed set (nudge
kinds, outcomes, stage names): never an id, a name or any text a person wrote.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Protocol

OUTCOMES = ("planned", "sent", "deferred", "ambiguous", "skipped", "failed", "reconciled", "lost")
"""How a nudge's step can end, as counted by `Meter.nudge`."""


class Meter(Protocol):
    """Counts and timings of the bot's own work."""

    def nudge(self, kind: str, outcome: str, count: int = 1) -> None:
        """`count` nudges of `kind` ended a step with `outcome` (one of `OUTCOMES`)."""
        ...

    def lateness(self, kind: str, seconds: float) -> None:
        """A nudge of `kind` went out `seconds` after the moment it was due to go out."""
        ...

    def timed(self, stage: str) -> AbstractContextManager[object]:
        """Time one stage of a scheduler tick (planner, dispatcher, ...)."""
        ...

    def ticked(self) -> None:
        """A scheduler tick finished."""
        ...

    def deduplicated(self) -> None:
        """A Slack event delivery was dropped as a repeat of one already handled."""
        ...

    def kept_reply(self, reused: bool) -> None:
        """A read-only reply (`/sre status`) was reused from the kept replies, or worked out."""
        ...


class NoMeter:
    """A meter that records nothing."""

    def nudge(self, kind: str, outcome: str, count: int = 1) -> None:
        """Nothing."""

    def lateness(self, kind: str, seconds: float) -> None:
        """Nothing."""

    def timed(self, stage: str) -> AbstractContextManager[object]:
        """No timing."""
        return nullcontext()

    def ticked(self) -> None:
        """Nothing."""

    def deduplicated(self) -> None:
        """Nothing."""

    def kept_reply(self, reused: bool) -> None:
        """Nothing."""


NO_METER = NoMeter()
