"""Joining, leaving and roles through the router, on both databases."""

from __future__ import annotations

import pytest

from bot.clock import ManualClock
from bot.db.uow import Database
from bot.messages import ToChannel
from bot.router import Router
from tests.builders import asker, reply_text, snapshot


@pytest.fixture
def router(db: Database, clock: ManualClock) -> Router:
    return Router(db, clock)


async def test_first_member_leads_whatever_they_asked(router: Router) -> None:
    outcome = await router.command(asker("U1"), "join member")
    assert "lead it" in reply_text(outcome)
    status = reply_text(await router.command(asker("U1"), "status"))
    assert "@U1 (lead)" in status
    assert [post.to for post in outcome.posts] == [ToChannel("C0SRE")]


async def test_second_member_joins_with_the_role_they_name(router: Router) -> None:
    await router.command(asker("U1"), "join")
    await router.command(asker("U2"), "join pm")
    await router.command(asker("U3"), "join SPONSOR")
    status = reply_text(await router.command(asker("U3"), "status"))
    assert "@U2 (product manager)" in status
    assert "@U3 (sponsor)" in status
    assert "3 members" in status
    assert "at least 3" not in status


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
    assert "last lead" in reply_text(outcome)
    assert "@U1" not in reply_text(await router.command(asker("U2"), "status"))
    assert "nothing to leave" in reply_text(await router.command(asker("U1"), "leave"))
    assert "lead" in reply_text(await router.command(asker("U2"), "join lead"))
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
    assert done.public
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
