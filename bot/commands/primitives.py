"""Subcommands of the baseline primitives: services, SLOs, sign-off, owners, workshops."""

from __future__ import annotations

from datetime import datetime

from bot.commandline import user_id
from bot.commands.base import FREE, WORKSHOP, Subcommand, day, mentions, percent, window
from bot.db.uow import UnitOfWork
from bot.doc import Doc
from bot.domain.errors import UsageError
from bot.outcome import Outcome
from bot.services import primitives
from bot.services.asker import Asker
from bot.views.forms import slo_form


async def _service(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    name, rest = args[0], [w.lower() for w in args[1:]]
    critical = "critical" in rest
    team = None
    if "team" in rest:
        at = rest.index("team")
        if at + 1 >= len(rest):
            raise UsageError("Name the owning team after `team`, e.g. `team payments`.")
        team = args[1 + at + 1][:64]
    unknown = [
        w
        for i, w in enumerate(rest)
        if w not in ("critical", "team") and not (team and i > 0 and rest[i - 1] == "team")
    ]
    if unknown:
        raise UsageError("Usage: `/sre service <name> [critical] [team <team>]`.")
    return await primitives.add_service(uow, asker, name, critical, team, now)


async def _services(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    return await primitives.service_list(uow, asker, now)


async def _slo(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    if not args:
        hint = "Usage: `/sre slo <service> <sli> <target%> <window>`, e.g. "
        hint += "`/sre slo checkout availability 99.9% 28d`."
        return Outcome(reply=Doc.text(hint), form=slo_form(asker.channel_id))
    if len(args) < 4:
        raise UsageError("Usage: `/sre slo <service> <sli> <target%> <window>`.")
    sli = " ".join(args[1:-2])
    return await primitives.define_slo(
        uow, asker, args[0], sli, percent(args[-2]), window(args[-1]), now
    )


async def _signoff(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    return await primitives.sign_off(uow, asker, args[0], now)


async def _own(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    return await primitives.own(uow, asker, args[0], user_id(args[1]), now)


async def _workshop(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    people, words = mentions(args[1:])
    services: list[str] = []
    if "for" in [w.lower() for w in words]:
        at = [w.lower() for w in words].index("for")
        services = [s for w in words[at + 1 :] for s in w.split(",") if s]
        words = words[:at]
    when = day(args[0], WORKSHOP, now.date())
    return await primitives.workshop(uow, asker, when, " ".join(words), services, people)


GROUP = "Primitives"
SUBCOMMANDS = (
    Subcommand(
        "service",
        "<name> [critical] [team <team>]",
        "add or update a service",
        GROUP,
        _service,
        1,
        4,
    ),
    Subcommand("services", "", "services, SLOs, readiness and primitive owners", GROUP, _services),
    Subcommand(
        "slo",
        "<service> <sli> <target%> <window>",
        "define an SLO (no words: a form)",
        GROUP,
        _slo,
        0,
        40,
    ),
    Subcommand(
        "signoff", "<service>", "a PM or sponsor signs off a service's SLOs", GROUP, _signoff, 1, 1
    ),
    Subcommand("own", "<primitive> @user", "a lead names a primitive's owner", GROUP, _own, 2, 2),
    Subcommand(
        "workshop",
        "<YYYY-MM-DD> <topic> [for <svc,svc>] [@people]",
        "record a reliability workshop",
        GROUP,
        _workshop,
        2,
        FREE,
    ),
)
