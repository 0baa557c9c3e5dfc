"""Joining, leaving and roles in a channel's coalition; the channel's join/leave record."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.db.beat_models import Commitment
from bot.db.health_models import Departure
from bot.db.models import Coalition
from bot.db.repos import as_membership
from bot.db.rollout_models import PrimitiveOwner
from bot.db.uow import UnitOfWork
from bot.doc import Doc
from bot.domain.coalition import Role, check_role_change, leads, role_on_join
from bot.domain.errors import UsageError
from bot.domain.mentions import person
from bot.outcome import Outcome, Post, ToChannel, ToUser
from bot.services.asker import Asker
from bot.views import health as health_views
from bot.views import membership as views


async def _coalition(uow: UnitOfWork, asker: Asker, now: datetime) -> Coalition:
    await uow.workspaces.ensure(now)
    return await uow.coalitions.get_or_create(asker.channel_id, now)


async def join(uow: UnitOfWork, asker: Asker, requested: Role | None, now: datetime) -> Outcome:
    """Add the asker to the channel's coalition (the first member becomes its lead); a PM or
    sponsor role is asked of the leads, privately, and held only once one confirms it."""
    coalition = await _coalition(uow, asker, now)
    await uow.coalitions.lock(coalition)  # joins take turns: only one of them is the first
    active = [as_membership(m) for m in await uow.coalitions.active_members(coalition)]
    mine = next((m for m in active if m.user_id == asker.user_id), None)
    if mine is not None:
        raise UsageError(views.already_in(mine))
    joining = role_on_join(requested, active)
    asked = joining.requested.value if joining.requested else None
    if not await uow.coalitions.enrol(coalition, asker.user_id, joining.role.value, asked, now):
        raise UsageError(views.already_in(None))  # a join of theirs running alongside won
    lead_ids = [m.user_id for m in leads(active)]
    posts = [Post(ToChannel(asker.channel_id), views.joined_announcement(asker.user_id, joining))]
    if joining.requested is not None:
        ask = views.role_request(asker.channel_id, asker.user_id, joining.requested)
        posts += [Post(ToUser(lead), ask) for lead in lead_ids]
    reply = views.joined_reply(joining, len(active) + 1, lead_ids)
    return Outcome(reply=reply, posts=tuple(posts))


async def leave(uow: UnitOfWork, asker: Asker, now: datetime, why: str = "") -> Outcome:
    """Take the asker out of the channel's coalition: thanks, their items to the leads, and a
    retro suggestion when this is the second departure in 30 days. Their history stays."""
    coalition = await uow.coalitions.by_channel(asker.channel_id)
    row = None if coalition is None else await uow.coalitions.member(coalition, asker.user_id)
    if coalition is None or row is None or row.left_at is not None:
        raise UsageError("You are not in this channel's coalition, so there is nothing to leave.")
    active = await uow.coalitions.active_members(coalition)
    others = [m for m in active if m.user_id != asker.user_id]
    was_last_lead = row.role == Role.LEAD and not any(m.role == Role.LEAD for m in others)
    row.left_at, row.requested_role = now, None  # a role asked for or held ends with leaving
    uow.rollout.add(Departure(team_id=uow.team_id, coalition_id=coalition.id,
                              user_id=asker.user_id, left_at=now, reason=why or None))  # fmt: skip
    await uow.session.flush()
    items = await _held_items(uow, coalition, asker.user_id)
    leads = [m.user_id for m in others if m.role == Role.LEAD] or [m.user_id for m in others[:1]]
    posts = [
        Post(ToChannel(asker.channel_id), views.left_announcement(asker.user_id)),
        Post(ToUser(asker.user_id), health_views.farewell(asker.channel_id)),
        *(
            Post(ToUser(lead), health_views.items_to_reassign(asker.user_id, items))
            for lead in leads
        ),
    ]
    recent = await uow.rollout.all(Departure, coalition)
    count = sum(1 for d in recent if d.left_at >= now - timedelta(days=30))
    if count >= 2:
        posts.append(Post(ToChannel(asker.channel_id), health_views.retro_suggestion(count)))
    return Outcome(reply=views.left_reply(was_last_lead and bool(others)), posts=tuple(posts))


async def _held_items(uow: UnitOfWork, coalition: Coalition, user_id: str) -> list[str]:
    commitments = await uow.rollout.all(Commitment, coalition, order=Commitment.due_on)
    owned = await uow.rollout.all(PrimitiveOwner, coalition)
    return [f"#{c.id} {c.title} (due {c.due_on})" for c in commitments
            if c.owner == user_id and c.done_at is None] + [
        f"owner of {p.primitive}" for p in owned if p.owner == user_id
    ]  # fmt: skip


async def change_role(
    uow: UnitOfWork, asker: Asker, target: str, role: Role, now: datetime
) -> Outcome:
    """A lead gives a member another role; history keeps who granted what to whom."""
    await _grant(uow, asker, target, role, now, confirming=False)
    doc = Doc.text(f"{person(target)} is now {role.label} (set by {person(asker.user_id)}).")
    return Outcome(reply=doc, public=True)


async def confirm_role(
    uow: UnitOfWork, asker: Asker, target: str, role: Role, now: datetime
) -> Outcome:
    """A lead confirms the PM or sponsor role a member asked for (the button in the leads' DM)."""
    await _grant(uow, asker, target, role, now, confirming=True)
    announce = Post(ToChannel(asker.channel_id), views.role_confirmed(target, role, asker.user_id))
    return Outcome(reply=views.role_confirmed(target, role, asker.user_id), posts=(announce,))


async def _grant(
    uow: UnitOfWork, asker: Asker, target: str, role: Role, now: datetime, confirming: bool
) -> None:
    coalition = await uow.coalitions.by_channel(asker.channel_id)
    if coalition is not None:
        await uow.coalitions.lock(coalition)  # two leads stepping each other down take turns
    rows = [] if coalition is None else await uow.coalitions.active_members(coalition)
    current = check_role_change(asker.user_id, target, role, [as_membership(m) for m in rows])
    if confirming and current.requested is not role:
        raise UsageError(views.no_request(target, role))
    if current.role is role and current.requested is None:
        raise UsageError(f"{person(target)} is already {role.label}.")
    assert coalition is not None  # check_role_change found the target among its members
    row = next(m for m in rows if m.user_id == target)
    row.role, row.requested_role = role.value, None
    how = "as asked" if confirming else f"was {current.role.value}"
    uow.rollout.record(
        coalition, asker.user_id, "role", f"granted {person(target)} {role} ({how})", now
    )


async def record_channel_change(
    uow: UnitOfWork, channel_id: str, user_id: str, change: str, now: datetime
) -> Outcome:
    """Keep that someone joined or left the channel; leaving it means leaving the coalition."""
    await uow.workspaces.ensure(now)
    uow.coalitions.record_channel_change(channel_id, user_id, change, now)
    coalition = await uow.coalitions.by_channel(channel_id)
    row = None if coalition is None else await uow.coalitions.member(coalition, user_id)
    if change != "left" or row is None or row.left_at is not None:
        return Outcome()
    outcome = await leave(uow, Asker(uow.team_id, channel_id, user_id), now, "left-channel")
    return Outcome(posts=outcome.posts)
