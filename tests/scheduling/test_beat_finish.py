"""The beat after a month of real use: countdowns, reminders that do not repeat, blockers."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.db.beat_models import ProgressSnapshot
from bot.db.uow import Database
from bot.render.blocks import blocks
from bot.router import Router
from bot.scheduling.due import DueWork
from tests.builders import (
    CHANNEL,
    asker,
    doc_text,
    due_work,
    make_router,
    reply_text,
    three_members,
)
from tests.transcript import Transcript


@pytest.fixture
async def coalition(db: Database, clock: ManualClock) -> Router:
    return await three_members(make_router(db, clock), clock)


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


async def test_a_blocker_open_three_working_days_is_raised_again_once(
    coalition: Router, work: DueWork, transcript: Transcript, clock: ManualClock
) -> None:
    await coalition.command(asker("U3"), "checkin 3 4h blocked: waiting on prod access")
    await coalition.command(asker("U1"), "checkin 3 4h blocked: the budget")  # no other lead
    await work.walk(clock, clock.now() + timedelta(days=8))
    raised = [s for s in transcript.to("@U1") if "has been blocked for" in s.text]
    assert len(raised) == 1, [s.text for s in raised]
    assert "@U3 has been blocked for 3 working days" in raised[0].text
    assert "waiting on prod access" in raised[0].text
    assert raised[0].at is not None and raised[0].at.weekday() == 3  # Monday + 3 working days
    assert not [s for s in transcript.sent if "the budget" in s.text]
    assert not [s for s in transcript.to("@U2") if "blocked" in s.text]  # the PM is no lead


async def test_a_cleared_blocker_is_not_raised_again(
    coalition: Router, work: DueWork, transcript: Transcript, clock: ManualClock
) -> None:
    await coalition.command(asker("U3"), "checkin 3 4h blocked: waiting on prod access")
    await work.walk(clock, clock.now() + timedelta(days=1))
    await coalition.command(asker("U3"), "checkin 4 4h got it")
    await work.walk(clock, clock.now() + timedelta(days=6))
    assert not [s for s in transcript.sent if "has been blocked for" in s.text]


async def test_pm_and_sponsor_are_not_asked_to_check_in_unless_a_lead_says_so(
    coalition: Router, work: DueWork, transcript: Transcript, clock: ManualClock
) -> None:
    await work.walk(clock, clock.now() + timedelta(days=7))
    asked = {s.to for s in transcript.sent if "did your SRE coalition work go" in s.text}
    assert asked == {"@U1", "@U3"}  # the PM U2 is not a volunteer to check on
    await coalition.command(asker("U1"), "ask <@U2> checkins on")
    await work.walk(clock, clock.now() + timedelta(days=7))
    assert [s for s in transcript.to("@U2") if "did your SRE coalition work go" in s.text]


async def test_the_schedule_shows_moments_in_the_readers_zone(coalition: Router) -> None:
    await coalition.command(asker("U3"), "hours 9-17 Asia/Tokyo")
    outcome = await coalition.command(asker("U3"), "schedule")
    assert outcome.reply is not None
    text = reply_text(outcome)
    assert " JST: checkin to @U3" in text and "UTC:" not in text  # the console: Tokyo time
    slack = json.dumps(blocks(outcome.reply))
    assert "<!date^" in slack and "^{date_short_pretty} {time}|" in slack  # Slack: each reader's
    berlin = await coalition.command(asker("U1"), "hours 9-17 Europe/Berlin")
    assert not berlin.refused
    assert " CET: " in reply_text(await coalition.command(asker("U1"), "schedule"))


async def test_a_days_chart_point_is_where_the_day_ended(
    coalition: Router, work: DueWork, clock: ManualClock, db: Database
) -> None:
    await work.run()  # the first tick keeps the creation day's point: nothing signed yet
    await coalition.command(asker("U1"), "service checkout critical")
    await coalition.command(asker("U1"), "slo checkout availability 99.9% 28d")
    assert not (await coalition.command(asker("U2"), "signoff checkout")).refused
    clock.advance(timedelta(days=1))
    await work.run()
    async with db.sessions() as session:
        points = list(
            await session.scalars(select(ProgressSnapshot).order_by(ProgressSnapshot.day))
        )
    assert [(p.day.isoformat(), p.critical_signed) for p in points] == [
        ("2026-03-02", 1),  # the sign-off on the first day is drawn on the first day, no jump
        ("2026-03-03", 1),
    ]


async def test_an_unchanged_step_list_is_one_line_in_the_digest(
    coalition: Router, clock: ManualClock, db: Database
) -> None:
    quiet = due_work(db, Transcript(clock=clock), clock, worker="quiet")
    await quiet.run()  # keeps the first day's point
    first = await coalition.command(asker("U1"), "digest")
    assert "Progress per step" in doc_text(first.posts[0].doc)  # nothing to compare with yet
    clock.advance(timedelta(days=7))
    await quiet.run()
    text = doc_text((await coalition.command(asker("U1"), "digest")).posts[0].doc)
    assert "Progress: no change since last week" in text and "Progress per step" not in text


async def test_progress_made_the_day_after_a_digest_counts_for_the_next_digest(
    coalition: Router, clock: ManualClock, db: Database
) -> None:
    # A day's chart point is brought to where the day ended: last Monday's point already holds
    # the sign-off made after that Monday's digest, which yet showed it unsigned.
    quiet = due_work(db, Transcript(clock=clock), clock, worker="quiet")
    await coalition.command(asker("U1"), "service checkout critical")
    await coalition.command(asker("U1"), "slo checkout availability 99.9% 28d")
    for _ in range(7):
        await quiet.run()
        clock.advance(timedelta(days=1))
    await quiet.run()
    await coalition.command(asker("U1"), "digest")  # Monday: nothing signed
    assert not (await coalition.command(asker("U2"), "signoff checkout")).refused
    for _ in range(7):
        clock.advance(timedelta(days=1))
        await quiet.run()
    text = doc_text((await coalition.command(asker("U1"), "digest")).posts[0].doc)
    assert "Progress per step" in text and "no change since last week" not in text
