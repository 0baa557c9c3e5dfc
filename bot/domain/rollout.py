"""A coalition's rollout as one snapshot, and the rules computed from it: milestones, progress."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.domain.coalition import MIN_HEALTHY_SIZE, Membership, Role
from bot.domain.errors import UsageError
from bot.domain.programme import Milestone, Programme, StepDef


@dataclass(frozen=True)
class Slo:
    """A service-level objective and its sign-off."""

    sli: str
    target: float
    window_days: int
    defined_at: datetime
    signed_off_by: str | None = None
    signed_off_at: datetime | None = None

    @property
    def signed(self) -> bool:
        """True once a PM or sponsor signed it off."""
        return self.signed_off_at is not None


@dataclass(frozen=True)
class Service:
    """A service in scope of the rollout."""

    name: str
    critical: bool
    owner_team: str | None = None
    slos: tuple[Slo, ...] = ()
    workshop_held: bool = False  # a held workshop covered it

    @property
    def has_slo(self) -> bool:
        """At least one SLO is defined."""
        return bool(self.slos)

    @property
    def signed_off(self) -> bool:
        """Every SLO it has is signed off (and it has one)."""
        return self.has_slo and all(s.signed for s in self.slos)

    @property
    def ready(self) -> bool:
        """Ready for the deadline: SLO defined and signed off, an owner, a workshop."""
        return self.signed_off and bool(self.owner_team) and self.workshop_held


@dataclass(frozen=True)
class Ownership:
    """Who owns a cross-cutting primitive, and whether they are still in the coalition."""

    primitive: str
    owner: str | None
    owner_active: bool
    since: datetime | None = None


@dataclass(frozen=True)
class Deadline:
    """The forcing function: a date and the visible event it belongs to."""

    on: date
    event: str


@dataclass(frozen=True)
class RolloutState:
    """Everything the rules look at, loaded in one go."""

    members: tuple[Membership, ...]
    current_step: str
    today: date
    ticked: frozenset[str] = frozenset()
    readiness_assessed: bool = False
    pains: int = 0
    pitch_decision: str | None = None
    shape_votes: int = 0
    shape_decided: bool = False
    services: tuple[Service, ...] = ()
    ownerships: Mapping[str, Ownership] = field(default_factory=dict)
    workshops_held: int = 0
    deadline: Deadline | None = None
    open_items: Mapping[str, int] = field(default_factory=dict)  # per active member: commitments
    # and primitives they hold (for the coalition-level concentration risk, never shown by name)
    heaviest_last_week: str | None = None  # who held most open work at the last weekly reading
    strained: int = 0  # members whose reading this week is not green

    @property
    def finished(self) -> bool:
        """True once the forcing-function deadline is behind the coalition."""
        return self.deadline is not None and self.today > self.deadline.on

    @property
    def critical(self) -> tuple[Service, ...]:
        """The critical services, which the rollout covers first."""
        return tuple(s for s in self.services if s.critical)

    def has_role(self, role: Role) -> bool:
        """True when an active member holds `role`."""
        return any(m.role is role for m in self.members)


def _all_critical(state: RolloutState, test: Callable[[Service], bool]) -> bool:
    return bool(state.critical) and all(test(s) for s in state.critical)


CHECKS: Mapping[str, Callable[[RolloutState], bool]] = {
    "min-members": lambda s: len(s.members) >= MIN_HEALTHY_SIZE,
    "incident-experience": lambda s: any((m.incidents or 0) > 0 for m in s.members),
    "readiness-assessed": lambda s: s.readiness_assessed,
    "pains-recorded": lambda s: s.pains >= 2,
    "sponsor-named": lambda s: s.has_role(Role.SPONSOR),
    "pitch-decided": lambda s: s.pitch_decision == "chartered",  # a deferral is not a charter
    "shape-voted": lambda s: s.shape_votes >= 1,
    "shape-decided": lambda s: s.shape_decided,
    "critical-services-listed": lambda s: bool(s.critical),
    "critical-slos-defined": lambda s: _all_critical(s, lambda x: x.has_slo),
    "critical-slos-signed": lambda s: _all_critical(s, lambda x: x.signed_off),
    "primitives-owned": lambda s: (
        bool(s.ownerships) and all(o.owner and o.owner_active for o in s.ownerships.values())
    ),
    "workshop-held": lambda s: s.workshops_held > 0,
    "deadline-set": lambda s: s.deadline is not None,
    "critical-services-ready": lambda s: _all_critical(s, lambda x: x.ready),
}


def milestone_done(milestone: Milestone, state: RolloutState) -> bool:
    """True when the milestone's rule holds (or a lead ticked a manual one)."""
    if milestone.manual:
        return milestone.id in state.ticked
    return CHECKS[milestone.check](state)


# Manual milestones that only make sense from a moment on: why a tick before it is refused.
NOT_YET: Mapping[str, Callable[[RolloutState], str | None]] = {
    "retro-held": lambda s: (
        "Not yet: set the deadline first; the retro comes after it "
        "(`/sre deadline YYYY-MM-DD <event>`)."
        if s.deadline is None
        else None
        if s.finished
        else f"Not yet: the retro comes after {s.deadline.event} on {s.deadline.on}; tick it then."
    ),
}


def check_tick(milestone: Milestone, state: RolloutState) -> None:
    """Refuse a manual tick its time has not come for, with the reason."""
    rule = NOT_YET.get(milestone.id)
    reason = rule(state) if rule else None
    if reason is not None:
        raise UsageError(reason)


@dataclass(frozen=True)
class StepProgress:
    """One step as the status shows it."""

    step: StepDef
    status: str  # "done", "skipped" (moved past with milestones open), "active", "not started"
    done: tuple[Milestone, ...]
    open: tuple[Milestone, ...]


def progress(programme: Programme, state: RolloutState) -> list[StepProgress]:
    """Every step with its status and which milestones are done."""
    current = programme.index(state.current_step)
    rows = []
    for i, step in enumerate(programme.steps):
        done = tuple(m for m in step.milestones if milestone_done(m, state))
        still_open = tuple(m for m in step.milestones if m not in done)
        status = "active" if i == current else "not started"
        if i < current:
            status = "skipped" if still_open else "done"
        rows.append(StepProgress(step, status, done, still_open))
    return rows


@dataclass(frozen=True)
class StepMove:
    """A lead's move to another step, with what was left open on the way."""

    source: StepDef
    target: StepDef
    left_open: tuple[Milestone, ...]


def plan_move(programme: Programme, state: RolloutState, target_word: str) -> StepMove:
    """Where `/sre step <target>` goes, and the milestones it skips past."""
    here = programme.index(state.current_step)
    if target_word == "next":
        if here + 1 >= len(programme.steps):
            raise UsageError("This is the last step; there is no next one.")
        target = programme.steps[here + 1]
    else:
        target = programme.step(target_word)
    if target.id == state.current_step:
        raise UsageError(f"The coalition is already at step `{target.id}`.")
    passed = programme.steps[here : programme.index(target.id)]
    left_open = tuple(m for s in passed for m in s.milestones if not milestone_done(m, state))
    return StepMove(programme.steps[here], target, left_open)


def days_left(deadline: Deadline, today: date) -> int:
    """Whole days from `today` to the deadline (negative once it has passed)."""
    return (deadline.on - today).days


def figures(rows: list[StepProgress], state: RolloutState) -> dict[str, int]:
    """Milestones done and critical SLOs signed off: the points of the progress chart."""
    return {
        "milestones_done": sum(len(r.done) for r in rows),
        "milestones_total": sum(len(r.done) + len(r.open) for r in rows),
        "critical_signed": sum(s.signed_off for s in state.critical),
        "critical_total": len(state.critical),
    }
