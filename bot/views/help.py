"""Help, usage and fallback replies."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.doc import Bullets, Doc, Heading, Note, Paragraph, Part


class Described(Protocol):
    """A subcommand as help shows it."""

    @property
    def usage(self) -> str: ...

    @property
    def summary(self) -> str: ...

    @property
    def group(self) -> str: ...


def _lines(commands: Sequence[Described]) -> tuple[str, ...]:
    return tuple(f"`{c.usage}`: {c.summary}" for c in commands)


def help_doc(commands: Sequence[Described]) -> Doc:
    """Every subcommand with its grammar, by group."""
    parts: list[Part] = [
        Heading("SRE Coach"),
        Paragraph(
            "I help this channel's SRE coalition run its rollout. `/sre help` shows this list:"
        ),
    ]
    for group in dict.fromkeys(c.group for c in commands):
        parts.append(Paragraph(f"*{group}*"))
        parts.append(Bullets(_lines([c for c in commands if c.group == group])))
    parts.append(Note("Mention me (@coach) with a question in the channel, too."))
    fallback = "SRE Coach commands: help, " + ", ".join(c.usage.split()[1] for c in commands)
    return Doc(fallback=fallback, parts=tuple(parts))


def usage_doc(problem: str, commands: Sequence[Described]) -> Doc:
    """A short answer to bad input: the problem, then the commands."""
    names = ", ".join(f"`{c.usage.split()[1]}`" for c in commands[:8]) + ", …"
    return Doc(
        fallback=problem,
        parts=(Paragraph(problem), Note(f"Commands: {names}. `/sre help` explains each.")),
    )
