"""The programme itself: status, moving between steps, manual milestones, history, deadline."""

from __future__ import annotations

from datetime import date, datetime

from bot.db.beat_repo import record_snapshot
from bot.db.rollout_models import MilestoneTick
from bot.db.uow import UnitOfWork
from bot.doc import Doc
from bot.domain.errors import UsageError
from bot.domain.risks import open_risks
from bot.domain.rollout import Deadline, figures, plan_move, progress
from bot.outcome import Outcome, Post, ToChannel
from bot.programme import programme
from bot.services.asker import Asker
from bot.services.loading import find, load, rollout_state
from bot.views import rollout as views

MAX_EVENT_CHARS = 80


async def status(uow: UnitOfWork, asker: Asker, now: datetime) -> Outcome:
    """Where the rollout stands: step, progress, countdown, coverage, risks, members."""
    loaded = await find(uow, asker)
    if loaded is None:
        return Outcome(reply=views.no_coalition())
    state = await rollout_state(uow, loaded, now)
    rows = progress(programme(), state)
    # Each day's first look at the status is a point on the digest's progress chart.
    await record_snapshot(uow.session, loaded.coalition, state.today, figures(rows, state))
    return Outcome(reply=views.status(state, rows, open_risks(state, now)))


async def steps(uow: UnitOfWork, asker: Asker, now: datetime) -> Outcome:
    """Every step with its milestones, done or open."""
    loaded = await load(uow, asker)
    state = await rollout_state(uow, loaded, now)
    return Outcome(reply=views.steps(progress(programme(), state)))


async def move(uow: UnitOfWork, asker: Asker, target: str, now: datetime) -> Outcome:
    """A lead moves the coalition to another step; skipping open milestones is recorded."""
    loaded = await load(uow, asker)
    loaded.lead(asker.user_id, "move the rollout between steps")
    state = await rollout_state(uow, loaded, now)
    plan = plan_move(programme(), state, target.lower())
    loaded.coalition.current_step = plan.target.id
    uow.rollout.record(
        loaded.coalition, asker.user_id, "step", f"{plan.source.id} -> {plan.target.id}", now
    )
    if plan.left_open:
        skipped = ", ".join(m.id for m in plan.left_open)
        uow.rollout.record(
            loaded.coalition, asker.user_id, "override", f"left open: {skipped}", now
        )
    announce = Post(ToChannel(asker.channel_id), views.step_started(plan.target, asker.user_id))
    return Outcome(reply=views.moved(plan), posts=(announce,))


async def tick(uow: UnitOfWork, asker: Asker, milestone_id: str, now: datetime) -> Outcome:
    """A lead marks a manual milestone done."""
    loaded = await load(uow, asker)
    loaded.lead(asker.user_id, "mark milestones done")
    step, milestone = programme().milestone(milestone_id.lower())
    if not milestone.manual:
        raise UsageError(f"`{milestone.id}` is worked out from what is recorded; it ticks itself.")
    if await uow.rollout.one(MilestoneTick, loaded.coalition, milestone=milestone.id):
        raise UsageError(f"`{milestone.id}` is already done.")
    uow.rollout.add(
        MilestoneTick(
            team_id=uow.team_id,
            coalition_id=loaded.coalition.id,
            milestone=milestone.id,
            done_by=asker.user_id,
            done_at=now,
        )
    )
    uow.rollout.record(loaded.coalition, asker.user_id, "milestone", milestone.id, now)
    return Outcome(reply=Doc.text(f"Marked done: {milestone.title} ({step.title})."), public=True)


async def history(uow: UnitOfWork, asker: Asker) -> Outcome:
    """Who changed what, and when."""
    loaded = await load(uow, asker)
    return Outcome(reply=views.history(await uow.rollout.history(loaded.coalition)))


async def set_deadline(
    uow: UnitOfWork, asker: Asker, day: date, event: str, now: datetime
) -> Outcome:
    """A lead ties the rollout to a visible event on a date."""
    loaded = await load(uow, asker)
    loaded.lead(asker.user_id, "set the deadline")
    if day <= now.date():
        raise UsageError("The deadline must be in the future.")
    if not event or len(event) > MAX_EVENT_CHARS:
        raise UsageError(f"Name the event in 1 to {MAX_EVENT_CHARS} characters.")
    coalition = loaded.coalition
    coalition.deadline_on, coalition.deadline_event = day, event
    uow.rollout.record(coalition, asker.user_id, "deadline", f"{event} on {day}", now)
    doc = views.deadline_set(Deadline(day, event), now.date(), asker.user_id)
    return Outcome(reply=doc, public=True)
