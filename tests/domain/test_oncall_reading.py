"""On-call pages in the weekly reading: last week's report, counted once."""

from __future__ import annotations

from datetime import date, timedelta

from bot.domain.calendar import iso_week
from bot.domain.health import Week, read
from bot.domain.observations import Member, OnCall, observe

MONDAY = date(2026, 3, 9)  # the weekly reading runs on Monday morning


def _report(week: date, pages: int) -> OnCall:
    return OnCall(iso_week(week), pages, primary=False)


def _observed(*reports: OnCall) -> Week:
    member = Member("U1", date(2026, 1, 5), oncall=reports)
    return observe(member, [member], MONDAY, None)


def test_a_steady_forty_pages_a_week_reads_as_forty_last_week() -> None:
    reports = [_report(MONDAY - timedelta(weeks=k), 40) for k in range(4)]
    assert _observed(*reports).pages_last_week == 40


def test_last_week_is_the_week_before_the_reading() -> None:
    assert _observed(_report(MONDAY - timedelta(days=7), 12)).pages_last_week == 12
    assert _observed(_report(MONDAY, 12)).pages_last_week == 0  # this week has just begun
    assert _observed(_report(MONDAY - timedelta(days=14), 12)).pages_last_week == 0


def test_the_fact_a_member_reads_names_last_weeks_pages() -> None:
    week = _observed(_report(MONDAY - timedelta(days=7), 16), _report(MONDAY, 16))
    assert "16 pages last week (your report)" in [f.text for f in read(week).facts]
