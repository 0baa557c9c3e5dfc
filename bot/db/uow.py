"""The unit of work: one session per request or job, committed once by its handler."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.db.catalog_repo import CatalogRepo
from bot.db.changes import TEAM_KEY, Changes
from bot.db.checkin_repo import CheckinRepo, CommitmentRepo
from bot.db.engine import Revision, make_engine, make_sessionmaker, ping, schema_revision
from bot.db.health_repo import HealthRepo
from bot.db.inserts import changed, insert_if_absent
from bot.db.models import ReceivedEvent, SimulatedTime
from bot.db.outbox_repo import OutboxRepo
from bot.db.personal_repo import PersonalRepo
from bot.db.planning_repo import PlanningRepo
from bot.db.repos import CoalitionRepo, Coalitions, WorkspaceRepo
from bot.db.retention_repo import RetentionRepo
from bot.db.rollout_repo import RolloutRepo
from bot.db.workspace_lifecycle import WorkspaceLifecycle
from bot.meter import NO_METER, Meter

EVERY_WORKSPACE = ""
"""The scope of the scheduler's unit of work: no Slack team has an empty id, so a workspace
method called on it finds nothing; its batch methods take rows of every workspace."""


class UnitOfWork:
    """Every repository over one session: workspace methods filter by `team_id`, batch methods
    (the scheduler's) span workspaces. `commit()` is the handler's to call."""

    def __init__(self, session: AsyncSession, team_id: str, meter: Meter = NO_METER) -> None:
        self.session = session
        self.team_id = team_id
        session.info[TEAM_KEY] = team_id
        self.meter = meter
        self.every = Coalitions(session)
        self.outbox = OutboxRepo(session, team_id)
        self.planning = PlanningRepo(session, team_id)
        self.retention = RetentionRepo(session)
        self.workspaces = WorkspaceRepo(session, team_id)
        self.coalitions = CoalitionRepo(session, team_id)
        self.rollout = RolloutRepo(session, team_id)
        self.catalog = CatalogRepo(session, team_id)
        self.checkins = CheckinRepo(session, team_id)
        self.commitments = CommitmentRepo(session, team_id)
        self.health = HealthRepo(session, team_id)
        self.personal = PersonalRepo(session, team_id)

    async def claim_event(self, event_id: str | None, now: datetime) -> bool:
        """Take a Slack event delivery in this unit of work; False when another already has it.

        Take it before anything else: the claim commits or rolls back with the event's effect,
        so a delivery that fails or dies midway leaves no claim and Slack's redelivery is
        handled. A concurrent duplicate waits on the claim's key, then finds it taken.
        Without an `event_id` (the console) there is nothing to claim.
        """
        if event_id is None:
            return True
        row = {"event_id": event_id, "team_id": self.team_id, "received_at": now}
        if await insert_if_absent(self.session, ReceivedEvent, row):
            return True
        self.meter.deduplicated()
        return False

    async def commit(self) -> None:
        """Make this request's changes durable."""
        await self.session.commit()


class Database:
    """The engine, its sessions, and the few operations that are not workspace-scoped."""

    def __init__(self, url: str, meter: Meter = NO_METER) -> None:
        self.url, self.meter = url, meter
        self.engine: AsyncEngine = make_engine(url)
        self.changes = Changes(self.engine)
        self.sessions: async_sessionmaker[AsyncSession] = make_sessionmaker(
            self.engine, self.changes.session_class()
        )

    @asynccontextmanager
    async def unit_of_work(self, team_id: str) -> AsyncIterator[UnitOfWork]:
        """A unit of work for `team_id`; rolled back unless committed."""
        async with self.sessions() as session:
            yield UnitOfWork(session, team_id, self.meter)

    @asynccontextmanager
    async def batch(self) -> AsyncIterator[UnitOfWork]:
        """The scheduler's unit of work, over every workspace; rolled back unless committed."""
        async with self.sessions() as session:
            yield UnitOfWork(session, EVERY_WORKSPACE, self.meter)

    async def saved_time(self, name: str) -> datetime | None:
        """Where the simulated clock `name` stood when last saved."""
        async with self.sessions() as session:
            saved = await session.get(SimulatedTime, name)
        return saved.now if saved else None

    async def save_time(self, name: str, moment: datetime) -> None:
        """Persist the simulated clock `name` at `moment`, next to the data it belongs to."""
        async with self.sessions() as session:
            saved = await session.get(SimulatedTime, name)
            if saved is None:
                session.add(SimulatedTime(name=name, now=moment))
            else:
                saved.now = moment
            await session.commit()

    async def forget_events_before(self, cutoff: datetime) -> int:
        """Drop dedupe records older than Slack's retry horizon; returns how many."""
        async with self.sessions() as session:
            result = await session.execute(
                delete(ReceivedEvent).where(ReceivedEvent.received_at < cutoff)
            )
            await session.commit()
        return changed(result)

    def lifecycle(self) -> WorkspaceLifecycle:
        """Installs, parkings, uninstalls and the purge after the grace period, each step in a
        transaction of its own."""
        return WorkspaceLifecycle(self.sessions)

    async def healthy(self) -> bool:
        """True when the database answers."""
        return await ping(self.engine)

    async def schema_revision(self) -> Revision:
        """The database's Alembic revision in one cheap query (the readiness probe's)."""
        return await schema_revision(self.engine)

    def pool_state(self) -> tuple[int, int]:
        """(connections checked out, connections held) of the engine's pool."""
        pool = self.engine.pool
        in_use = getattr(pool, "checkedout", None)
        size = getattr(pool, "checkedin", None)
        if not callable(in_use) or not callable(size):
            return 0, 0
        busy = int(in_use())
        return busy, busy + int(size())

    async def dispose(self) -> None:
        """Stop listening for changes and close pooled connections."""
        await self.changes.close()
        await self.engine.dispose()


EVENT_MEMORY = timedelta(days=1)
