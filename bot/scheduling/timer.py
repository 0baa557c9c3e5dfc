"""APScheduler as a timer: every replica runs the due work every ~20 s (in-memory job store)."""

from __future__ import annotations

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.clock import Clock
from bot.db.uow import Database
from bot.messages import Messenger
from bot.scheduling.due import run_due_work

TICK_SECONDS = 20


def start_timer(db: Database, messenger: Messenger, clock: Clock) -> AsyncIOScheduler:
    """Start the timer inside the running loop; the caller shuts it down."""

    async def tick() -> None:
        await run_due_work(db, messenger, clock.now())

    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.add_job(
        tick,
        "interval",
        seconds=TICK_SECONDS,
        id="due-work",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=TICK_SECONDS,
    )
    scheduler.start()
    return scheduler
