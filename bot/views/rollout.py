"""Docs about the rollout: status, steps, moves, history, the deadline."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol

from bot.doc import Bullets, Divider, Doc, Fields, Heading, Note, Paragraph, Part, counted
from bot.domain.coalition import Membership
from bot.domain.mentions import person
from bot.domain.programme import StepDef
from bot.domain.risks import Risk
from bot.domain.rollout import Deadline, RolloutState, StepMove, StepProgress, days_left


class HistoryEntry(Protocol):
    """One line of history as the view needs it."""

    at: datetime
    actor: str
    action: str
    detail: str


MAX_RISK_LINES = 8
MARKS = {"done": "✓", "skipped": "↷", "active": "▶", "not started": "·"}
NEXT_DEADLINE = "`/sre deadline <YYYY-MM-DD> <event>`"


def no_coalition() -> Doc:
    """Status before anyone joined."""
    text = "No coalition in this channel yet. Start one with `/sre join`."
    return Doc(fallback=text, parts=(Heading("SRE rollout"), Paragraph(text)))


def countdown(deadline: Deadline | None, today: date) -> str:
    """`Cyber Week on 2026-11-27: 30 days left`, or how to set one."""
    if deadline is None:
        return "not set (a lead: `/sre deadline YYYY-MM-DD <event>`)"
    left = days_left(deadline, today)
    when = f"{left} days left" if left > 1 else "tomorrow" if left == 1 else "today"
    if left < 0:
        when = f"{counted(-left, 'day')} ago"
    return f"{deadline.event} on {deadline.on:%Y-%m-%d}: {when}"


def coverage(state: RolloutState) -> str:
    """Critical-service coverage, signed-off first."""
    critical = state.critical
    if not critical:
        return "no critical services yet (`/sre service <name> critical`)"
    signed = sum(s.signed_off for s in critical)
    defined = sum(s.has_slo for s in critical)
    ready = sum(s.ready for s in critical)
    n = len(critical)
    return f"{signed} of {n} signed off · {defined} of {n} with SLOs · {ready} of {n} ready"


def step_count(row: StepProgress) -> str:
    """`2/3`, or `skipped, 0/3 done` for a step moved past with milestones open."""
    total = len(row.done) + len(row.open)
    if row.status == "skipped":
        return f"skipped, {len(row.done)}/{total} done"
    return f"{len(row.done)}/{total}"


def _step_line(row: StepProgress, number: int, finished: bool = False) -> str:
    line = f"{MARKS[row.status]} {number}. {row.step.title} ({step_count(row)})"
    if row.status == "active" and row.open and not finished:
        line += ": next, " + "; ".join(m.title for m in row.open[:3])
    return line


def _finished(state: RolloutState) -> tuple[Part, ...]:
    """After the deadline: the rollout is complete; what is left is the retro and the next one."""
    assert state.deadline is not None
    done = (
        f"*Rollout complete*: {state.deadline.event} on {state.deadline.on:%Y-%m-%d} is behind you."
    )
    lines = []
    if "retro-held" not in state.ticked:
        lines.append("Hold a short retro, then a lead ticks it: `/sre done retro-held`.")
    lines.append(f"Pick the next forcing function: {NEXT_DEADLINE}.")
    return (Paragraph(done), Bullets(tuple(lines)))


def risk_line(risk: Risk) -> str:
    """A risk with the guidance that helps."""
    return f"{risk.reason} Guidance: `/sre guide {risk.guide}`"


def members_line(members: Sequence[Membership]) -> str:
    """`@U1 (lead), @U2 (pm)`, as mentions."""
    return ", ".join(f"{person(m.user_id)} ({m.role.label})" for m in members)


def status(state: RolloutState, rows: Sequence[StepProgress], risks: Sequence[Risk]) -> Doc:
    """The whole picture on one screen."""
    active = next(i for i, r in enumerate(rows) if r.status == "active")
    step = rows[active].step
    size = f"{len(state.members)} member{'s' if len(state.members) != 1 else ''}"
    heading = f"SRE rollout: step {active + 1} of {len(rows)}, {step.title}"
    if state.finished:
        heading = f"SRE rollout complete (step {active + 1} of {len(rows)}, {step.title})"
    parts: list[Part] = [
        Heading(heading),
        Fields(
            (
                ("Deadline", countdown(state.deadline, state.today)),
                ("Critical services", coverage(state)),
            )
        ),
        *(_finished(state) if state.finished else ()),
        Paragraph("*Progress*"),
        Bullets(tuple(_step_line(r, i + 1, state.finished) for i, r in enumerate(rows))),
    ]
    if risks:
        lines = tuple(map(risk_line, risks[:MAX_RISK_LINES]))
        if len(risks) > MAX_RISK_LINES:
            lines += (f"…and {len(risks) - MAX_RISK_LINES} more (`/sre services` has detail)",)
        parts += [Paragraph(f"*Open risks* ({len(risks)})"), Bullets(lines)]
    else:
        parts.append(Paragraph("*Open risks*: none right now."))
    parts += [Divider(), Paragraph(f"*Members* ({size}): {members_line(state.members)}")]
    parts.append(Note(f"Guide for this step: `/sre guide {step.guide}` · all steps: `/sre step`"))
    fallback = f"SRE rollout: step {active + 1} of {len(rows)} ({step.title}); {len(risks)} risks"
    if state.finished:
        fallback = f"SRE rollout complete; next: {NEXT_DEADLINE}"
    return Doc(fallback=fallback, parts=tuple(parts))


def steps(rows: Sequence[StepProgress]) -> Doc:
    """Every step with each milestone, done or open."""
    parts: list[Part] = [Heading("The five steps")]
    for i, row in enumerate(rows):
        mark = f"{MARKS[row.status]} {i + 1}. {row.step.title}"
        parts.append(Paragraph(f"*{mark}* ({row.status})"))
        marks = [("✓", m) for m in row.done] + [("○", m) for m in row.open]
        order = {m.id: n for n, m in enumerate(row.step.milestones)}
        marks.sort(key=lambda pair: order[pair[1].id])
        parts.append(
            Bullets(
                tuple(
                    f"{mark} {m.title} `{m.id}`" + (" (lead ticks)" if m.manual else "")
                    for mark, m in marks
                )
            )
        )
    parts.append(Note("A lead moves on with `/sre step next` or `/sre step <step>`."))
    return Doc(fallback="The five steps of the rollout", parts=tuple(parts))


def moved(plan: StepMove) -> Doc:
    """What the lead reads after moving; open milestones are a warning, kept in history."""
    text = f"Moved from *{plan.source.title}* to *{plan.target.title}*."
    if not plan.left_open:
        return Doc.text(text)
    open_items = tuple(f"{m.title} `{m.id}`" for m in plan.left_open)
    warning = f"Heads-up: {len(open_items)} milestone(s) were still open. I recorded the override."
    return Doc(
        fallback=f"{text} {warning}",
        parts=(Paragraph(text), Paragraph(warning), Bullets(open_items)),
    )


def step_started(step: StepDef, lead: str) -> Doc:
    """The channel post when a step starts, linking the guidance for it."""
    text = f"{person(lead)} started the step *{step.title}*. Done looks like:"
    return Doc(
        fallback=f"{text} " + "; ".join(m.title for m in step.milestones) + ".",
        parts=(
            Paragraph(text),
            Bullets(tuple(m.title for m in step.milestones)),
            Note(f"How to run this step: `/sre guide {step.guide}`"),
        ),
    )


def more(left_out: int, where: str) -> str:
    """`…and 12 more (`/sre history all`)`: nothing is cut without saying so."""
    return f"…and {left_out} more ({where})"


def history(events: Sequence[HistoryEntry], earlier: int = 0) -> Doc:
    """The history, newest last; `earlier` entries before it were left out."""
    if not events:
        return Doc.text("Nothing recorded yet.")
    lines = tuple(f"{e.at:%Y-%m-%d %H:%M} {person(e.actor)} {e.action}: {e.detail}" for e in events)
    parts: list[Part] = [Heading("Rollout history")]
    if earlier:
        parts.append(Note(f"{more(earlier, '`/sre history all`')}, earlier than these"))
    parts.append(Bullets(lines))
    return Doc(fallback="Rollout history", parts=tuple(parts))


def deadline_set(deadline: Deadline, today: date, lead: str) -> Doc:
    """The public reply to a new deadline."""
    text = f"{person(lead)} set the deadline: {countdown(deadline, today)}."
    return Doc.text(text)
