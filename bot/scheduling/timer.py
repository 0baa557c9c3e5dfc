"""APScheduler as a timer: every replica runs the due work every ~20 s (in-memory job store).

`Timer` also knows whether the beat is alive (for `/readyz`) and how to stop it gracefully: no
new tick, no new claim, the send in flight finished or, past the budget, cut off and given back.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.logs import bound
from bot.scheduling.dispatch import TickReport
from bot.scheduling.due import DueWork

TICK_SECONDS = 20
STALE_AFTER = 3
"""Ticks missed in a row before the beat counts as stuck (`/readyz` says so)."""
log = logging.getLogger(__name__)


class Timer:
    """Runs one replica's due work on an interval; stops it within a time budget."""

    def __init__(
        self,
        work: DueWork,
        every: float = TICK_SECONDS,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.work, self.every, self.now = work, every, now
        self.scheduler: AsyncIOScheduler | None = None
        self._running: asyncio.Task[Any] | None = None
        self._last = now()  # starting counts as a beat: a fresh replica is ready at once

    def start(self) -> Timer:
        """Start ticking inside the running loop; `stop()` ends it."""
        scheduler = AsyncIOScheduler(timezone="UTC")
        scheduler.add_job(
            self.tick,
            "interval",
            seconds=self.every,
            id="due-work",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=int(self.every),
        )
        scheduler.start()
        self.scheduler = scheduler
        return self

    async def tick(self) -> TickReport | None:
        """One tick of due work (None when it failed or the timer is stopping)."""
        if self.work.stopping:
            return None
        self._running = asyncio.current_task()
        try:
            with bound(job="due-work"):
                return await self.work.run()
        except Exception as error:  # one failed tick must not stop the beat; the next retries
            log.error("due work failed: %s", type(error).__name__, exc_info=error)
            return None
        finally:
            self._running, self._last = None, self.now()

    def ticked_recently(self) -> bool:
        """True while a tick runs, or when the last one ended less than `STALE_AFTER` ticks ago."""
        return self._running is not None or self.now() - self._last <= STALE_AFTER * self.every

    async def stop(self, budget: float) -> bool:
        """Stop ticking and claiming; wait up to `budget` seconds for the running tick to finish
        its send in flight (it gives the rest of its batch back), else cut it off and give back
        every claim it still holds. False when the tick had to be cut off."""
        self.work.stop()
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
        running, finished = self._running, True
        if running is not None and not running.done():
            done, _ = await asyncio.wait({running}, timeout=max(budget, 0.0))
            if not done:
                finished = False
                running.cancel()
                await asyncio.gather(running, return_exceptions=True)
        try:
            let_go = await self.work.let_go()
        except Exception as error:  # the database is gone too: the leases run out (60 s)
            log.error("stopping: could not give claimed nudges back: %s", type(error).__name__)
            return False
        if not finished or let_go:
            log.warning("stopping: cut the tick off and let go of %d claimed nudge(s)", let_go)
        return finished
