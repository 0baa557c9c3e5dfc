"""The retention limit: personal signals older than 90 days are deleted, daily.

That covers every row `/sre forget-me` deletes (see `bot.db.personal_repo`): the counts,
check-ins, reports, readings, departures and channel joins, and the health messages that were
sent (their payloads hold the facts); an old "all good" is cleared from the membership.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, update

from bot.db.beat_models import CheckIn, Nudge
from bot.db.health_models import Activity, Departure, HealthStanding, OnCallReport
from bot.db.models import ChannelMembershipChange, Member
from bot.db.personal_repo import HEALTH_NUDGES
from bot.db.uow import Database

RETENTION = timedelta(days=90)


async def purge(db: Database, now: datetime) -> int:
    """Delete personal rows past the retention limit (every workspace); returns how many."""
    cutoff = now - RETENTION
    statements = (
        delete(Activity).where(Activity.day < cutoff.date()),
        delete(CheckIn).where(CheckIn.asked_at < cutoff),
        delete(OnCallReport).where(OnCallReport.reported_at < cutoff),
        delete(HealthStanding).where(HealthStanding.assessed_at < cutoff),
        delete(Departure).where(Departure.left_at < cutoff),
        delete(ChannelMembershipChange).where(ChannelMembershipChange.at < cutoff),
        delete(Nudge).where(Nudge.kind.in_(HEALTH_NUDGES), Nudge.due_at < cutoff),
    )
    removed = 0
    async with db.sessions() as session:
        for statement in statements:
            result = await session.execute(statement)
            removed += int(getattr(result, "rowcount", 0) or 0)
        await session.execute(
            update(Member).where(Member.all_good_at < cutoff).values(all_good_at=None)
        )
        await session.commit()
    return removed
