"""When a member may hear from the bot: working hours, snooze and vacation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.domain.errors import UsageError
from bot.domain.hours import check_zone, parse_hours
from bot.outcome import Outcome
from bot.services.loading import load
from bot.services.request import Request
from bot.views import beat as views

MAX_SNOOZE_DAYS = 60


@dataclass(frozen=True)
class Vacation:
    """The first and last day away, inclusive."""

    first: date
    last: date


@dataclass(frozen=True)
class Hours:
    """A span of working hours (`9-17`) and, optionally, the member's time zone."""

    span: str
    tz: str | None = None


async def snooze(req: Request, days: int | None) -> Outcome:
    """Pause DMs to the asker for `days` (None: resume now)."""
    loaded = await load(req)
    me = loaded.row(req.asker.user_id)
    if days is not None and not 1 <= days <= MAX_SNOOZE_DAYS:
        raise UsageError(f"Snooze for 1 to {MAX_SNOOZE_DAYS} days, e.g. `/sre snooze 14d`.")
    me.snoozed_until = None if days is None else req.now + timedelta(days=days)
    return Outcome(reply=views.snoozed(me.snoozed_until, me.tz or loaded.coalition.tz))


async def away(req: Request, vacation: Vacation | None) -> Outcome:
    """Set (or, with None, clear) the asker's vacation."""
    loaded = await load(req)
    me = loaded.row(req.asker.user_id)
    first, last = (vacation.first, vacation.last) if vacation else (None, None)
    if first is not None and last is not None and (last < first or (last - first).days > 120):
        raise UsageError("The vacation must end after it starts and last at most 120 days.")
    me.away_from, me.away_until = first, last
    return Outcome(reply=views.away(first, last))


async def working_hours(req: Request, wanted: Hours) -> Outcome:
    """The asker's working hours and, optionally, time zone."""
    hours = parse_hours(wanted.span)
    loaded = await load(req)
    me = loaded.row(req.asker.user_id)
    me.hours = f"{hours.start:%H:%M}-{hours.end:%H:%M}"
    if wanted.tz:
        me.tz, me.tz_checked = check_zone(wanted.tz), True
    return Outcome(reply=views.hours_set(me.hours, me.tz or loaded.coalition.tz))
