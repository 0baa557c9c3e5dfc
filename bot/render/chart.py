"""The digest's picture: progress toward the deadline as a PNG (matplotlib, no display)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

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


def progress_png(points: Sequence[Point], deadline: date | None, event: str | None) -> bytes:
    """A line chart of milestones done and SLO coverage over time, with the deadline marked."""
    # The object-oriented API: no pyplot global state, no display, safe in a server.
    figure = Figure(figsize=(7, 3.2), dpi=100)
    axes = figure.subplots()
    days = [_day(p.day) for p in points]
    axes.plot(days, [100 * p.milestones for p in points], marker="o", label="Milestones done")
    axes.plot(
        days,
        [100 * p.coverage for p in points],
        marker="s",
        label="Critical services signed off",
    )
    if deadline is not None and _drawable(points, deadline):
        axes.axvline(_day(deadline), color="#c0392b", linestyle="--", label=_literal(event))
    axes.set_ylim(0, 105)
    axes.set_ylabel("%")
    axes.xaxis.set_major_formatter(DateFormatter("%b %d"))  # type: ignore[no-untyped-call]
    axes.legend(loc="upper left", fontsize=8)
    axes.grid(alpha=0.3)
    title = "Progress toward the deadline"
    if deadline is not None and not _drawable(points, deadline):
        title += f" ({deadline}, off the chart)"
    axes.set_title(title, fontsize=10)
    figure.autofmt_xdate()
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
