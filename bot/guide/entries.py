"""The library's value types: an entry, its sources, and a problem found while checking."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

KINDS = ("step", "condition", "failure-mode", "case-study", "reliability-pattern", "playbook")
STEPS = ("coalition", "pitch", "structure", "primitives", "forcing-function")


@dataclass(frozen=True)
class Source:
    """Where a claim in an entry comes from; `date` is YYYY, YYYY-MM or YYYY-MM-DD."""

    title: str
    publisher: str
    date: str
    url: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Entry:
    """One coaching entry: front matter, the chat summary, and the whole Markdown body.

    `body` is the Markdown after the front matter as written, so it starts with `summary`
    (whose line breaks are folded into spaces).
    """

    id: str
    title: str
    kind: str
    steps: tuple[str, ...]
    tags: tuple[str, ...]
    aliases: tuple[str, ...]
    related: tuple[str, ...]
    sources: tuple[Source, ...]
    summary: str
    body: str
    path: Path
    asked: tuple[str, ...] = ()  # how people ask for it, in their own words (indexed, not shown)


@dataclass(frozen=True)
class Problem:
    """Something wrong with one library file."""

    path: Path
    message: str

    def __str__(self) -> str:
        return f"{self.path.name}: {self.message}"


def step_number(step: str) -> int:
    """The 1-based position of a step id in the rollout."""
    return STEPS.index(step) + 1
