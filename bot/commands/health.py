"""Subcommands of coalition health: your own signals, opting out, forgetting, consenting."""

from __future__ import annotations

from datetime import date

from bot.commands.table import Commands, Subcommand, bare, lowered, one, text
from bot.commands.words import FREE, whole
from bot.domain.errors import UsageError
from bot.outcome import Outcome
from bot.services import health
from bot.services.health import OnCallWeek
from bot.services.request import Request


def _oncall(said: list[str], today: date) -> OnCallWeek:
    usage = "Usage: `/sre oncall <pages this week, 0 to 500> [primary]`."
    pages = whole(said[0], 0, 500, usage)
    if len(said) > 1 and said[1].lower() != "primary":
        raise UsageError(usage)
    return OnCallWeek(pages, len(said) > 1)


def _me(said: list[str], today: date) -> bool:
    if said and said[0].lower() != "settings":
        raise UsageError("Usage: `/sre me` or `/sre me settings`.")
    return bool(said)


async def _about_me(req: Request, settings: bool) -> Outcome:
    return await (health.my_settings(req) if settings else health.me(req))


def _switch(said: list[str], today: date) -> bool:
    if said[0].lower() not in ("on", "off"):
        raise UsageError("Usage: `/sre shadow on|off`.")
    return said[0].lower() == "on"


GROUP = "Health"
SUBCOMMANDS: Commands = (
    Subcommand(
        "me", "[settings]", "your signals and what I keep; `settings`: your own settings",
        GROUP, _me, _about_me, 0, 1,
    ),
    bare("health", "the coalition in aggregate, never a person", GROUP, health.coalition_health),
    Subcommand(
        "optout", "<signal>", "turn a signal off for you", GROUP, lowered, health.opt_out, 1, 1
    ),
    Subcommand(
        "optin", "<signal>", "turn a signal on (after-hours is opt-in)", GROUP, lowered,
        health.opt_in, 1, 1,
    ),
    bare("forget-me", "delete your signals, check-ins and activity counts", GROUP,
         health.forget_me),
    Subcommand(
        "oncall", "<pages> [primary]", "report this week's on-call load", GROUP, _oncall,
        health.report_oncall, 1, 2,
    ),
    bare("all-good", "tell me you are fine after a private check", GROUP, health.all_good),
    bare("ask-lead", "let the leads hear your load facts and help", GROUP, health.ask_lead),
    Subcommand(
        "offer", "hand-off|move-dates|pair", "how to lighten your load", GROUP, one,
        health.offer, 1, 1,
    ),
    Subcommand(
        "left-because", "time|priorities|tired|moved-on|rather-not-say",
        "why you stepped back (optional; one reason is kept, never your words)", GROUP, text,
        health.leave_reason, 1, FREE,
    ),
    Subcommand(
        "shadow", "on|off", "a lead: read signals, send nothing about them", GROUP, _switch,
        health.shadow, 1, 1,
    ),
)  # fmt: skip
