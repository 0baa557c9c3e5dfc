"""The planner job: put every nudge that fell due into the outbox, exactly once.

Each coalition is planned on its own: one whose data makes planning raise is skipped for the
tick (its watermark stays, so it catches up once fixed), its failure is parked in the outbox as
a `planning` row its leads see in `/sre schedule`, and every other coalition plans as usual.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from bot.db.beat_models import Nudge
from bot.db.beat_repo import (
    add_nudges,
    load_beats,
    mark_missed,
    mark_planned,
    park_planning,
    unpark_planning,
)
from bot.db.uow import Database
from bot.domain.beat import (
    MISSED_AFTER,
    REMIND_AFTER,
    Beat,
    Planned,
    plan_state,
    plan_window,
    stale,
)
from bot.scheduling.faults import Faults, describe

CATCH_UP = timedelta(days=8)  # after an outage, look this far back (older work is skipped)
STAGE = "planner"


def window_start(coalition: Any, now: datetime) -> datetime:
    """Where this coalition's planning resumes."""
    start: datetime = coalition.planned_through or coalition.created_at
    return max(start, now - CATCH_UP)


def _rows(coalition: Any, beat: Beat, now: datetime) -> list[tuple[Any, Planned, str]]:
    since = window_start(coalition, now)
    rows = []
    for planned in plan_window(beat, since, now) + plan_state(beat, now):
        skip = coalition.muted or stale(planned, now)
        rows.append((coalition, planned, "skipped" if skip else "pending"))
    return rows


async def plan_due(db: Database, now: datetime, faults: Faults | None = None) -> int:
    """Plan what fell due up to `now` for every coalition; returns how many nudges are new."""
    faults = faults or Faults()
    async with db.sessions() as session:
        beats = await load_beats(session, now)
        broken = list(beats.broken)
        rows: list[tuple[Any, Planned, str]] = []
        for coalition, beat in beats.ready:
            try:
                rows += _rows(coalition, beat, now)
            except Exception as error:  # this coalition's data; the others go on
                broken.append((coalition, error))
            else:
                faults.cleared(STAGE, coalition.id)
        for coalition, fault in broken:
            ids = {"team": coalition.team_id, "coalition": coalition.id}
            faults.record(STAGE, coalition.id, fault, now, **ids)
            await park_planning(session, coalition, describe(fault), now)
        added = await add_nudges(session, rows)
        skipped = [c.id for c, _ in broken]
        await unpark_planning(session, skipped)
        await mark_planned(session, now, skipped)
        await mark_missed(session, now - MISSED_AFTER)
        await session.commit()
    return added


MAX_JUMP = timedelta(hours=6)  # state-driven nudges are noticed at least this often


async def next_moment(db: Database, now: datetime, until: datetime) -> datetime:
    """The next time anything can fall due, for walking simulated time event by event."""
    async with db.sessions() as session:
        pending = await session.scalar(
            select(func.min(Nudge.due_at)).where(Nudge.status == "pending", Nudge.due_at > now)
        )
        beats = await load_beats(session, now)
    moments = [pending, now + MAX_JUMP, until]
    for _, beat in beats.ready:
        try:
            moments += [p.due_at for p in plan_window(beat, now, until)]
        except Exception:  # the planner parks this coalition; the walk goes on for the others
            continue
        moments += [asked + REMIND_AFTER for _, _, asked in beat.unanswered]
        moments += [asked + MISSED_AFTER for _, _, asked in beat.unanswered]
    return min(m for m in moments if m is not None and m > now)
