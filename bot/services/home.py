"""The App Home dashboard: my commitments and my coalitions' status."""

from __future__ import annotations

from bot.domain.coalition import Role
from bot.domain.risks import open_risks
from bot.domain.rollout import progress
from bot.outcome import Outcome
from bot.services.loading import Loaded, rollout_state
from bot.services.request import Request
from bot.views import home as views


async def dashboard(req: Request) -> Outcome:
    """One section per coalition the asker is in: commitments first, then the status."""
    uow, user_id, today = req.uow, req.asker.user_id, req.now.date()
    sections = []
    for coalition, me in (await uow.coalitions.memberships_of(user_id))[: views.MAX_COALITIONS]:
        loaded = Loaded(coalition, await uow.coalitions.active_members(coalition))
        state = await rollout_state(req, loaded)
        workshops = await uow.rollout.workshops(coalition)
        upcoming = [w for w in workshops if w.held_on >= today and user_id in w.attendees]
        commitments = views.Commitments(
            owned=[o.primitive for o in state.ownerships.values() if o.owner == user_id],
            to_sign=[
                s.name
                for s in state.services
                if me.role in (Role.PM, Role.SPONSOR) and s.has_slo and not s.signed_off
            ],
            workshops=[f"{w.held_on}: {w.topic}" for w in upcoming],
        )
        rows = progress(req.content.programme, state)
        sections.append(
            views.Section(
                coalition.channel_id,
                Role(me.role),
                commitments,
                state,
                rows,
                open_risks(state, req.now),
            )
        )
    return Outcome(reply=views.dashboard(user_id, sections))
