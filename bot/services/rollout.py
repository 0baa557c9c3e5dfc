"""The programme itself: status, moving between steps, manual milestones, history, deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.db.rollout_models import MilestoneTick
from bot.doc import Doc
from bot.domain.errors import UsageError
from bot.domain.risks import open_risks
from bot.domain.rollout import Deadline, check_tick, plan_move, progress
from bot.outcome import Outcome, Post, ToChannel
from bot.services.loading import find, load, rollout_state
from bot.services.request import Request
from bot.views import rollout as views

MAX_EVENT_CHARS = 80


@dataclass(frozen=True)
class NewDeadline:
    """A lead's forcing function: a day and the visible event on it."""

    day: date
    event: str


async def status(req: Request) -> Outcome:
    """Where the rollout stands: step, progress, countdown, coverage, risks, members.

    A read only: three statements, nothing written (the planner keeps the chart's points).
    """
    loaded = await find(req)
    if loaded is None:
        return Outcome(reply=views.no_coalition())
    state = await rollout_state(req, loaded)
    rows = progress(req.content.programme, state)
    return Outcome(reply=views.status(state, rows, open_risks(state, req.now)))


async def step(req: Request, target: str | None) -> Outcome:
    """Every step with its milestones (no target), or a lead's move to `target`."""
    loaded = await load(req)
    if target is None:
        state = await rollout_state(req, loaded)
        return Outcome(reply=views.steps(progress(req.content.programme, state)))
    loaded.lead(req.asker.user_id, "move the rollout between steps")
    state = await rollout_state(req, loaded)
    plan = plan_move(req.content.programme, state, target.lower())
    loaded.coalition.current_step = plan.target.id
    lead, rollout = req.asker.user_id, req.uow.rollout
    rollout.record(loaded.coalition, lead, "step", f"{plan.source.id} -> {plan.target.id}", req.now)
    if plan.left_open:
        skipped = ", ".join(m.id for m in plan.left_open)
        rollout.record(loaded.coalition, lead, "override", f"left open: {skipped}", req.now)
    announce = Post(ToChannel(req.asker.channel_id), views.step_started(plan.target, lead))
    return Outcome(reply=views.moved(plan), posts=(announce,))


async def tick(req: Request, milestone_id: str) -> Outcome:
    """A lead marks a manual milestone done."""
    loaded = await load(req)
    loaded.lead(req.asker.user_id, "mark milestones done")
    step_def, milestone = req.content.programme.milestone(milestone_id.lower())
    if not milestone.manual:
        raise UsageError(f"`{milestone.id}` is worked out from what is recorded; it ticks itself.")
    if await req.uow.rollout.tick(loaded.coalition, milestone.id):
        return Outcome(reply=Doc.text(f"`{milestone.id}` is already done; nothing changed."))
    check_tick(milestone, await rollout_state(req, loaded))
    req.uow.rollout.add(
        MilestoneTick(
            team_id=req.uow.team_id,
            coalition_id=loaded.coalition.id,
            milestone=milestone.id,
            done_by=req.asker.user_id,
            done_at=req.now,
        )
    )
    req.uow.rollout.record(loaded.coalition, req.asker.user_id, "milestone", milestone.id, req.now)
    doc = Doc.text(f"Marked done: {milestone.title} ({step_def.title}).")
    return Outcome(reply=doc, public=True)


async def untick(req: Request, milestone_id: str) -> Outcome:
    """A lead takes back a manual milestone ticked by mistake; history keeps both."""
    loaded = await load(req)
    loaded.lead(req.asker.user_id, "untick milestones")
    step_def, milestone = req.content.programme.milestone(milestone_id.lower())
    if not milestone.manual:
        raise UsageError(
            f"`{milestone.id}` is worked out from what is recorded: change the record instead."
        )
    row = await req.uow.rollout.tick(loaded.coalition, milestone.id)
    if row is None:
        return Outcome(reply=Doc.text(f"`{milestone.id}` is not done; nothing to undo."))
    await req.uow.rollout.remove(row)
    req.uow.rollout.record(loaded.coalition, req.asker.user_id, "undo", milestone.id, req.now)
    doc = Doc.text(f"Open again: {milestone.title} ({step_def.title}).")
    return Outcome(reply=doc, public=True)


HISTORY_SHOWN = 30


async def history(req: Request, everything: bool = False) -> Outcome:
    """Who changed what, and when: the latest entries, or all of them."""
    loaded = await load(req)
    limit = None if everything else HISTORY_SHOWN
    entries, total = await req.uow.rollout.history(loaded.coalition, limit)
    return Outcome(reply=views.history(entries, total - len(entries)))


async def set_deadline(req: Request, deadline: NewDeadline) -> Outcome:
    """A lead ties the rollout to a visible event on a date."""
    loaded = await load(req)
    loaded.lead(req.asker.user_id, "set the deadline")
    day, event = deadline.day, deadline.event
    if day <= req.now.date():
        raise UsageError("The deadline must be in the future.")
    if not event or len(event) > MAX_EVENT_CHARS:
        raise UsageError(f"Name the event in 1 to {MAX_EVENT_CHARS} characters.")
    coalition = loaded.coalition
    if (coalition.deadline_on, coalition.deadline_event) == (day, event):
        return Outcome(
            reply=Doc.text(f"The deadline is already {event} on {day}; nothing changed.")
        )
    coalition.deadline_on, coalition.deadline_event = day, event
    req.uow.rollout.record(coalition, req.asker.user_id, "deadline", f"{event} on {day}", req.now)
    doc = views.deadline_set(Deadline(day, event), req.now.date(), req.asker.user_id)
    return Outcome(reply=doc, public=True)
