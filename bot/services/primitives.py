"""Step 4: services, SLOs and their sign-off, owners of cross-cutting primitives, workshops."""

from __future__ import annotations

import re
from datetime import date, datetime

from bot.db.rollout_models import PrimitiveOwner, ServiceRow, SloRow, Workshop
from bot.db.uow import UnitOfWork
from bot.domain.errors import UsageError
from bot.domain.mentions import person
from bot.domain.programme import pick
from bot.outcome import Outcome, Post, ToUser
from bot.programme import programme
from bot.services.asker import Asker
from bot.services.loading import Loaded, load, rollout_state
from bot.views import primitives as views

SERVICE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
MAX_SLI = 120


def check_service_name(name: str) -> str:
    """A service name as typed, or a usage error."""
    if not SERVICE_NAME.match(name):
        raise UsageError(f"`{name[:24]}` is not a service name: letters, digits, . _ - (max 64).")
    return name


async def _service(uow: UnitOfWork, loaded: Loaded, name: str) -> ServiceRow:
    service = await uow.rollout.service(loaded.coalition, name)
    if service is None:
        hint = f"/sre service {name[:24]} critical"
        raise UsageError(f"No service `{name[:24]}` yet: add it with `{hint}`.")
    return service


async def add_service(
    uow: UnitOfWork, asker: Asker, name: str, critical: bool, team: str | None, now: datetime
) -> Outcome:
    """Add a service to the rollout, or update whether it is critical and who owns it."""
    loaded = await load(uow, asker)
    loaded.member(asker.user_id)
    service = await uow.rollout.service(loaded.coalition, check_service_name(name))
    if service is None:
        service = ServiceRow(
            team_id=uow.team_id,
            coalition_id=loaded.coalition.id,
            name=name,
            critical=critical,
            owner_team=team,
            added_by=asker.user_id,
            added_at=now,
        )
        uow.rollout.add(service)
    else:
        service.critical = critical
        service.owner_team = team or service.owner_team
    return Outcome(reply=views.service_saved(service.name, critical, service.owner_team))


async def define_slo(
    uow: UnitOfWork,
    asker: Asker,
    name: str,
    sli: str,
    target: float,
    window_days: int,
    now: datetime,
) -> Outcome:
    """Define (or redefine) an SLO of a service; a redefinition needs a new sign-off."""
    if not 1 <= len(sli) <= MAX_SLI:
        raise UsageError(f"Name the SLI in 1 to {MAX_SLI} characters, e.g. availability.")
    loaded = await load(uow, asker)
    loaded.member(asker.user_id)
    service = await _service(uow, loaded, name)
    rows = [r for r in await uow.rollout.slos_of([service.id]) if r.sli.lower() == sli.lower()]
    if rows:
        slo = rows[0]
        slo.target, slo.window_days, slo.defined_by, slo.defined_at = (
            target,
            window_days,
            asker.user_id,
            now,
        )
        slo.signed_off_by, slo.signed_off_at = None, None
    else:
        uow.rollout.add(
            SloRow(
                team_id=uow.team_id,
                service_id=service.id,
                sli=sli,
                target=target,
                window_days=window_days,
                defined_by=asker.user_id,
                defined_at=now,
            )
        )
    signers = [m for m in loaded.members if m.role.value in ("pm", "sponsor")]
    return Outcome(reply=views.slo_saved(service.name, sli, target, window_days, signers))


async def sign_off(uow: UnitOfWork, asker: Asker, name: str, now: datetime) -> Outcome:
    """A PM or sponsor signs off every unsigned SLO of a service."""
    loaded = await load(uow, asker)
    loaded.signer(asker.user_id, "sign off SLOs")
    service = await _service(uow, loaded, name)
    unsigned = [r for r in await uow.rollout.slos_of([service.id]) if r.signed_off_at is None]
    if not unsigned:
        raise UsageError(f"{service.name} has no SLO waiting for sign-off.")
    for slo in unsigned:
        slo.signed_off_by, slo.signed_off_at = asker.user_id, now
    slis = ", ".join(s.sli for s in unsigned)
    uow.rollout.record(loaded.coalition, asker.user_id, "sign-off", f"{service.name}: {slis}", now)
    return Outcome(reply=views.signed_off(service.name, slis, asker.user_id), public=True)


async def own(uow: UnitOfWork, asker: Asker, primitive: str, owner: str, now: datetime) -> Outcome:
    """A lead names the owner of a cross-cutting primitive; the owner hears about it."""
    loaded = await load(uow, asker)
    loaded.lead(asker.user_id, "name owners")
    choice = pick(programme().primitives, primitive, "primitive")
    if owner not in {m.user_id for m in loaded.members}:
        raise UsageError(f"{person(owner)} is not in the coalition; owners are members.")
    row = await uow.rollout.one(PrimitiveOwner, loaded.coalition, primitive=choice.id)
    if row is None:
        uow.rollout.add(
            PrimitiveOwner(
                team_id=uow.team_id,
                coalition_id=loaded.coalition.id,
                primitive=choice.id,
                owner=owner,
                since=now,
            )
        )
    else:
        row.owner, row.since = owner, now
    uow.rollout.record(
        loaded.coalition, asker.user_id, "owner", f"{choice.id}: {person(owner)}", now
    )
    note = Post(ToUser(owner), views.you_own(choice.title, asker.user_id))
    return Outcome(reply=views.owner_named(choice.title, owner), public=True, posts=(note,))


async def workshop(
    uow: UnitOfWork,
    asker: Asker,
    day: date,
    topic: str,
    services: list[str],
    attendees: list[str],
) -> Outcome:
    """Record a reliability workshop: date, topic, services covered, attendees."""
    if not 3 <= len(topic) <= 120:
        raise UsageError("Name the workshop topic in 3 to 120 characters.")
    loaded = await load(uow, asker)
    loaded.member(asker.user_id)
    names = [(await _service(uow, loaded, check_service_name(s))).name for s in services]
    uow.rollout.add(
        Workshop(
            team_id=uow.team_id,
            coalition_id=loaded.coalition.id,
            topic=topic,
            held_on=day,
            services=",".join(names),
            attendees=",".join(dict.fromkeys(attendees)),
            added_by=asker.user_id,
        )
    )
    return Outcome(reply=views.workshop_saved(day, topic, names, attendees), public=True)


async def service_list(uow: UnitOfWork, asker: Asker, now: datetime) -> Outcome:
    """Services with their SLOs and readiness for the deadline."""
    loaded = await load(uow, asker)
    state = await rollout_state(uow, loaded, now)
    return Outcome(reply=views.services(state.services, state.ownerships))
