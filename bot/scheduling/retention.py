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
from bot.scheduling.faults import Faults

RETENTION = timedelta(days=90)


async def purge(db: Database, now: datetime, faults: Faults | None = None) -> int:
    """Delete personal rows past the retention limit (every workspace); returns how many.

    Each table is purged in its own transaction, so one that fails leaves the others done.
    Raises `PurgeIncomplete` (after trying them all) when one failed, so it is tried again.
    """
    faults = faults or Faults()
    cutoff = now - RETENTION
    statements = (
        (Activity.__tablename__, delete(Activity).where(Activity.day < cutoff.date())),
        (CheckIn.__tablename__, delete(CheckIn).where(CheckIn.asked_at < cutoff)),
        (OnCallReport.__tablename__, delete(OnCallReport).where(OnCallReport.reported_at < cutoff)),
        (
            HealthStanding.__tablename__,
            delete(HealthStanding).where(HealthStanding.assessed_at < cutoff),
        ),
        (Departure.__tablename__, delete(Departure).where(Departure.left_at < cutoff)),
        (
            ChannelMembershipChange.__tablename__,
            delete(ChannelMembershipChange).where(ChannelMembershipChange.at < cutoff),
        ),
        (
            Nudge.__tablename__,
            delete(Nudge).where(Nudge.kind.in_(HEALTH_NUDGES), Nudge.due_at < cutoff),
        ),
    )
    removed, failed = 0, []
    for table, statement in statements:
        try:
            async with db.sessions() as session:
                result = await session.execute(statement)
                await session.commit()
        except Exception as error:  # this table; the others are still purged
            faults.record("purge", table, error, now, table=table)
            failed.append(table)
            continue
        removed += int(getattr(result, "rowcount", 0) or 0)
    try:  # "all good" marks are scrubbed, not counted as removed rows
        async with db.sessions() as session:
            await session.execute(
                update(Member).where(Member.all_good_at < cutoff).values(all_good_at=None)
            )
            await session.commit()
    except Exception as error:
        faults.record("purge", Member.__tablename__, error, now, table=Member.__tablename__)
        failed.append(Member.__tablename__)
    if failed:
        raise PurgeIncomplete(failed)
    return removed


class PurgeIncomplete(Exception):
    """Some tables could not be purged this time (each was logged)."""

    def __init__(self, tables: list[str]) -> None:
        super().__init__(", ".join(tables))
        self.tables = tables
