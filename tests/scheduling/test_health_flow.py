"""Coalition health end to end: private care, transparency, forgetting, leaving, counting."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.db.health_models import Activity, Departure, HealthStanding
from bot.db.uow import Database
from bot.router import Router
from bot.scheduling.due import DueWork
from bot.scheduling.retention import purge
from tests.builders import (
    CHANNEL,
    asker,
    make_router,
    reply_text,
    say,
    snapshot,
    three_members,
)
from tests.fakeslack import BOT_USER_ID
from tests.slackapp import SlackDriver, running_app
from tests.transcript import Transcript


@pytest.fixture
async def coalition(db: Database, clock: ManualClock) -> Router:
    return await three_members(make_router(db, clock), clock)


async def drained_member(coalition: Router, work: DueWork, clock: ManualClock) -> None:
    """U3 answers once with energy 2, then misses the next check-ins, for two weeks."""
    await work.walk(clock, clock.now() + timedelta(days=1, hours=2))  # Tuesday's check-in
    await say(coalition, "U3", "checkin 2 9h swamped")
    await work.walk(clock, clock.now() + timedelta(days=13))


async def test_a_drained_member_hears_privately_and_can_see_and_forget(
    coalition: Router, work: DueWork, transcript: Transcript, clock: ManualClock
) -> None:
    await drained_member(coalition, work, clock)
    care = [s for s in transcript.to("@U3") if "I noticed a few things" in s.text]
    assert len(care) == 1
    assert "check-ins missed in a row" in care[0].text and "energy 2/5" in care[0].text
    assert "[All good]" in care[0].text and "[Hand something off]" in care[0].text
    for post in transcript.to(f"#{CHANNEL}"):
        assert "U3" not in post.text and "2/5" not in post.text
    mine = await say(coalition, "U3", "me")
    assert "you rated your energy 2/5" in mine and "3 weekly readings" in mine
    assert "_" not in mine.split("What I keep")[1]  # plain words, never table names
    gone = await say(coalition, "U3", "forget-me")
    assert "3 weekly readings" in gone and "4 check-ins: when I asked" in gone
    assert "private messages to you about your load" in gone
    assert "your membership of 1 coalition" in gone.split("What stays")[1]
    after = await say(coalition, "U3", "me")
    assert "Nothing read about you yet" in after
    assert "(`/sre forget-me` deletes it):\nnothing." in after


async def test_shadow_mode_records_and_sends_nothing(
    coalition: Router, work: DueWork, transcript: Transcript, clock: ManualClock, db: Database
) -> None:
    assert "Shadow mode on" in await say(coalition, "U1", "shadow on")
    await drained_member(coalition, work, clock)
    assert not [s for s in transcript.sent if "I noticed a few things" in s.text]
    async with db.sessions() as session:
        levels = {
            s.level
            for s in await session.scalars(
                select(HealthStanding).where(HealthStanding.user_id == "U3")
            )
        }
    assert "amber" in levels


async def test_opting_out_of_a_signal(
    coalition: Router, work: DueWork, transcript: Transcript, clock: ManualClock
) -> None:
    await say(coalition, "U3", "optout energy")
    await drained_member(coalition, work, clock)
    mine = await say(coalition, "U3", "me")
    assert "energy" not in mine.split("Signals you turned off")[0]
    assert not [s for s in transcript.to("@U3") if "I noticed a few things" in s.text]


async def test_asking_the_lead_shares_load_facts_only(
    coalition: Router, work: DueWork, clock: ManualClock
) -> None:
    today = clock.now().date()
    for n in range(7):
        await say(coalition, "U1", f"commit {today + timedelta(days=1)} item {n} <@U3>")
    await drained_member(coalition, work, clock)
    outcome = await coalition.command(asker("U3"), "ask-lead")
    (note,) = outcome.posts
    text = reply_text(type(outcome)(reply=note.doc))
    assert note.to.user_id == "U1"  # type: ignore[union-attr]
    assert "open items" in text and "energy" not in text and "check-ins" not in text


async def test_leaving_thanks_hands_over_items_and_two_leavers_suggest_a_retro(
    coalition: Router, clock: ManualClock, db: Database
) -> None:
    await say(coalition, "U1", f"commit {clock.now().date()} draft SLO doc <@U3>")
    await say(coalition, "U1", "own training <@U3>")
    outcome = await coalition.command(asker("U3"), "leave")
    where = {str(p.to): reply_text(type(outcome)(reply=p.doc)) for p in outcome.posts}
    farewell = next(t for w, t in where.items() if "U3" in w and "ToUser" in w)
    assert "Thank you" in farewell and "[Time]" in farewell
    handover = next(t for w, t in where.items() if "U1" in w and "ToUser" in w)
    assert "draft SLO doc" in handover and "owner of training" in handover
    assert "Thank you for telling me" in await say(coalition, "U3", "left-because tired")
    clock.advance(timedelta(days=3))
    second = await coalition.command(asker("U2"), "leave")
    assert any("stepped back" in reply_text(type(second)(reply=p.doc)) for p in second.posts)
    async with db.sessions() as session:
        reasons = {d.user_id: d.reason for d in await session.scalars(select(Departure))}
    assert reasons == {"U3": "tired", "U2": None}


async def test_coalition_health_shows_totals_only(coalition: Router) -> None:
    await say(coalition, "U2", "checkin 1 3h")
    text = await say(coalition, "U1", "health")
    assert "Members: 3" in text and "shown with 5 or more answers" in text
    assert "U2" not in text and "Could use support" not in text


async def test_the_daily_purge_keeps_ninety_days(
    coalition: Router, db: Database, clock: ManualClock
) -> None:
    async with db.unit_of_work("T0TEAM") as uow:
        cid = (await uow.coalitions.by_channel(CHANNEL)).id  # type: ignore[union-attr]
        for age in (91, 89):
            uow.session.add(
                Activity(
                    team_id="T0TEAM",
                    coalition_id=cid,
                    user_id="U1",
                    day=clock.now().date() - timedelta(days=age),
                    messages=3,
                )
            )
        await uow.commit()
    assert await purge(db, clock.now()) == 1
    async with db.sessions() as session:
        assert len(list(await session.scalars(select(Activity)))) == 1


@pytest.fixture
async def slack(db: Database, clock: ManualClock) -> AsyncIterator[SlackDriver]:
    async with running_app(db, clock) as driver:
        for user, role in (("U1", "lead"), ("U2", "member")):
            await driver.command(f"join {role}", user=user)
        await driver.settle()
        yield driver


async def test_messages_and_reactions_are_counted_never_stored(
    slack: SlackDriver, db: Database
) -> None:
    await slack.command("optin after-hours", user="U2")
    message = {
        "type": "message",
        "user": "U2",
        "text": "the pager is on fire again",
        "channel": "C1",
        "ts": "1772488800.000100",  # 22:00 UTC, outside 9-17
    }
    await slack.event(message)
    await slack.event({**message, "ts": "1772442001.000100", "user": BOT_USER_ID, "bot_id": "B1"})
    await slack.event({**message, "ts": "1772442002.000100", "subtype": "message_changed"})
    await slack.event({"type": "message", "user": "U9", "text": "hi", "channel": "C1", "ts": "1.1"})
    await slack.event(
        {
            "type": "reaction_added",
            "user": "U1",
            "reaction": "eyes",
            "item": {"type": "message", "channel": "C1", "ts": "1772442000.000100"},
            "event_ts": "1772442003.000100",
        }
    )
    async with db.sessions() as session:
        rows = {r.user_id: r for r in await session.scalars(select(Activity))}
    assert (rows["U2"].messages, rows["U2"].reactions, rows["U2"].after_hours) == (1, 0, 1)
    assert (rows["U1"].messages, rows["U1"].reactions) == (0, 1)
    assert set(rows) == {"U1", "U2"}
    assert "pager is on fire" not in repr(await snapshot(db))


async def test_leaving_the_channel_leaves_the_coalition(slack: SlackDriver, db: Database) -> None:
    slack.fake.reset()
    await slack.event(
        {
            "type": "member_left_channel",
            "user": "U2",
            "channel": "C1",
            "channel_type": "C",
            "team": "T0001",
        }
    )
    await slack.settle()
    dms = {c.params["channel"] for c in slack.fake.calls_to("chat.postMessage")}
    assert {"U2", "U1", "C1"} <= dms
    async with db.sessions() as session:
        assert [d.reason for d in await session.scalars(select(Departure))] == ["left-channel"]


async def test_a_lead_gone_quiet_hears_a_kind_word_once(
    coalition: Router, work: DueWork, transcript: Transcript, clock: ManualClock, db: Database
) -> None:
    async with db.unit_of_work("T0TEAM") as uow:
        found = await uow.coalitions.by_channel(CHANNEL)
        assert found is not None
        lead = await uow.coalitions.member(found, "U1")
        assert lead is not None
        lead.joined_at = clock.now() - timedelta(weeks=10)
        for days_ago in range(15, 70):
            uow.session.add(
                Activity(
                    team_id="T0TEAM",
                    coalition_id=found.id,
                    user_id="U1",
                    day=clock.now().date() - timedelta(days=days_ago),
                    messages=2,
                )
            )
        await uow.commit()
    await work.walk(clock, clock.now() + timedelta(days=14))
    quiet = [s for s in transcript.to("@U1") if "haven't seen you" in s.text]
    assert len(quiet) == 1
    assert not [s for s in transcript.to("@U2") if "haven't seen you" in s.text]
