"""Input as people type it, through the router, on both databases: what is stored is right, and
what is refused (with a "did you mean") stores nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.db.health_models import Departure
from bot.db.rollout_models import Workshop
from bot.db.uow import Database
from bot.router import Router
from tests.builders import asker, make_router, reply_text, say, snapshot


@pytest.fixture
async def router(db: Database, clock: ManualClock) -> Router:
    r = make_router(db, clock)
    await r.command(asker("lead"), "join")
    await r.command(asker("sam"), "join")
    for service in ("checkout", "payment-gateway", '"payment gateway"'):
        await r.command(asker("lead"), f"service {service} critical")
    return r


async def workshops(db: Database) -> list[tuple[str, str]]:
    async with db.sessions() as session:
        rows = await session.scalars(select(Workshop).order_by(Workshop.id))
        return [(w.topic, w.services) for w in rows]


async def test_a_workshop_topic_may_say_for(router: Router, db: Database) -> None:
    said = "workshop 2026-03-08 SLO workshop for payments for checkout,payment-gateway"
    assert "SLO workshop for payments" in await say(router, "lead", said)
    await say(router, "lead", 'workshop tomorrow "Retries for all" for "payment gateway"')
    assert await workshops(db) == [
        ("SLO workshop for payments", "checkout,payment-gateway"),
        ("Retries for all", "payment gateway"),
    ]


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("stauts", "Did you mean `/sre status`?"),
        ("join memeber", "Did you mean `member`?"),
        ("vote embeded", "Did you mean `embedded`?"),
        ("own on-call <@sam>", "Did you mean `on-call-tooling`?"),
        ("workshop 2026-03-08 retries for chekout", "Did you mean `checkout`?"),
        ("slo chekout availability 99.5 4w", "Did you mean `checkout`?"),
        ("help bet", "Did you mean `/sre help beat`?"),
        ("optout enregy", "Did you mean `energy`?"),
        ("offer handoff", "Did you mean `/sre offer hand-off`?"),
    ],
)
async def test_typos_hear_the_closest_word_privately_and_store_nothing(
    router: Router, db: Database, text: str, hint: str
) -> None:
    before = await snapshot(db)
    outcome = await router.command(asker("sam" if "vote" in text else "lead"), text)
    assert outcome.refused and not outcome.posts and not outcome.public
    assert hint in reply_text(outcome)
    assert "Commands:" not in reply_text(outcome)  # never the whole list
    assert await snapshot(db) == before


async def test_an_error_shows_the_usage_of_the_command_at_hand(router: Router) -> None:
    answer = await say(router, "lead", "commit someday write the report")
    assert "not a date" in answer and "/sre commit <date> <what> [@owner]" in answer
    assert "/sre join" not in answer and "/sre status" not in answer


async def test_input_as_people_type_it(router: Router, clock: ManualClock) -> None:
    assert "99.5% over 28 days" in await say(router, "sam", "slo checkout availability 99.5 4w")
    answer = await say(router, "sam", 'slo "payment gateway" latency 99.9% 30 days')
    assert "99.9% over 30 days" in answer
    assert "09:00-17:00" in await say(router, "sam", "hours 9am-5pm Europe/Berlin")
    friday = (clock.now() + timedelta(days=4)).date()  # the fixture's Monday, then Friday
    assert f"due {friday}" in await say(router, "sam", "commit next friday draft the SLO doc")
    settings = await say(router, "sam", "me settings")
    assert "09:00-17:00" in settings and "Europe/Berlin" in settings


async def test_a_past_commitment_is_refused_and_stores_nothing(
    router: Router, db: Database, clock: ManualClock
) -> None:
    before = await snapshot(db)
    past = (clock.now() - timedelta(days=3)).date()
    answer = await say(router, "sam", f"commit {past} write the report")
    assert "not past" in answer
    assert await snapshot(db) == before


async def test_leaving_for_a_reason_in_ones_own_words(router: Router, db: Database) -> None:
    await say(router, "sam", "leave")
    before = await snapshot(db)
    refused = await router.command(asker("sam"), "left-because the cafeteria")
    assert refused.refused and "time, priorities, tired, moved-on, rather-not-say" in reply_text(
        refused
    )
    assert await snapshot(db) == before
    assert "noted it as tired" in await say(router, "sam", "left-because too much on-call")
    async with db.sessions() as session:
        reasons = list(await session.scalars(select(Departure.reason)))
    assert reasons == ["tired"]  # the reason only, never the words typed


async def test_a_word_merely_spelled_like_a_reason_is_not_taken_for_it(
    router: Router, db: Database
) -> None:
    await say(router, "sam", "leave")
    before = await snapshot(db)
    refused = await router.command(asker("sam"), "left-because bored")  # not "tired"
    assert refused.refused and "moved-on" in reply_text(refused)
    assert await snapshot(db) == before
    assert "noted it as tired" in await say(router, "sam", "left-because tird")  # a typo is


async def test_a_member_who_has_not_left_has_no_reason_to_give(
    router: Router, db: Database
) -> None:
    before = await snapshot(db)
    refused = await router.command(asker("sam"), "left-because tired")
    assert refused.refused and "You have not left" in reply_text(refused)
    assert "Good luck" not in reply_text(refused)
    assert await snapshot(db) == before
    await say(router, "sam", "leave")
    await say(router, "sam", "left-because time")
    await say(router, "sam", "join")  # back again: the old departure's reason stays as given
    again = await router.command(asker("sam"), "left-because tired")
    assert again.refused and "You have not left" in reply_text(again)
    async with db.sessions() as session:
        assert list(await session.scalars(select(Departure.reason))) == ["time"]


async def test_me_says_precisely_what_is_kept(router: Router) -> None:
    await say(router, "sam", "checkin 3 6h wrote the SLO doc blocked: no PM yet")
    mine = await say(router, "sam", "me")
    assert "never message text" not in mine
    assert "1 check-in: " in mine and "progress and blocker text you typed" in mine
    assert "counts per day, never their text" in mine and "deleted after 90 days" in mine
    assert "checkins" not in mine and "oncall_reports" not in mine


async def test_me_settings_shows_only_the_askers_own(router: Router) -> None:
    await say(router, "sam", "snooze 2w")
    await say(router, "sam", "optout energy")
    await say(router, "lead", "hours 8-16 Asia/Tokyo")
    settings = await router.command(asker("sam"), "me settings")
    text = reply_text(settings)
    assert not settings.public and not settings.posts
    assert "Snooze: until 2026-03-16" in text and "energy" in text
    assert "Asia/Tokyo" not in text and "09:00-17:00" in text


async def test_listings_of_workshops_and_pains(router: Router, clock: ManualClock) -> None:
    assert "No workshop recorded yet" in await say(router, "sam", "workshops")
    await say(router, "lead", "workshop 2026-02-20 error budgets for checkout")
    for n in range(12):
        await say(router, "lead", f"workshop in {n + 1} weeks retries part {n}")
    listing = await router.command(asker("sam"), "workshops")
    text = reply_text(listing)
    assert not listing.public and not listing.posts
    assert "Planned (12)" in text and "Held (1)" in text and "and 2 more" in text
    assert text.index("retries part 0") < text.index("retries part 1")  # soonest first
    assert "error budgets for checkout" in text
    await say(router, "lead", "pain on-call 14 pages a week on checkout")
    pains = await say(router, "sam", "pains")
    assert "On-call overload: 14 pages a week on checkout (@lead, 2026-03-02)" in pains
