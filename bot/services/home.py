"""The App Home dashboard: my commitments and my coalitions' status."""

from __future__ import annotations

from datetime import datetime

from bot.db.rollout_models import Workshop
from bot.db.uow import UnitOfWork
from bot.doc import Doc
from bot.domain.coalition import Role
from bot.domain.risks import open_risks
from bot.domain.rollout import progress
from bot.programme import programme
from bot.services.loading import Loaded, rollout_state
from bot.views import home as views


async def dashboard(uow: UnitOfWork, user_id: str, now: datetime) -> Doc:
    """One section per coalition the user is in: commitments first, then the status."""
    sections = []
    for coalition, me in (await uow.coalitions.memberships_of(user_id))[: views.MAX_COALITIONS]:
        loaded = Loaded(coalition, await uow.coalitions.active_members(coalition))
        state = await rollout_state(uow, loaded, now)
        workshops = await uow.rollout.all(Workshop, coalition, order=Workshop.held_on)
        upcoming = [w for w in workshops if w.held_on >= now.date() and user_id in w.attendees]
        commitments = views.Commitments(
            owned=[o.primitive for o in state.ownerships.values() if o.owner == user_id],
            to_sign=[
                s.name
                for s in state.services
                if me.role in (Role.PM, Role.SPONSOR) and s.has_slo and not s.signed_off
            ],
            workshops=[f"{w.held_on}: {w.topic}" for w in upcoming],
        )
        rows = progress(programme(), state)
        sections.append(
            views.Section(
                coalition.channel_id,
                Role(me.role),
                commitments,
                state,
                rows,
                open_risks(state, now),
            )
        )
    return views.dashboard(user_id, sections)
