"""APScheduler as a timer: every replica runs the due work every ~20 s (in-memory job store)."""

from __future__ import annotations

import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.scheduling.due import DueWork

TICK_SECONDS = 20
log = logging.getLogger(__name__)


def start_timer(work: DueWork) -> AsyncIOScheduler:
    """Start the timer inside the running loop; the caller shuts it down."""

    async def tick() -> None:
        try:
            await work.run()
        except Exception as error:  # one failed tick must not stop the beat; the next retries
            log.error("due work failed: %s", type(error).__name__, exc_info=error)

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
