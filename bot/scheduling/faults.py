"""Failure isolation for the beat: one coalition's data or one nudge never stops the others.

Each stage (health readings, planner, dispatcher, chart, purge) catches what goes wrong with
one coalition or one nudge, hands it to `Faults`, and goes on. A fault is logged with ids, its
exception type and where it was raised, never with its message: exception messages can carry
SQL parameters and so user text. The same fault is logged once, and again only when its error
changes or an hour has passed, so a broken row does not fill the log every 20 seconds.
"""

from __future__ import annotations

import logging
import traceback
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

log = logging.getLogger(__name__)
REPEAT = timedelta(hours=1)


def describe(error: BaseException) -> str:
    """`OverflowError at beat.py:163`: the type and the innermost frame, no message text."""
    frames = traceback.extract_tb(error.__traceback__)
    where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    return f"{type(error).__name__}{where}"


class Faults:
    """What went wrong in this replica's ticks: counted always, logged once per change or hour."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self._logged: dict[tuple[str, object], tuple[str, datetime]] = {}

    @property
    def total(self) -> int:
        """Faults seen since this replica started."""
        return sum(self.counts.values())

    def record(
        self, stage: str, key: object, error: BaseException, now: datetime, **ids: object
    ) -> bool:
        """Count a fault of `stage` for `key` (a coalition or nudge id); True when it was logged."""
        self.counts[stage] += 1
        what = describe(error)
        last = self._logged.get((stage, key))
        if last is not None and last[0] == what and now - last[1] < REPEAT:
            return False
        self._logged[(stage, key)] = (what, now)
        named = " ".join(f"{name}={value}" for name, value in ids.items())
        log.error("%s failed for %s: %s; the others go on", stage, named, what)
        return True

    def cleared(self, stage: str, key: object) -> None:
        """`key` worked again in `stage`: a new failure will be logged at once."""
        self._logged.pop((stage, key), None)
