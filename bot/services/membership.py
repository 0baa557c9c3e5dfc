"""Joining, leaving and roles in a channel's coalition; the channel's join/leave record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.db.models import Coalition
from bot.db.repos import as_membership
from bot.doc import Doc
from bot.domain.coalition import Role, check_role_change, leads, role_on_join
from bot.domain.errors import UsageError
from bot.domain.mentions import person
from bot.outcome import Outcome, Post, ToChannel, ToUser
from bot.services.request import Request
from bot.views import health as health_views
from bot.views import membership as views


@dataclass(frozen=True)
class Grant:
    """A role a lead gives a member."""

    user_id: str
    role: Role


async def _coalition(req: Request) -> Coalition:
    await req.uow.workspaces.ensure(req.now)
    return await req.uow.coalitions.get_or_create(req.asker.channel_id, req.now)


async def join(req: Request, requested: Role | None) -> Outcome:
    """Add the asker to the channel's coalition (the first member becomes its lead); a PM or
    sponsor role is asked of the leads, privately, and held only once one confirms it."""
    coalitions, asker = req.uow.coalitions, req.asker
    coalition = await _coalition(req)
    await coalitions.lock(coalition)  # joins take turns: only one of them is the first
    active = [as_membership(m) for m in await coalitions.active_members(coalition)]
    mine = next((m for m in active if m.user_id == asker.user_id), None)
    if mine is not None:
        raise UsageError(views.already_in(mine))
    joining = role_on_join(requested, active)
    asked = joining.requested.value if joining.requested else None
    if not await coalitions.enrol(coalition, asker.user_id, joining.role.value, asked, req.now):
        raise UsageError(views.already_in(None))  # a join of theirs running alongside won
    lead_ids = [m.user_id for m in leads(active)]
    joined = f"as {joining.role.value}" + (f" (asked for {asked})" if asked else "")
    req.uow.rollout.record(coalition, asker.user_id, "joined", joined, req.now)
    posts = [Post(ToChannel(asker.channel_id), views.joined_announcement(asker.user_id, joining))]
    if joining.requested is not None:
        ask = views.role_request(asker.channel_id, asker.user_id, joining.requested)
        posts += [Post(ToUser(lead), ask) for lead in lead_ids]
    reply = views.joined_reply(joining, len(active) + 1, lead_ids)
    return Outcome(reply=reply, posts=tuple(posts))


async def leave(req: Request, successor: str | None = None, why: str = "") -> Outcome:
    """Take the asker out of the channel's coalition: thanks, their items to the leads, and a
    retro suggestion when this is the second departure in 30 days. Their history stays. The
    last lead names who leads after them (asked privately first); when they leave the channel
    without saying, the longest-standing member takes over and is told."""
    uow, asker, now = req.uow, req.asker, req.now
    coalition = await uow.coalitions.by_channel(asker.channel_id)
    row = None if coalition is None else await uow.coalitions.member(coalition, asker.user_id)
    if coalition is None or row is None or row.left_at is not None:
        raise UsageError("You are not in this channel's coalition, so there is nothing to leave.")
    await uow.coalitions.lock(coalition)  # two last leads leaving at once take turns
    active = await uow.coalitions.active_members(coalition)
    others = [m for m in active if m.user_id != asker.user_id]
    last_lead = row.role == Role.LEAD and not any(m.role == Role.LEAD for m in others)
    if successor is not None and not (last_lead and others):
        raise UsageError("Only the last lead names a successor; `/sre leave` is enough.")
    heir = None
    if last_lead and others:
        if successor is None and why != "left-channel":
            return Outcome(reply=views.name_a_successor(others[0].user_id))
        heir = next((m for m in others if m.user_id == successor), None)
        if successor is not None and heir is None:
            raise UsageError(f"{person(successor)} is not in the coalition; name a member.")
        heir = heir or min(others, key=lambda m: (m.joined_at, m.id))  # longest-standing
        heir.role, heir.requested_role = Role.LEAD.value, None
        how = "named by the last lead" if successor else "longest-standing member"
        detail = f"granted {person(heir.user_id)} lead ({how}, as {person(asker.user_id)} left)"
        uow.rollout.record(coalition, asker.user_id, "role", detail, now)
    row.left_at, row.requested_role = now, None  # a role asked for or held ends with leaving
    uow.health.depart(coalition, asker.user_id, now, why or None)
    uow.rollout.record(coalition, asker.user_id, "left", why or "left the coalition", now)
    items = await _held_items(req, coalition, asker.user_id)
    leads = [m.user_id for m in others if m.role == Role.LEAD] or [m.user_id for m in others[:1]]
    posts = [
        Post(ToChannel(asker.channel_id), views.left_announcement(asker.user_id)),
        Post(ToUser(asker.user_id), health_views.farewell(asker.channel_id)),
        *(
            Post(ToUser(lead), health_views.items_to_reassign(asker.user_id, items))
            for lead in leads
        ),
    ]
    if heir is not None:
        told = views.you_lead_now(asker.channel_id, asker.user_id, successor is not None)
        posts.append(Post(ToUser(heir.user_id), told))
    count = await uow.health.departures_since(coalition, now - timedelta(days=30))
    if count >= 2:
        posts.append(Post(ToChannel(asker.channel_id), health_views.retro_suggestion(count)))
    reply = views.left_reply(None if heir is None else heir.user_id)
    return Outcome(reply=reply, posts=tuple(posts))


async def _held_items(req: Request, coalition: Coalition, user_id: str) -> list[str]:
    commitments = await req.uow.commitments.open(coalition)
    owned = await req.uow.rollout.owners(coalition)
    return [f"#{c.id} {c.title} (due {c.due_on})" for c in commitments if c.owner == user_id] + [
        f"owner of {p.primitive}" for p in owned if p.owner == user_id
    ]


async def change_role(req: Request, grant: Grant) -> Outcome:
    """A lead gives a member another role; history keeps who granted what to whom. A role they
    already hold changes nothing and is said privately."""
    who, lead = person(grant.user_id), person(req.asker.user_id)
    if not await _grant(req, grant, confirming=False):
        return Outcome(reply=Doc.text(f"{who} is already {grant.role.label}; nothing changed."))
    return Outcome(reply=Doc.text(f"{who} is now {grant.role.label} (set by {lead})."), public=True)


async def confirm_role(req: Request, grant: Grant) -> Outcome:
    """A lead confirms the PM or sponsor role a member asked for (the button in the leads' DM)."""
    await _grant(req, grant, confirming=True)
    doc = views.role_confirmed(grant.user_id, grant.role, req.asker.user_id)
    return Outcome(reply=doc, posts=(Post(ToChannel(req.asker.channel_id), doc),))


async def _grant(req: Request, grant: Grant, confirming: bool) -> bool:
    """Give the role; False when the member already holds it (nothing changes)."""
    coalitions, target, role = req.uow.coalitions, grant.user_id, grant.role
    coalition = await coalitions.by_channel(req.asker.channel_id)
    if coalition is not None:
        await coalitions.lock(coalition)  # two leads stepping each other down take turns
    rows = [] if coalition is None else await coalitions.active_members(coalition)
    current = check_role_change(req.asker.user_id, target, role, [as_membership(m) for m in rows])
    if confirming and current.requested is not role:
        raise UsageError(views.no_request(target, role))
    if current.role is role and current.requested is None:
        return False
    assert coalition is not None  # check_role_change found the target among its members
    row = next(m for m in rows if m.user_id == target)
    row.role, row.requested_role = role.value, None
    how = "as asked" if confirming else f"was {current.role.value}"
    detail = f"granted {person(target)} {role} ({how})"
    req.uow.rollout.record(coalition, req.asker.user_id, "role", detail, req.now)
    return True


async def record_channel_change(req: Request, change: str) -> Outcome:
    """Keep that the asker joined or left the channel; leaving it means leaving the coalition."""
    uow, channel_id, user_id = req.uow, req.asker.channel_id, req.asker.user_id
    await uow.workspaces.ensure(req.now)
    uow.coalitions.record_channel_change(channel_id, user_id, change, req.now)
    coalition = await uow.coalitions.by_channel(channel_id)
    row = None if coalition is None else await uow.coalitions.member(coalition, user_id)
    if change != "left" or row is None or row.left_at is not None:
        return Outcome()
    outcome = await leave(req, why="left-channel")
    return Outcome(posts=outcome.posts)
