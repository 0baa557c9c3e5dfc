"""Check-ins through the router, on both databases: answering twice a day, blockers."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.db.beat_models import CheckIn
from bot.db.uow import Database
from bot.outcome import ToChannel, ToUser
from bot.router import Router
from tests.builders import CHANNEL, asker, doc_text, make_router, reply_text, three_members


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


async def test_a_blocker_reaches_the_leads_privately_once(router: Router) -> None:
    outcome = await router.command(
        asker("U3"), "checkin 2 4h wiring the SLI blocked: waiting on prod access"
    )
    assert [p.to for p in outcome.posts] == [ToUser("U1")]  # the lead, not the PM
    dm = doc_text(outcome.posts[0].doc)
    assert "@U3 is blocked on coalition work" in dm and "waiting on prod access" in dm
    assert "2/5" not in dm and "4h" not in dm and "energy" not in dm.lower()  # work, not health
    assert "I passed your blocker to @U1" in reply_text(outcome)
    again = await router.command(asker("U3"), "checkin 3 4h still blocked: waiting on prod access")
    assert again.posts == ()  # the same blocker said again is not news
    changed = await router.command(asker("U3"), "checkin 3 4h blocked: and the VPN")
    assert [p.to for p in changed.posts] == [ToUser("U1")]


async def test_the_digest_counts_open_blockers_and_a_lead_posts_it_now(router: Router) -> None:
    refused = await router.command(asker("U3"), "digest")
    assert refused.refused and refused.posts == ()
    await router.command(asker("U3"), "checkin 3 4h blocked: waiting on prod access")
    outcome = await router.command(asker("U1"), "digest")
    assert "Posted the weekly digest" in reply_text(outcome)
    (post,) = outcome.posts
    assert post.to == ToChannel(CHANNEL)
    text = doc_text(post.doc)
    assert "Weekly SRE rollout digest" in text and "Open blockers: 1 member blocked" in text
    assert "prod access" not in text and "@U3" not in text.split("What changed")[0]
    await router.command(asker("U3"), "checkin 4 4h unblocked at last")
    cleared = doc_text((await router.command(asker("U1"), "digest")).posts[0].doc)
    assert "Open blockers: none" in cleared


async def test_a_lead_chooses_who_is_asked(router: Router) -> None:
    assert "Usage: `/sre ask" in reply_text(await router.command(asker("U1"), "ask <@U2> on"))
    assert (await router.command(asker("U3"), "ask <@U2> checkins on")).refused
    said = reply_text(await router.command(asker("U1"), "ask <@U2> checkins on"))
    assert "@U2 is asked to check in (a lead's choice)" in said
    said = reply_text(await router.command(asker("U1"), "ask <@U3> checkins off"))
    assert "@U3 is not asked to check in" in said
    said = reply_text(await router.command(asker("U1"), "ask <@U3> checkins default"))
    assert "@U3 is asked to check in (by role)" in said
    missing = await router.command(asker("U1"), "ask <@U9> checkins on")
    assert missing.refused and "not in the coalition" in reply_text(missing)
