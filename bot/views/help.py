"""Help, usage and fallback replies."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.messages import Bullets, Doc, Heading, Note, Paragraph


class Described(Protocol):
    """A subcommand as help shows it."""

    @property
    def usage(self) -> str: ...

    @property
    def summary(self) -> str: ...


def _lines(commands: Sequence[Described]) -> tuple[str, ...]:
    return tuple(f"`{c.usage}`: {c.summary}" for c in commands)


def help_doc(commands: Sequence[Described]) -> Doc:
    """Every subcommand with its grammar."""
    lines = _lines(commands)
    return Doc(
        fallback="SRE Coach commands: " + "; ".join(c.usage for c in commands),
        parts=(
            Heading("SRE Coach"),
            Paragraph("I help this channel's SRE coalition run its rollout. Commands:"),
            Bullets(lines),
            Note("Mention me (@coach) with a question in the channel, too."),
        ),
    )


def usage_doc(problem: str, commands: Sequence[Described]) -> Doc:
    """A short answer to bad input: the problem, then the commands."""
    names = ", ".join(f"`{c.usage.split()[1]}`" for c in commands)
    return Doc(
        fallback=problem,
        parts=(Paragraph(problem), Note(f"Commands: {names}. `/sre help` explains each.")),
    )


def mention_doc() -> Doc:
    """The answer to a mention while the coaching library is not in place."""
    text = (
        "I can't answer questions yet: my coaching library is still being written. "
        "`/sre help` lists what I can do today."
    )
    return Doc.text(text)
