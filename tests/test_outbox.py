"""The outbox's claim takes at most one batch, and only pending rows."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import ManualClock
from bot.db.beat_repo import add_nudges, claim
from bot.db.uow import Database
from bot.domain.beat import Planned
from tests.builders import CHANNEL, asker, make_router


async def test_a_claim_takes_one_batch_and_never_a_row_twice(
    db: Database, clock: ManualClock
) -> None:
    await make_router(db, clock).command(asker("U1"), "join")
    async with db.unit_of_work("T0TEAM") as uow:
        coalition = await uow.coalitions.by_channel(CHANNEL)
        planned = [
            (coalition, Planned("checkin", f"U{n}", "2026-03-02", clock.now()), "pending")
            for n in range(250)
        ]
        assert await add_nudges(uow.session, planned) == 250
        assert await add_nudges(uow.session, planned) == 0  # planning again adds nothing
        await uow.commit()
    lease = timedelta(seconds=60)
    taken: list[int] = []
    for worker in ("a", "b", "c", "d"):
        async with db.sessions() as session:
            rows = await claim(session, worker, clock.now(), lease, 100)
            await session.commit()
        assert len(rows) <= 100
        taken += [r.id for r in rows]
    assert len(taken) == len(set(taken)) == 250
