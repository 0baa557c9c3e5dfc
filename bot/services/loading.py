"""Loading the asker's coalition, its members and its rollout state for a service."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db.models import Coalition, Member
from bot.db.repos import as_membership
from bot.domain.coalition import Membership, Role, require_lead, require_role
from bot.domain.errors import NotAllowed, NotFound
from bot.domain.rollout import RolloutState
from bot.services.request import Request


@dataclass(frozen=True)
class Loaded:
    """A coalition with its active members."""

    coalition: Coalition
    rows: list[Member]

    @property
    def members(self) -> list[Membership]:
        """The domain view of the active members."""
        return [as_membership(m) for m in self.rows]

    def member(self, user_id: str) -> Membership:
        """The user's membership, or a refusal asking them to join."""
        for m in self.members:
            if m.user_id == user_id:
                return m
        raise NotAllowed("Join the coalition first: `/sre join`.")

    def row(self, user_id: str) -> Member:
        """The user's own membership row (to change their settings), or a request to join."""
        for m in self.rows:
            if m.user_id == user_id:
                return m
        raise NotAllowed("Join the coalition first: `/sre join`.")

    def lead(self, user_id: str, action: str) -> Membership:
        """The user's membership when they lead; else a refusal naming the leads."""
        return require_lead(user_id, self.members, action)

    def signer(self, user_id: str, action: str) -> Membership:
        """The user's membership when they are a PM or sponsor."""
        return require_role(user_id, self.members, action, Role.PM, Role.SPONSOR)


async def find(req: Request) -> Loaded | None:
    """The asker's channel coalition with its active members (one statement), if there is one."""
    found = await req.uow.coalitions.with_members(req.asker.channel_id)
    return None if found is None else Loaded(*found)


async def load(req: Request) -> Loaded:
    """The asker's channel coalition, or a hint to start one."""
    loaded = await find(req)
    if loaded is None:
        raise NotFound("No coalition in this channel yet. Start one with `/sre join`.")
    return loaded


async def rollout_state(req: Request, loaded: Loaded) -> RolloutState:
    """The coalition's rollout snapshot as of the request (two statements)."""
    primitives = req.content.programme.primitives
    return await req.uow.rollout.state(loaded.coalition, loaded.rows, req.now.date(), primitives)
