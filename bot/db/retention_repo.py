"""The retention limit's deletes: personal signals past it, in every workspace, table by table.

That covers every row `/sre forget-me` deletes (see `bot.db.personal_repo`): the counts,
check-ins, reports, readings, departures and channel joins, and the health messages that were
sent (their payloads hold the facts); an old "all good" is scrubbed from the membership.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.beat_models import CheckIn, Nudge
from bot.db.health_models import Activity, Departure, HealthStanding, OnCallReport
from bot.db.inserts import changed
from bot.db.models import ChannelMembershipChange, Member
from bot.db.personal_repo import HEALTH_NUDGES


def purges(cutoff: datetime) -> list[tuple[str, Any]]:
    """(table, statement) for every table holding personal rows older than `cutoff`."""
    return [
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
    ]


TABLES = tuple(table for table, _ in purges(datetime(2000, 1, 1)))


class RetentionRepo:
    """Deletes past the retention limit (a system job: every workspace)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def purge(self, table: str, cutoff: datetime) -> int:
        """Delete `table`'s personal rows older than `cutoff`; returns how many went."""
        statement = dict(purges(cutoff))[table]
        return changed(await self.session.execute(statement))

    async def scrub_all_good(self, cutoff: datetime) -> None:
        """Clear "all good" marks older than `cutoff` (a scrub, not a removed row)."""
        await self.session.execute(
            update(Member).where(Member.all_good_at < cutoff).values(all_good_at=None)
        )
