"""Counting participation in the coalition channel: messages and reactions, never their text."""

from __future__ import annotations

from datetime import datetime

from bot.db.health_models import Activity
from bot.db.inserts import add_counts
from bot.db.uow import UnitOfWork
from bot.domain.errors import DomainError
from bot.domain.hours import WorkingHours, local_day, parse_hours


def _outside_hours(hours: str, tz: str | None, at: datetime) -> bool:
    try:
        span = parse_hours(hours)
    except DomainError:
        span = WorkingHours()
    return not span.contains(at, tz)


async def count(uow: UnitOfWork, channel_id: str, user_id: str, at: datetime, kind: str) -> bool:
    """Add one message or reaction by an active member; False when it does not concern us."""
    coalition = await uow.coalitions.by_channel(channel_id)
    member = None if coalition is None else await uow.coalitions.member(coalition, user_id)
    if coalition is None or member is None or member.left_at is not None:
        return False
    after = kind == "messages" and member.after_hours_opt_in
    counts = {"messages": 0, "reactions": 0, "after_hours": 0, kind: 1}
    if after and _outside_hours(member.hours, member.tz or coalition.tz, at):
        counts["after_hours"] = 1
    key = {
        "team_id": uow.team_id,
        "coalition_id": coalition.id,
        "user_id": user_id,
        "day": local_day(at, member.tz or coalition.tz),
    }
    await add_counts(uow.session, Activity, key, counts)
    return True
