"""The retention limit: personal signals older than 90 days are deleted, daily."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete

from bot.db.beat_models import CheckIn
from bot.db.health_models import Activity, Departure, HealthStanding, OnCallReport
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
    )
    removed = 0
    async with db.sessions() as session:
        for statement in statements:
            result = await session.execute(statement)
            removed += int(getattr(result, "rowcount", 0) or 0)
        await session.commit()
    return removed
