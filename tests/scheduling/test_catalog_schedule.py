"""The daily catalog import: a lead turns it on, the timer imports once a day per coalition,
one coalition's failure or a failed read never stops the others."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.catalog.gather import gather_texts
from bot.clock import ManualClock
from bot.db.rollout_models import ServiceRow
from bot.db.uow import Database
from bot.domain.catalog import Gathered
from bot.ports import OneWorkspace
from bot.scheduling.due import DueWork
from bot.services import imports
from tests.builders import asker, content, make_router, reply_text
from tests.transcript import Transcript

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "catalog" / "backstage"
CHANNELS = ("C0SRE", "C0OTHER")


class Catalog:
    """A stand-in for the configured Backstage: the fixture components, counted reads."""

    def __init__(self) -> None:
        self.reads = 0
        self.broken = False
        self.text = (FIXTURES / "catalog-info.yaml").read_text()

    async def __call__(self) -> Gathered:
        self.reads += 1
        if self.broken:
            raise ConnectionError("backstage down")
        return gather_texts([("backstage", self.text)], "Backstage at catalog.test")


async def _setup(db: Database, clock: ManualClock) -> tuple[DueWork, Catalog]:
    router = make_router(db, clock)
    for channel in CHANNELS:
        await router.command(asker("U1", channel=channel), "join lead")
        await router.command(asker("U2", channel=channel), "join")
        refused = await router.command(asker("U2", channel=channel), "import schedule on")
        assert refused.refused
        on = await router.command(asker("U1", channel=channel), "import schedule on")
        assert "every day" in reply_text(on)
    catalog = Catalog()
    return DueWork(
        db, OneWorkspace(Transcript()), clock, content(), "test", catalog=catalog
    ), catalog


async def _services(db: Database) -> dict[int, set[str]]:
    async with db.sessions() as session:
        rows = await session.execute(select(ServiceRow.coalition_id, ServiceRow.name))
        found: dict[int, set[str]] = {}
        for coalition_id, name in rows:
            found.setdefault(coalition_id, set()).add(name)
        return found


async def test_each_coalition_imports_once_a_day(db: Database, clock: ManualClock) -> None:
    work, catalog = await _setup(db, clock)
    await work.walk(clock, clock.now() + timedelta(days=2))
    assert catalog.reads == 3  # Monday, Tuesday, Wednesday: once a day for both coalitions
    assert [names for _, names in sorted((await _services(db)).items())] == [{"checkout"}] * 2


async def test_one_coalitions_failure_and_a_failed_read_stop_nobody(
    db: Database, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    work, catalog = await _setup(db, clock)
    real = imports.scheduled

    async def flaky(uow: Any, content: Any, coalition: Any, *rest: Any) -> Any:
        if coalition.channel_id == "C0SRE":
            raise RuntimeError("this coalition's data")
        return await real(uow, content, coalition, *rest)

    monkeypatch.setattr(imports, "scheduled", flaky)  # what the daily run calls
    await work.walk(clock, clock.now() + timedelta(hours=20))  # before Tuesday 06:00
    assert list((await _services(db)).values()) == [{"checkout"}]  # C0OTHER's
    assert work.faults.counts["catalog import"] == 1
    catalog.broken = True
    await work.walk(clock, clock.now() + timedelta(days=1))
    assert work.faults.counts["catalog import"] == 2  # the read, once, for everyone
    assert catalog.reads == 2
