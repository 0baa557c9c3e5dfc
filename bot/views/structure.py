"""Docs for the team-shape debate and decision records."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import Protocol

from bot.action_ids import ActionId, button_value
from bot.doc import Actions, Bullets, Button, Doc, Heading, Note, Paragraph, Part
from bot.domain.mentions import person
from bot.domain.programme import Choice


class Record(Protocol):
    """A decision record."""

    topic: str
    choice: str
    rationale: str
    decided_on: date
    decided_by: str


def options(
    choices: Sequence[Choice], tally: Counter[str], decision: Record | None, channel: str
) -> Doc:
    """Each option with pros, cons and votes; a vote button per option."""
    parts: list[Part] = [Heading("Team shape: the options")]
    for c in choices:
        votes = tally.get(c.id, 0)
        pros, cons = c.detail.get("pros"), c.detail.get("cons")
        text = f"*{c.title}* (`{c.id}`), {votes} vote{'s' if votes != 1 else ''}"
        if pros:
            text += f"\n+ {pros}"
        if cons:
            text += f"\n- {cons}"
        if c.detail.get("case"):
            text += f"\nTried: {c.detail['case']}"
        parts.append(Paragraph(text))
    buttons = tuple(
        Button(f"Vote {c.id}", ActionId.VOTE_SHAPE, button_value(channel, c.id))
        for c in choices[:5]
    )
    parts.append(Actions(buttons))
    if decision is not None:
        parts.append(
            Note(
                f"Decided on {decision.decided_on}: {decision.choice}. "
                "`/sre decisions` shows the record."
            )
        )
    parts.append(Note("Vote: `/sre vote <shape>` · a lead decides: `/sre decide <shape> <why>`"))
    return Doc(
        fallback="Team shape options: " + ", ".join(c.id for c in choices), parts=tuple(parts)
    )


def voted(choice: Choice) -> Doc:
    """Private confirmation of a vote."""
    return Doc.text(f"Your vote: {choice.title}. You can change it any time.")


def option_added(option: str, title: str) -> Doc:
    """Public note of a new option."""
    return Doc.text(
        f"New team-shape option: *{title}* (`{option}`). Vote with `/sre vote {option}`."
    )


def decided(choice: Choice, rationale: str, tally: Counter[str], lead: str) -> Doc:
    """The public decision record."""
    votes = ", ".join(f"{k} {v}" for k, v in tally.most_common()) or "no votes"
    text = f"{person(lead)} decided the team shape: *{choice.title}*."
    return Doc(
        fallback=text,
        parts=(
            Paragraph(text),
            Paragraph(f"*Why*: {rationale}"),
            Note(f"Votes at the time: {votes}."),
        ),
    )


def records(rows: Sequence[Record]) -> Doc:
    """Every decision record."""
    if not rows:
        return Doc.text("No decisions recorded yet.")
    lines = tuple(
        f"{r.decided_on} {r.topic}: *{r.choice}* by {person(r.decided_by)}"
        + (f". Why: {r.rationale}" if r.rationale else "")
        for r in rows
    )
    return Doc(fallback="Decision records", parts=(Heading("Decision records"), Bullets(lines)))
