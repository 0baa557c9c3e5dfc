"""Issue 11, defect 3: after the deadline the bot does not ask for a retro already held."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from bot.clock import ManualClock
from bot.db.uow import Database
from tests.builders import CHANNEL, asker, due_work, make_router, reply_text, three_members
from tests.transcript import Transcript


async def test_no_retro_prompt_once_the_retro_is_ticked(db: Database, clock: ManualClock) -> None:
    router = await three_members(make_router(db, clock), clock)
    deadline = (clock.now() + timedelta(days=3)).date()
    await router.command(asker("U1"), f"deadline {deadline} Launch")
    transcript = Transcript(clock=clock)
    work = due_work(db, transcript, clock)
    morning = datetime.combine(deadline + timedelta(days=1), time(0, 30), UTC)
    await work.walk(clock, morning)
    done = await router.command(asker("U1"), "done retro-held")
    assert "Marked done" in reply_text(done)
    await work.walk(clock, morning + timedelta(days=3))
    assert not [s for s in transcript.to(f"#{CHANNEL}") if "is behind us" in s.text]
