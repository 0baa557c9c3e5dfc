"""Repositories. Each is bound to one workspace (`team_id`) and filters every query by it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.inserts import changed, insert_if_absent
from bot.db.models import ChannelMembershipChange, Coalition, Member, Workspace
from bot.db.workspace_lifecycle import served
from bot.domain.coalition import Membership, Role

# Built once: every command loads its coalition with this, binding only its values.
WITH_MEMBERS = (
    select(Coalition, Member)
    .outerjoin(
        Member,
        and_(
            Member.coalition_id == Coalition.id,
            Member.team_id == bindparam("team"),
            Member.left_at.is_(None),
        ),
    )
    .where(Coalition.team_id == bindparam("team"), Coalition.channel_id == bindparam("channel"))
    .order_by(Member.joined_at, Member.id)
)


class WorkspaceRepo:
    """The workspace row itself."""

    def __init__(self, session: AsyncSession, team_id: str) -> None:
        self.session, self.team_id = session, team_id

    async def ensure(self, now: datetime) -> None:
        """Create the workspace row on first contact."""
        table = Workspace
        await insert_if_absent(self.session, table, {"team_id": self.team_id, "created_at": now})


class CoalitionRepo:
    """Coalitions and their members, within one workspace."""

    def __init__(self, session: AsyncSession, team_id: str) -> None:
        self.session, self.team_id = session, team_id

    async def by_channel(self, channel_id: str) -> Coalition | None:
        """The coalition run from `channel_id`, if any."""
        query = select(Coalition).where(
            Coalition.team_id == self.team_id, Coalition.channel_id == channel_id
        )
        return (await self.session.scalars(query)).one_or_none()

    async def with_members(self, channel_id: str) -> tuple[Coalition, list[Member]] | None:
        """The coalition run from `channel_id` with its active members, oldest first, in one
        statement; None when there is none."""
        params = {"team": self.team_id, "channel": channel_id}
        rows = (await self.session.execute(WITH_MEMBERS, params)).all()
        if not rows:
            return None
        return rows[0][0], [member for _, member in rows if member is not None]

    async def get_or_create(self, channel_id: str, now: datetime) -> Coalition:
        """The channel's coalition, created (race-safely) when it does not exist."""
        await insert_if_absent(
            self.session,
            Coalition,
            {"team_id": self.team_id, "channel_id": channel_id, "created_at": now},
        )
        coalition = await self.by_channel(channel_id)
        assert coalition is not None  # just inserted, or already there
        return coalition

    async def member(self, coalition: Coalition, user_id: str) -> Member | None:
        """The membership row of `user_id`, active or not."""
        query = select(Member).where(
            Member.team_id == self.team_id,
            Member.coalition_id == coalition.id,
            Member.user_id == user_id,
        )
        return (await self.session.scalars(query)).one_or_none()

    async def active_members(self, coalition: Coalition) -> list[Member]:
        """Members who have not left, oldest first."""
        query = (
            select(Member)
            .where(
                Member.team_id == self.team_id,
                Member.coalition_id == coalition.id,
                Member.left_at.is_(None),
            )
            .order_by(Member.joined_at, Member.id)
        )
        return list(await self.session.scalars(query))

    async def memberships_of(self, user_id: str) -> list[tuple[Coalition, Member]]:
        """Every coalition `user_id` is an active member of, oldest first."""
        query = (
            select(Coalition, Member)
            .join(Member, Member.coalition_id == Coalition.id)
            .where(
                Coalition.team_id == self.team_id,
                Member.team_id == self.team_id,
                Member.user_id == user_id,
                Member.left_at.is_(None),
            )
            .order_by(Coalition.id)
        )
        return [(c, m) for c, m in await self.session.execute(query)]

    async def choose_dm_home(self, user_id: str, coalition: Coalition) -> None:
        """Remember that `user_id`'s DMs to the bot are about `coalition` (and no other)."""
        await self.session.execute(
            update(Member)
            .where(Member.team_id == self.team_id, Member.user_id == user_id)
            .values(dm_home=Member.coalition_id == coalition.id),
            execution_options={"synchronize_session": False},
        )

    async def lock(self, coalition: Coalition) -> None:
        """Hold the coalition's row until commit, so that membership changes take turns.

        A write, not `SELECT ... FOR UPDATE`: SQLite ignores that, but a write takes its lock.
        """
        await self.session.execute(
            update(Coalition)
            .where(Coalition.team_id == self.team_id, Coalition.id == coalition.id)
            .values(channel_id=Coalition.channel_id),
            execution_options={"synchronize_session": False},
        )

    async def enrol(
        self, coalition: Coalition, user_id: str, role: str, requested: str | None, now: datetime
    ) -> bool:
        """Make `user_id` an active member (new, or back after leaving) in one atomic write;
        False when they were active already, so only one of concurrent joins goes through."""
        row = {"team_id": self.team_id, "coalition_id": coalition.id, "user_id": user_id}
        joined = {"role": role, "requested_role": requested, "joined_at": now}
        if await insert_if_absent(self.session, Member, {**row, **joined}):
            return True
        result = await self.session.execute(
            update(Member)
            .where(
                Member.team_id == self.team_id,
                Member.coalition_id == coalition.id,
                Member.user_id == user_id,
                Member.left_at.is_not(None),
            )
            .values(**joined, left_at=None),
            execution_options={"synchronize_session": False},
        )
        return changed(result) == 1

    def record_channel_change(
        self, channel_id: str, user_id: str, change: str, at: datetime
    ) -> None:
        """Store that `user_id` joined or left `channel_id` (no message content)."""
        self.session.add(
            ChannelMembershipChange(
                team_id=self.team_id, channel_id=channel_id, user_id=user_id, change=change, at=at
            )
        )

    async def channel_changes(self, channel_id: str) -> list[ChannelMembershipChange]:
        """Joins and leaves recorded for `channel_id`, oldest first."""
        query = (
            select(ChannelMembershipChange)
            .where(
                ChannelMembershipChange.team_id == self.team_id,
                ChannelMembershipChange.channel_id == channel_id,
            )
            .order_by(ChannelMembershipChange.at, ChannelMembershipChange.id)
        )
        return list(await self.session.scalars(query))


class Coalitions:
    """The scheduler's reads of coalitions and members across every workspace (each row
    carries its own `team_id`)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def every(self) -> list[Coalition]:
        """Every coalition of the workspaces the bot serves (not uninstalled, not parked)."""
        query = select(Coalition).where(served(Coalition.team_id)).order_by(Coalition.id)
        return list(await self.session.scalars(query))

    async def by_ids(self, ids: Iterable[int]) -> dict[int, Coalition]:
        """The coalitions with these ids."""
        found = await self.session.scalars(select(Coalition).where(Coalition.id.in_(list(ids))))
        return {c.id: c for c in found}

    async def active_members(self, ids: Iterable[int]) -> dict[int, list[Member]]:
        """The active members of each of these coalitions, oldest first."""
        wanted = list(ids)
        query = (
            select(Member)
            .where(Member.coalition_id.in_(wanted), Member.left_at.is_(None))
            .order_by(Member.joined_at, Member.id)
        )
        found: dict[int, list[Member]] = {i: [] for i in wanted}
        for member in await self.session.scalars(query):
            found[member.coalition_id].append(member)
        return found

    async def zones_to_learn(self, limit: int) -> list[Member]:
        """Members whose time zone the platform has not been asked for yet (of the workspaces
        the bot serves)."""
        query = select(Member).where(Member.tz_checked.is_(False), served(Member.team_id))
        query = query.limit(limit)
        return list(await self.session.scalars(query))


def as_membership(member: Member) -> Membership:
    """The domain view of a membership row."""
    requested = Role(member.requested_role) if member.requested_role else None
    return Membership(
        member.user_id, Role(member.role), member.joined_at, member.incidents, requested
    )
