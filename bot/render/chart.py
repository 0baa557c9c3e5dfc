"""The digest's picture: progress toward the deadline as a PNG (matplotlib, no display)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from matplotlib.dates import DateFormatter, date2num
from matplotlib.figure import Figure


@dataclass(frozen=True)
class Point:
    """Progress on one day."""

    day: date
    milestones: float  # share of milestones done, 0..1
    coverage: float  # share of critical services with a signed-off SLO, 0..1


REACH = timedelta(days=4 * 366)  # a deadline farther from the data is named, not drawn


def _drawable(points: Sequence[Point], deadline: date | None) -> bool:
    """True when the deadline line fits on the chart (matplotlib fails on dates near year 9999)."""
    return deadline is not None and bool(points) and abs(deadline - points[-1].day) <= REACH


def _day(day: date) -> float:
    return float(date2num(day))  # type: ignore[no-untyped-call]


def _literal(event: str | None) -> str:
    """The event's name as matplotlib shows it: `$` would start mathtext, `_` hides a label."""
    name = (event or "Deadline").replace("$", r"\$")
    return name if not name.startswith("_") else " " + name


MILESTONES, COVERAGE, PACE, TODAY, DEADLINE, LATE = (
    "#1f77b4", "#2ca02c", "#7f7f7f", "#555555", "#c0392b", "#d35400"
)  # fmt: skip


def _near(points: Sequence[Point], day: date) -> bool:
    return bool(points) and abs(day - points[-1].day) <= REACH


def progress_png(
    points: Sequence[Point],
    deadline: date | None,
    event: str | None,
    today: date | None = None,
    commitments: Sequence[tuple[date, bool]] = (),
) -> bytes:
    """The progress chart (`progress_figure`) as PNG bytes."""
    buffer = io.BytesIO()
    progress_figure(points, deadline, event, today, commitments).savefig(buffer, format="png")
    return buffer.getvalue()


def progress_figure(
    points: Sequence[Point],
    deadline: date | None,
    event: str | None,
    today: date | None = None,
    commitments: Sequence[tuple[date, bool]] = (),
) -> Figure:
    """Milestones done and SLO coverage over time, against the pace that reaches 100% by the
    deadline; today and the deadline marked, open commitments (and overdue ones) on their due
    dates along the bottom; the legend below the plot, never over the data."""
    # The object-oriented API: no pyplot global state, no display, safe in a server.
    figure = Figure(figsize=(8, 4), dpi=100, layout="constrained")
    axes = figure.subplots()
    days = [_day(p.day) for p in points]
    axes.plot(days, [100 * p.milestones for p in points], marker="o", markersize=4,
              color=MILESTONES, label="Milestones done")  # fmt: skip
    axes.plot(days, [100 * p.coverage for p in points], marker="s", markersize=4,
              color=COVERAGE, label="Critical services signed off")  # fmt: skip
    if deadline is not None and _drawable(points, deadline):
        start = points[0]
        if deadline > start.day:
            axes.plot([_day(start.day), _day(deadline)], [100 * start.milestones, 100],
                      color=PACE, linestyle=":", linewidth=1.5,
                      label="Pace to reach 100% by the deadline")  # fmt: skip
        axes.axvline(_day(deadline), color=DEADLINE, linestyle="--", label=_literal(event))
    if today is not None and _near(points, today):
        axes.axvline(_day(today), color=TODAY, linewidth=1, alpha=0.6, label="Today")
    _commitments(axes, [(d, late) for d, late in commitments if _near(points, d)])
    axes.set_ylim(0, 105)
    axes.set_ylabel("% done")
    axes.xaxis.set_major_formatter(DateFormatter("%b %d"))  # type: ignore[no-untyped-call]
    axes.grid(alpha=0.3)
    title = "Progress toward the deadline"
    if deadline is not None and not _drawable(points, deadline):
        title += f" ({deadline}, off the chart)"
    axes.set_title(title, fontsize=10)
    for label in axes.get_xticklabels():
        label.set_rotation(30)
        label.set_horizontalalignment("right")
    figure.legend(loc="outside lower center", ncols=3, fontsize=8, frameon=False)
    return figure


def _commitments(axes: Any, due: Sequence[tuple[date, bool]]) -> None:
    """Each open commitment a mark on its due date near the bottom, stacked when they share
    a day; overdue ones in their own colour."""
    stacked: dict[date, int] = {}
    marks: dict[bool, tuple[list[float], list[float]]] = {False: ([], []), True: ([], [])}
    for day, late in sorted(due):
        height = stacked.get(day, 0)
        stacked[day] = height + 1
        marks[late][0].append(_day(day))
        marks[late][1].append(5 + 5 * height)
    if marks[False][0]:
        axes.scatter(*marks[False], marker="^", s=28, facecolors="none", edgecolors=PACE,
                     label="Open commitment (due date)")  # fmt: skip
    if marks[True][0]:
        axes.scatter(*marks[True], marker="x", s=30, color=LATE, label="Overdue commitment")
