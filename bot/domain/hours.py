"""Working hours in a member's own time zone, correct across daylight-saving changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.errors import UsageError

WORKDAYS = frozenset(range(5))  # Monday..Friday
SEARCH_DAYS = 14


@lru_cache(maxsize=512)
def zone(name: str | None) -> ZoneInfo:
    """The IANA zone `name` (UTC when unknown or missing)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def check_zone(name: str) -> str:
    """`name` when it is an IANA zone, else a usage error."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"`{name[:40]}` is not a time zone; use one like Europe/Berlin.") from None
    return name


@dataclass(frozen=True)
class WorkingHours:
    """When someone may hear from the bot: local clock times on working days."""

    start: time = time(9)
    end: time = time(17)
    days: frozenset[int] = WORKDAYS

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise UsageError("Working hours must end after they start, e.g. 9-17.")

    def contains(self, moment: datetime, tz: str | None) -> bool:
        """True when `moment` falls inside these hours in zone `tz`."""
        here = moment.astimezone(zone(tz))
        return here.weekday() in self.days and self.start <= here.time() < self.end


def parse_hours(text: str) -> WorkingHours:
    """`9-17` or `8:30-16:30` as working hours on weekdays."""
    try:
        first, last = text.split("-")
        start, end = _clock(first), _clock(last)
    except ValueError:
        raise UsageError(f"`{text[:20]}` is not a span of hours; write it like 9-17.") from None
    return WorkingHours(start, end)


def _clock(text: str) -> time:
    hour, _, minute = text.strip().partition(":")
    return time(int(hour), int(minute or 0))


@lru_cache(maxsize=65536)
def at_local(day: date, clock: time, tz: str | None) -> datetime:
    """The UTC instant of wall-clock `clock` on `day` in `tz` (a skipped hour moves forward)."""
    local = datetime.combine(day, clock, tzinfo=zone(tz))
    round_trip = local.astimezone(UTC).astimezone(zone(tz))
    if round_trip.replace(tzinfo=None) != local.replace(tzinfo=None):  # in a spring-forward gap
        local = local + timedelta(hours=1)
    return local.astimezone(UTC)


def next_open(moment: datetime, hours: WorkingHours, tz: str | None) -> datetime | None:
    """The first instant at or after `moment` inside working hours (None if none soon)."""
    if hours.contains(moment, tz):
        return moment
    today = moment.astimezone(zone(tz)).date()
    for offset in range(SEARCH_DAYS):
        day = today + timedelta(days=offset)
        if day.weekday() not in hours.days:
            continue
        opening = at_local(day, hours.start, tz)
        if opening >= moment:
            return opening
    return None


def local_day(moment: datetime, tz: str | None) -> date:
    """The calendar day `moment` falls on in `tz`."""
    return moment.astimezone(zone(tz)).date()
