"""The App Home dashboard as a Doc (rendered to a Home tab of at most 100 blocks)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.action_ids import ActionId, button_value
from bot.doc import Actions, Bullets, Button, Divider, Doc, Fields, Heading, Paragraph, Part
from bot.domain.coalition import Role
from bot.domain.mentions import channel
from bot.domain.risks import Risk
from bot.domain.rollout import RolloutState, StepProgress
from bot.views.rollout import NEXT_DEADLINE, countdown, coverage, risk_line

MAX_COALITIONS = 5


@dataclass(frozen=True)
class Commitments:
    """What one person has promised or is waited on for."""

    owned: list[str] = field(default_factory=list)
    to_sign: list[str] = field(default_factory=list)
    workshops: list[str] = field(default_factory=list)

    def lines(self) -> tuple[str, ...]:
        """One line per commitment."""
        return (
            *(f"You own {p}" for p in self.owned),
            *(f"Sign off the SLOs of {s}: `/sre signoff {s}`" for s in self.to_sign),
            *(f"Workshop {w}" for w in self.workshops),
        )


@dataclass(frozen=True)
class Section:
    """One coalition on the dashboard."""

    channel: str
    role: Role
    commitments: Commitments
    state: RolloutState
    rows: Sequence[StepProgress]
    risks: Sequence[Risk]


def _section(section: Section) -> list[Part]:
    active = next(r for r in section.rows if r.status == "active")
    mine = section.commitments.lines()
    parts: list[Part] = [
        Paragraph(f"*{channel(section.channel)}*: you are {section.role.label}"),
        Paragraph("*My commitments*"),
        Bullets(mine) if mine else Paragraph("Nothing waiting on you. Thank you."),
        Fields(
            (
                ("Step", "rollout complete" if section.state.finished else active.step.title),
                ("Deadline", countdown(section.state.deadline, section.state.today)),
                ("Critical services", coverage(section.state)),
                ("Open risks", str(len(section.risks))),
            )
        ),
    ]
    if section.state.finished:
        parts.append(
            Paragraph(
                "The deadline is behind you: hold the retro, then pick the next forcing "
                f"function with {NEXT_DEADLINE}."
            )
        )
    if section.risks:
        parts.append(Bullets(tuple(risk_line(r) for r in section.risks[:5])))
    parts.append(
        Actions(
            (
                Button("Status", ActionId.SHOW_STATUS, button_value(section.channel), primary=True),
                Button("Define an SLO", ActionId.OPEN_SLO_FORM, button_value(section.channel)),
                Button(
                    "Readiness check", ActionId.OPEN_READINESS_FORM, button_value(section.channel)
                ),
            )
        )
    )
    return parts


def dashboard(user_id: str, sections: Sequence[Section]) -> Doc:
    """The Home tab: each coalition the user is in, commitments first."""
    parts: list[Part] = [Heading("SRE Coach")]
    if not sections:
        parts.append(
            Paragraph(
                "You are not in a coalition yet. In your team's SRE channel, "
                "type `/sre join` to start or join one."
            )
        )
    for section in sections:
        parts += [*_section(section), Divider()]
    return Doc(fallback="SRE Coach home", parts=tuple(parts))
