"""The beat from a member's side: check-ins, commitments, and when not to be disturbed."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from bot.db.beat_models import CheckIn, Commitment
from bot.db.uow import UnitOfWork
from bot.doc import Doc
from bot.domain.errors import UsageError
from bot.domain.hours import check_zone, local_day, parse_hours
from bot.domain.mentions import person
from bot.outcome import Outcome, Post, ToUser
from bot.services.asker import Asker
from bot.services.loading import Loaded, load
from bot.views import beat as views

MAX_TEXT = 500
MAX_SNOOZE_DAYS = 60


async def open_checkin(uow: UnitOfWork, loaded: Loaded, user_id: str) -> CheckIn | None:
    """The member's latest unanswered check-in in this coalition."""
    query = (
        select(CheckIn)
        .where(
            CheckIn.team_id == uow.team_id,
            CheckIn.coalition_id == loaded.coalition.id,
            CheckIn.user_id == user_id,
            CheckIn.answered_at.is_(None),
            CheckIn.missed.is_(False),
        )
        .order_by(CheckIn.asked_at.desc())
        .limit(1)
    )
    return (await uow.session.scalars(query)).one_or_none()


async def check_in(
    uow: UnitOfWork,
    asker: Asker,
    now: datetime,
    *,
    energy: int | None = None,
    hours: int | None = None,
    progress: str = "",
    blockers: str = "",
) -> Outcome:
    """Record a check-in answer (or 'nothing new' when no energy is given)."""
    if len(progress) > MAX_TEXT or len(blockers) > MAX_TEXT:
        raise UsageError(f"Keep progress and blockers under {MAX_TEXT} characters each.")
    loaded = await load(uow, asker)
    me = loaded.row(asker.user_id)
    row = await open_checkin(uow, loaded, asker.user_id)
    if row is None:
        slot = local_day(now, me.tz or loaded.coalition.tz).isoformat()
        row = CheckIn(team_id=uow.team_id, coalition_id=loaded.coalition.id,
                      user_id=asker.user_id, slot=slot, asked_at=now)  # fmt: skip
        uow.rollout.add(row)
    row.answered_at, row.missed = now, False
    row.nothing_new = energy is None
    row.energy, row.hours = energy, hours
    row.progress, row.blockers = progress or None, blockers or None
    return Outcome(reply=views.checked_in(energy))


async def snooze(uow: UnitOfWork, asker: Asker, days: int | None, now: datetime) -> Outcome:
    """Pause DMs to the asker for `days` (None: resume now)."""
    loaded = await load(uow, asker)
    me = loaded.row(asker.user_id)
    if days is not None and not 1 <= days <= MAX_SNOOZE_DAYS:
        raise UsageError(f"Snooze for 1 to {MAX_SNOOZE_DAYS} days, e.g. `/sre snooze 14d`.")
    me.snoozed_until = None if days is None else now + timedelta(days=days)
    return Outcome(reply=views.snoozed(me.snoozed_until))


async def away(
    uow: UnitOfWork, asker: Asker, first: date | None, last: date | None, now: datetime
) -> Outcome:
    """Set (or clear) the asker's vacation."""
    loaded = await load(uow, asker)
    me = loaded.row(asker.user_id)
    if first is not None and last is not None and (last < first or (last - first).days > 120):
        raise UsageError("The vacation must end after it starts and last at most 120 days.")
    me.away_from, me.away_until = first, last
    return Outcome(reply=views.away(first, last))


async def working_hours(uow: UnitOfWork, asker: Asker, span: str, tz: str | None) -> Outcome:
    """The asker's working hours and, optionally, time zone."""
    hours = parse_hours(span)
    loaded = await load(uow, asker)
    me = loaded.row(asker.user_id)
    me.hours = f"{hours.start:%H:%M}-{hours.end:%H:%M}"
    if tz:
        me.tz, me.tz_checked = check_zone(tz), True
    return Outcome(reply=views.hours_set(me.hours, me.tz or loaded.coalition.tz))


async def commit(
    uow: UnitOfWork, asker: Asker, due: date, title: str, owner: str | None, now: datetime
) -> Outcome:
    """A commitment with a date; giving one to someone else is a lead's call."""
    if not 3 <= len(title) <= 200:
        raise UsageError("Say what you commit to in 3 to 200 characters.")
    loaded = await load(uow, asker)
    loaded.member(asker.user_id)
    owner = owner or asker.user_id
    if owner != asker.user_id:
        loaded.lead(asker.user_id, "give commitments to others")
        if owner not in {m.user_id for m in loaded.members}:
            raise UsageError(f"{person(owner)} is not in the coalition.")
    row = Commitment(team_id=uow.team_id, coalition_id=loaded.coalition.id, owner=owner,
                     title=title, due_on=due, created_by=asker.user_id, created_at=now)  # fmt: skip
    uow.rollout.add(row)
    await uow.session.flush()
    posts = (
        () if owner == asker.user_id else (Post(ToUser(owner), views.assigned(row, asker.user_id)),)
    )
    return Outcome(reply=views.committed(row), posts=posts)


async def commitments(uow: UnitOfWork, asker: Asker, now: datetime) -> Outcome:
    """Open commitments, overdue first."""
    loaded = await load(uow, asker)
    rows = await uow.rollout.all(Commitment, loaded.coalition, order=Commitment.due_on)
    return Outcome(reply=views.commitment_list([r for r in rows if r.done_at is None], now.date()))


async def finish(uow: UnitOfWork, asker: Asker, number: int, now: datetime) -> Outcome:
    """Mark a commitment done (its owner or a lead)."""
    loaded = await load(uow, asker)
    row = await uow.rollout.one(Commitment, loaded.coalition, id=number)
    if row is None or row.done_at is not None:
        raise UsageError(f"No open commitment #{number}; `/sre commitments` lists them.")
    if row.owner != asker.user_id:
        loaded.lead(asker.user_id, "close someone else's commitment")
    row.done_at = now
    return Outcome(reply=Doc.text(f"Done: #{row.id} {row.title}. Thank you."))
