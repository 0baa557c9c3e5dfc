"""The burnout model's pure rules: signals, caps, corroboration, hysteresis, caps on speaking."""

from __future__ import annotations

import pytest

from bot.domain.health import (
    BEHAVIORAL,
    LOAD,
    SELF,
    Standing,
    Week,
    act,
    concentration,
    load_facts,
    read,
    step,
    suggested,
)


@pytest.mark.parametrize(
    ("week", "family", "points"),
    [
        (Week(activity_14d=4, baseline_14d=10), BEHAVIORAL, 1),
        (Week(activity_14d=2, baseline_14d=10), BEHAVIORAL, 2),
        (Week(activity_14d=1, baseline_14d=4), BEHAVIORAL, 0),  # too little baseline to judge
        (Week(after_hours_share=0.30, after_hours_baseline=0.10), BEHAVIORAL, 1),
        (Week(after_hours_share=0.30, after_hours_baseline=0.25), BEHAVIORAL, 0),
        (Week(after_hours_share=0.45, after_hours_baseline=0.1), BEHAVIORAL, 2),
        (Week(after_hours_share=0.45), BEHAVIORAL, 0),  # no baseline yet, no judgement
        (Week(missed_in_a_row=3), SELF, 1),  # silence is missing self-report too
        (Week(missed_in_a_row=2), BEHAVIORAL, 1),
        (Week(missed_in_a_row=4), BEHAVIORAL, 2),
        (Week(open_items=6), LOAD, 1),
        (Week(open_items=5, team_median_items=2), LOAD, 1),
        (Week(open_items=6, overdue_items=2), LOAD, 2),
        (Week(primary_weeks_of_4=2), LOAD, 1),
        (Week(pages_last_week=16), LOAD, 2),
        (Week(energy=2), SELF, 2),
        (Week(energy=4, energy_3w_drop=1.2), SELF, 1),
        (Week(concentrated=True), LOAD, 1),
        (Week(concentrated=True, open_items=6), LOAD, 1),  # the same items are not counted twice
    ],
)
def test_each_signal(week: Week, family: str, points: int) -> None:
    assert read(week).points[family] == points


def test_families_are_capped() -> None:
    reading = read(Week(activity_14d=0, baseline_14d=20, after_hours_share=0.5, missed_in_a_row=5))
    assert reading.points[BEHAVIORAL] == 3


def test_one_family_alone_never_raises_a_level() -> None:
    reading = read(Week(activity_14d=0, baseline_14d=20, missed_in_a_row=2))
    assert reading.total == 3 and reading.families == 1
    assert suggested(reading, Week()) == "green"


def test_opted_out_signals_are_not_computed() -> None:
    week = Week(energy=1, missed_in_a_row=3)
    assert {f.signal for f in read(week, frozenset({"energy"})).facts} == {"check-ins"}


def test_amber_from_behaviour_needs_two_weeks() -> None:
    week = Week(missed_in_a_row=2, open_items=7, overdue_items=2)  # 1 behavioural + 2 load
    first = step(Standing(), read(week), week)
    assert first.level == "green"
    assert step(first, read(week), week).level == "amber"


def test_a_drained_self_report_with_corroboration_is_heard_at_once() -> None:
    week = Week(energy=2, missed_in_a_row=3)  # 2 behavioural + 2 self-report
    assert step(Standing(), read(week), week).level == "amber"
    mild = Week(energy=2, missed_in_a_row=2)  # 3 points: not enough to speak after one week
    assert step(Standing(), read(mild), mild).level == "green"


def test_red_is_immediate_and_calms_down_slowly() -> None:
    heavy = Week(energy=1, missed_in_a_row=3, open_items=7)  # 2 + 2 + 1 = 5, three families
    red = step(Standing(), read(heavy), heavy)
    assert red.level == "red"
    calm = Week()
    once = step(red, read(calm), calm)
    assert once.level == "red"
    assert step(once, read(calm), calm).level == "amber"


def test_amber_ends_after_two_quiet_weeks_or_all_good() -> None:
    amber = Standing(level="amber", weeks_high=2)
    calm = Week()
    assert step(amber, read(calm), calm).level == "amber"
    assert step(step(amber, read(calm), calm), read(calm), calm).level == "green"
    still = Week(missed_in_a_row=2, open_items=7, overdue_items=2)
    assert step(amber, read(still), still, all_good=True).level == "green"


def test_low_energy_two_weeks_running_is_red() -> None:
    week = Week(energy=2, low_energy_weeks=2)
    assert step(Standing(), read(week), week).level == "red"


def test_dms_are_capped_and_lead_notes_need_consent_or_persistence() -> None:
    amber = Standing(level="amber")
    first = act(amber, consent=False, lead_opt_out=False)
    assert first.dm == "amber" and not first.lead_note
    next_week = step(
        first.standing, read(Week(missed_in_a_row=2, energy=2)), Week(missed_in_a_row=2, energy=2)
    )
    assert act(next_week, False, False).dm is None  # one DM per two weeks at most
    red = Standing(level="red", red_weeks=1)
    assert not act(red, consent=False, lead_opt_out=False).lead_note
    assert act(red, consent=True, lead_opt_out=False).lead_note
    assert not act(red, consent=True, lead_opt_out=False, has_load=False).lead_note
    persisted = Standing(level="red", red_weeks=2)
    assert act(persisted, consent=False, lead_opt_out=False).lead_note
    assert not act(persisted, consent=False, lead_opt_out=True).lead_note


def test_the_lead_hears_load_only() -> None:
    reading = read(Week(energy=1, missed_in_a_row=3, open_items=7, activity_14d=0, baseline_14d=9))
    assert {f.family for f in load_facts(reading.facts)} == {LOAD}


def test_concentration_needs_a_team_enough_work_and_two_weeks() -> None:
    assert concentration({"a": 5, "b": 1, "c": 1, "d": 0}, 4, last_week="a") == "a"
    assert concentration({"a": 5, "b": 1, "c": 1, "d": 0}, 4, last_week=None) is None
    assert concentration({"a": 5, "b": 1, "c": 1}, 3, last_week="a") is None
    assert concentration({"a": 2, "b": 2, "c": 2, "d": 2}, 4, last_week="a") is None


def test_the_same_thing_is_said_once_then_at_most_monthly() -> None:
    missed = frozenset({"check-ins"})
    weeks, said = [], Standing(level="amber")
    for week in range(9):  # amber all along, missing more check-ins each week
        actions = act(said, consent=False, lead_opt_out=False, signals=missed)
        weeks += [week] if actions.dm else []
        said = step(actions.standing, read(Week(missed_in_a_row=4 + week)), Week(missed_in_a_row=4))
    assert weeks == [0, 4, 8]  # not every two weeks with a bigger count


def test_something_new_is_said_after_two_weeks_and_a_new_episode_afresh() -> None:
    first = act(Standing(level="amber"), False, False, signals=frozenset({"check-ins"})).standing
    two = Standing(**{**first.__dict__, "weeks_since_dm": 2})
    assert act(two, False, False, signals=frozenset({"check-ins"})).dm is None
    assert act(two, False, False, signals=frozenset({"check-ins", "energy"})).dm == "amber"
    worse = Standing(**{**two.__dict__, "level": "red"})
    assert act(worse, False, False, signals=frozenset({"check-ins"})).dm == "red"
    calm = step(two, read(Week()), Week(), all_good=True)  # back to green: the episode ends
    assert calm.level == "green" and calm.said_level is None and calm.said == ()
