"""Subcommands of the team-shape debate."""

from __future__ import annotations

from datetime import datetime

from bot.commands.base import FREE, Subcommand
from bot.db.uow import UnitOfWork
from bot.domain.errors import UsageError
from bot.outcome import Outcome
from bot.services import structure
from bot.services.asker import Asker


async def _shapes(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    if not args:
        return await structure.shapes(uow, asker)
    if args[0].lower() != "add" or len(args) < 3:
        raise UsageError("Usage: `/sre shapes` or `/sre shapes add <short-id> <title>`.")
    return await structure.add_option(uow, asker, args[1], " ".join(args[2:]))


async def _vote(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    return await structure.vote(uow, asker, args[0], now)


async def _decide(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    return await structure.decide(uow, asker, args[0], " ".join(args[1:]), now)


async def _decisions(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    return await structure.records(uow, asker)


GROUP = "Team shape"
SUBCOMMANDS = (
    Subcommand(
        "shapes",
        "[add <id> <title>]",
        "team-shape options, pros, cons and votes",
        GROUP,
        _shapes,
        0,
        FREE,
    ),
    Subcommand("vote", "<shape>", "vote for a team shape", GROUP, _vote, 1, 1),
    Subcommand(
        "decide",
        "<shape> <rationale>",
        "a lead records the decision and why",
        GROUP,
        _decide,
        2,
        FREE,
    ),
    Subcommand("decisions", "", "the decision records", GROUP, _decisions),
)
