"""The planner job: put every nudge that fell due into the outbox, exactly once."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from bot.db.beat_models import Nudge
from bot.db.beat_repo import add_nudges, load_beats, mark_missed, mark_planned
from bot.db.uow import Database
from bot.domain.beat import MISSED_AFTER, REMIND_AFTER, Planned, plan_state, plan_window, stale

CATCH_UP = timedelta(days=8)  # after an outage, look this far back (older work is skipped)


def window_start(coalition: Any, now: datetime) -> datetime:
    """Where this coalition's planning resumes."""
    start: datetime = coalition.planned_through or coalition.created_at
    return max(start, now - CATCH_UP)


async def plan_due(db: Database, now: datetime) -> int:
    """Plan what fell due up to `now` for every coalition; returns how many nudges are new."""
    async with db.sessions() as session:
        beats = await load_beats(session, now)
        rows: list[tuple[Any, Planned, str]] = []
        for coalition, beat in beats:
            since = window_start(coalition, now)
            for planned in plan_window(beat, since, now) + plan_state(beat, now):
                skip = coalition.muted or stale(planned, now)
                rows.append((coalition, planned, "skipped" if skip else "pending"))
        added = await add_nudges(session, rows)
        await mark_planned(session, now)
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
    for _, beat in beats:
        moments += [p.due_at for p in plan_window(beat, now, until)]
        moments += [asked + REMIND_AFTER for _, _, asked in beat.unanswered]
        moments += [asked + MISSED_AFTER for _, _, asked in beat.unanswered]
    return min(m for m in moments if m is not None and m > now)
