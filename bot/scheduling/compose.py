"""Turns an outbox row into what is sent, checked against the state at sending time."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.beat_models import Commitment, Nudge
from bot.db.beat_repo import checkins_since, record_snapshot, snapshots
from bot.db.models import Coalition
from bot.db.repos import CoalitionRepo
from bot.db.rollout_repo import RolloutRepo
from bot.doc import Doc
from bot.domain.mentions import person
from bot.domain.pulse import Answer, pulse
from bot.domain.risks import open_risks
from bot.domain.rollout import RolloutState, figures, progress
from bot.outcome import Post, ToChannel, ToUser
from bot.programme import programme
from bot.render.chart import Point, progress_png
from bot.views import beat as views
from bot.views import health as health_views
from bot.views.digest import digest

WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Chart:
    """A picture to share after the post."""

    filename: str
    png: bytes
    title: str


@dataclass(frozen=True)
class Composed:
    """The message for a nudge (None: no longer true, so nothing is sent), maybe with a chart."""

    post: Post | None
    chart: Chart | None = None
    reason: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    trouble: Exception | None = None  # the chart could not be drawn: the post goes without it


def _skip(reason: str) -> Composed:
    return Composed(None, reason=reason)


async def compose(
    session: AsyncSession, nudge: Nudge, coalition: Coalition, now: datetime
) -> Composed:
    """The post for `nudge`, or a reason not to send it any more."""
    payload: dict[str, str] = json.loads(nudge.payload or "{}")
    tag = f"nudge-{nudge.id}"
    dm = ToUser(nudge.recipient)
    channel = ToChannel(coalition.channel_id)
    match nudge.kind:
        case "checkin":
            rows = await checkins_since(session, coalition, now - WEEK)
            if any(r.user_id == nudge.recipient and r.slot == nudge.slot for r in rows):
                return _skip("already checked in today")
            return Composed(Post(dm, views.checkin_dm(coalition.channel_id), tag))
        case "checkin-reminder":
            rows = await checkins_since(session, coalition, now - 3 * WEEK)
            mine = [r for r in rows if r.user_id == nudge.recipient and r.slot == nudge.slot]
            if not mine or mine[0].answered_at is not None:
                return _skip("already answered")
            return Composed(Post(dm, views.checkin_dm(coalition.channel_id, reminder=True), tag))
        case "countdown":
            deadline = coalition.deadline_on
            if deadline is None or str(deadline) != nudge.slot.rsplit("-", 1)[0]:
                return _skip("the deadline moved")
            doc = views.countdown_post(
                int(payload["days"]), coalition.deadline_event or "", deadline
            )
            return Composed(Post(channel, doc, tag))
        case "retro":
            return Composed(
                Post(channel, views.retro_post(coalition.deadline_event or "The deadline"), tag)
            )
        case "digest":
            return await _digest(session, coalition, now, tag)
        case "stalled":
            if coalition.current_step != payload["step"]:
                return _skip("the step moved on")
            step = programme().step(payload["step"])
            return Composed(
                Post(
                    channel, views.stalled_post(step.title, int(payload["weeks"]), step.guide), tag
                )
            )
        case "unsigned-slos":
            return Composed(Post(dm, views.unsigned_dm(payload["services"].split(",")), tag))
        case "overdue":
            number = int(nudge.slot.removeprefix("commitment-"))
            row = await session.get(Commitment, number)
            if row is None or row.done_at is not None:
                return _skip("already done")
            return Composed(Post(dm, views.overdue_dm(row.title), tag))
        case "workshop":
            return Composed(Post(dm, views.workshop_dm(payload["topic"], payload["day"]), tag))
        case "health-dm":
            members = await CoalitionRepo(session, coalition.team_id).active_members(coalition)
            lead = next(
                (m.user_id for m in members if m.role == "lead" and m.user_id != nudge.recipient),
                None,
            )
            facts = [f["text"] for f in json.loads(payload["facts"])]
            doc = health_views.care_dm(coalition.channel_id, payload["level"], facts, lead)
            return Composed(Post(dm, doc, tag))
        case "health-lead":
            facts = [f["text"] for f in json.loads(payload["facts"])]
            return Composed(Post(dm, health_views.lead_note(payload["member"], facts), tag))
        case "lead-quiet":
            return Composed(Post(dm, health_views.lead_quiet(), tag))
        case "concentration":
            return Composed(Post(channel, health_views.concentration_post(), tag))
    return _skip(f"unknown kind {nudge.kind}")


async def state_of(session: AsyncSession, coalition: Coalition, today: date) -> RolloutState:
    """The coalition's rollout snapshot, read within its own workspace."""
    members = await CoalitionRepo(session, coalition.team_id).active_members(coalition)
    repo = RolloutRepo(session, coalition.team_id)
    return await repo.state(coalition, members, today, programme().primitives)


async def note_progress(session: AsyncSession, coalition: Coalition, state: RolloutState) -> None:
    """Record today's progress figures for the chart."""
    await record_snapshot(
        session, coalition, state.today, figures(progress(programme(), state), state)
    )


async def _digest(session: AsyncSession, coalition: Coalition, now: datetime, tag: str) -> Composed:
    state = await state_of(session, coalition, now.date())
    await note_progress(session, coalition, state)
    repo = RolloutRepo(session, coalition.team_id)
    history = [e for e in await repo.history(coalition, limit=50) if e.at >= now - WEEK]
    changes = [f"{person(e.actor)} {e.action}: {e.detail}" for e in history]
    commitments = await repo.all(Commitment, coalition, order=Commitment.due_on)
    overdue = [
        f"#{c.id} {c.title} ({person(c.owner)}, due {c.due_on})"
        for c in commitments
        if c.done_at is None and c.due_on < state.today
    ]
    answers = [
        Answer(c.answered_at is not None, c.energy, c.hours)
        for c in await checkins_since(session, coalition, now - WEEK)
    ]
    rows = progress(programme(), state)
    doc: Doc = digest(state, rows, changes, overdue, open_risks(state, now), pulse(answers))
    points = [
        Point(
            s.day,
            s.milestones_done / max(s.milestones_total, 1),
            s.critical_signed / max(s.critical_total, 1),
        )
        for s in await snapshots(session, coalition)
    ]
    post = Post(ToChannel(coalition.channel_id), doc, tag)
    try:
        png = progress_png(points, coalition.deadline_on, coalition.deadline_event)
    except Exception as error:  # a picture must never cost the digest itself
        return Composed(post, trouble=error)
    chart = Chart(
        f"progress-{coalition.channel_id}-{state.today}.png", png, "Progress toward the deadline"
    )
    return Composed(post, chart)
