"""Subcommands of coalition health: your own signals, opting out, forgetting, consenting."""

from __future__ import annotations

from datetime import datetime

from bot.commands.base import Subcommand, whole
from bot.db.uow import UnitOfWork
from bot.doc import Doc
from bot.domain.errors import UsageError
from bot.outcome import Outcome
from bot.services import health
from bot.services.asker import Asker
from bot.services.loading import load


async def _me(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    return await health.me(uow, asker)


async def _health(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    return await health.coalition_health(uow, asker, now)


async def _optout(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    return await health.toggle(uow, asker, args[0].lower(), on=False)


async def _optin(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    return await health.toggle(uow, asker, args[0].lower(), on=True)


async def _forget(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    return await health.forget_me(uow, asker)


async def _oncall(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    usage = "Usage: `/sre oncall <pages this week, 0 to 500> [primary]`."
    pages = whole(args[0], 0, 500, usage)
    if len(args) > 1 and args[1].lower() != "primary":
        raise UsageError(usage)
    return await health.report_oncall(uow, asker, pages, len(args) > 1, now)


async def _shadow(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    if args[0].lower() not in ("on", "off"):
        raise UsageError("Usage: `/sre shadow on|off`.")
    loaded = await load(uow, asker)
    loaded.lead(asker.user_id, "switch shadow mode")
    loaded.coalition.shadow = args[0].lower() == "on"
    uow.rollout.record(loaded.coalition, asker.user_id, "shadow", args[0].lower(), now)
    text = (
        "Shadow mode on: I read the signals and record them, and send nothing about them."
        if loaded.coalition.shadow
        else "Shadow mode off: health messages go out again."
    )
    return Outcome(reply=Doc.text(text), public=True)


async def _all_good(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    return await health.all_good(uow, asker, now)


async def _ask_lead(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    return await health.ask_lead(uow, asker, now)


async def _offer(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    if args[0] not in ("hand-off", "move-dates", "pair"):
        raise UsageError("Usage: `/sre offer hand-off|move-dates|pair`.")
    return health.offer(args[0])


async def _left_because(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    return await health.leave_reason(uow, asker, args[0].lower())


GROUP = "Health"
SUBCOMMANDS = (
    Subcommand("me", "", "your own signals and why (only you see them)", GROUP, _me),
    Subcommand("health", "", "the coalition in aggregate, never a person", GROUP, _health),
    Subcommand("optout", "<signal>", "turn a signal off for you", GROUP, _optout, 1, 1),
    Subcommand(
        "optin", "<signal>", "turn a signal on (after-hours is opt-in)", GROUP, _optin, 1, 1
    ),
    Subcommand(
        "forget-me", "", "delete your signals, check-ins and activity counts", GROUP, _forget
    ),
    Subcommand(
        "oncall", "<pages> [primary]", "report this week's on-call load", GROUP, _oncall, 1, 2
    ),
    Subcommand("all-good", "", "tell me you are fine after a private check", GROUP, _all_good),
    Subcommand("ask-lead", "", "let the leads hear your load facts and help", GROUP, _ask_lead),
    Subcommand(
        "offer", "hand-off|move-dates|pair", "how to lighten your load", GROUP, _offer, 1, 1
    ),
    Subcommand(
        "left-because", "<reason>", "why you stepped back (optional)", GROUP, _left_because, 1, 1
    ),
    Subcommand(
        "shadow", "on|off", "a lead: read signals, send nothing about them", GROUP, _shadow, 1, 1
    ),
)
