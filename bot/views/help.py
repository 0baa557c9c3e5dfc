"""Help, usage and fallback replies: topics on one screen, one topic's commands, one usage."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.doc import Bullets, Doc, Heading, Note, Paragraph, Part

# The commands people use most, named on the first screen of help, by topic.
MAIN: dict[str, tuple[str, ...]] = {
    "Coalition": ("join", "leave", "role"),
    "Rollout": ("status", "deadline", "step", "pitch", "history"),
    "Team shape": ("shapes", "vote", "decide"),
    "Primitives": ("services", "service", "slo", "workshop"),
    "Beat": ("checkin", "commit", "commitments", "snooze", "away"),
    "Health": ("me", "health", "optout", "forget-me"),
    "Coaching": ("guide", "case"),
}
MAIN_SHOWN = 5


class Described(Protocol):
    """A subcommand as help shows it."""

    @property
    def name(self) -> str: ...

    @property
    def usage(self) -> str: ...

    @property
    def summary(self) -> str: ...

    @property
    def group(self) -> str: ...


def topic_of(group: str) -> str:
    """The word `/sre help <topic>` takes for a group: `Team shape` -> `shape`."""
    return group.split()[-1].lower()


def topics(commands: Sequence[Described]) -> dict[str, str]:
    """Each topic word and the group it names, in the order help shows them."""
    return {topic_of(c.group): c.group for c in commands}


def _main(group: str, commands: Sequence[Described]) -> tuple[str, ...]:
    names = [c.name for c in commands if c.group == group]
    named = [n for n in MAIN.get(group, ()) if n in names]
    return tuple(named or names)[:MAIN_SHOWN]


def help_doc(commands: Sequence[Described]) -> Doc:
    """The topics on one screen, each with its most used commands."""
    lines = tuple(
        f"*{group}*: "
        + ", ".join(f"`/sre {n}`" for n in _main(group, commands))
        + f" · more: `/sre help {topic}`"
        for topic, group in topics(commands).items()
    )
    parts: list[Part] = [
        Heading("SRE Coach"),
        Paragraph("I help this channel's SRE coalition run its rollout. Topics:"),
        Bullets(lines),
        Note("Mention me (@coach) with a question in the channel, too."),
    ]
    fallback = "SRE Coach help: " + ", ".join(topics(commands))
    return Doc(fallback=fallback, parts=tuple(parts))


def topic_doc(group: str, commands: Sequence[Described]) -> Doc:
    """Every command of one topic with its grammar."""
    lines = tuple(f"`{c.usage}`: {c.summary}" for c in commands if c.group == group)
    return Doc(
        fallback=f"SRE Coach help: {group}",
        parts=(Heading(group), Bullets(lines), Note("`/sre help` lists the other topics.")),
    )


def command_doc(command: Described) -> Doc:
    """One command's grammar and what it does."""
    return Doc.text(f"`{command.usage}`: {command.summary}.")


def usage_doc(problem: str, command: Described | None = None) -> Doc:
    """A short answer to bad input: the problem, and the usage of the command at hand."""
    if command is None:
        return Doc(fallback=problem, parts=(Paragraph(problem), Note("`/sre help` lists topics.")))
    parts: list[Part] = [Paragraph(problem)]
    if command.usage not in problem and not problem.startswith("Usage:"):
        parts.append(Note(f"Usage: `{command.usage}` · `/sre help {topic_of(command.group)}`"))
    return Doc(fallback=problem, parts=tuple(parts))
