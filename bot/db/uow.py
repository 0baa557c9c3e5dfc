"""The unit of work: one session per request or job, committed once by its handler."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.db.engine import make_engine, make_sessionmaker, ping
from bot.db.inserts import insert_if_absent
from bot.db.models import ReceivedEvent
from bot.db.personal_repo import PersonalRepo
from bot.db.repos import CoalitionRepo, WorkspaceRepo
from bot.db.rollout_repo import RolloutRepo


class UnitOfWork:
    """Repositories of one workspace over one session; `commit()` is the handler's to call."""

    def __init__(self, session: AsyncSession, team_id: str) -> None:
        self.session = session
        self.team_id = team_id
        self.workspaces = WorkspaceRepo(session, team_id)
        self.coalitions = CoalitionRepo(session, team_id)
        self.rollout = RolloutRepo(session, team_id)
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
        return await insert_if_absent(self.session, ReceivedEvent, row)

    async def commit(self) -> None:
        """Make this request's changes durable."""
        await self.session.commit()


class Database:
    """The engine, its sessions, and the few operations that are not workspace-scoped."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: AsyncEngine = make_engine(url)
        self.sessions: async_sessionmaker[AsyncSession] = make_sessionmaker(self.engine)

    @asynccontextmanager
    async def unit_of_work(self, team_id: str) -> AsyncIterator[UnitOfWork]:
        """A unit of work for `team_id`; rolled back unless committed."""
        async with self.sessions() as session:
            yield UnitOfWork(session, team_id)

    async def forget_events_before(self, cutoff: datetime) -> int:
        """Drop dedupe records older than Slack's retry horizon; returns how many."""
        async with self.sessions() as session:
            result = await session.execute(
                delete(ReceivedEvent).where(ReceivedEvent.received_at < cutoff)
            )
            await session.commit()
        return int(getattr(result, "rowcount", 0) or 0)

    async def healthy(self) -> bool:
        """True when the database answers."""
        return await ping(self.engine)

    async def dispose(self) -> None:
        """Close pooled connections."""
        await self.engine.dispose()


EVENT_MEMORY = timedelta(days=1)
