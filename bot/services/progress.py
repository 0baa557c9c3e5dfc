"""The digest chart's points: each coalition's progress, kept once a day by the planner."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta

from bot.content import Content
from bot.db.uow import UnitOfWork
from bot.domain.rollout import figures, progress

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
