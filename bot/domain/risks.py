"""Risks computed from the rollout's state, each with its reason and the guidance that helps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.coalition import MIN_HEALTHY_SIZE, Role
from bot.domain.mentions import person
from bot.domain.rollout import RolloutState

UNSIGNED_GRACE = timedelta(days=14)


@dataclass(frozen=True)
class Risk:
    """An open risk: `kind` is stable, `reason` reads as a sentence, `guide` is a content id."""

    kind: str
    reason: str
    guide: str
    tags: tuple[str, ...] = ()


def _unsigned_slos(state: RolloutState, now: datetime) -> list[Risk]:
    risks = []
    for service in state.services:
        for slo in service.slos:
            waited = now - slo.defined_at
            if not slo.signed and waited > UNSIGNED_GRACE:
                risks.append(
                    Risk(
                        "slo-unsigned",
                        f"The {slo.sli} SLO of {service.name} has waited {waited.days} days "
                        "for a PM or sponsor to sign it off.",
                        "pm-stays-out",
                        ("product-management", "slo"),
                    )
                )
    return risks


def _ownership(state: RolloutState) -> list[Risk]:
    risks = []
    for own in state.ownerships.values():
        if own.owner is None:
            reason = f"{own.primitive} has no owner."
        elif not own.owner_active:
            reason = f"{own.primitive} has no owner since {person(own.owner)} left the coalition."
        else:
            continue
        risks.append(Risk("primitive-unowned", reason, "unowned-primitives", ("ownership",)))
    return risks


def open_risks(state: RolloutState, now: datetime) -> list[Risk]:
    """Every open risk, most structural first."""
    risks: list[Risk] = []
    if state.members and not state.has_role(Role.PM):
        risks.append(
            Risk(
                "no-pm",
                "No product manager is in the coalition, so SLOs may never shape the roadmap.",
                "pm-stays-out",
                ("product-management",),
            )
        )
    risks += _unsigned_slos(state, now)
    risks += _ownership(state)
    if 0 < len(state.members) < MIN_HEALTHY_SIZE:
        risks.append(
            Risk(
                "below-minimum",
                f"The coalition has {len(state.members)} of the {MIN_HEALTHY_SIZE} members "
                "it needs to share the load.",
                "coalition-burnout",
                ("burnout", "coalition"),
            )
        )
    return risks
