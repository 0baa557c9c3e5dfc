"""Risks computed from the rollout's state, each with its reason and the guidance that helps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.coalition import MIN_HEALTHY_SIZE, Role
from bot.domain.health import concentration
from bot.domain.mentions import person
from bot.domain.pulse import MIN_FOR_AVERAGES
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


def strained(state: RolloutState) -> int | None:
    """Members whose reading this week is not green; None below the group-size minimum, where
    a count could point at a person (the same rule as `/sre health`)."""
    return state.strained if len(state.members) >= MIN_FOR_AVERAGES else None


def work_concentrated(state: RolloutState) -> bool:
    """Most open work has rested on one person for two weeks running (as `/sre health` says)."""
    items = dict(state.open_items)
    return concentration(items, len(state.members), state.heaviest_last_week) is not None


def _health(state: RolloutState) -> list[Risk]:
    """Coalition-level health risks, never a name: the totals `/sre health` shows."""
    risks = []
    if work_concentrated(state):
        risks.append(
            Risk(
                "work-concentrated",
                "Most open work rests on one person: share it out before it wears them down.",
                "bus-factor",
                ("bus-factor", "burnout"),
            )
        )
    count = strained(state)
    if count is not None and count >= 2 and 3 * count >= len(state.members):
        risks.append(
            Risk(
                "members-strained",
                f"{count} of {len(state.members)} members could use support this week "
                "(`/sre health`).",
                "coalition-burnout",
                ("burnout", "coalition"),
            )
        )
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
    return risks + _health(state)
