"""One member's week as the health rules see it, observed from counts and their own reports.

Pure: plain values in (daily counts, check-ins, on-call reports, open items), a `Week` out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import mean, median

from bot.domain.calendar import iso_week
from bot.domain.health import Week, team_median

MIN_SHARE_MESSAGES = 20  # fewer messages make an after-hours share meaningless


@dataclass(frozen=True)
class DayCount:
    """Messages, reactions and after-hours messages of one member on one day."""

    day: date
    messages: int = 0
    reactions: int = 0
    after_hours: int = 0


@dataclass(frozen=True)
class Asked:
    """A check-in asked of the member, and whether and how they answered."""

    asked_at: datetime
    answered: bool = False
    missed: bool = False
    energy: int | None = None


@dataclass(frozen=True)
class OnCall:
    """A member's own report of one on-call week."""

    week: str
    pages: int = 0
    primary: bool = False


@dataclass(frozen=True)
class Member:
    """What the reading knows about one member (check-ins oldest first)."""

    user_id: str
    joined: date
    after_hours_opt_in: bool = False
    activity: tuple[DayCount, ...] = ()
    checkins: tuple[Asked, ...] = ()
    oncall: tuple[OnCall, ...] = ()
    open_items: tuple[date | None, ...] = ()  # due dates; None for a primitive owned


def window(rows: Sequence[DayCount], end: date, days: int) -> int:
    """Messages and reactions in the `days` up to `end`."""
    start = end - timedelta(days=days)
    return sum(r.messages + r.reactions for r in rows if start < r.day <= end)


def baseline(rows: Sequence[DayCount], today: date, joined: date) -> float | None:
    """The member's usual 14-day activity: the median over the 8 weeks before the last two."""
    ends = [today - timedelta(days=14 + 7 * k) for k in range(8)]
    usable = [e for e in ends if e - timedelta(days=14) >= joined]
    if len(usable) < 3:
        return None
    return float(median(window(rows, e, 14) for e in usable))


def share(rows: Sequence[DayCount], start: date, end: date) -> float | None:
    """The after-hours share of messages in (start, end], with enough messages to mean it."""
    chosen = [r for r in rows if start < r.day <= end]
    messages = sum(r.messages for r in chosen)
    return sum(r.after_hours for r in chosen) / messages if messages >= MIN_SHARE_MESSAGES else None


def missed(checkins: Sequence[Asked]) -> int:
    """Check-ins missed in a row, most recent first, up to the last one answered."""
    run = 0
    for c in reversed(checkins):
        if c.answered:
            break
        run += c.missed
    return run


def energies(checkins: Sequence[Asked], today: date) -> tuple[int | None, float, int]:
    """The latest energy (within 14 days), its 3-week drop, and weeks in a row at 2 or less."""
    answered = [c for c in checkins if c.energy is not None and c.answered]
    latest = (
        answered[-1].energy
        if answered and (today - answered[-1].asked_at.date()).days <= 14
        else None
    )
    by_week: dict[int, list[int]] = {}
    for c in answered:
        weeks_ago = (today - c.asked_at.date()).days // 7
        by_week.setdefault(weeks_ago, []).append(int(c.energy or 0))
    recent = [mean(by_week[w]) for w in range(3) if w in by_week]
    before = [mean(by_week[w]) for w in range(3, 6) if w in by_week]
    drop = mean(before) - mean(recent) if recent and before else 0.0
    low = 0
    for w in range(6):
        if w in by_week and mean(by_week[w]) <= 2:
            low += 1
        else:
            break
    return latest, max(drop, 0.0), low


def observe(member: Member, team: Sequence[Member], today: date, heavy: str | None) -> Week:
    """One member's week, from counts and their own reports, beside their team's."""
    rows, items = member.activity, member.open_items
    counts = {m.user_id: len(m.open_items) for m in team}
    latest, drop, low = energies(member.checkins, today)
    last_four = {iso_week(today - timedelta(weeks=k)) for k in range(4)}
    oncall = [r for r in member.oncall if r.week in last_four]
    last_week = iso_week(today - timedelta(days=7))
    opted_in = member.after_hours_opt_in
    return Week(
        activity_14d=window(rows, today, 14),
        baseline_14d=baseline(rows, today, member.joined),
        after_hours_share=share(rows, today - timedelta(days=28), today) if opted_in else None,
        after_hours_baseline=share(rows, today - timedelta(days=84), today - timedelta(days=28))
        if opted_in
        else None,
        missed_in_a_row=missed(member.checkins),
        open_items=len(items),
        overdue_items=sum(1 for d in items if d is not None and (today - d).days > 7),
        team_median_items=team_median(counts, [m.user_id for m in team]),
        energy=latest,
        energy_3w_drop=drop,
        low_energy_weeks=low,
        primary_weeks_of_4=sum(1 for r in oncall if r.primary),
        # The reading runs as a week begins: last week is the whole week that was reported.
        pages_last_week=sum(r.pages for r in oncall if r.week == last_week),
        concentrated=heavy == member.user_id,
    )
