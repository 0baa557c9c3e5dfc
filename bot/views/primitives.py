"""Docs for services, SLOs, sign-offs, owners and workshops."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from bot.doc import Bullets, Doc, Heading, Note, Paragraph, Part
from bot.domain.coalition import Membership
from bot.domain.mentions import person
from bot.domain.rollout import Ownership, Service


def service_saved(name: str, critical: bool, team: str | None) -> Doc:
    """Confirmation of a service added or updated."""
    kind = "critical" if critical else "not critical"
    owner = f", owned by {team}" if team else ", no owning team yet (`team <name>`)"
    typed = f'"{name}"' if " " in name else name
    return Doc.text(
        f"Service *{name}*: {kind}{owner}. Next: `/sre slo {typed} <sli> <target%> <window>`."
    )


def percent(target: float) -> str:
    """99.9 -> `99.9%`."""
    return f"{target:g}%"


def slo_saved(
    service: str, sli: str, target: float, window: int, signers: Sequence[Membership]
) -> Doc:
    """Confirmation of an SLO, with who can sign it off."""
    who = (
        ", ".join(person(m.user_id) for m in signers)
        or "a PM or sponsor (none in the coalition yet)"
    )
    text = (
        f"SLO for *{service}*: {sli} {percent(target)} over {window} days. "
        f"It needs a sign-off from {who}: `/sre signoff {service}`."
    )
    return Doc.text(text)


def signed_off(service: str, slis: str, signer: str) -> Doc:
    """Public note of a sign-off."""
    return Doc.text(f"{person(signer)} signed off the SLO(s) of *{service}*: {slis}.")


def owner_named(primitive: str, owner: str) -> Doc:
    """Public note of a new owner."""
    return Doc.text(f"{person(owner)} now owns {primitive}.")


def you_own(primitive: str, lead: str) -> Doc:
    """The DM to a new owner."""
    return Doc.text(
        f"{person(lead)} named you owner of {primitive}. Thank you. If it does not fit your "
        "week, say so early: a lead can hand it to someone else."
    )


def workshop_saved(day: date, topic: str, services: Sequence[str], attendees: Sequence[str]) -> Doc:
    """Public note of a workshop."""
    covered = f" for {', '.join(services)}" if services else ""
    people = f" with {', '.join(person(a) for a in attendees)}" if attendees else ""
    return Doc.text(f"Workshop on {day}: *{topic}*{covered}{people}.")


def _service_line(s: Service) -> str:
    slos = "; ".join(
        f"{o.sli} {percent(o.target)}/{o.window_days}d"
        + (" ✓ signed" if o.signed else " (unsigned)")
        for o in s.slos
    )
    checks = [
        ("SLO", s.has_slo),
        ("signed off", s.signed_off),
        ("owner", bool(s.owner_team)),
        ("workshop", s.workshop_held),
    ]
    ready = " ".join(("✓" if ok else "✗") + " " + label for label, ok in checks)
    crit = "critical" if s.critical else "other"
    return f"*{s.name}* ({crit}, {s.owner_team or 'no owner'}): {slos or 'no SLO'}. {ready}"


def services(items: Sequence[Service], ownerships: Mapping[str, Ownership]) -> Doc:
    """Services and their readiness, then the primitives' owners."""
    parts: list[Part] = [Heading("Services and primitives")]
    ordered = sorted(items, key=lambda s: (not s.critical, s.name.lower()))
    parts.append(
        Bullets(tuple(map(_service_line, ordered)))
        if ordered
        else Paragraph("No services yet: `/sre service <name> critical [team <team>]`.")
    )
    owners = tuple(
        f"{o.primitive}: "
        + (person(o.owner) if o.owner else "nobody")
        + ("" if o.owner is None or o.owner_active else " (left)")
        for o in ownerships.values()
    )
    parts += [
        Paragraph("*Cross-cutting primitives*"),
        Bullets(owners),
        Note("A lead names owners: `/sre own <primitive> @user`."),
    ]
    return Doc(fallback="Services and primitives", parts=tuple(parts))
