"""Private listings of what the coalition recorded: workshops and pain points."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.doc import Bullets, Doc, Heading, Note, Paragraph, Part
from bot.domain.mentions import person
from bot.views.plural import counted

SHOWN = 10  # lines per section; past that, "and N more"


@dataclass(frozen=True)
class WorkshopLine:
    """A workshop as the listing shows it."""

    day: date
    topic: str
    services: tuple[str, ...]
    attendees: int


@dataclass(frozen=True)
class PainLine:
    """A recorded pain point as the listing shows it."""

    kind: str  # the pain kind's title
    evidence: str
    recorded_by: str
    on: date


def _capped(lines: Sequence[str]) -> list[Part]:
    parts: list[Part] = [Bullets(tuple(lines[:SHOWN]))]
    if len(lines) > SHOWN:
        parts.append(Paragraph(f"… and {len(lines) - SHOWN} more."))
    return parts


def _workshop(w: WorkshopLine) -> str:
    covered = f" for {', '.join(w.services)}" if w.services else ""
    people = f", {counted(w.attendees, 'attendee')}" if w.attendees else ""
    return f"{w.day}: *{w.topic}*{covered}{people}"


def workshops(found: Sequence[WorkshopLine], today: date) -> Doc:
    """Planned workshops (soonest first), then those held (latest first)."""
    if not found:
        return Doc.text(
            "No workshop recorded yet: `/sre workshop <date> <topic> [for <svc,svc>]` "
            "(`/sre guide slo workshop agenda` for an agenda)."
        )
    planned = sorted((w for w in found if w.day > today), key=lambda w: w.day)
    held = sorted((w for w in found if w.day <= today), key=lambda w: w.day, reverse=True)
    parts: list[Part] = [Heading("Workshops")]
    if planned:
        parts += [
            Paragraph(f"*Planned* ({len(planned)})"),
            *_capped([_workshop(w) for w in planned]),
        ]
    if held:
        parts += [Paragraph(f"*Held* ({len(held)})"), *_capped([_workshop(w) for w in held])]
    parts.append(Note("Only you see this list."))
    return Doc(fallback=f"Workshops: {len(planned)} planned, {len(held)} held", parts=tuple(parts))


def pains(found: Sequence[PainLine]) -> Doc:
    """The recorded pain points, latest first, with who recorded each and when."""
    if not found:
        return Doc.text(
            "No pain point recorded yet: "
            "`/sre pain <on-call|reliability|no-slos|other> <evidence>`."
        )
    latest = sorted(found, key=lambda p: p.on, reverse=True)
    lines = [f"*{p.kind}*: {p.evidence} ({person(p.recorded_by)}, {p.on})" for p in latest]
    parts: list[Part] = [Heading(f"Pain points ({len(found)})"), *_capped(lines)]
    parts.append(Note("Only you see this list. `/sre pitch` turns them into the pitch."))
    return Doc(fallback=f"{counted(len(found), 'pain point')} recorded", parts=tuple(parts))
