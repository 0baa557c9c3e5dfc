"""Repositories. Each is bound to one workspace (`team_id`) and filters every query by it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.inserts import insert_if_absent
from bot.db.models import ChannelMembershipChange, Coalition, Member, Workspace
from bot.domain.coalition import Membership, Role


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

    def add_member(self, member: Member) -> None:
        """Stage a new membership row."""
        if member.team_id != self.team_id:
            raise ValueError("member belongs to another workspace")
        self.session.add(member)

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


def as_membership(member: Member) -> Membership:
    """The domain view of a membership row."""
    return Membership(member.user_id, Role(member.role), member.joined_at, member.incidents)
