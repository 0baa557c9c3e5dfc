"""Subcommands of the baseline primitives: services, SLOs, sign-off, owners, workshops."""

from __future__ import annotations

from datetime import date

from bot.commands.table import Commands, Subcommand, bare, one
from bot.commands.words import FREE, WORKSHOP, leading_day, mentions, percent, user_id, window
from bot.domain.errors import UsageError
from bot.services import primitives
from bot.services.primitives import NewOwner, NewService, NewSlo, NewWorkshop

SLO_USAGE = (
    "Usage: `/sre slo <service> <sli> <target> <window>`, e.g. "
    "`/sre slo checkout availability 99.9% 28d` (target 99.9 or 99.9%; window 28d, 4w or 30 days)."
)
WORKSHOP_USAGE = (
    "Usage: `/sre workshop <date> <topic> [for <svc,svc>] [@people]`; quote a topic or service "
    'with spaces: `/sre workshop 2026-12-08 "SLOs for payments" for checkout,"payment gateway"`.'
)


def _service(said: list[str], today: date) -> NewService:
    name, rest = said[0], [w.lower() for w in said[1:]]
    critical = "critical" in rest
    team = None
    if "team" in rest:
        at = rest.index("team")
        if at + 1 >= len(rest):
            raise UsageError("Name the owning team after `team`, e.g. `team payments`.")
        team = said[1 + at + 1][:64]
    unknown = [
        w
        for i, w in enumerate(rest)
        if w not in ("critical", "team") and not (team and i > 0 and rest[i - 1] == "team")
    ]
    if unknown:
        raise UsageError("Usage: `/sre service <name> [critical] [team <team>]`.")
    return NewService(name, critical, team)


def _slo(said: list[str], today: date) -> NewSlo | None:
    if not said:
        return None
    rest = said[1:]
    if len(rest) >= 2 and rest[-1].lower() in ("d", "day", "days", "w", "week", "weeks"):
        rest = [*rest[:-2], f"{rest[-2]} {rest[-1]}"]  # `30 days`: one window
    if len(rest) < 3:
        raise UsageError(SLO_USAGE)
    return NewSlo(said[0], " ".join(rest[:-2]), percent(rest[-2]), window(rest[-1]))


def _owner(said: list[str], today: date) -> NewOwner:
    return NewOwner(said[0], user_id(said[1]))


def _workshop(said: list[str], today: date) -> NewWorkshop:
    when, rest = leading_day(said, WORKSHOP, today)
    people, rest = mentions(rest)
    services: list[str] = []
    lowered = [w.lower() for w in rest]
    if "for" in lowered:  # the LAST `for` starts the services: a topic may say "for" too
        at = len(lowered) - 1 - lowered[::-1].index("for")
        services = [s.strip() for w in rest[at + 1 :] for s in w.split(",") if s.strip()]
        rest = rest[:at]
        if not services:
            raise UsageError(WORKSHOP_USAGE)
    if not rest:
        raise UsageError(WORKSHOP_USAGE)
    return NewWorkshop(when, " ".join(rest), tuple(services), tuple(people))


GROUP = "Primitives"
SUBCOMMANDS: Commands = (
    Subcommand(
        "service", "<name> [critical] [team <team>]", "add or update a service", GROUP,
        _service, primitives.add_service, 1, 4,
    ),
    bare("services", "services, SLOs, readiness and primitive owners", GROUP,
         primitives.service_list),
    Subcommand(
        "slo", "<service> <sli> <target%> <window>", "define an SLO (no words: a form)", GROUP,
        _slo, primitives.define_slo, 0, 40,
    ),
    Subcommand(
        "signoff", "<service>", "a PM or sponsor signs off a service's SLOs", GROUP, one,
        primitives.sign_off, 1, 1,
    ),
    Subcommand(
        "own", "<primitive> @user", "a lead names a primitive's owner", GROUP, _owner,
        primitives.own, 2, 2,
    ),
    Subcommand(
        "workshop", "<date> <topic> [for <svc,svc>] [@people]",
        "record a reliability workshop", GROUP, _workshop, primitives.workshop, 2, FREE,
    ),
    bare("workshops", "the workshops planned and held", GROUP, primitives.workshop_list),
)  # fmt: skip
