"""A workspace's life in OAuth mode: installed, parked, uninstalled, and forgotten after a grace.

Uninstalling is a data lifecycle, not an error: its pending nudges stop at once (nothing is sent
with a dead token), its installation rows go, and its data stays for the grace period so that a
reinstall finds its coalitions again; after that every row carrying its `team_id` is deleted.
A workspace whose token Slack stops accepting is parked: nothing is sent or retried for it
until it is installed again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, Select, Table, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import InstrumentedAttribute

from bot.db.beat_models import Nudge
from bot.db.inserts import insert_if_absent
from bot.db.installation_models import bots, installations, oauth_states
from bot.db.models import Base, Workspace

log = logging.getLogger(__name__)

GLOBAL_TABLES = {
    "simulated_time": "the console's simulated clock: one per database, no workspace's data",
    "slack_oauth_states": "install-flow states: issued before any workspace is known, "
    "consumed once, expire in minutes (forget_expired_states)",
}
"""Tables without `team_id`, and why none is needed (tests/test_workspace_lifecycle.py)."""

OPEN = ("pending", "claimed")  # nudges that may still be sent
PARKING_ERRORS = frozenset({"invalid_auth", "account_inactive", "token_revoked"})
"""Slack errors that mean the workspace's token will not work again until it is reinstalled."""


@dataclass(frozen=True)
class Standing:
    """Where a workspace stands, as the senders outside a request need to know."""

    team_id: str
    enterprise_id: str | None = None
    uninstalled_at: datetime | None = None
    parked_reason: str | None = None

    @property
    def blocked(self) -> str | None:
        """Why nothing may be sent for this workspace, or None when it may."""
        if self.uninstalled_at is not None:
            return "uninstalled"
        if self.parked_reason is not None:
            return f"parked: {self.parked_reason}"
        return None


def _blocked() -> Select[str]:
    return select(Workspace.team_id).where(
        Workspace.uninstalled_at.is_not(None) | Workspace.parked_at.is_not(None)
    )


def served(team_id: ColumnElement[str] | InstrumentedAttribute[str]) -> ColumnElement[bool]:
    """True for the rows of workspaces the bot serves: neither uninstalled nor parked (the
    planner, the health reading and the dispatcher leave the others alone)."""
    return team_id.not_in(_blocked())


def workspace_tables() -> list[Table]:
    """Every table whose rows carry `team_id`, children before the tables they refer to."""
    return [t for t in reversed(Base.metadata.sorted_tables) if "team_id" in t.c]


async def record_install(
    session: AsyncSession, team_id: str | None, enterprise_id: str | None, now: datetime
) -> None:
    """The workspace (or, with no team, every workspace of the org) is installed again: it
    stands clear of any uninstall or parking."""
    clear: dict[str, object] = {"uninstalled_at": None, "parked_at": None, "parked_reason": None}
    if team_id is None:
        if enterprise_id is not None:  # an org-wide install
            await session.execute(
                update(Workspace).where(Workspace.enterprise_id == enterprise_id).values(**clear)
            )
        return
    row = {"team_id": team_id, "created_at": now, "enterprise_id": enterprise_id}
    if await insert_if_absent(session, Workspace, row):
        return
    if enterprise_id is not None:
        clear["enterprise_id"] = enterprise_id
    await session.execute(update(Workspace).where(Workspace.team_id == team_id).values(**clear))


async def note_enterprise(
    session: AsyncSession, team_id: str, enterprise_id: str, now: datetime | None = None
) -> None:
    """Remember the workspace's Enterprise Grid org (seen on a request), for org-wide installs;
    with `now`, a workspace not seen before is recorded with it."""
    if now is not None:
        row = {"team_id": team_id, "created_at": now, "enterprise_id": enterprise_id}
        if await insert_if_absent(session, Workspace, row):
            return
    await session.execute(
        update(Workspace)
        .where(Workspace.team_id == team_id)
        .where((Workspace.enterprise_id.is_(None)) | (Workspace.enterprise_id != enterprise_id))
        .values(enterprise_id=enterprise_id)
    )


async def standing(session: AsyncSession, team_id: str) -> Standing:
    """The workspace's standing; a workspace the bot has never seen stands clear."""
    row = await session.get(Workspace, team_id, populate_existing=True)
    if row is None:
        return Standing(team_id)
    return Standing(team_id, row.enterprise_id, row.uninstalled_at, row.parked_reason)


async def blocked_teams(session: AsyncSession) -> set[str]:
    """Workspaces nothing may be planned or sent for (uninstalled or parked)."""
    return set(await session.scalars(_blocked()))


async def stop_pending(session: AsyncSession, team_id: str, note: str) -> int:
    """Every nudge of the workspace that may still go out is skipped, with `note`; how many.

    A claimed one's worker renews its lease (compare-and-set on `claimed`) before sending and
    finds it gone, so it is not sent either.
    """
    result = await session.execute(
        update(Nudge)
        .where(Nudge.team_id == team_id, Nudge.status.in_(OPEN))
        .values(status="skipped", note=note[:200], lease_until=None)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def park(session: AsyncSession, team_id: str, reason: str, now: datetime) -> int:
    """Stop sending for a workspace whose token Slack refuses; returns nudges stopped."""
    await session.execute(
        update(Workspace)
        .where(Workspace.team_id == team_id, Workspace.parked_at.is_(None))
        .values(parked_at=now, parked_reason=reason[:40])
    )
    return await stop_pending(session, team_id, f"workspace parked: {reason}")


async def uninstall(
    session: AsyncSession,
    *,
    team_id: str | None,
    enterprise_id: str | None,
    is_enterprise_install: bool,
    now: datetime,
) -> list[str]:
    """The app was removed from a workspace (or a whole org): stop, unhook, keep data for now.

    Returns the workspaces it applied to: the one, or for an org-wide install every workspace
    of the org the bot has seen.
    """
    org_wide = is_enterprise_install and enterprise_id is not None
    if org_wide:
        teams = list(
            await session.scalars(
                select(Workspace.team_id).where(Workspace.enterprise_id == enterprise_id)
            )
        )
    else:
        teams = [team_id] if team_id is not None else []
    for team in teams:
        await stop_pending(session, team, "workspace uninstalled")
    if teams:
        await session.execute(
            update(Workspace)
            .where(Workspace.team_id.in_(teams), Workspace.uninstalled_at.is_(None))
            .values(uninstalled_at=now)
        )
    for table in (installations, bots):
        c = table.c
        await session.execute(
            delete(table).where(
                (c.enterprise_id == enterprise_id) & c.is_enterprise_install
                if org_wide
                else c.team_id.in_(teams)
            )
        )
    return teams


async def due_for_purge(session: AsyncSession, now: datetime, grace: timedelta) -> list[str]:
    """Workspaces uninstalled longer ago than `grace`, whose data is to be deleted."""
    query = select(Workspace.team_id).where(Workspace.uninstalled_at <= now - grace)
    return list(await session.scalars(query.order_by(Workspace.team_id)))


async def forget_workspace(session: AsyncSession, team_id: str) -> dict[str, int]:
    """Delete every row of every table that carries this `team_id`; rows deleted per table."""
    deleted: dict[str, int] = {}
    for table in workspace_tables():
        result = await session.execute(delete(table).where(table.c.team_id == team_id))
        deleted[table.name] = int(getattr(result, "rowcount", 0) or 0)
    return deleted


async def purge_if_due(session: AsyncSession, team_id: str, cutoff: datetime) -> bool:
    """Forget the workspace if it is still uninstalled since before `cutoff` (checked under a
    row lock on PostgreSQL, so a reinstall that just happened is never purged)."""
    query = (
        select(Workspace.team_id)
        .where(Workspace.team_id == team_id, Workspace.uninstalled_at <= cutoff)
        .with_for_update()
    )
    if (await session.scalars(query)).one_or_none() is None:
        return False
    await forget_workspace(session, team_id)
    return True


async def forget_expired_states(session: AsyncSession, now: datetime) -> int:
    """Drop install-flow states nobody came back with (each visit of the install page adds one)."""
    naive = now.astimezone(UTC).replace(tzinfo=None)  # the library's columns are naive UTC
    result = await session.execute(delete(oauth_states).where(oauth_states.c.expire_at < naive))
    return int(getattr(result, "rowcount", 0) or 0)


async def installation_count(
    session: AsyncSession, team_id: str | None, enterprise_id: str | None
) -> int:
    """How many installation rows this workspace (or org, with no team) has."""
    c = installations.c
    team = c.team_id.is_(None) if team_id is None else c.team_id == team_id
    org = c.enterprise_id.is_(None) if enterprise_id is None else c.enterprise_id == enterprise_id
    return int(await session.scalar(select(func.count()).where(team, org)) or 0)


class WorkspaceLifecycle:
    """The lifecycle's steps, each in a transaction of its own (for listeners and jobs)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def installed(
        self, team_id: str | None, enterprise_id: str | None, now: datetime
    ) -> bool:
        """Record an install (after the store saved it); True when it is the workspace's (or
        org's) first, counting from its last uninstall."""
        async with self.sessions() as session:
            await record_install(session, team_id, enterprise_id, now)
            first = await installation_count(session, team_id, enterprise_id) <= 1
            await session.commit()
        return first

    async def uninstalled(
        self,
        *,
        team_id: str | None,
        enterprise_id: str | None,
        is_enterprise_install: bool,
        now: datetime,
    ) -> list[str]:
        """Record an uninstall (app_uninstalled, or the bot's tokens revoked)."""
        async with self.sessions() as session:
            teams = await uninstall(
                session,
                team_id=team_id,
                enterprise_id=enterprise_id,
                is_enterprise_install=is_enterprise_install,
                now=now,
            )
            await session.commit()
        return teams

    async def park(self, team_id: str, reason: str, now: datetime) -> int:
        """Park a workspace whose token Slack refuses; returns the nudges stopped."""
        async with self.sessions() as session:
            stopped = await park(session, team_id, reason, now)
            await session.commit()
        log.warning("workspace %s parked (%s): %d nudges stopped", team_id, reason, stopped)
        return stopped

    async def noted_enterprise(self, team_id: str, enterprise_id: str, now: datetime) -> None:
        """Remember which Enterprise Grid org the workspace belongs to."""
        async with self.sessions() as session:
            await note_enterprise(session, team_id, enterprise_id, now)
            await session.commit()

    async def standing(self, team_id: str) -> Standing:
        """Where the workspace stands."""
        async with self.sessions() as session:
            return await standing(session, team_id)

    async def blocked(self) -> set[str]:
        """Workspaces nothing may be planned or sent for."""
        async with self.sessions() as session:
            return await blocked_teams(session)

    async def purge(self, now: datetime, grace: timedelta) -> list[str]:
        """Forget every workspace uninstalled longer than `grace` ago; each on its own, so one
        that fails is logged and the others are still purged. Returns those forgotten."""
        async with self.sessions() as session:
            due = await due_for_purge(session, now, grace)
            await forget_expired_states(session, now)
            await session.commit()
        forgotten: list[str] = []
        for team_id in due:
            try:
                async with self.sessions() as session:
                    if await purge_if_due(session, team_id, now - grace):
                        forgotten.append(team_id)
                    await session.commit()
            except Exception as error:  # this workspace only; the purge goes on
                log.error("purge of workspace %s failed: %s", team_id, type(error).__name__)
        return forgotten


def parking_error(reason: str) -> bool:
    """True when a Slack error means the workspace's token is dead until a reinstall."""
    return reason in PARKING_ERRORS
