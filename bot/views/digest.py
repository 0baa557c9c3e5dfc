"""The weekly channel digest: progress, what changed, overdue work, countdown, risks, pulse."""

from __future__ import annotations

from collections.abc import Sequence

from bot.doc import Bullets, Doc, Fields, Heading, Note, Paragraph, Part
from bot.domain.pulse import Pulse
from bot.domain.risks import Risk
from bot.domain.rollout import RolloutState, StepProgress
from bot.views.rollout import countdown, coverage, more, risk_line, step_count

MAX_LINES = 8


def _pulse_line(p: Pulse) -> str:
    if p.asked == 0:
        return "no check-ins asked this week"
    text = f"{p.answered} of {p.asked} check-ins answered"
    if p.energy is not None and p.hours is not None:
        text += f"; average energy {p.energy}/5, {p.hours} hours each"
    else:
        text += " (averages appear with five or more answers)"
    return text


def digest(
    state: RolloutState,
    rows: Sequence[StepProgress],
    changes: Sequence[str],
    left_out: int,
    overdue: Sequence[str],
    risks: Sequence[Risk],
    pulse: Pulse,
) -> Doc:
    """The weekly digest: totals only, never a person's energy or hours. `changes` are the
    week's weightiest changes, `left_out` how many lighter ones are not shown."""
    parts: list[Part] = [
        Heading("Weekly SRE rollout digest"),
        Fields(
            (
                ("Deadline", countdown(state.deadline, state.today)),
                ("Critical services", coverage(state)),
                ("Pulse", _pulse_line(pulse)),
            )
        ),
        Paragraph("*Progress per step*"),
        Bullets(
            tuple(
                f"{r.step.title}: {step_count(r)}"
                + ("" if r.status == "skipped" else f" ({r.status})")
                for r in rows
            )
        ),
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
