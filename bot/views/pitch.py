"""Docs for the readiness self-assessment and the pitch."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from bot.doc import Bullets, Doc, Heading, Note, Paragraph, Part
from bot.domain.coalition import Membership
from bot.domain.mentions import person
from bot.domain.programme import Choice


class Pain(Protocol):
    """A recorded pain point."""

    kind: str
    evidence: str


class Decided(Protocol):
    """A recorded decision."""

    choice: str
    decided_on: date


def sentence(text: str) -> str:
    """The first letter up, the rest as written (`str.capitalize` would make SLOs "slos")."""
    return text[:1].upper() + text[1:]


def readiness_questions(conditions: Sequence[Choice]) -> Doc:
    """The three questions and how to answer them."""
    lines = tuple(f"{c.title} (`{c.id}`)" for c in conditions)
    usage = "Answer with `/sre readiness <culture> <pain> <credibility>`, each yes|partly|no."
    return Doc(
        fallback=usage, parts=(Heading("Readiness self-assessment"), Bullets(lines), Note(usage))
    )


def readiness_result(answers: Sequence[tuple[Choice, str]]) -> Doc:
    """Strong and weak spots, with guidance for each weak one."""
    weak = [(c, a) for c, a in answers if a != "yes"]
    if not weak:
        text = "All three conditions hold. That is the ground this pattern grows on: go pitch."
        return Doc.text(text)
    lines = tuple(
        f"{c.title.rstrip('?')}: *{a}*. Guidance: `/sre guide {c.detail['guide']}`" for c, a in weak
    )
    head = f"{len(weak)} weak spot(s) to work on before you lean on this pattern:"
    return Doc(fallback=head, parts=(Paragraph(head), Bullets(lines)))


def pitch_outline(
    kinds: Sequence[Choice],
    pains: Sequence[Pain],
    sponsors: Sequence[Membership],
    members: Sequence[Membership],
    decision: Decided | None,
) -> Doc:
    """An outline: concrete wins first, then the pains with evidence, the ask, the sponsor."""
    if not pains:
        text = (
            "Nothing to pitch from yet. Record pains with evidence first: "
            "`/sre pain <on-call|reliability|no-slos|other> <evidence>`."
        )
        return Doc.text(text)
    by_kind = {k.id: k for k in kinds}
    seen = list(dict.fromkeys(p.kind for p in pains))
    wins = tuple(sentence(by_kind[k].detail["win"]) for k in seen)
    evidence = tuple(f"{by_kind[p.kind].title}: {p.evidence}" for p in pains)
    sponsor = (
        ", ".join(person(s.user_id) for s in sponsors) or "none yet: find one before you pitch"
    )
    scarred = sum(1 for m in members if (m.incidents or 0) > 0)
    parts: list[Part] = [
        Heading("Pitch outline"),
        Paragraph("*1. Lead with concrete wins*"),
        Bullets(wins),
        Paragraph("*2. The pain, with evidence*"),
        Bullets(evidence),
        Paragraph(f"*3. Why us*: a coalition of {len(members)}, {scarred} with incident scars."),
        Paragraph("*4. The ask*: time for the coalition and a deadline to work toward."),
        Paragraph(f"*Sponsor*: {sponsor}"),
    ]
    if decision is not None:
        parts.append(Note(f"Management's decision: {decision.choice} on {decision.decided_on}."))
    parts.append(Note("More: `/sre guide pitch-outline`"))
    return Doc(fallback="Pitch outline: " + "; ".join(wins), parts=tuple(parts))


def pitch_decided(choice: str, day: date) -> Doc:
    """The public note of management's decision."""
    follow = {
        "chartered": "Next: settle the team shape (`/sre shapes`).",
        "deferred": "Keep collecting evidence and ask again with a date in mind.",
        "refused": "A refusal is a phase, not the end: `/sre guide zalando-2016`.",
    }[choice]
    return Doc.text(f"Management's decision on the pitch: *{choice}* ({day}). {follow}")
