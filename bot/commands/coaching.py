"""Subcommands of the coaching library."""

from __future__ import annotations

from datetime import datetime

from bot.commands.base import FREE, Subcommand
from bot.db.uow import UnitOfWork
from bot.outcome import Outcome
from bot.services import coaching
from bot.services.asker import Asker


async def _guide(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    return Outcome(reply=await coaching.answer(uow, asker, " ".join(args), now))


async def _case(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    return Outcome(reply=coaching.case(" ".join(args)))


GROUP = "Coaching"
SUBCOMMANDS = (
    Subcommand(
        "guide",
        "<question>",
        "guidance that fits where the coalition stands",
        GROUP,
        _guide,
        1,
        FREE,
    ),
    Subcommand("case", "[<name>]", "the case studies, or one told in full", GROUP, _case, 0, FREE),
)
