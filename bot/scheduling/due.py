"""The work that falls due at a moment: run by the timer in Slack mode and by `/advance`."""

from __future__ import annotations

import logging
from datetime import date, datetime

from sqlalchemy import select

from bot.clock import Clock, ManualClock
from bot.db.models import Member
from bot.db.uow import EVENT_MEMORY, Database
from bot.messages import Messenger
from bot.scheduling.dispatch import Dispatcher, TickReport
from bot.scheduling.health import assess_due
from bot.scheduling.plan import next_moment, plan_due
from bot.scheduling.retention import purge

log = logging.getLogger(__name__)
ZONE_LOOKUPS_PER_TICK = 20


class DueWork:
    """Plan, dispatch and tidy up: everything the beat does at one tick."""

    def __init__(self, db: Database, messenger: Messenger, clock: Clock, worker: str) -> None:
        self.db, self.messenger, self.clock = db, messenger, clock
        self.dispatcher = Dispatcher(db, messenger, clock, worker)
        self.purged_on: date | None = None

    async def run(self) -> TickReport:
        """One tick at the clock's current time."""
        now = self.clock.now()
        await self.learn_time_zones()
        await assess_due(self.db, now)
        await plan_due(self.db, now)
        report = await self.dispatcher.tick()
        if self.purged_on != now.date():  # once a day per replica; deleting twice is harmless
            await self.db.forget_events_before(now - EVENT_MEMORY)
            await purge(self.db, now)
            self.purged_on = now.date()
        return report

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
                member.tz = await self.messenger.timezone(member.user_id) or member.tz
                member.tz_checked = True
            await session.commit()
