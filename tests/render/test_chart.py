"""The digest's chart as a person reads it: the legend off the data, the pace to the deadline,
today, and the commitments still open."""

from __future__ import annotations

from datetime import date, timedelta

from matplotlib.backends.backend_agg import FigureCanvasAgg

from bot.render.chart import Point, progress_figure, progress_png

START = date(2026, 3, 2)
POINTS = [
    Point(START + timedelta(days=n), 0.2 + n * 0.01, max(0, n - 10) * 0.02) for n in range(36)
]
DUE = [(START + timedelta(days=30), True), (START + timedelta(days=40), False)]


def test_the_legend_sits_outside_the_data_and_names_every_mark() -> None:
    figure = progress_figure(POINTS, date(2026, 5, 1), "Spring Sale", START + timedelta(35), DUE)
    (axes,) = figure.axes
    assert axes.get_legend() is None and len(figure.legends) == 1  # not over the lines
    labels = [t.get_text() for t in figure.legends[0].get_texts()]
    assert labels == [
        "Milestones done",
        "Critical services signed off",
        "Pace to reach 100% by the deadline",
        "Spring Sale",
        "Today",
        "Open commitment (due date)",
        "Overdue commitment",
    ]
    canvas = FigureCanvasAgg(figure)
    canvas.draw()  # type: ignore[no-untyped-call]  # lays the figure out as the PNG has it
    renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]
    legend_box = figure.legends[0].get_window_extent(renderer)
    assert not legend_box.overlaps(axes.get_window_extent(renderer))


def test_the_pace_line_runs_from_the_first_point_to_100_on_the_deadline() -> None:
    figure = progress_figure(POINTS, date(2026, 5, 1), "Spring Sale", START + timedelta(35), DUE)
    pace = next(line for line in figure.axes[0].lines if "Pace" in str(line.get_label()))
    assert list(pace.get_ydata()) == [20.0, 100]  # type: ignore[arg-type]


def test_a_chart_of_one_day_still_draws() -> None:
    assert progress_png(POINTS[:1], date(2026, 5, 1), "Launch", START).startswith(b"\x89PNG")
    assert progress_png([], None, None).startswith(b"\x89PNG")
