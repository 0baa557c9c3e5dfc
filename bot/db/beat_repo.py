"""Batched reads and writes for the scheduler: a fixed number of queries per tick.

The planner and dispatcher are system jobs over every workspace; every row they read or
write carries its own `team_id`, and everything they send goes to that row's workspace.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Table, func, or_, select, true, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.beat_models import CheckIn, Commitment, Nudge, ProgressSnapshot
from bot.db.models import Coalition, Member
from bot.db.rollout_models import RolloutEvent, ServiceRow, SloRow, Workshop
from bot.domain.beat import Beat, Person, Planned
from bot.domain.cadence import Cadence
from bot.domain.coalition import Role
from bot.domain.hours import WorkingHours, parse_hours

CHUNK = 500


def person(member: Member) -> Person:
    """The planner's view of a member."""
    away = (member.away_from, member.away_until) if member.away_from and member.away_until else None
    return Person(member.user_id, member.tz, _hours(member.hours), member.snoozed_until, away)


@lru_cache(maxsize=1024)
def _hours(text: str) -> WorkingHours:
    try:
        return parse_hours(text.replace(":00", ""))
    except Exception:  # stored by our own validated command; fall back rather than stop the beat
        return WorkingHours()


def cadence(coalition: Any) -> Cadence:
    """The coalition's configured rhythm."""
    return Cadence(
        checkin_day=coalition.checkin_day,
        near_weeks=coalition.near_weeks,
        final_weeks=coalition.final_weeks,
        digest_day=coalition.digest_day,
    )


@dataclass(frozen=True)
class Beats:
    """The coalitions the planner can read (`ready`), and those whose rows it cannot (`broken`)."""

    ready: list[tuple[Any, Beat]]
    broken: list[tuple[Any, Exception]]


async def load_beats(session: AsyncSession, now: datetime, only: int | None = None) -> Beats:
    """Every coalition with active members (or just coalition `only`), as the planner sees it.

    Seven queries whatever the number of coalitions; plain rows, not ORM objects, because the
    planner reads thousands of them every tick and changes none. A coalition whose rows do not
    make a valid beat (a stored rhythm out of range, say) is `broken`, not a reason to stop.
    """
    mine = (lambda column: column == only) if only is not None else (lambda column: true())
    coalitions = (
        await session.execute(
            select(Coalition.__table__).where(mine(Coalition.id)).order_by(Coalition.id)
        )
    ).all()
    members = await session.execute(
        select(Member.__table__).where(Member.left_at.is_(None), mine(Member.coalition_id))
    )
    by_coalition: dict[int, list[Any]] = defaultdict(list)
    for m in members:
        by_coalition[m.coalition_id].append(m)
    unanswered = await _unanswered(session, mine)
    unsigned = await _unsigned(session, mine)
    overdue = await _overdue(session, now.date(), mine)
    workshops = await _workshops(session, now.date(), mine)
    step_since = await _step_since(session, mine)
    beats = Beats([], [])
    for c in coalitions:
        people = by_coalition.get(c.id)
        if not people:
            continue
        try:
            signers = [m.user_id for m in people if m.role in (Role.PM, Role.SPONSOR)]
            signers = signers or [m.user_id for m in people if m.role == Role.LEAD]
            beat = Beat(
                coalition_id=c.id,
                channel_id=c.channel_id,
                tz=c.tz,
                people=tuple(person(m) for m in people),
                cadence=cadence(c),
                deadline=c.deadline_on,
                step=c.current_step,
                step_since=step_since.get(c.id, c.created_at),
                unanswered=tuple(unanswered[c.id]),
                unsigned=tuple(unsigned[c.id]),
                signers=tuple(signers),
                overdue=tuple(overdue[c.id]),
                workshops=tuple(workshops[c.id]),
            )
        except Exception as error:  # one coalition's bad row must not stop everyone's beat
            beats.broken.append((c, error))
            continue
        beats.ready.append((c, beat))
    return beats


Scope = Callable[[Any], Any]


async def _unanswered(session: AsyncSession, mine: Scope) -> dict[int, list[Any]]:
    rows = await session.execute(
        select(CheckIn.__table__).where(
            CheckIn.answered_at.is_(None), CheckIn.missed.is_(False), mine(CheckIn.coalition_id)
        )
    )
    found: dict[int, list[Any]] = defaultdict(list)
    for r in rows:
        found[r.coalition_id].append((r.user_id, r.slot, r.asked_at))
    return found


async def _unsigned(session: AsyncSession, mine: Scope) -> dict[int, list[Any]]:
    query = (
        select(ServiceRow.coalition_id, ServiceRow.name, SloRow.defined_at)
        .join(SloRow, SloRow.service_id == ServiceRow.id)
        .where(SloRow.signed_off_at.is_(None), mine(ServiceRow.coalition_id))
    )
    found: dict[int, list[Any]] = defaultdict(list)
    for coalition_id, name, defined_at in await session.execute(query):
        found[coalition_id].append((name, defined_at))
    return found


async def _overdue(session: AsyncSession, today: date, mine: Scope) -> dict[int, list[Any]]:
    rows = await session.execute(
        select(Commitment.__table__).where(
            Commitment.done_at.is_(None), Commitment.due_on < today, mine(Commitment.coalition_id)
        )
    )
    found: dict[int, list[Any]] = defaultdict(list)
    for r in rows:
        found[r.coalition_id].append((r.id, r.owner, r.title))
    return found


async def _workshops(session: AsyncSession, today: date, mine: Scope) -> dict[int, list[Any]]:
    soon = today + timedelta(days=2)
    rows = await session.execute(
        select(Workshop.__table__).where(
            Workshop.held_on > today - timedelta(days=1),
            Workshop.held_on <= soon,
            mine(Workshop.coalition_id),
        )
    )
    found: dict[int, list[Any]] = defaultdict(list)
    for r in rows:
        people = tuple(a for a in r.attendees.split(",") if a)
        found[r.coalition_id].append((r.id, r.topic, r.held_on, people))
    return found


async def _step_since(session: AsyncSession, mine: Scope) -> dict[int, datetime]:
    query = (
        select(RolloutEvent.coalition_id, func.max(RolloutEvent.at))
        .where(RolloutEvent.action == "step", mine(RolloutEvent.coalition_id))
        .group_by(RolloutEvent.coalition_id)
    )
    return {cid: at for cid, at in await session.execute(query)}


def _insert(session: AsyncSession) -> Any:
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


async def add_nudges(session: AsyncSession, planned: Iterable[tuple[Any, Planned, str]]) -> int:
    """Put planned nudges in the outbox unless already there; returns how many were new."""
    rows = [
        {
            "team_id": c.team_id,
            "coalition_id": c.id,
            "kind": p.kind,
            "recipient": p.recipient,
            "slot": p.slot,
            "due_at": p.due_at,
            "payload": json.dumps(p.payload, sort_keys=True),
            "status": status,
            "attempts": 0,
        }
        for c, p, status in planned
    ]
    added = 0
    for start in range(0, len(rows), CHUNK):
        statement = _insert(session)(Nudge).values(rows[start : start + CHUNK])
        result = await session.execute(statement.on_conflict_do_nothing())
        added += int(getattr(result, "rowcount", 0) or 0)
    return added


async def mark_planned(session: AsyncSession, until: datetime, broken: Iterable[int] = ()) -> None:
    """Advance every coalition's planning watermark to `until` (one statement).

    Coalitions in `broken` keep theirs, so they catch up once their data is fixed.
    """
    table = Coalition.__table__
    assert isinstance(table, Table)
    skipped = list(broken)
    await session.execute(
        update(table)
        .where(
            or_(table.c.planned_through.is_(None), table.c.planned_through < until),
            table.c.id.not_in(skipped) if skipped else true(),
        )
        .values(planned_through=until)
    )


PLANNING = "planning"  # the outbox kind that parks a coalition's planning failure


async def park_planning(session: AsyncSession, coalition: Any, what: str, now: datetime) -> bool:
    """Record that planning `coalition` fails with `what` (shown to its leads); True if new."""
    note = f"planning its nudges failed ({what}); the data needs fixing"
    row = {
        "team_id": coalition.team_id,
        "coalition_id": coalition.id,
        "kind": PLANNING,
        "recipient": coalition.channel_id,
        "slot": what[:48],
        "due_at": now,
        "payload": "{}",
        "status": "failed",
        "attempts": 0,
        "note": note[:200],
    }
    statement = _insert(session)(Nudge).values(row)
    statement = statement.on_conflict_do_update(
        index_elements=["coalition_id", "kind", "recipient", "slot"],
        set_={"status": "failed", "due_at": now, "note": row["note"]},
        where=Nudge.status != "failed",
    )
    result = await session.execute(statement)
    return bool(getattr(result, "rowcount", 0))


async def unpark_planning(session: AsyncSession, broken: Iterable[int]) -> None:
    """Planning failures of coalitions not in `broken` are over."""
    still = list(broken)
    await session.execute(
        update(Nudge)
        .where(
            Nudge.status == "failed",
            Nudge.kind == PLANNING,
            Nudge.coalition_id.not_in(still) if still else true(),
        )
        .values(status="skipped", note="planning works again")
    )


async def mark_missed(session: AsyncSession, before: datetime) -> int:
    """Check-ins asked before `before` and never answered count as missed."""
    result = await session.execute(
        update(CheckIn)
        .where(CheckIn.answered_at.is_(None), CheckIn.missed.is_(False), CheckIn.asked_at < before)
        .values(missed=True)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def claim(
    session: AsyncSession, worker: str, now: datetime, lease: timedelta, limit: int
) -> list[Nudge]:
    """Atomically take up to `limit` due nudges for this worker (compare-and-set on status).

    Two statements in one transaction: the SELECT locks its rows on PostgreSQL (others skip
    them), the UPDATE only takes rows still pending. One `UPDATE ... WHERE id IN (SELECT ...
    LIMIT n)` is not safe here: PostgreSQL may run the subquery more than once and take far
    more than `n` rows, more than one lease can cover (seen at 10,000 coalitions).
    """
    due = (
        select(Nudge.id)
        .where(Nudge.status == "pending", Nudge.due_at <= now)
        .order_by(Nudge.due_at, Nudge.id)
        .limit(limit)
        .with_for_update(skip_locked=True)  # PostgreSQL; SQLite has one writer anyway
    )
    ids = list(await session.scalars(due))
    if not ids:
        return []
    statement = (
        update(Nudge)
        .where(Nudge.id.in_(ids), Nudge.status == "pending")
        .values(
            status="claimed",
            claimed_by=worker,
            lease_until=now + lease,
            attempts=Nudge.attempts + 1,
        )
        .returning(Nudge)
    )
    result = await session.scalars(statement, execution_options={"synchronize_session": False})
    return list(result)


async def renew(
    session: AsyncSession, worker: str, ids: Iterable[int], now: datetime, lease: timedelta
) -> set[int]:
    """Extend this worker's lease on `ids` (compare-and-set on status and claimer).

    Returns the ids it still holds: a nudge missing from them was taken over and must not be
    sent. A recovering worker cannot slip in between: its update waits for or skips this one.
    """
    statement = (
        update(Nudge)
        .where(Nudge.id.in_(list(ids)), Nudge.status == "claimed", Nudge.claimed_by == worker)
        .values(lease_until=now + lease)
        .returning(Nudge.id)
    )
    result = await session.scalars(statement, execution_options={"synchronize_session": False})
    return set(result)


async def expired_claims(session: AsyncSession, now: datetime) -> list[Nudge]:
    """Nudges whose worker vanished mid-send: they may or may not have gone out.

    Rows locked by a worker renewing its lease right now are skipped (PostgreSQL), and the
    update checks the lease again, so a claim that is being renewed is never taken.
    """
    expired = (
        select(Nudge.id)
        .where(Nudge.status == "claimed", Nudge.lease_until < now)
        .with_for_update(skip_locked=True)
    )
    ids = list(await session.scalars(expired))
    if not ids:
        return []
    statement = (
        update(Nudge)
        .where(Nudge.id.in_(ids), Nudge.status == "claimed", Nudge.lease_until < now)
        .values(status="ambiguous", note="worker stopped while sending")
        .returning(Nudge)
    )
    result = await session.scalars(statement, execution_options={"synchronize_session": False})
    return list(result)


async def troubles(session: AsyncSession, coalition: Coalition, limit: int) -> list[Nudge]:
    """The coalition's failed and ambiguous outbox rows, most recent first."""
    query = (
        select(Nudge)
        .where(
            Nudge.team_id == coalition.team_id,
            Nudge.coalition_id == coalition.id,
            Nudge.status.in_(("failed", "ambiguous")),
        )
        .order_by(Nudge.due_at.desc(), Nudge.id.desc())
        .limit(limit)
    )
    return list(await session.scalars(query))


def settled(nudge_id: int, worker: str) -> Any:
    """A WHERE clause that only matches the nudge while this worker still holds it."""
    return (Nudge.id == nudge_id) & (Nudge.status == "claimed") & (Nudge.claimed_by == worker)


async def record_snapshot(
    session: AsyncSession, coalition: Coalition, day: date, values: dict[str, int]
) -> None:
    """Keep the day's progress figures (the first reading of a day stays)."""
    row = {"team_id": coalition.team_id, "coalition_id": coalition.id, "day": day, **values}
    await session.execute(_insert(session)(ProgressSnapshot).values(row).on_conflict_do_nothing())


async def snapshots(session: AsyncSession, coalition: Coalition) -> list[ProgressSnapshot]:
    """The coalition's daily progress figures, oldest first."""
    query = (
        select(ProgressSnapshot)
        .where(
            ProgressSnapshot.team_id == coalition.team_id,
            ProgressSnapshot.coalition_id == coalition.id,
        )
        .order_by(ProgressSnapshot.day)
    )
    return list(await session.scalars(query))


async def checkins_since(
    session: AsyncSession, coalition: Coalition, since: datetime
) -> list[CheckIn]:
    """Check-ins asked of the coalition since `since`."""
    query = select(CheckIn).where(
        CheckIn.team_id == coalition.team_id,
        CheckIn.coalition_id == coalition.id,
        CheckIn.asked_at >= since,
    )
    return list(await session.scalars(query))
