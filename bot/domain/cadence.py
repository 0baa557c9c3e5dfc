"""How often the bot keeps the beat, by distance to the deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.domain.errors import UsageError

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
COUNTDOWN_DAYS = (84, 56, 28, 14, 7, 1)  # 12, 8, 4, 2 and 1 weeks, and 1 day before


@dataclass(frozen=True)
class Cadence:
    """Check-in rhythm and digest day of one coalition."""

    checkin_day: int = 1  # Tuesday: weekly when the deadline is far
    second_checkin_day: int = 3  # Thursday: the second weekly check-in when it is near
    near_weeks: int = 6  # twice a week inside this many weeks
    final_weeks: int = 2  # every working day inside this many weeks
    digest_day: int = 0  # Monday

    def __post_init__(self) -> None:
        if not 0 < self.final_weeks < self.near_weeks <= 52:
            raise UsageError("Thresholds must satisfy 0 < final < near <= 52 weeks.")

    def phase(self, deadline: date | None, day: date) -> str:
        """ "weekly", "twice-weekly", "daily" or "after" (the deadline has passed)."""
        if deadline is None:
            return "weekly"
        left = (deadline - day).days
        if left < 0:
            return "after"
        if left <= self.final_weeks * 7:
            return "daily"
        if left <= self.near_weeks * 7:
            return "twice-weekly"
        return "weekly"

    def is_checkin_day(self, deadline: date | None, day: date, workdays: frozenset[int]) -> bool:
        """True when members are asked to check in on `day`."""
        phase = self.phase(deadline, day)
        if phase == "after" or day.weekday() not in workdays:
            return False
        if phase == "daily":
            return True
        if phase == "twice-weekly":
            return day.weekday() in (self.checkin_day, self.second_checkin_day)
        return day.weekday() == self.checkin_day


def parse_weekday(word: str) -> int:
    """`monday` (or `mon`) -> 0."""
    for number, name in enumerate(WEEKDAYS):
        if name.startswith(word.lower()) and len(word) >= 3:
            return number
    raise UsageError(f"`{word[:12]}` is not a weekday.")


def countdown_due(deadline: date, day: date) -> int | None:
    """The countdown (days before the deadline) that falls on `day`, if one does."""
    left = (deadline - day).days
    return left if left in COUNTDOWN_DAYS else None
