"""Week arithmetic, in one place: ISO week names and the slots built from them."""

from __future__ import annotations

from datetime import date, timedelta


def iso_week(day: date) -> str:
    """`2026-W10`."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def monday_of(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


def four_weeks(week: str) -> str:
    """One slot per four weeks of `week`'s year (`2026-Q2`), for at most monthly messages."""
    year, number = week.split("-W")
    return f"{year}-Q{(int(number) - 1) // 4}"
