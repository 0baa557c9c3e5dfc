"""The coalition's pulse from check-ins, as the channel may see it: totals, never a person."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import mean

MIN_FOR_AVERAGES = 5  # below this many answers an average could point at a person


@dataclass(frozen=True)
class Answer:
    """One check-in answer (who gave it is deliberately absent)."""

    answered: bool
    energy: int | None
    hours: int | None


@dataclass(frozen=True)
class Pulse:
    """Aggregates for the digest."""

    asked: int
    answered: int
    energy: float | None  # only with enough respondents
    hours: float | None


def pulse(answers: Sequence[Answer]) -> Pulse:
    """Answer rate always; average energy and hours only with at least five respondents."""
    given = [a for a in answers if a.answered]
    energies = [a.energy for a in given if a.energy is not None]
    hours = [a.hours for a in given if a.hours is not None]
    return Pulse(
        asked=len(answers),
        answered=len(given),
        energy=round(mean(energies), 1) if len(energies) >= MIN_FOR_AVERAGES else None,
        hours=round(mean(hours), 1) if len(hours) >= MIN_FOR_AVERAGES else None,
    )
