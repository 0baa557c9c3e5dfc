"""Step 4: services, SLOs and their sign-off, owners of cross-cutting primitives, workshops."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.db.catalog_repo import typed_fields
from bot.db.rollout_models import PrimitiveOwner, ServiceRow, SloRow, Workshop
from bot.doc import Doc
from bot.domain.errors import UsageError
from bot.domain.mentions import person
from bot.domain.nearest import closest
from bot.domain.programme import pick
from bot.outcome import Outcome, Post, ToUser
from bot.services.loading import Loaded, load, rollout_state
from bot.services.request import Request
from bot.views import listings
from bot.views import primitives as views
from bot.views.forms import slo_form

# Words of letters, digits, . _ - with single spaces between (typed in quotes), 64 at most.
SERVICE_NAME = re.compile(r"^(?=.{1,64}$)[A-Za-z0-9][A-Za-z0-9._-]*(?: [A-Za-z0-9._-]+)*$")
MAX_SLI = 120
SLO_HINT = (
    "Usage: `/sre slo <service> <sli> <target%> <window>`, e.g. "
    "`/sre slo checkout availability 99.9% 28d`."
)


@dataclass(frozen=True)
class NewService:
    """A service in scope: its name, whether it is critical, the team that owns it."""

    name: str
    critical: bool
    team: str | None


@dataclass(frozen=True)
class NewSlo:
    """An SLO of a service: the SLI, the target in percent, the window in days."""

    service: str
    sli: str
    target: float
    window_days: int


@dataclass(frozen=True)
class NewOwner:
    """A primitive and the member a lead names its owner."""

    primitive: str
    owner: str


@dataclass(frozen=True)
class NewWorkshop:
    """A reliability workshop: day, topic, services covered, attendees."""

    day: date
    topic: str
    services: tuple[str, ...]
    attendees: tuple[str, ...]


def record(req: Request, loaded: Loaded, action: str, detail: str) -> None:
    """Keep a change in the coalition's history, by the asker, now."""
    req.uow.rollout.record(loaded.coalition, req.asker.user_id, action, detail, req.now)


def _service_words(name: str, critical: bool, team: str | None) -> str:
    return f"{name} ({'critical' if critical else 'not critical'}, team {team or 'not named'})"


def check_service_name(name: str) -> str:
    """A service name as typed, or a usage error."""
    if not SERVICE_NAME.match(name):
        raise UsageError(
            f"`{name[:24]}` is not a service name: letters, digits, . _ - (max 64); "
            'quote a name with spaces: `/sre service "payment gateway"`.'
        )
    return name


async def _service(req: Request, loaded: Loaded, name: str) -> ServiceRow:
    service = await req.uow.rollout.service(loaded.coalition, name)
    if service is None:
        near = closest(name, await req.uow.rollout.service_names(loaded.coalition))
        if near is not None:
            raise UsageError(f"No service `{name[:24]}`. Did you mean `{near}`?")
        hint = f"/sre service {name[:24]} critical"
        raise UsageError(f"No service `{name[:24]}` yet: add it with `{hint}`.")
    return service


async def add_service(req: Request, new: NewService) -> Outcome:
    """Add a service to the rollout, or update whether it is critical and who owns it."""
    loaded = await load(req)
    loaded.member(req.asker.user_id)
    service = await req.uow.rollout.service(loaded.coalition, check_service_name(new.name))
    if service is None:
        service = ServiceRow(
            team_id=req.uow.team_id,
            coalition_id=loaded.coalition.id,
            name=new.name,
            critical=new.critical,
            owner_team=new.team,
            added_by=req.asker.user_id,
            added_at=req.now,
            typed="critical,owner_team" if new.team else "critical",
        )
        req.uow.rollout.add(service)
        record(req, loaded, "service", f"added {_service_words(new.name, new.critical, new.team)}")
    else:
        before = (service.critical, service.owner_team)
        service.critical = new.critical
        service.owner_team = new.team or service.owner_team
        # What a person says here an import will not overwrite without saying so.
        typed = (
            typed_fields(service.typed or "")
            | {"critical"}
            | ({"owner_team"} if new.team else set())
        )
        service.typed = ",".join(sorted(typed))
        if (service.critical, service.owner_team) != before:
            words = _service_words(service.name, service.critical, service.owner_team)
            record(req, loaded, "service", f"changed {words}")
    return Outcome(reply=views.service_saved(service.name, new.critical, service.owner_team))


async def define_slo(req: Request, new: NewSlo | None) -> Outcome:
    """Define (or redefine) an SLO of a service; a redefinition needs a new sign-off. Without
    one, how to say it, and the form that asks for it."""
    if new is None:
        return Outcome(reply=Doc.text(SLO_HINT), form=slo_form(req.asker.channel_id))
    sli = new.sli
    if not 1 <= len(sli) <= MAX_SLI:
        raise UsageError(f"Name the SLI in 1 to {MAX_SLI} characters, e.g. availability.")
    loaded = await load(req)
    loaded.member(req.asker.user_id)
    service = await _service(req, loaded, new.service)
    rows = [r for r in await req.uow.rollout.slos_of(service) if r.sli.lower() == sli.lower()]
    said = f"{service.name} {sli} {views.percent(new.target)} over {new.window_days}d"
    if rows:
        slo = rows[0]
        was = f"{views.percent(slo.target)} over {slo.window_days}d"
        record(req, loaded, "slo", f"changed {said} (was {was}; needs a new sign-off)")
        slo.target, slo.window_days = new.target, new.window_days
        slo.defined_by, slo.defined_at = req.asker.user_id, req.now
        slo.signed_off_by, slo.signed_off_at = None, None
        slo.source, slo.vanished_at = "hand", None  # typed in the bot now, whatever the code says
    else:
        record(req, loaded, "slo", f"defined {said}")
        req.uow.rollout.add(
            SloRow(
                team_id=req.uow.team_id,
                service_id=service.id,
                sli=sli,
                target=new.target,
                window_days=new.window_days,
                defined_by=req.asker.user_id,
                defined_at=req.now,
            )
        )
    signers = [m for m in loaded.members if m.role.value in ("pm", "sponsor")]
    doc = views.slo_saved(service.name, sli, new.target, new.window_days, signers)
    return Outcome(reply=doc)


async def sign_off(req: Request, name: str) -> Outcome:
    """A PM or sponsor signs off every unsigned SLO of a service."""
    loaded = await load(req)
    loaded.signer(req.asker.user_id, "sign off SLOs")
    service = await _service(req, loaded, name)
    unsigned = [r for r in await req.uow.rollout.slos_of(service) if r.signed_off_at is None]
    if not unsigned:
        raise UsageError(f"{service.name} has no SLO waiting for sign-off.")
    for slo in unsigned:
        slo.signed_off_by, slo.signed_off_at = req.asker.user_id, req.now
    slis = ", ".join(s.sli for s in unsigned)
    detail = f"{service.name}: {slis}"
    req.uow.rollout.record(loaded.coalition, req.asker.user_id, "sign-off", detail, req.now)
    return Outcome(reply=views.signed_off(service.name, slis, req.asker.user_id), public=True)


async def own(req: Request, new: NewOwner) -> Outcome:
    """A lead names the owner of a cross-cutting primitive; the owner hears about it."""
    loaded = await load(req)
    lead, owner = req.asker.user_id, new.owner
    loaded.lead(lead, "name owners")
    choice = pick(req.content.programme.primitives, new.primitive, "primitive")
    if owner not in {m.user_id for m in loaded.members}:
        raise UsageError(f"{person(owner)} is not in the coalition; owners are members.")
    row = await req.uow.rollout.owner_of(loaded.coalition, choice.id)
    if row is None:
        req.uow.rollout.add(
            PrimitiveOwner(
                team_id=req.uow.team_id,
                coalition_id=loaded.coalition.id,
                primitive=choice.id,
                owner=owner,
                since=req.now,
            )
        )
    else:
        row.owner, row.since = owner, req.now
    req.uow.rollout.record(
        loaded.coalition, lead, "owner", f"{choice.id}: {person(owner)}", req.now
    )
    # A lead who names themselves reads it in the reply: no DM about their own action.
    notes = () if owner == lead else (Post(ToUser(owner), views.you_own(choice.title, lead)),)
    return Outcome(reply=views.owner_named(choice.title, owner), public=True, posts=notes)


async def workshop(req: Request, new: NewWorkshop) -> Outcome:
    """Record a reliability workshop: date, topic, services covered, attendees."""
    if not 3 <= len(new.topic) <= 120:
        raise UsageError("Name the workshop topic in 3 to 120 characters.")
    loaded = await load(req)
    loaded.member(req.asker.user_id)
    names = [(await _service(req, loaded, check_service_name(s))).name for s in new.services]
    req.uow.rollout.add(
        Workshop(
            team_id=req.uow.team_id,
            coalition_id=loaded.coalition.id,
            topic=new.topic,
            held_on=new.day,
            services=",".join(names),
            attendees=",".join(dict.fromkeys(new.attendees)),
            added_by=req.asker.user_id,
        )
    )
    covered = f" for {', '.join(names)}" if names else ""
    record(req, loaded, "workshop", f"{new.topic} on {new.day}{covered}")
    doc = views.workshop_saved(new.day, new.topic, names, list(new.attendees))
    return Outcome(reply=doc, public=True)


async def service_list(req: Request) -> Outcome:
    """Services with their SLOs and readiness for the deadline."""
    loaded = await load(req)
    state = await rollout_state(req, loaded)
    return Outcome(reply=views.services(state.services, state.ownerships))


async def workshop_list(req: Request) -> Outcome:
    """The coalition's workshops, planned and held (only the asker sees the list)."""
    loaded = await load(req)
    lines = [
        listings.WorkshopLine(
            w.held_on,
            w.topic,
            tuple(filter(None, w.services.split(","))),
            len(list(filter(None, w.attendees.split(",")))),
        )
        for w in await req.uow.rollout.workshops(loaded.coalition)
    ]
    return Outcome(reply=listings.workshops(lines, req.now.date()))
