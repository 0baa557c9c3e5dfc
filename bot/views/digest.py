"""The weekly channel digest: progress, what changed, overdue work, countdown, risks, pulse."""

from __future__ import annotations

from collections.abc import Sequence

from bot.doc import Bullets, Doc, Fields, Heading, Note, Paragraph, Part, counted
from bot.domain.pulse import Pulse
from bot.domain.risks import Risk
from bot.domain.rollout import RolloutState, StepProgress
from bot.views.rollout import countdown, coverage, more, risk_line, step_count

MAX_LINES = 8


def _pulse_line(p: Pulse) -> str:
    if p.asked == 0:
        return "no check-ins asked this week"
    text = f"{p.answered} of {counted(p.asked, 'check-in')} answered"
    if p.energy is not None and p.hours is not None:
        text += f"; average energy {p.energy}/5, {p.hours:g} hours each"
    else:
        text += " (averages appear with five or more answers)"
    return text


def _blockers_line(count: int) -> str:
    if not count:
        return "none"
    return f"{counted(count, 'member')} blocked (the leads have the details)"


def _steps(rows: Sequence[StepProgress], moved: bool) -> list[Part]:
    if not moved:
        active = next((r for r in rows if r.status == "active"), None)
        where = f"; now on *{active.step.title}*" if active else ""
        done = sum(len(r.done) for r in rows)
        total = sum(len(r.done) + len(r.open) for r in rows)
        return [
            Paragraph(f"*Progress*: no change since last week ({done}/{total} milestones{where}).")
        ]
    lines = tuple(
        f"{r.step.title}: {step_count(r)}" + ("" if r.status == "skipped" else f" ({r.status})")
        for r in rows
    )
    return [Paragraph("*Progress per step*"), Bullets(lines)]


def digest(
    state: RolloutState,
    rows: Sequence[StepProgress],
    changes: Sequence[str],
    left_out: int,
    overdue: Sequence[str],
    risks: Sequence[Risk],
    pulse: Pulse,
    blockers: int = 0,
    moved: bool = True,
) -> Doc:
    """The weekly digest: totals only, never a person's energy or hours. `changes` are the
    week's weightiest changes, `left_out` how many lighter ones are not shown; the steps in
    full only when they `moved` this week (else one line), and the count of open blockers."""
    parts: list[Part] = [
        Heading("Weekly SRE rollout digest"),
        Fields(
            (
                ("Deadline", countdown(state.deadline, state.today)),
                ("Critical services", coverage(state)),
                ("Pulse", _pulse_line(pulse)),
                ("Open blockers", _blockers_line(blockers)),
            )
        ),
        *_steps(rows, moved),
    ]
    parts.append(Paragraph("*What changed this week*"))
    shown = tuple(changes) + ((more(left_out, "`/sre history all`"),) if left_out else ())
    parts.append(Bullets(shown) if changes else Paragraph("Nothing recorded."))
    if overdue:
        parts += [Paragraph(f"*Overdue* ({len(overdue)})"), Bullets(tuple(overdue[:MAX_LINES]))]
    if risks:
        parts += [
            Paragraph(f"*Open risks* ({len(risks)})"),
            Bullets(tuple(risk_line(r) for r in risks[:MAX_LINES])),
        ]
    parts.append(Note("Check-in answers stay private; this digest shows totals only."))
    return Doc(fallback="Weekly SRE rollout digest", parts=tuple(parts))
