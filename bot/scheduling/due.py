"""The work that falls due at a moment: run by the timer in Slack mode and by `/advance`."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import select

from bot.clock import Clock, ManualClock
from bot.db.models import Member
from bot.db.uow import EVENT_MEMORY, Database
from bot.ports import Messengers
from bot.scheduling.dispatch import Dispatcher, TickReport
from bot.scheduling.faults import Faults
from bot.scheduling.health import assess_due
from bot.scheduling.plan import next_moment, plan_due
from bot.scheduling.retention import PurgeIncomplete, purge

log = logging.getLogger(__name__)
ZONE_LOOKUPS_PER_TICK = 20
T = TypeVar("T")


class DueWork:
    """Plan, dispatch and tidy up: everything the beat does at one tick.

    Each stage runs on its own: a stage that fails is logged (once, see `Faults`) and the
    next one still runs, so a broken planner never stops sending, nor the daily purge.
    """

    def __init__(self, db: Database, messengers: Messengers, clock: Clock, worker: str) -> None:
        self.db, self.messengers, self.clock = db, messengers, clock
        self.faults = Faults()
        self.dispatcher = Dispatcher(db, messengers, clock, worker, self.faults)
        self.purged_on: date | None = None

    async def run(self) -> TickReport:
        """One tick at the clock's current time."""
        now, report = self.clock.now(), TickReport()
        before = self.faults.total
        await self._stage("time zones", now, self.learn_time_zones())
        await self._stage("health readings", now, assess_due(self.db, now, self.faults))
        await self._stage("planner", now, plan_due(self.db, now, self.faults))
        report = await self._stage("dispatcher", now, self.dispatcher.tick()) or report
        if self.purged_on != now.date():  # once a day per replica; deleting twice is harmless
            await self._stage("event memory", now, self.db.forget_events_before(now - EVENT_MEMORY))
            if await self._stage("purge", now, purge(self.db, now, self.faults)) is not None:
                self.purged_on = now.date()
        report.faults = self.faults.total - before
        return report

    async def _stage(self, name: str, now: datetime, work: Awaitable[T]) -> T | None:
        """Run one stage; its failure is recorded and the tick goes on (None)."""
        try:
            result = await work
        except PurgeIncomplete:
            return None  # each table that failed was recorded already
        except Exception as error:
            self.faults.record(name, "all", error, now, scope="every coalition")
            return None
        self.faults.cleared(name, "all")
        return result

    async def walk(self, clock: ManualClock, until: datetime) -> None:
        """Simulated time: run the beat now and at every moment something can fall due."""
        await self.run()
        while clock.now() < until:
            clock.set(await next_moment(self.db, clock.now(), until))
            await self.run()

    async def learn_time_zones(self) -> None:
        """Ask the platform for the time zone of members we have not asked yet."""
        async with self.db.sessions() as session:
            query = select(Member).where(Member.tz_checked.is_(False)).limit(ZONE_LOOKUPS_PER_TICK)
            members = list(await session.scalars(query))
            for member in members:
                messenger = self.messengers.for_team(member.team_id)
                member.tz = await messenger.timezone(member.user_id) or member.tz
                member.tz_checked = True
            await session.commit()
