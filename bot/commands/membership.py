"""Subcommands about who is in the coalition."""

from __future__ import annotations

from datetime import datetime

from bot.commandline import user_id
from bot.commands.base import Subcommand, whole
from bot.db.uow import UnitOfWork
from bot.domain.coalition import parse_role
from bot.outcome import Outcome
from bot.services import membership, pitch
from bot.services.asker import Asker


async def _join(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    return await membership.join(uow, asker, parse_role(args[0]) if args else None, now)


async def _leave(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    return await membership.leave(uow, asker, now)


async def _role(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    return await membership.change_role(uow, asker, user_id(args[0]), parse_role(args[1]), now)


async def _confirm(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    return await membership.confirm_role(uow, asker, user_id(args[0]), parse_role(args[1]), now)


async def _experience(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    usage = "Give a whole number of incidents you have handled, e.g. `/sre experience 12`."
    return await pitch.experience(uow, asker, whole(args[0], 0, 10_000, usage))


GROUP = "Coalition"
SUBCOMMANDS = (
    Subcommand(
        "join", "[lead|member|sponsor|pm]", "join this channel's coalition", GROUP, _join, 0, 1
    ),
    Subcommand("leave", "", "leave the coalition", GROUP, _leave),
    Subcommand("role", "@user <role>", "a lead changes someone's role", GROUP, _role, 2, 2),
    Subcommand(
        "confirm-role", "@user <role>", "a lead confirms a role asked for", GROUP, _confirm, 2, 2
    ),
    Subcommand(
        "experience",
        "<incidents>",
        "how many incidents you have handled on call",
        GROUP,
        _experience,
        1,
        1,
    ),
)
