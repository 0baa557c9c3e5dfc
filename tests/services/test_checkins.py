"""Check-ins through the router, on both databases: answering twice a day, blockers."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.db.beat_models import CheckIn
from bot.db.uow import Database
from bot.router import Router
from tests.builders import asker, make_router, reply_text, three_members


@pytest.fixture
async def router(db: Database, clock: ManualClock) -> Router:
    return await three_members(make_router(db, clock), clock)


async def _rows(db: Database) -> list[CheckIn]:
    async with db.sessions() as session:
        return list(await session.scalars(select(CheckIn).order_by(CheckIn.id)))


async def test_a_second_checkin_the_same_day_updates_it(router: Router, db: Database) -> None:
    first = await router.command(asker("U3"), "checkin 4 6h first")
    second = await router.command(asker("U3"), "checkin 3 8h second")
    assert "Thanks for checking in" in reply_text(first)
    assert not second.refused and "Updated today's check-in" in reply_text(second)
    (row,) = await _rows(db)
    assert (row.energy, row.hours, row.progress) == (3, 8, "second")
    third = await router.command(asker("U3"), "checkin nothing")
    assert "Updated today's check-in" in reply_text(third)
    (row,) = await _rows(db)
    assert row.nothing_new and row.energy is None and row.progress is None


async def test_two_checkins_racing_for_one_day_keep_one_row(router: Router, db: Database) -> None:
    outcomes = await asyncio.gather(
        router.command(asker("U3"), "checkin 4 6h first"),
        router.command(asker("U3"), "checkin 3 8h second"),
    )
    assert not any(o.refused for o in outcomes)
    (row,) = await _rows(db)
    assert row.energy in (3, 4) and row.answered_at is not None
