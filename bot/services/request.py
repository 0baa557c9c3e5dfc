"""Who is asking, from where, and what a use case works with: one unit of work, the time, the
content."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.content import Content
from bot.db.uow import UnitOfWork


@dataclass(frozen=True)
class Asker:
    """The user behind a request, in a workspace and channel."""

    team_id: str
    channel_id: str
    user_id: str


@dataclass(frozen=True)
class Request:
    """One request as a use case sees it; the router builds it and commits its unit of work."""

    uow: UnitOfWork
    asker: Asker
    now: datetime
    content: Content
