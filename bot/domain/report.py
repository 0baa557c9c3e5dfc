"""The sponsor report: where the rollout stands for the people who chartered it.

Pure: built from the rollout's snapshot, its progress rows, open risks, decisions and the
coalition's health in aggregate (which keeps its own group-size minimums: averages only with
enough answers, never a name). `asks` is what the coalition needs from management, derived
from what is missing that only management can give.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.domain.coalition import MIN_HEALTHY_SIZE, Membership, Role
from bot.domain.risks import Risk
from bot.domain.rollout import Deadline, RolloutState, Service, StepProgress

REPORT_DAYS = range(1, 29)  # a day every month has


@dataclass(frozen=True)
class Coverage:
    """Critical services and how many have each part of readiness."""

    total: int
    with_slo: int
    signed: int
    owned: int
    workshop: int
    ready: int
    in_code: int


@dataclass(frozen=True)
class Adoption:
    """How product management takes part: PMs and sponsors, and who signed the critical SLOs."""

    pms: int
    sponsors: int
    signed_by_pm: int
    signed_by_sponsor: int
    critical_slos: int


@dataclass(frozen=True)
class HealthTotals:
    """The coalition's health in aggregate (the figures `/sre health` shows everyone)."""

    members: int
    minimum: int
    left_30d: int
    asked: int
    answered: int
    energy: float | None  # None below the group-size minimum
    supported: int | None  # None below the group-size minimum


@dataclass(frozen=True)
class SponsorReport:
    """Everything the report says, as values."""

    today: date
    deadline: Deadline | None
    step_number: int
    steps: int
    step_title: str
    milestones_done: int
    milestones_total: int
    coverage: Coverage
    critical: tuple[Service, ...]
    adoption: Adoption
    risks: tuple[Risk, ...]
    decisions: tuple[tuple[str, str, date], ...]  # (topic, choice, decided on)
    asks: tuple[str, ...]
    health: HealthTotals


def _coverage(critical: Sequence[Service]) -> Coverage:
    return Coverage(
        total=len(critical),
        with_slo=sum(s.has_slo for s in critical),
        signed=sum(s.signed_off for s in critical),
        owned=sum(bool(s.owner_team) for s in critical),
        workshop=sum(s.workshop_held for s in critical),
        ready=sum(s.ready for s in critical),
        in_code=sum(any(o.in_code for o in s.live_slos) for s in critical),
    )


def _adoption(state: RolloutState, members: Sequence[Membership]) -> Adoption:
    pms = {m.user_id for m in members if m.role is Role.PM}
    sponsors = {m.user_id for m in members if m.role is Role.SPONSOR}
    slos = [o for s in state.critical for o in s.live_slos]
    return Adoption(
        pms=len(pms),
        sponsors=len(sponsors),
        signed_by_pm=sum(o.signed and o.signed_off_by in pms for o in slos),
        signed_by_sponsor=sum(o.signed and o.signed_off_by in sponsors for o in slos),
        critical_slos=len(slos),
    )


def asks(state: RolloutState, coverage: Coverage, adoption: Adoption) -> tuple[str, ...]:
    """What only management can give the coalition now, most blocking first."""
    needed: list[str] = []
    if not adoption.sponsors:
        needed.append("Name an executive sponsor for the rollout.")
    if state.pitch_decision is None:
        needed.append("Answer the coalition's pitch: go, or what would make it a go.")
    if state.deadline is None:
        needed.append("Agree a visible deadline (a launch, a peak season) to work toward.")
    if not adoption.pms:
        needed.append("Ask a product manager to join, so SLOs shape the roadmap.")
    unsigned = adoption.critical_slos - adoption.signed_by_pm - adoption.signed_by_sponsor
    if unsigned > 0:
        needed.append(f"Sign off {unsigned} SLO(s) of critical services (a PM or sponsor).")
    if len(state.members) < MIN_HEALTHY_SIZE:
        more = MIN_HEALTHY_SIZE - len(state.members)
        needed.append(f"Free time for {more} more engineer(s) to join the coalition.")
    unowned = sum(1 for o in state.ownerships.values() if not (o.owner and o.owner_active))
    if unowned:
        needed.append(f"Allot time for owners of {unowned} cross-cutting primitive(s).")
    if coverage.total and coverage.workshop < coverage.total:
        left = coverage.total - coverage.workshop
        needed.append(f"Make room for reliability workshops on {left} critical service(s).")
    return tuple(needed)


def sponsor_report(
    state: RolloutState,
    rows: Sequence[StepProgress],
    risks: Sequence[Risk],
    decisions: Sequence[tuple[str, str, date]],
    health: HealthTotals,
) -> SponsorReport:
    """The report of one coalition as of `state.today`."""
    current = next((i for i, r in enumerate(rows) if r.status == "active"), len(rows) - 1)
    critical = tuple(sorted(state.critical, key=lambda s: s.name.lower()))
    coverage = _coverage(critical)
    adoption = _adoption(state, state.members)
    return SponsorReport(
        today=state.today,
        deadline=state.deadline,
        step_number=current + 1,
        steps=len(rows),
        step_title=rows[current].step.title if rows else "",
        milestones_done=sum(len(r.done) for r in rows),
        milestones_total=sum(len(r.done) + len(r.open) for r in rows),
        coverage=coverage,
        critical=critical,
        adoption=adoption,
        risks=tuple(risks),
        decisions=tuple(decisions),
        asks=asks(state, coverage, adoption),
        health=health,
    )
