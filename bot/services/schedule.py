"""What the bot will send and when; the coalition's rhythm, time zone and mute switch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.db.beat_models import Nudge
from bot.db.models import Coalition
from bot.db.planning_repo import Beats, cadence
from bot.doc import Doc, counted
from bot.domain.beat import DIRECT, Planned, plan_state, plan_window, send_time
from bot.domain.cadence import WEEKDAYS, Cadence
from bot.domain.coalition import Role
from bot.domain.errors import DomainError, UsageError
from bot.domain.hours import check_zone
from bot.domain.mentions import person
from bot.outcome import Outcome, Post, ToChannel
from bot.services.loading import load
from bot.services.nudges import digest_doc
from bot.services.request import Request
from bot.views import beat as views

HORIZON = timedelta(days=14)
SHOWN = 12
TROUBLES_SHOWN = 5


@dataclass(frozen=True)
class Rhythm:
    """A lead's change of rhythm: `what` (digest, checkin, near, final), its number, as said."""

    what: str
    number: int
    said: str


async def schedule(req: Request, change: Rhythm | None) -> Outcome:
    """What is sent next and what went wrong (no change), or a lead's change of rhythm."""
    if change is not None:
        return await _change(req, change)
    loaded = await load(req)
    coalition, uow, now = loaded.coalition, req.uow, req.now
    planned, broken = _planned(await uow.planning.beats(now, only=coalition), now)
    done = await uow.outbox.done_keys(coalition, (p.slot for _, p, _ in planned))
    upcoming = [
        (when, p.kind, who) for when, p, who in planned if (p.kind, p.recipient, p.slot) not in done
    ]
    counts = await uow.outbox.counts(coalition)
    leads = {m.user_id for m in loaded.members if m.role == Role.LEAD}
    lead = req.asker.user_id in leads
    shown = await uow.outbox.troubles(coalition, TROUBLES_SHOWN) if lead else []
    outbox = views.Outbox(
        waiting=counts.get("pending", 0),
        unsure=counts.get("ambiguous", 0),
        failed=counts.get("failed", 0),
        troubles=tuple(_trouble(n) for n in shown),
    )
    later = max(len(upcoming) - SHOWN, 0)
    me = next((m for m in loaded.rows if m.user_id == req.asker.user_id), None)
    tz = (me.tz if me else None) or coalition.tz  # each moment in the reader's own zone
    doc = views.schedule(sorted(upcoming)[:SHOWN], outbox, _rhythm(coalition), broken, later, tz)
    return Outcome(reply=doc)


def _planned(beats: Beats, now: datetime) -> tuple[list[tuple[datetime, Planned, str]], str | None]:
    """What the planner would send in the next two weeks (when, what, to whom), or why it
    cannot plan this coalition; the caller leaves out what was sent already."""
    if beats.broken:
        return [], type(beats.broken[0][1]).__name__
    upcoming: list[tuple[datetime, Planned, str]] = []
    for _, beat in beats.ready:
        try:
            planned = plan_window(beat, now, now + HORIZON) + plan_state(beat, now)
            people = {p.user_id: p for p in beat.people}
            for p in planned:
                when = send_time(p.kind, p.due_at, people.get(p.recipient), beat.tz)
                if when is not None:
                    who = person(p.recipient) if p.kind in DIRECT else "the channel"
                    upcoming.append((when, p, who))
        except Exception as error:  # the coalition's stored data; say so instead of failing
            return [], type(error).__name__
    return upcoming, None


def _trouble(nudge: Nudge) -> views.Trouble:
    who = person(nudge.recipient) if nudge.kind in DIRECT else "the channel"
    return views.Trouble(nudge.due_at, nudge.kind, who, nudge.status, nudge.note or "")


def _rhythm(coalition: Coalition) -> str:
    try:
        c, day = cadence(coalition), WEEKDAYS[coalition.checkin_day]
        text = (
            f"weekly check-ins on {day.title()}, twice a week inside "
            f"{counted(c.near_weeks, 'week')} of the deadline, daily inside "
            f"{counted(c.final_weeks, 'week')}; digest on "
            f"{WEEKDAYS[c.digest_day].title()}; coalition time zone {coalition.tz}"
        )
    except (DomainError, IndexError, TypeError):  # stored out of range; a lead can set it again
        text = "the stored rhythm is out of range; a lead can set it again"
    return text + (". *Muted*: nothing is sent." if coalition.muted else ".")


async def _change(req: Request, change: Rhythm) -> Outcome:
    """A lead changes the rhythm: digest or check-in weekday, near or final thresholds."""
    loaded = await load(req)
    loaded.lead(req.asker.user_id, "change the schedule")
    coalition, what, number = loaded.coalition, change.what, change.number
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
    said = f"{what} {change.said}"
    req.uow.rollout.record(coalition, req.asker.user_id, "schedule", said, req.now)
    return Outcome(reply=Doc.text(f"Schedule changed: {said}."), public=True)


async def set_zone(req: Request, tz: str) -> Outcome:
    """A lead sets the coalition's time zone (channel posts follow it)."""
    loaded = await load(req)
    loaded.lead(req.asker.user_id, "set the coalition's time zone")
    loaded.coalition.tz = check_zone(tz)
    req.uow.rollout.record(loaded.coalition, req.asker.user_id, "timezone", tz, req.now)
    return Outcome(reply=Doc.text(f"Coalition time zone: {tz}."), public=True)


async def mute(req: Request) -> Outcome:
    """A lead silences every nudge of the coalition."""
    return await _mute(req, True)


async def unmute(req: Request) -> Outcome:
    """A lead turns the coalition's nudges back on."""
    return await _mute(req, False)


async def _mute(req: Request, on: bool) -> Outcome:
    loaded = await load(req)
    loaded.lead(req.asker.user_id, "mute the coalition")
    loaded.coalition.muted = on
    req.uow.rollout.record(
        loaded.coalition, req.asker.user_id, "mute", "on" if on else "off", req.now
    )
    text = "Muted: I send no nudges here until `/sre unmute`." if on else "Unmuted."
    return Outcome(reply=Doc.text(text), public=True)


async def digest_now(req: Request) -> Outcome:
    """A lead posts the weekly digest to the channel now (the Monday one still comes)."""
    loaded = await load(req)
    loaded.lead(req.asker.user_id, "post the digest")
    coalition = loaded.coalition
    doc = await digest_doc(req.uow, req.content, coalition, req.now)
    post = Post(ToChannel(coalition.channel_id), doc)
    reply = Doc.text(
        "Posted the weekly digest in the channel; its chart comes with the scheduled one."
    )
    return Outcome(reply=reply, posts=(post,))
