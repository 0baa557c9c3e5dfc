"""Pure rules of the rollout: milestones, progress, step moves, risks, readiness, countdown."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.content import content_directory, load_programme
from bot.domain.coalition import Membership, Role
from bot.domain.errors import UsageError
from bot.domain.mentions import person
from bot.domain.risks import open_risks
from bot.domain.rollout import (
    Deadline,
    Ownership,
    RolloutState,
    Service,
    Slo,
    days_left,
    milestone_done,
    plan_move,
    progress,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TODAY = NOW.date()

PROGRAMME = load_programme(content_directory())


def member(user: str, role: Role = Role.MEMBER, incidents: int | None = None) -> Membership:
    return Membership(user, role, NOW, incidents)


def slo(days_ago: int = 0, signed: bool = False) -> Slo:
    defined = NOW - timedelta(days=days_ago)
    return Slo("availability", 99.9, 28, defined, "U2" if signed else None,
               NOW if signed else None)  # fmt: skip


def owned(owner: str | None = "U1", active: bool = True) -> dict[str, Ownership]:
    return {p.title: Ownership(p.title, owner, active) for p in PROGRAMME.primitives}


TEAM = (member("U1", Role.LEAD), member("U2", Role.PM), member("U3"))


def state(**changes: object) -> RolloutState:
    base: dict[str, object] = {"members": TEAM, "current_step": "coalition", "today": TODAY}
    base.update(changes)
    return RolloutState(**base)  # type: ignore[arg-type]


def check(milestone_id: str, s: RolloutState) -> bool:
    return milestone_done(PROGRAMME.milestone(milestone_id)[1], s)


@pytest.mark.parametrize(
    ("milestone", "before", "after"),
    [
        ("three-members", {"members": TEAM[:2]}, {}),
        ("incident-scars", {}, {"members": (member("U1", Role.LEAD, 3),)}),
        ("readiness-check", {}, {"readiness_assessed": True}),
        ("pains-recorded", {"pains": 1}, {"pains": 2}),
        ("sponsor-named", {}, {"members": (*TEAM, member("U4", Role.SPONSOR))}),
        ("management-decided", {}, {"pitch_decision": "chartered"}),
        ("shape-votes", {}, {"shape_votes": 1}),
        ("shape-decided", {}, {"shape_decided": True}),
        ("critical-services", {"services": (Service("a", False),)},
         {"services": (Service("a", True),)}),
        ("slos-defined", {"services": (Service("a", True, slos=(slo(),)), Service("b", True))},
         {"services": (Service("a", True, slos=(slo(),)),)}),
        ("slos-signed", {"services": (Service("a", True, slos=(slo(), slo(signed=True))),)},
         {"services": (Service("a", True, slos=(slo(signed=True),)),)}),
        ("primitives-owned", {"ownerships": owned(active=False)}, {"ownerships": owned()}),
        ("workshop-held", {}, {"workshops_held": 1}),
        ("deadline-set", {}, {"deadline": Deadline(date(2026, 11, 27), "Cyber Week")}),
        ("critical-ready",
         {"services": (Service("a", True, "payments", (slo(signed=True),), False),)},
         {"services": (Service("a", True, "payments", (slo(signed=True),), True),)}),
        ("retro-held", {}, {"ticked": frozenset({"retro-held"})}),
    ],
)  # fmt: skip
def test_each_milestone_rule(
    milestone: str, before: dict[str, object], after: dict[str, object]
) -> None:
    assert not check(milestone, state(**before))
    assert check(milestone, state(**after))


def test_no_critical_service_means_no_coverage_milestones() -> None:
    empty = state(services=(Service("a", False, slos=(slo(signed=True),)),))
    assert not check("slos-defined", empty)
    assert not check("critical-ready", empty)


def test_progress_marks_done_skipped_active_and_not_started() -> None:
    rows = progress(PROGRAMME, state(current_step="structure"))
    # moved past with milestones open: skipped, not done (issue 11, defect 5)
    assert [r.status for r in rows] == [
        "skipped", "skipped", "active", "not started", "not started",
    ]  # fmt: skip
    assert [m.id for m in rows[0].done] == ["three-members"]
    whole = state(
        current_step="structure",
        members=(member("U1", Role.LEAD, 3), member("U2", Role.PM), member("U3")),
        readiness_assessed=True,
    )
    assert [r.status for r in progress(PROGRAMME, whole)][:3] == ["done", "skipped", "active"]


def test_moving_on_lists_what_was_left_open() -> None:
    move = plan_move(PROGRAMME, state(members=TEAM, pains=2), "pitch")
    assert [m.id for m in move.left_open] == ["incident-scars", "readiness-check"]
    jump = plan_move(PROGRAMME, state(), "primitives")
    assert "management-decided" in [m.id for m in jump.left_open]
    assert plan_move(PROGRAMME, state(current_step="primitives"), "coalition").left_open == ()


@pytest.mark.parametrize("word", ["coalition", "nowhere"])
def test_a_move_must_go_somewhere_real(word: str) -> None:
    with pytest.raises(UsageError):
        plan_move(PROGRAMME, state(), word)


def test_there_is_no_step_after_the_last() -> None:
    with pytest.raises(UsageError, match="last step"):
        plan_move(PROGRAMME, state(current_step="forcing-function"), "next")


def _kinds(s: RolloutState, now: datetime = NOW) -> list[str]:
    return [r.kind for r in open_risks(s, now)]


def test_unsigned_slo_is_a_risk_after_fourteen_days() -> None:
    fresh = state(services=(Service("a", True, slos=(slo(days_ago=14),)),), ownerships=owned())
    old = state(services=(Service("a", True, slos=(slo(days_ago=15),)),), ownerships=owned())
    assert _kinds(fresh) == []
    assert _kinds(old) == ["slo-unsigned"]
    assert "15 days" in open_risks(old, NOW)[0].reason


def test_no_pm_is_a_risk() -> None:
    risks = open_risks(state(members=(member("U1", Role.LEAD), member("U3"), member("U4")),
                             ownerships=owned()), NOW)  # fmt: skip
    assert [r.kind for r in risks] == ["no-pm"]
    assert risks[0].guide == "pm-stays-out"


def test_unowned_and_abandoned_primitives_are_risks() -> None:
    ownerships = owned()
    ownerships["Observability"] = Ownership("Observability", None, False)
    ownerships["SLO report"] = Ownership("SLO report", "U9", False)
    risks = open_risks(state(ownerships=ownerships), NOW)
    assert [r.kind for r in risks] == ["primitive-unowned", "primitive-unowned"]
    assert any(f"{person('U9')} left" in r.reason for r in risks)


def test_a_small_coalition_is_a_risk() -> None:
    assert _kinds(state(members=TEAM[:2], ownerships=owned())) == ["below-minimum"]
    assert _kinds(state(members=(), ownerships=owned())) == []


def test_service_readiness_needs_all_four() -> None:
    full = Service("a", True, "payments", (slo(signed=True),), True)
    assert full.ready
    assert not Service("a", True, None, (slo(signed=True),), True).ready
    assert not Service("a", True, "payments", (slo(),), True).ready
    assert not Service("a", True, "payments", (), True).ready


def test_countdown_in_days() -> None:
    deadline = Deadline(date(2026, 4, 1), "Launch")
    assert days_left(deadline, TODAY) == 30
    assert days_left(deadline, date(2026, 4, 2)) == -1
