"""The progress chart: each coalition's daily points, kept once a day by the planner, and the
chart drawn from them (for the digest and the sponsor report alike)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta

from bot.content import Content
from bot.db.models import Coalition
from bot.db.uow import UnitOfWork
from bot.domain.hours import local_day
from bot.domain.rollout import figures, progress
from bot.render.chart import Point, progress_png

Fault = Callable[[int, Exception], None]
PLOT_BATCH = 50  # coalitions plotted per tick: a large install's points spread over the first hour


async def plot_due(
    uow: UnitOfWork, content: Content, ids: Iterable[int], day: date, fault: Fault
) -> int:
    """Keep `day`'s progress point of the coalitions `ids` that have none yet (every workspace,
    a bounded batch per call); returns how many were kept. A coalition whose figures cannot be
    worked out goes to `fault`; the others are kept."""
    missing = sorted(set(ids) - await uow.planning.plotted(day))[:PLOT_BATCH]
    if not missing:
        return 0
    coalitions = await uow.every.by_ids(missing)
    members = await uow.every.active_members(missing)
    pairs = [(coalitions[i], members[i]) for i in missing if i in coalitions]
    states = await uow.rollout.states(pairs, day, content.programme.primitives)
    points = []
    for coalition, _ in pairs:
        state = states[coalition.id]
        try:
            points.append((coalition, day, figures(progress(content.programme, state), state)))
        except Exception as error:  # this coalition's stored data; the others are kept
            fault(coalition.id, error)
    await uow.planning.close_day([(c, day - timedelta(days=1), f) for c, _, f in points])
    return await uow.planning.plot(points)


async def progress_chart(uow: UnitOfWork, coalition: Coalition, now: datetime) -> bytes:
    """The coalition's progress chart as PNG: its daily points toward the deadline, today,
    and its open commitments (the overdue ones marked)."""
    points = [
        Point(
            s.day,
            s.milestones_done / max(s.milestones_total, 1),
            s.critical_signed / max(s.critical_total, 1),
        )
        for s in await uow.planning.points(coalition)
    ]
    today = local_day(now, coalition.tz)
    open_items = [(c.due_on, c.due_on < today) for c in await uow.commitments.open(coalition)]
    return progress_png(points, coalition.deadline_on, coalition.deadline_event, today, open_items)
