"""Composing a nudge: what an outbox row says now, checked against the state at sending time.

One composer per kind, each a use case over the nudge's own workspace's unit of work; a nudge
whose reason has gone (answered, moved, done) composes to nothing and is not sent.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.content import Content
from bot.db.beat_models import Nudge
from bot.db.models import Coalition
from bot.db.uow import UnitOfWork
from bot.doc import Doc
from bot.domain.beat import working_days
from bot.domain.history import PERSONAL, most_important
from bot.domain.hours import local_day
from bot.domain.mentions import person
from bot.domain.pulse import Answer, pulse
from bot.domain.risks import open_risks
from bot.domain.rollout import RolloutState, figures, progress
from bot.outcome import Post, ToChannel, ToUser, Upload
from bot.services import report
from bot.services.progress import progress_chart
from bot.views import beat as views
from bot.views import health as health_views
from bot.views.digest import digest

WEEK = timedelta(days=7)
MAX_CHANGES = 8  # the digest's "What changed", weightiest first; the rest are counted


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
    trouble: Exception | None = None  # the chart could not be drawn: the post goes without it
    files: tuple[Upload, ...] = ()  # files shared after the post, where each says


@dataclass(frozen=True)
class Nudging:
    """One nudge being composed, with what its composer reads."""

    uow: UnitOfWork
    content: Content
    nudge: Nudge
    coalition: Coalition
    now: datetime

    @property
    def payload(self) -> dict[str, str]:
        """The values the planner stored with the nudge."""
        found: dict[str, str] = json.loads(self.nudge.payload or "{}")
        return found

    def dm(self, doc: Doc) -> Composed:
        """A tagged DM to the nudge's recipient."""
        return Composed(Post(ToUser(self.nudge.recipient), doc, f"nudge-{self.nudge.id}"))

    def post(self, doc: Doc) -> Composed:
        """A tagged post in the coalition's channel."""
        channel = ToChannel(self.coalition.channel_id)
        return Composed(Post(channel, doc, f"nudge-{self.nudge.id}"))


def _skip(reason: str) -> Composed:
    return Composed(None, reason=reason)


async def compose(
    uow: UnitOfWork, content: Content, nudge: Nudge, coalition: Coalition, now: datetime
) -> Composed:
    """The post for `nudge`, or a reason not to send it any more."""
    composer = COMPOSERS.get(nudge.kind)
    if composer is None:
        return _skip(f"unknown kind {nudge.kind}")
    return await composer(Nudging(uow, content, nudge, coalition, now))


async def _checkin(n: Nudging) -> Composed:
    rows = await n.uow.checkins.since(n.coalition, n.now - WEEK)
    if any(r.user_id == n.nudge.recipient and r.slot == n.nudge.slot for r in rows):
        return _skip("already checked in today")
    return n.dm(views.checkin_dm(n.coalition.channel_id))


async def _reminder(n: Nudging) -> Composed:
    rows = await n.uow.checkins.since(n.coalition, n.now - 3 * WEEK)
    mine = [r for r in rows if r.user_id == n.nudge.recipient and r.slot == n.nudge.slot]
    if not mine or mine[0].answered_at is not None:
        return _skip("already answered")
    return n.dm(views.checkin_dm(n.coalition.channel_id, reminder=True))


async def _countdown(n: Nudging) -> Composed:
    deadline = n.coalition.deadline_on
    if deadline is None or str(deadline) != n.nudge.slot.rsplit("-", 1)[0]:
        return _skip("the deadline moved")
    # Counted on the day it goes out: a countdown deferred past a weekend says what is true then.
    days = (deadline - local_day(n.now, n.coalition.tz)).days
    if days < 0:
        return _skip("the deadline has passed")
    event = n.coalition.deadline_event or ""
    return n.post(views.countdown_post(days, event, deadline))


async def _retro(n: Nudging) -> Composed:
    if await n.uow.rollout.tick(n.coalition, "retro-held"):
        return _skip("the retro is already held")
    return n.post(views.retro_post(n.coalition.deadline_event or "The deadline"))


async def _stalled(n: Nudging) -> Composed:
    payload = n.payload
    if n.coalition.current_step != payload["step"]:
        return _skip("the step moved on")
    deadline = n.coalition.deadline_on
    if deadline is not None and local_day(n.now, n.coalition.tz) > deadline:
        return _skip("the deadline has passed")
    state = await state_of(n.uow, n.content, n.coalition, n.now)
    current = next((r for r in progress(n.content.programme, state) if r.status == "active"), None)
    if current is None or not current.open:
        return _skip("nothing is open on the step")
    step = n.content.programme.step(payload["step"])
    return n.post(views.stalled_post(step.title, int(payload["weeks"]), step.guide))


async def _unsigned(n: Nudging) -> Composed:
    return n.dm(views.unsigned_dm(n.payload["services"].split(",")))


async def _overdue(n: Nudging) -> Composed:
    number = int(n.nudge.slot.removeprefix("commitment-"))
    row = await n.uow.commitments.numbered(n.coalition, number)
    if row is None or row.done_at is not None:
        return _skip("already done")
    return n.dm(views.overdue_dm(row.title))


async def _workshop(n: Nudging) -> Composed:
    return n.dm(views.workshop_dm(n.payload["topic"], n.payload["day"]))


async def _care(n: Nudging) -> Composed:
    members = await n.uow.coalitions.active_members(n.coalition)
    lead = next(
        (m.user_id for m in members if m.role == "lead" and m.user_id != n.nudge.recipient), None
    )
    facts = [f["text"] for f in json.loads(n.payload["facts"])]
    return n.dm(health_views.care_dm(n.coalition.channel_id, n.payload["level"], facts, lead))


async def _lead_note(n: Nudging) -> Composed:
    facts = [f["text"] for f in json.loads(n.payload["facts"])]
    return n.dm(health_views.lead_note(n.payload["member"], facts))


async def _lead_quiet(n: Nudging) -> Composed:
    return n.dm(health_views.lead_quiet())


async def _blocker(n: Nudging) -> Composed:
    first = int(n.payload["first"])
    found = [b for b in await n.uow.checkins.blockers(n.coalition, n.now) if b.first_id == first]
    if not found:
        return _skip("the blocker was cleared")
    days = working_days(local_day(found[0].since, n.coalition.tz), local_day(n.now, n.coalition.tz))
    return n.dm(views.blocker_dm(found[0].user_id, found[0].text, n.coalition.channel_id, days))


async def _concentration(n: Nudging) -> Composed:
    return n.post(health_views.concentration_post())


async def state_of(
    uow: UnitOfWork, content: Content, coalition: Coalition, now: datetime
) -> RolloutState:
    """The coalition's rollout snapshot, read within its own workspace."""
    members = await uow.coalitions.active_members(coalition)
    primitives = content.programme.primitives
    return await uow.rollout.state(coalition, members, now.date(), primitives)


async def digest_doc(uow: UnitOfWork, content: Content, coalition: Coalition, now: datetime) -> Doc:
    """The weekly digest as of `now`, read within the coalition's own workspace (the planned
    Monday one and a lead's `/sre digest` alike); keeps today's chart point."""
    state = await state_of(uow, content, coalition, now)
    rows = progress(content.programme, state)
    await uow.planning.plot([(coalition, state.today, figures(rows, state))])
    history, _ = await uow.rollout.history(coalition, limit=200)
    recent = [e for e in history if e.at >= now - WEEK and e.action not in PERSONAL]
    week, left_out = most_important(recent, MAX_CHANGES)
    changes = [f"{person(e.actor)} {e.action}: {e.detail}" for e in week]
    overdue = [
        f"#{c.id} {c.title} ({person(c.owner)}, due {c.due_on})"
        for c in await uow.commitments.open(coalition)
        if c.due_on < state.today
    ]
    answers = [
        Answer(c.answered_at is not None, c.energy, c.hours)
        for c in await uow.checkins.since(coalition, now - WEEK)
    ]
    moved = any(e.action in STEP_ACTIONS for e in recent) or await _progressed(
        uow, coalition, state.today, figures(rows, state)
    )
    blockers = len(await uow.checkins.blockers(coalition, now))
    risks = open_risks(state, now)
    return digest(
        state,
        rows,
        changes,
        left_out,
        overdue,
        risks,
        pulse(answers),
        blockers=blockers,
        moved=moved,
    )


STEP_ACTIONS = frozenset({"step", "milestone", "override"})


async def _progressed(
    uow: UnitOfWork, coalition: Coalition, today: date, now: dict[str, int]
) -> bool:
    """True unless the figures are the same as a week ago (or there is nothing to compare).

    A day's point ends up as where that day ended, so a week ago's point already holds what was
    done after that day's digest: compare with the day before it, where that digest started
    from (that day's own point when it is the first one kept)."""
    points = await uow.planning.points(coalition)
    before = [p for p in points if p.day < today - WEEK] or [
        p for p in points if p.day <= today - WEEK
    ]
    if not before:
        return True
    last = before[-1]
    then = (last.milestones_done, last.milestones_total, last.critical_signed)
    return then != (now["milestones_done"], now["milestones_total"], now["critical_signed"])


async def _digest(n: Nudging) -> Composed:
    uow, coalition, now = n.uow, n.coalition, n.now
    composed = n.post(await digest_doc(uow, n.content, coalition, now))
    try:
        png = await progress_chart(uow, coalition, now)
    except Exception as error:  # a picture must never cost the digest itself
        return Composed(composed.post, trouble=error)
    today = local_day(now, coalition.tz)
    name = f"progress-{coalition.channel_id}-{today}.png"
    return Composed(composed.post, Chart(name, png, "Progress toward the deadline"))


async def _sponsor_report(n: Nudging) -> Composed:
    if n.coalition.report_day is None:
        return _skip("the monthly report was turned off")
    members = await n.uow.coalitions.active_members(n.coalition)
    if not any(m.user_id == n.nudge.recipient and m.role == "sponsor" for m in members):
        return _skip("no longer a sponsor of the coalition")
    built = await report.build(n.uow, n.content, n.coalition, n.now, n.nudge.recipient)
    return Composed(n.dm(built.doc).post, files=built.files)


Composer = Callable[[Nudging], Awaitable[Composed]]
COMPOSERS: dict[str, Composer] = {
    "checkin": _checkin,
    "checkin-reminder": _reminder,
    "countdown": _countdown,
    "retro": _retro,
    "digest": _digest,
    "stalled": _stalled,
    "unsigned-slos": _unsigned,
    "overdue": _overdue,
    "workshop": _workshop,
    "health-dm": _care,
    "health-lead": _lead_note,
    "lead-quiet": _lead_quiet,
    "concentration": _concentration,
    "blocker": _blocker,
    "sponsor-report": _sponsor_report,
}
