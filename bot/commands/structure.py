"""Subcommands of the team-shape debate."""

from __future__ import annotations

from datetime import date

from bot.commands.table import Commands, Subcommand, bare, one
from bot.commands.words import FREE
from bot.domain.errors import UsageError
from bot.services import structure
from bot.services.structure import NewOption, ShapeDecision


def _new_option(said: list[str], today: date) -> NewOption | None:
    if not said:
        return None
    if said[0].lower() != "add" or len(said) < 3:
        raise UsageError("Usage: `/sre shapes` or `/sre shapes add <short-id> <title>`.")
    return NewOption(said[1], " ".join(said[2:]))


def _decision(said: list[str], today: date) -> ShapeDecision:
    return ShapeDecision(said[0], " ".join(said[1:]))


GROUP = "Team shape"
SUBCOMMANDS: Commands = (
    Subcommand(
        "shapes", "[add <id> <title>]", "team-shape options, pros, cons and votes", GROUP,
        _new_option, structure.shapes, 0, FREE,
    ),
    Subcommand("vote", "<shape>", "vote for a team shape", GROUP, one, structure.vote, 1, 1),
    Subcommand(
        "decide", "<shape> <rationale>", "a lead records the decision and why", GROUP,
        _decision, structure.decide, 2, FREE,
    ),
    bare("decisions", "the decision records", GROUP, structure.records),
)  # fmt: skip
