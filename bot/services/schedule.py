"""What the bot will send and when; the coalition's rhythm, time zone and mute switch."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from bot.db.beat_models import Nudge
from bot.db.beat_repo import cadence, load_beats
from bot.db.uow import UnitOfWork
from bot.domain.beat import DIRECT, plan_state, plan_window, send_time
from bot.domain.cadence import WEEKDAYS, Cadence
from bot.domain.errors import UsageError
from bot.domain.hours import check_zone
from bot.messages import Doc, Outcome
from bot.services.asker import Asker
from bot.services.loading import load
from bot.views import beat as views

HORIZON = timedelta(days=14)
SHOWN = 12


async def show(uow: UnitOfWork, asker: Asker, now: datetime) -> Outcome:
    """The next nudges by time, and what sits in the outbox."""
    loaded = await load(uow, asker)
    coalition = loaded.coalition
    beats = await load_beats(uow.session, now, only=coalition.id)
    upcoming: list[tuple[datetime, str, str]] = []
    for _, beat in beats:
        planned = plan_window(beat, now, now + HORIZON) + plan_state(beat, now)
        people = {p.user_id: p for p in beat.people}
        for p in planned:
            when = send_time(p.kind, p.due_at, people.get(p.recipient), beat.tz)
            if when is not None:
                who = f"<@{p.recipient}>" if p.kind in DIRECT else "the channel"
                upcoming.append((when, p.kind, who))
    counts = dict(
        (
            await uow.session.execute(
                select(Nudge.status, func.count())
                .where(Nudge.team_id == uow.team_id, Nudge.coalition_id == coalition.id)
                .group_by(Nudge.status)
            )
        ).all()
    )
    settings = _rhythm(cadence(coalition), coalition.tz, coalition.muted)
    doc = views.schedule(
        sorted(upcoming)[:SHOWN], counts.get("pending", 0), counts.get("ambiguous", 0), settings
    )
    return Outcome(reply=doc)


def _rhythm(c: Cadence, tz: str, muted: bool) -> str:
    text = (
        f"weekly check-ins on {WEEKDAYS[c.checkin_day].title()}, twice a week inside "
        f"{c.near_weeks} weeks of the deadline, daily inside {c.final_weeks}; digest on "
        f"{WEEKDAYS[c.digest_day].title()}; coalition time zone {tz}"
    )
    return text + (". *Muted*: nothing is sent." if muted else ".")


async def change(
    uow: UnitOfWork, asker: Asker, what: str, number: int, said: str, now: datetime
) -> Outcome:
    """A lead changes the rhythm: digest or check-in weekday, near or final thresholds."""
    loaded = await load(uow, asker)
    loaded.lead(asker.user_id, "change the schedule")
    coalition = loaded.coalition
    if what in ("digest", "checkin"):
        setattr(coalition, f"{what}_day", number)
    elif what in ("near", "final"):
        trial = {"near": coalition.near_weeks, "final": coalition.final_weeks, what: number}
        Cadence(near_weeks=trial["near"], final_weeks=trial["final"])  # validates
        setattr(coalition, f"{what}_weeks", number)
    else:
        raise UsageError(
            "Usage: `/sre schedule digest|checkin <weekday>` or `/sre schedule near|final <weeks>`."
        )
    uow.rollout.record(coalition, asker.user_id, "schedule", f"{what} {said}", now)
    return Outcome(reply=Doc.text(f"Schedule changed: {what} {said}."), public=True)


async def set_zone(uow: UnitOfWork, asker: Asker, tz: str, now: datetime) -> Outcome:
    """A lead sets the coalition's time zone (channel posts follow it)."""
    loaded = await load(uow, asker)
    loaded.lead(asker.user_id, "set the coalition's time zone")
    loaded.coalition.tz = check_zone(tz)
    uow.rollout.record(loaded.coalition, asker.user_id, "timezone", tz, now)
    return Outcome(reply=Doc.text(f"Coalition time zone: {tz}."), public=True)


async def mute(uow: UnitOfWork, asker: Asker, on: bool, now: datetime) -> Outcome:
    """A lead mutes or unmutes every nudge of the coalition."""
    loaded = await load(uow, asker)
    loaded.lead(asker.user_id, "mute the coalition")
    loaded.coalition.muted = on
    uow.rollout.record(loaded.coalition, asker.user_id, "mute", "on" if on else "off", now)
    text = "Muted: I send no nudges here until `/sre unmute`." if on else "Unmuted."
    return Outcome(reply=Doc.text(text), public=True)
