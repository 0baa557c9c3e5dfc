"""Batched reads for the weekly health assessment: a fixed number of queries per run."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.beat_models import CheckIn, Commitment
from bot.db.health_models import Activity, HealthStanding, OnCallReport
from bot.db.models import Coalition, Member
from bot.db.rollout_models import PrimitiveOwner

HISTORY = timedelta(weeks=11)


@dataclass
class Evidence:
    """Everything about one coalition's members that the weekly reading uses."""

    members: list[Member] = field(default_factory=list)
    activity: dict[str, list[Activity]] = field(default_factory=lambda: defaultdict(list))
    checkins: dict[str, list[CheckIn]] = field(default_factory=lambda: defaultdict(list))
    open_items: dict[str, list[date | None]] = field(default_factory=lambda: defaultdict(list))
    oncall: dict[str, list[OnCallReport]] = field(default_factory=lambda: defaultdict(list))
    last: dict[str, HealthStanding] = field(default_factory=dict)


async def gather(
    session: AsyncSession, coalitions: list[Coalition], now: datetime
) -> dict[int, Evidence]:
    """Evidence for every given coalition: seven queries whatever their number."""
    ids = [c.id for c in coalitions]
    found: dict[int, Evidence] = {i: Evidence() for i in ids}
    since = now - HISTORY
    members = await session.scalars(
        select(Member).where(Member.coalition_id.in_(ids), Member.left_at.is_(None))
    )
    for m in members:
        found[m.coalition_id].members.append(m)
    for a in await session.scalars(
        select(Activity).where(Activity.coalition_id.in_(ids), Activity.day >= since.date())
    ):
        found[a.coalition_id].activity[a.user_id].append(a)
    for c in await session.scalars(
        select(CheckIn)
        .where(CheckIn.coalition_id.in_(ids), CheckIn.asked_at >= since)
        .order_by(CheckIn.asked_at)
    ):
        found[c.coalition_id].checkins[c.user_id].append(c)
    for item in await session.scalars(
        select(Commitment).where(Commitment.coalition_id.in_(ids), Commitment.done_at.is_(None))
    ):
        found[item.coalition_id].open_items[item.owner].append(item.due_on)
    for owner in await session.scalars(
        select(PrimitiveOwner).where(PrimitiveOwner.coalition_id.in_(ids))
    ):
        found[owner.coalition_id].open_items[owner.owner].append(None)
    for report in await session.scalars(
        select(OnCallReport).where(
            OnCallReport.coalition_id.in_(ids), OnCallReport.reported_at >= now - timedelta(weeks=5)
        )
    ):
        found[report.coalition_id].oncall[report.user_id].append(report)
    for standing in await session.scalars(
        select(HealthStanding)
        .where(
            HealthStanding.coalition_id.in_(ids),
            HealthStanding.assessed_at >= now - timedelta(weeks=6),
        )
        .order_by(HealthStanding.assessed_at)
    ):
        found[standing.coalition_id].last[standing.user_id] = standing
    return found
