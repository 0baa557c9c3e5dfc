"""What a history entry weighs: a week's changes are told most important first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

# Lower first: decisions and sign-offs shape the rollout; rhythm tweaks only shape the bot.
WEIGHT = {
    "pitch": 0,
    "decision": 0,
    "sign-off": 1,
    "milestone": 1,
    "undo": 1,
    "step": 2,
    "override": 2,
    "deadline": 2,
    "slo": 3,
    "service": 3,
    "workshop": 3,
    "owner": 3,
    "role": 4,
    "joined": 4,
    "left": 4,
    "commitment": 5,
    "readiness": 5,
}
PERSONAL = frozenset({"joined", "left"})  # announced when they happen; a digest keeps to the work
LIGHTEST = 9  # schedule, mute, timezone, shadow and anything new


class Entry(Protocol):
    """A history entry as the ranking reads it."""

    @property
    def action(self) -> str:
        """What kind of change it was."""
        ...


E = TypeVar("E", bound=Entry)


def weight(action: str) -> int:
    """How much a kind of change weighs (lower: more important)."""
    return WEIGHT.get(action, LIGHTEST)


def most_important(entries: Sequence[E], shown: int) -> tuple[list[E], int]:
    """The `shown` weightiest entries (oldest first among equals), and how many were left out."""
    ranked = sorted(enumerate(entries), key=lambda pair: (weight(pair[1].action), pair[0]))
    return [e for _, e in ranked[:shown]], max(len(entries) - shown, 0)
