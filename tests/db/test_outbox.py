"""The outbox's claim takes at most one batch, and only pending rows."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import ManualClock
from bot.db.outbox_repo import Owed
from bot.db.uow import Database
from bot.domain.beat import Planned
from tests.builders import CHANNEL, asker, make_router


async def test_a_claim_takes_one_batch_and_never_a_row_twice(
    db: Database, clock: ManualClock
) -> None:
    await make_router(db, clock).command(asker("U1"), "join")
    async with db.unit_of_work("T0TEAM") as uow:
        coalition = await uow.coalitions.by_channel(CHANNEL)
        assert coalition is not None
        owed = [
            Owed(
                coalition.team_id,
                coalition.id,
                Planned("checkin", f"U{n}", "2026-03-02", clock.now()),
            )
            for n in range(250)
        ]
        assert await uow.outbox.owe(owed) == 250
        assert await uow.outbox.owe(owed) == 0  # planning again adds nothing
        await uow.commit()
    lease = timedelta(seconds=60)
    taken: list[int] = []
    for worker in ("a", "b", "c", "d"):
        async with db.batch() as uow:
            rows = await uow.outbox.claim(worker, clock.now(), lease, 100)
            await uow.commit()
        assert len(rows) <= 100
        taken += [r.id for r in rows]
    assert len(taken) == len(set(taken)) == 250
