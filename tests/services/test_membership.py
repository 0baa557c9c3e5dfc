"""Joining, leaving and roles through the router, on both databases."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from bot.action_ids import ActionId
from bot.clock import ManualClock
from bot.db.models import Member
from bot.db.uow import Database
from bot.doc import Actions, Button
from bot.outcome import Outcome, ToChannel, ToUser
from bot.router import Router
from tests.builders import CHANNEL, TEAM, asker, doc_text, make_router, reply_text, snapshot


@pytest.fixture
def router(db: Database, clock: ManualClock) -> Router:
    return make_router(db, clock)


async def test_first_member_leads_whatever_they_asked(router: Router) -> None:
    outcome = await router.command(asker("U1"), "join member")
    assert "lead it" in reply_text(outcome)
    status = reply_text(await router.command(asker("U1"), "status"))
    assert "@U1 (lead)" in status
    assert [post.to for post in outcome.posts] == [ToChannel("C0SRE")]


async def test_joining_as_pm_or_sponsor_asks_the_leads_and_grants_nothing(
    router: Router,
) -> None:
    await router.command(asker("U1"), "join")
    outcome = await router.command(asker("U2"), "join pm")
    await router.command(asker("U3"), "join SPONSOR")
    assert "member" in reply_text(outcome) and "waiting for a lead" in reply_text(outcome)
    (announce,) = [p for p in outcome.posts if isinstance(p.to, ToChannel)]
    assert "joined the SRE coalition as member" in doc_text(announce.doc)
    (ask,) = [p for p in outcome.posts if isinstance(p.to, ToUser)]
    assert ask.to == ToUser("U1")
    assert "[Confirm as product manager]" in doc_text(ask.doc)
    status = reply_text(await router.command(asker("U3"), "status"))
    assert "@U2 (member)" in status and "@U3 (member)" in status
    assert "(product manager)" not in status and "(sponsor)" not in status
    assert "No product manager is in the coalition" in status
    assert "3 members" in status


async def test_a_pending_pm_cannot_sign_off_and_hears_why(router: Router, db: Database) -> None:
    await router.command(asker("U1"), "join")
    await router.command(asker("U2"), "join pm")
    await router.command(asker("U1"), "service checkout critical")
    await router.command(asker("U1"), "slo checkout availability 99.9% 28d")
    before = await snapshot(db)
    outcome = await router.command(asker("U2"), "signoff checkout")
    answer = reply_text(outcome)
    assert outcome.refused
    assert "waiting for a lead" in answer and "@U1" in answer and len(answer) < 300
    assert await snapshot(db) == before
    mine = reply_text(await router.command(asker("U2"), "me"))
    assert "member (you asked to be product manager: waiting for a lead)" in mine


def _confirm_button(outcome: Outcome, lead: str) -> Button:
    (ask,) = [p for p in outcome.posts if p.to == ToUser(lead)]
    return next(b for part in ask.doc.parts if isinstance(part, Actions) for b in part.buttons)


async def test_a_lead_confirms_the_role_with_the_button(router: Router, db: Database) -> None:
    await router.command(asker("U1"), "join")
    button = _confirm_button(await router.command(asker("U2"), "join pm"), "U1")
    assert button.action_id == ActionId.CONFIRM_ROLE
    outcome = await router.click(TEAM, "U1", button.action_id, button.value)
    assert not outcome.refused
    assert "@U2 is now product manager" in reply_text(outcome)
    assert any(p.to == ToChannel(CHANNEL) for p in outcome.posts)
    assert "@U2 (product manager)" in reply_text(await router.command(asker("U1"), "status"))
    history = reply_text(await router.command(asker("U1"), "history"))
    assert "@U1 role: granted @U2 pm (as asked)" in history
    again = await router.click(TEAM, "U1", button.action_id, button.value)
    assert again.refused and "no request" in reply_text(again)


async def test_only_a_lead_can_confirm_and_a_member_cannot_confirm_themselves(
    router: Router, db: Database
) -> None:
    await router.command(asker("U1"), "join")
    button = _confirm_button(await router.command(asker("U2"), "join pm"), "U1")
    await router.command(asker("U3"), "join")
    before = await snapshot(db)
    for user in ("U2", "U3"):
        outcome = await router.click(TEAM, user, button.action_id, button.value)
        assert outcome.refused and "Only @U1" in reply_text(outcome)
        typed = await router.command(asker(user), "confirm-role <@U2> pm")
        assert typed.refused
    assert await snapshot(db) == before


async def test_leaving_and_rejoining_does_not_keep_a_granted_role(router: Router) -> None:
    await router.command(asker("U1"), "join")
    await router.command(asker("U2"), "join")
    assert (await router.command(asker("U1"), "role <@U2> sponsor")).public
    await router.command(asker("U2"), "leave")
    await router.command(asker("U2"), "join sponsor")
    status = reply_text(await router.command(asker("U1"), "status"))
    assert "@U2 (member)" in status
    await router.command(asker("U2"), "leave")
    await router.command(asker("U2"), "join")
    mine = reply_text(await router.command(asker("U2"), "me"))
    assert "Your role: member" in mine and "asked to be" not in mine


async def test_a_stale_confirm_button_grants_nothing(router: Router) -> None:
    await router.command(asker("U1"), "join")
    button = _confirm_button(await router.command(asker("U2"), "join pm"), "U1")
    await router.command(asker("U2"), "leave")
    await router.command(asker("U2"), "join")
    outcome = await router.click(TEAM, "U1", button.action_id, button.value)
    assert outcome.refused and "no request" in reply_text(outcome)
    assert "@U2 (member)" in reply_text(await router.command(asker("U1"), "status"))


async def test_role_changes_are_recorded_with_who_granted_them(router: Router) -> None:
    await router.command(asker("U1"), "join")
    await router.command(asker("U2"), "join")
    await router.command(asker("U1"), "role <@U2> lead")
    await router.command(asker("U2"), "role <@U1> member")
    history = reply_text(await router.command(asker("U2"), "history"))
    assert "@U1 role: granted @U2 lead (was member)" in history
    assert "@U2 role: granted @U1 member (was lead)" in history


async def test_a_second_lead_needs_a_leads_word(router: Router, db: Database) -> None:
    await router.command(asker("U1"), "join")
    before = await snapshot(db)
    outcome = await router.command(asker("U2"), "join lead")
    assert "@U1 already leads" in reply_text(outcome)
    assert await snapshot(db) == before


async def test_joining_twice_changes_nothing(router: Router, db: Database) -> None:
    await router.command(asker("U1"), "join")
    before = await snapshot(db)
    assert "already in this coalition" in reply_text(await router.command(asker("U1"), "join"))
    assert await snapshot(db) == before


async def test_leave_then_rejoin(router: Router, clock: ManualClock) -> None:
    await router.command(asker("U1"), "join")
    await router.command(asker("U2"), "join")
    outcome = await router.command(asker("U1"), "leave")
    assert "last lead" in reply_text(outcome)  # asked for a successor (issue 11, defect 7)
    outcome = await router.command(asker("U1"), "leave successor <@U2>")
    assert "@U2 leads it now" in reply_text(outcome)
    status = reply_text(await router.command(asker("U2"), "status"))
    assert "@U1" not in status and "@U2 (lead)" in status
    assert "nothing to leave" in reply_text(await router.command(asker("U1"), "leave"))
    await router.command(asker("U1"), "join")
    status = reply_text(await router.command(asker("U1"), "status"))
    assert "@U1 (member)" in status


async def test_only_a_lead_changes_roles(router: Router, db: Database) -> None:
    await router.command(asker("U1"), "join")
    await router.command(asker("U2"), "join")
    before = await snapshot(db)
    refused = reply_text(await router.command(asker("U2"), "role <@U2> lead"))
    assert "Only @U1 can change roles" in refused
    assert await snapshot(db) == before
    done = await router.command(asker("U1"), "role <@U2|bob> pm")
    assert done.public and "set by @U1" in reply_text(done)
    assert "@U2 (product manager)" in reply_text(await router.command(asker("U1"), "status"))


async def test_the_last_lead_cannot_step_down(router: Router) -> None:
    await router.command(asker("U1"), "join")
    outcome = await router.command(asker("U1"), "role <@U1> member")
    assert "needs a lead" in reply_text(outcome)


async def test_workspaces_do_not_see_each_other(router: Router) -> None:
    await router.command(asker("U1", team="TA"), "join")
    other = reply_text(await router.command(asker("U9", team="TB"), "status"))
    assert "No coalition in this channel yet" in other
    await router.command(asker("U9", team="TB"), "join")
    mine = reply_text(await router.command(asker("U1", team="TA"), "status"))
    assert "@U9" not in mine and "1 member" in mine


async def test_channels_have_separate_coalitions(router: Router) -> None:
    await router.command(asker("U1", channel="C1"), "join")
    outcome = await router.command(asker("U2", channel="C2"), "join")
    assert "lead it" in reply_text(outcome)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("frobnicate", "I don't know `frobnicate`"),
        ("x" * 10_000, "10,000 characters"),
        ("join wizard", "`wizard` is not a role"),
        ("join \u202eroot\u200b", "`root` is not a role"),
        ("\uff4a\uff4f\uff49\uff4e lead now", "Usage: `/sre join [lead|member|sponsor|pm]`"),
        ("\U0001f525\U0001f525 \x00\x07", "I don't know `\U0001f525\U0001f525`"),
        ("role bob lead", "is not a mention"),
        ("status please now", "Usage: `/sre status`"),
    ],
)
async def test_bad_input_gets_a_short_answer_and_changes_nothing(
    router: Router, db: Database, text: str, expected: str
) -> None:
    await router.command(asker("U1"), "join")
    before = await snapshot(db)
    answer = reply_text(await router.command(asker("U2"), text))
    assert expected in answer
    assert len(answer) < 400
    assert await snapshot(db) == before


async def test_empty_command_gets_a_short_usage(router: Router, db: Database) -> None:
    before = await snapshot(db)
    for text in ("", "   ", "\u200b"):
        answer = reply_text(await router.command(asker("U1"), text))
        assert "Tell me what to do" in answer and "/sre help" in answer
        assert len(answer) < 300
    assert await snapshot(db) == before


async def _rows(db: Database) -> int:
    async with db.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Member)) or 0)


async def _warm(router: Router) -> None:
    """Eight pooled connections with the join's statements already prepared on each, so the
    joins below really run side by side (a cold connection is slow enough to serialise them)."""
    for round_ in range(2):
        users = [f"W{round_}{n}" for n in range(8)]
        await asyncio.gather(*(router.command(asker(u, channel="CWARM"), "join") for u in users))
        await asyncio.gather(*(router.command(asker(u, channel="CWARM"), "leave") for u in users))


async def test_eight_concurrent_joins_welcome_and_announce_once(
    router: Router, db: Database
) -> None:
    await router.command(asker("U0"), "join")
    await _warm(router)
    outcomes = await asyncio.gather(*(router.command(asker("U1"), "join") for _ in range(8)))
    welcomed = [o for o in outcomes if not o.refused]
    assert len(welcomed) == 1 and "Welcome in" in reply_text(welcomed[0])
    assert [p.to for o in outcomes for p in o.posts] == [ToChannel(CHANNEL)]
    for refused in (o for o in outcomes if o.refused):
        assert "already in this coalition" in reply_text(refused)
    assert await _rows(db) == 2 + 16


async def test_eight_concurrent_rejoins_welcome_and_announce_once(
    router: Router, db: Database
) -> None:
    await router.command(asker("U1"), "join")
    await router.command(asker("U2"), "join")
    await router.command(asker("U2"), "leave")
    await _warm(router)
    outcomes = await asyncio.gather(*(router.command(asker("U2"), "join") for _ in range(8)))
    assert len([o for o in outcomes if not o.refused]) == 1
    assert len([p for o in outcomes for p in o.posts]) == 1
    assert await _rows(db) == 2 + 16


async def test_two_people_joining_an_empty_coalition_at_once_make_one_lead(
    router: Router,
) -> None:
    await router.command(asker("U0"), "join")
    await router.command(asker("U0"), "leave")
    await _warm(router)
    first, second = await asyncio.gather(
        router.command(asker("U1"), "join"), router.command(asker("U2"), "join")
    )
    assert ["lead it" in reply_text(o) for o in (first, second)].count(True) == 1
    status = reply_text(await router.command(asker("U1"), "status"))
    assert status.count("(lead)") == 1 and "2 members" in status
