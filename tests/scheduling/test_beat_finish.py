"""The beat after a month of real use: countdowns, reminders that do not repeat, blockers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.db.uow import Database
from bot.router import Router
from bot.scheduling.due import DueWork
from tests.builders import CHANNEL, asker, due_work, make_router, three_members
from tests.transcript import Transcript


@pytest.fixture
async def coalition(db: Database, clock: ManualClock) -> Router:
    return await three_members(make_router(db, clock), clock)


@pytest.fixture
def transcript(clock: ManualClock) -> Transcript:
    return Transcript(clock=clock)


@pytest.fixture
def work(db: Database, transcript: Transcript, clock: ManualClock) -> DueWork:
    return due_work(db, transcript, clock, worker="test")


async def test_a_countdown_deferred_past_the_weekend_is_counted_when_sent(
    coalition: Router, work: DueWork, transcript: Transcript, clock: ManualClock
) -> None:
    # START is Monday 2026-03-02; the deadline is the next Monday, so the 1-day countdown falls
    # on Sunday and waits for Monday's channel hours: the day itself.
    await coalition.command(asker("U1"), "deadline 2026-03-09 Spring Sale week")
    await work.walk(clock, clock.now() + timedelta(days=7, hours=6))
    posts = [s.text for s in transcript.to(f"#{CHANNEL}") if "to go" in s.text or "day" in s.text]
    countdowns = [t for t in posts if "Spring Sale week on 2026-03-09" in t]
    assert any(t.startswith("1 week to go") for t in countdowns), countdowns
    assert not any("Tomorrow" in t for t in countdowns), countdowns
    assert any(t.startswith("Today") for t in countdowns), countdowns
    assert not any("1 weeks" in s.text or "1 days" in s.text for s in transcript.sent)


async def test_the_bus_factor_warning_is_posted_on_change_then_at_most_monthly(
    coalition: Router, work: DueWork, transcript: Transcript, clock: ManualClock
) -> None:
    await coalition.command(asker("U4"), "join")
    far = clock.now().date() + timedelta(days=200)
    for n in range(6):
        await coalition.command(asker("U1"), f"commit {far} item {n}")
    await coalition.command(asker("U3"), f"commit {far} a small one")
    await work.walk(clock, clock.now() + timedelta(weeks=5, days=1))
    warnings = [s for s in transcript.to(f"#{CHANNEL}") if "one pair of hands" in s.text]
    assert len(warnings) == 2, [w.at for w in warnings]  # once, and once four weeks on
    first, again = (w.at for w in warnings)
    assert first is not None and again is not None and again - first >= timedelta(days=28)
