"""The work that falls due at a moment: run by the timer in Slack mode and by `/advance`."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.db.uow import EVENT_MEMORY, Database
from bot.messages import Messenger

log = logging.getLogger(__name__)


async def run_due_work(db: Database, messenger: Messenger, now: datetime) -> list[str]:
    """Run everything due at `now`; returns one line per kind of work that did something."""
    done: list[str] = []
    purged = await db.forget_events_before(now - EVENT_MEMORY)
    if purged:
        done.append(f"forgot {purged} old event delivery record(s)")
    return done
