"""The work that falls due at a moment: run by the timer in Slack mode and by `/advance`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from datetime import date, datetime, timedelta
from typing import TypeVar

from bot.clock import Clock, ManualClock
from bot.content import Content
from bot.db.models import Coalition
from bot.db.uow import EVENT_MEMORY, Database
from bot.meter import NO_METER, Meter
from bot.ports import Messengers, Unreachable
from bot.scheduling.dispatch import Dispatcher, TickReport
from bot.scheduling.faults import Faults
from bot.scheduling.imports import CatalogReader, import_due
from bot.scheduling.plan import next_moment, plan_due
from bot.scheduling.retention import PurgeIncomplete, purge
from bot.services import health_reading

log = logging.getLogger(__name__)
ZONE_LOOKUPS_PER_TICK = 20
UNINSTALL_GRACE = timedelta(days=30)  # UNINSTALL_GRACE_DAYS' default
T = TypeVar("T")


class DueWork:
    """Plan, dispatch and tidy up: everything the beat does at one tick.

    Each stage runs on its own: a stage that fails is logged (once, see `Faults`) and the
    next one still runs, so a broken planner never stops sending, nor the daily purge.
    """

    def __init__(
        self,
        db: Database,
        messengers: Messengers,
        clock: Clock,
        content: Content,
        worker: str,
        grace: timedelta = UNINSTALL_GRACE,
        catalog: CatalogReader | None = None,
        meter: Meter = NO_METER,
    ) -> None:
        self.db, self.messengers, self.clock, self.content = db, messengers, clock, content
        self.grace = grace
        self.catalog = catalog  # the configured Backstage, for the daily imports
        self.faults, self.meter = Faults(), meter
        self.dispatcher = Dispatcher(db, messengers, clock, content, worker, self.faults, meter)
        self.purged_on: date | None = None
        self.stopping = False

    def stop(self) -> None:
        """Shutting down: start no new stage, claim no nudge; the running stage finishes."""
        self.stopping = True
        self.dispatcher.stop()

    async def let_go(self) -> int:
        """After a tick was cut short: give back what the dispatcher still holds."""
        return await self.dispatcher.let_go()

    async def run(self) -> TickReport:
        """One tick at the clock's current time."""
        now, report = self.clock.now(), TickReport()
        before = self.faults.total
        self.messengers.fresh_tick()  # each workspace's token: looked up once this tick
        await self._stage("time zones", now, self.learn_time_zones())
        await self._stage("health readings", now, self.read_health(now))
        planned = plan_due(self.db, self.content, now, self.faults, self.meter)
        await self._stage("planner", now, planned)
        report = await self._stage("dispatcher", now, self.dispatcher.tick(fresh=False)) or report
        if self.catalog is not None:
            work = import_due(self.db, self.content, self.catalog, now, self.faults)
            await self._stage("catalog import", now, work)
        if self.purged_on != now.date():  # once a day per replica; deleting twice is harmless
            await self._stage("event memory", now, self.db.forget_events_before(now - EVENT_MEMORY))
            await self._stage("uninstalled workspaces", now, self.forget_uninstalled(now))
            if await self._stage("purge", now, purge(self.db, now, self.faults)) is not None:
                self.purged_on = now.date()
        report.faults = self.faults.total - before
        self.meter.ticked()
        return report

    async def _stage(self, name: str, now: datetime, work: Awaitable[T]) -> T | None:
        """Run one stage; its failure is recorded and the tick goes on (None). Once stopping,
        the stage is not run at all."""
        if self.stopping:
            if asyncio.iscoroutine(work):
                work.close()
            return None
        try:
            with self.meter.timed(name):
                result = await work
        except PurgeIncomplete:
            return None  # each table that failed was recorded already
        except Exception as error:
            self.faults.record(name, "all", error, now, scope="every coalition")
            return None
        self.faults.cleared(name, "all")
        return result

    async def read_health(self, now: datetime) -> int:
        """The weekly health reading of every coalition whose week is due."""

        def fault(coalition: Coalition, error: Exception) -> None:
            ids = {"team": coalition.team_id, "coalition": coalition.id}
            self.faults.record("health reading", coalition.id, error, now, **ids)

        async with self.db.batch() as uow:
            claimed = await health_reading.claim_due(uow, now)
            await uow.commit()  # the week is this replica's whatever the reading does
            members = await health_reading.read_claimed(uow, claimed, now, fault)
            await uow.commit()
        return members

    async def walk(self, clock: ManualClock, until: datetime) -> None:
        """Simulated time: run the beat now and at every moment something can fall due."""
        await self.run()
        while clock.now() < until:
            clock.set(await next_moment(self.db, clock.now(), until))
            await self.run()

    async def learn_time_zones(self) -> None:
        """Ask each member's workspace for the time zone of members we have not asked yet
        (of workspaces the bot serves; one without a token now is asked another tick)."""
        async with self.db.batch() as uow:
            for member in await uow.every.zones_to_learn(ZONE_LOOKUPS_PER_TICK):
                messenger = await self.messengers.for_team(member.team_id)
                if isinstance(messenger, Unreachable):
                    # Not installed: not asked again (it would hold the queue); else next tick.
                    member.tz_checked = messenger.lasting
                    continue
                member.tz = await messenger.timezone(member.user_id) or member.tz
                member.tz_checked = True
            await uow.commit()

    async def forget_uninstalled(self, now: datetime) -> list[str]:
        """Delete every row of the workspaces uninstalled longer than the grace period ago."""
        forgotten = await self.db.lifecycle().purge(now, self.grace)
        if forgotten:
            log.info("forgot %d uninstalled workspaces: %s", len(forgotten), ", ".join(forgotten))
        return forgotten
