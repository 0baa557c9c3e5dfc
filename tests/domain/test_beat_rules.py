"""The planner's pure rules: cadence thresholds, working hours across DST, relevance."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.domain.beat import Beat, Person, Planned, plan_state, plan_window, send_time, stale
from bot.domain.cadence import Cadence
from bot.domain.errors import UsageError
from bot.domain.hours import WorkingHours, at_local, next_open, parse_hours

BERLIN, NEW_YORK = "Europe/Berlin", "America/New_York"


def week_of_checkins(deadline: date | None, start: date) -> list[date]:
    cadence = Cadence()
    days = [start + timedelta(days=n) for n in range(7)]
    return [d for d in days if cadence.is_checkin_day(deadline, d, frozenset(range(5)))]


@pytest.mark.parametrize(
    ("days_left", "phase"),
    [
        (100, "weekly"),
        (43, "weekly"),
        (42, "twice-weekly"),
        (15, "twice-weekly"),
        (14, "daily"),
        (0, "daily"),
        (-1, "after"),
    ],
)
def test_cadence_thresholds(days_left: int, phase: str) -> None:
    day = date(2026, 3, 2)
    assert Cadence().phase(day + timedelta(days=days_left), day) == phase


@pytest.mark.parametrize(("days_before", "per_week"), [(70, 1), (30, 2), (20, 2), (10, 5)])
def test_checkins_per_week(days_before: int, per_week: int) -> None:
    monday = date(2026, 3, 2)
    assert len(week_of_checkins(monday + timedelta(days=days_before), monday)) == per_week


def test_the_final_days_are_daily_until_the_deadline() -> None:
    monday = date(2026, 3, 2)
    checkins = week_of_checkins(monday + timedelta(days=2), monday)
    assert checkins == [monday + timedelta(days=n) for n in range(3)]


def test_no_checkins_after_the_deadline_and_weekly_without_one() -> None:
    monday = date(2026, 3, 2)
    assert week_of_checkins(monday - timedelta(days=1), monday) == []
    assert week_of_checkins(None, monday) == [date(2026, 3, 3)]


def test_thresholds_are_configurable_and_checked() -> None:
    assert (
        Cadence(near_weeks=3, final_weeks=1).phase(date(2026, 3, 20), date(2026, 3, 2))
        == "twice-weekly"
    )
    with pytest.raises(UsageError):
        Cadence(near_weeks=2, final_weeks=2)


def test_local_wall_time_survives_daylight_saving() -> None:
    # Berlin moves to summer time on 2026-03-29: 10:00 local is 09:00 UTC before, 08:00 after.
    assert at_local(date(2026, 3, 27), time(10), BERLIN) == datetime(2026, 3, 27, 9, tzinfo=UTC)
    assert at_local(date(2026, 3, 30), time(10), BERLIN) == datetime(2026, 3, 30, 8, tzinfo=UTC)
    # New York moves on 2026-03-08.
    assert at_local(date(2026, 3, 6), time(10), NEW_YORK) == datetime(2026, 3, 6, 15, tzinfo=UTC)
    assert at_local(date(2026, 3, 9), time(10), NEW_YORK) == datetime(2026, 3, 9, 14, tzinfo=UTC)


def test_a_time_in_the_spring_gap_moves_forward() -> None:
    assert at_local(date(2026, 3, 29), time(2, 30), BERLIN) == datetime(
        2026, 3, 29, 1, 30, tzinfo=UTC
    )


def test_checkins_across_a_dst_change_stay_at_ten_local() -> None:
    people = (Person("ana", BERLIN), Person("bo", NEW_YORK))
    beat = Beat(1, "C1", BERLIN, people, deadline=date(2026, 4, 10))  # daily from 2026-03-27
    since = datetime(2026, 3, 26, 12, tzinfo=UTC)
    planned = [
        p for p in plan_window(beat, since, since + timedelta(days=5)) if p.kind == "checkin"
    ]
    by_person: dict[str, list[Planned]] = {}
    for p in planned:
        by_person.setdefault(p.recipient, []).append(p)
    assert [p.slot for p in by_person["ana"]] == ["2026-03-27", "2026-03-30", "2026-03-31"]
    assert [p.due_at.hour for p in by_person["ana"]] == [9, 8, 8]
    for p in planned:
        person = next(x for x in people if x.user_id == p.recipient)
        assert person.hours.contains(p.due_at, person.tz)


def test_windows_never_plan_twice() -> None:
    beat = Beat(1, "C1", BERLIN, (Person("ana", BERLIN),), deadline=date(2026, 4, 10))
    start = datetime(2026, 3, 1, tzinfo=UTC)
    whole = plan_window(beat, start, start + timedelta(days=14))
    pieces = [
        p
        for hour in range(14 * 24)
        for p in plan_window(beat, start + timedelta(hours=hour), start + timedelta(hours=hour + 1))
    ]
    assert sorted((p.kind, p.slot) for p in pieces) == sorted((p.kind, p.slot) for p in whole)


def test_countdowns_retro_and_digest() -> None:
    deadline = date(2026, 6, 1)
    beat = Beat(1, "C1", "UTC", (), deadline=deadline)
    start = datetime(2026, 3, 1, tzinfo=UTC)
    planned = plan_window(beat, start, datetime(2026, 6, 3, tzinfo=UTC))
    countdowns = [p.payload["days"] for p in planned if p.kind == "countdown"]
    assert countdowns == ["84", "56", "28", "14", "7", "1"]
    assert [p.slot for p in planned if p.kind == "retro"] == ["2026-06-01"]
    digests = [p.due_at for p in planned if p.kind == "digest"]
    assert digests and all(d.weekday() == 0 and d.time() == time(9, 30) for d in digests)


def test_state_nudges() -> None:
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    beat = Beat(
        1,
        "C1",
        "UTC",
        (Person("ana", "UTC"), Person("bo", "UTC")),
        step="pitch",
        step_since=now - timedelta(weeks=3),
        unanswered=(
            ("ana", "2026-03-09", now - timedelta(hours=25)),
            ("bo", "2026-03-10", now - timedelta(hours=2)),
        ),
        unsigned=(("checkout", now - timedelta(days=15)), ("search", now - timedelta(days=3))),
        signers=("pat",),
        overdue=((7, "bo", "write the SLO report"),),
        workshops=((3, "retries", date(2026, 3, 11), ("ana",)),),
    )
    planned = {(p.kind, p.recipient, p.slot): p for p in plan_state(beat, now)}
    assert set(planned) == {
        ("checkin-reminder", "ana", "2026-03-09"),
        ("stalled", "C1", "pitch-20260217-3w"),
        ("unsigned-slos", "pat", "2026-W11"),
        ("overdue", "bo", "commitment-7"),
        ("workshop", "ana", "workshop-3"),
    }
    assert planned[("unsigned-slos", "pat", "2026-W11")].payload == {"services": "checkout"}


def test_dms_wait_for_working_hours_snooze_and_vacation() -> None:
    friday_evening = datetime(2026, 3, 6, 19, tzinfo=UTC)
    ana = Person("ana", BERLIN)
    assert send_time("checkin", friday_evening, ana, None) == datetime(2026, 3, 9, 8, tzinfo=UTC)
    snoozed = Person("ana", BERLIN, snoozed_until=datetime(2026, 3, 11, 12, tzinfo=UTC))
    assert send_time("checkin", friday_evening, snoozed, None) == datetime(
        2026, 3, 11, 12, tzinfo=UTC
    )
    away = Person("ana", BERLIN, away=(date(2026, 3, 9), date(2026, 3, 13)))
    assert send_time("checkin", friday_evening, away, None) == datetime(2026, 3, 16, 8, tzinfo=UTC)
    assert send_time("digest", friday_evening, None, BERLIN) == datetime(2026, 3, 9, 8, tzinfo=UTC)


def test_stale_nudges_are_recognised() -> None:
    due = datetime(2026, 3, 2, 9, tzinfo=UTC)
    checkin = Planned("checkin", "ana", "2026-03-02", due)
    assert not stale(checkin, due + timedelta(hours=11))
    assert stale(checkin, due + timedelta(hours=13))


def test_working_hours_parse_and_next_open() -> None:
    hours = parse_hours("8:30-16")
    assert hours == WorkingHours(time(8, 30), time(16))
    saturday = datetime(2026, 3, 7, 12, tzinfo=UTC)
    assert next_open(saturday, hours, "UTC") == datetime(2026, 3, 9, 8, 30, tzinfo=UTC)
    with pytest.raises(UsageError):
        parse_hours("17-9")


def _stalls(beat: Beat, start: datetime, weeks: int) -> list[str]:
    """The stalled-step slots planned over `weeks` of daily ticks from `start`."""
    ticks = [start + timedelta(days=d) for d in range(weeks * 7)]
    slots = [p.slot for t in ticks for p in plan_state(beat, t) if p.kind == "stalled"]
    return list(dict.fromkeys(slots))  # each once, in order


def test_a_stall_is_named_once_then_monthly_never_after_the_deadline() -> None:
    start = datetime(2026, 3, 2, 12, tzinfo=UTC)
    beat = Beat(1, "C1", "UTC", (), step="pitch", step_since=start)
    assert _stalls(beat, start, 12) == [
        "pitch-20260302-3w", "pitch-20260302-7w", "pitch-20260302-11w"
    ]  # fmt: skip
    ends = Beat(1, "C1", "UTC", (), deadline=date(2026, 4, 10), step="pitch", step_since=start)
    assert _stalls(ends, start, 12) == ["pitch-20260302-3w"]  # week 7 is past the deadline
    worked = Beat(1, "C1", "UTC", (), step="pitch", step_since=start,
                  worked_at=start + timedelta(days=15))  # fmt: skip
    assert _stalls(worked, start, 6) == ["pitch-20260317-3w"]  # quiet since the work, not before
    assert (
        _stalls(Beat(1, "C1", "UTC", (), step="forcing-function", step_since=start), start, 8) == []
    )
