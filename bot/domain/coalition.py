"""Who is in a coalition and in what role; the rules for joining, leaving and changing roles."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.errors import NotAllowed, UsageError
from bot.domain.mentions import person
from bot.domain.nearest import did_you_mean

MIN_HEALTHY_SIZE = 3


class Role(StrEnum):
    """A member's part in the coalition."""

    LEAD = "lead"
    MEMBER = "member"
    SPONSOR = "sponsor"
    PM = "pm"

    @property
    def label(self) -> str:
        """How the role reads in a sentence."""
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.LEAD: "lead",
    Role.MEMBER: "member",
    Role.SPONSOR: "sponsor",
    Role.PM: "product manager",
}


def parse_role(word: str) -> Role:
    """The role a user typed, or a usage error listing the roles."""
    try:
        return Role(word.strip().lower())
    except ValueError:
        roles = " | ".join(r.value for r in Role)
        hint = did_you_mean(word, [r.value for r in Role])
        raise UsageError(f"`{word[:20]}` is not a role.{hint} Roles: {roles}.") from None


GRANTED = frozenset({Role.PM, Role.SPONSOR})  # they sign off SLOs: only a lead's word gives them


@dataclass(frozen=True)
class Membership:
    """One person's current place in a coalition."""

    user_id: str
    role: Role
    joined_at: datetime
    incidents: int | None = None  # self-declared incidents handled on call
    requested: Role | None = None  # a granted role they asked for, waiting for a lead


@dataclass(frozen=True)
class Joining:
    """What a join does: the role held from now on, and a granted role left to the leads."""

    role: Role
    requested: Role | None = None


def leads(members: Sequence[Membership]) -> list[Membership]:
    """The active leads."""
    return [m for m in members if m.role is Role.LEAD]


def role_on_join(requested: Role | None, active: Sequence[Membership]) -> Joining:
    """What a newcomer gets: the first member leads; a second lead needs a lead's word; PM and
    sponsor are asked for, and held only once a lead confirms them."""
    if not active:
        return Joining(Role.LEAD)
    current_leads = leads(active)
    if requested is Role.LEAD and current_leads:
        who = ", ".join(person(m.user_id) for m in current_leads)
        raise NotAllowed(
            f"{who} already leads this coalition. A lead can make you co-lead with "
            "`/sre role @you lead`."
        )
    if requested in GRANTED:
        return Joining(Role.MEMBER, requested)
    return Joining(requested or Role.MEMBER)


def check_role_change(
    actor: str, target: str, new_role: Role, active: Sequence[Membership]
) -> Membership:
    """Refuse a role change the rules forbid; return the target's current membership."""
    by_user = {m.user_id: m for m in active}
    require_lead(actor, active, "change roles")
    current = by_user.get(target)
    if current is None:
        raise UsageError(f"{person(target)} is not in this coalition; they can `/sre join` first.")
    if current.role is Role.LEAD and new_role is not Role.LEAD and len(leads(active)) == 1:
        raise NotAllowed("A coalition needs a lead: make someone else lead first.")
    return current


def holders(members: Sequence[Membership], *roles: Role) -> str:
    """Mentions of the members holding `roles`, or a description when nobody does."""
    names = [person(m.user_id) for m in members if m.role in roles]
    return ", ".join(names) if names else "a " + " or ".join(r.label for r in roles)


def require_role(
    actor: str, members: Sequence[Membership], action: str, *roles: Role
) -> Membership:
    """The actor's membership when they hold one of `roles`; else a refusal naming who can."""
    mine = next((m for m in members if m.user_id == actor), None)
    asked = None if mine is None or mine.role in roles else mine.requested
    if asked is not None and asked in roles:
        raise NotAllowed(
            f"You asked to be {asked.label}: that is waiting for a lead "
            f"({holders(members, Role.LEAD)}) to confirm it. Until then you are a "
            f"member and cannot {action}."
        )
    if mine is None or mine.role not in roles:
        raise NotAllowed(f"Only {holders(members, *roles)} can {action}.")
    return mine


def require_lead(actor: str, members: Sequence[Membership], action: str) -> Membership:
    """The actor's membership when they lead; else a refusal naming the leads."""
    return require_role(actor, members, action, Role.LEAD)
