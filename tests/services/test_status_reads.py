"""`/sre status` is a read: three statements at most, nothing written; the chart's daily point
is the planner's to keep."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, select

from bot.clock import ManualClock
from bot.db.beat_models import ProgressSnapshot
from bot.db.uow import Database
from tests.builders import asker, due_work, make_router, reply_text, snapshot, three_members
from tests.transcript import Transcript


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    """Every SQL statement sent to the driver while the block runs."""
    seen: list[str] = []

    def executed(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", executed)
    try:
        yield seen
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", executed)


async def test_status_loads_in_three_statements_and_writes_nothing(
    db: Database, clock: ManualClock
) -> None:
    router = await three_members(make_router(db, clock), clock)
    for text in (
        "service checkout critical team payments",
        "slo checkout availability 99.9% 28d",
        "own slo-report <@U3>",
        "pain on-call 14 pages a week",
        "vote central",
        f"workshop {clock.now().date()} retries for checkout <@U2>",
        "done three-members",
    ):
        await router.command(asker("U1"), text)
    before = await snapshot(db)
    with statements(db) as seen:
        outcome = await router.command(asker("U2"), "status")
    assert "SRE rollout: step 1 of 5" in reply_text(outcome)
    assert len(seen) <= 3, seen
    assert not [s for s in seen if s.lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert await snapshot(db) == before


async def test_the_planner_keeps_each_coalitions_point_once_a_day(
    db: Database, clock: ManualClock
) -> None:
    router = await three_members(make_router(db, clock), clock)
    await router.command(asker("U1"), "service checkout critical")
    await router.command(asker("U2"), "status")
    work = due_work(db, Transcript(clock=clock), clock)
    await work.run()
    await work.run()
    async with db.sessions() as session:
        points = list(await session.scalars(select(ProgressSnapshot)))
    assert [(p.day, p.critical_total) for p in points] == [(clock.now().date(), 1)]
