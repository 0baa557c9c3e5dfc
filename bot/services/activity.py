"""Counting participation in the coalition channel: messages and reactions, never their text."""

from __future__ import annotations

from datetime import datetime

from bot.domain.errors import DomainError
from bot.domain.hours import WorkingHours, local_day, parse_hours
from bot.services.request import Request


def _outside_hours(hours: str, tz: str | None, at: datetime) -> bool:
    try:
        span = parse_hours(hours)
    except DomainError:
        span = WorkingHours()
    return not span.contains(at, tz)


async def count(req: Request, at: datetime, kind: str) -> bool:
    """Add one message or reaction by an active member at `at`; False when it does not concern
    us."""
    uow, user_id = req.uow, req.asker.user_id
    coalition = await uow.coalitions.by_channel(req.asker.channel_id)
    member = None if coalition is None else await uow.coalitions.member(coalition, user_id)
    if coalition is None or member is None or member.left_at is not None:
        return False
    after = kind == "messages" and member.after_hours_opt_in
    counts = {"messages": 0, "reactions": 0, "after_hours": 0, kind: 1}
    if after and _outside_hours(member.hours, member.tz or coalition.tz, at):
        counts["after_hours"] = 1
    day = local_day(at, member.tz or coalition.tz)
    await uow.health.count_activity(coalition, user_id, day, counts)
    return True
