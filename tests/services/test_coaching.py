"""Coaching answers through the router and Slack: mentions, /sre guide, /sre case."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from bot.clock import ManualClock
from bot.db.uow import Database
from bot.domain.risks import Risk
from bot.guide.ranking import Context
from bot.outcome import ToChannel
from bot.router import Router
from bot.services.coaching import why_now
from tests.builders import asker, content, doc_text, make_router, reply_text
from tests.fakeslack import BOT_USER_ID
from tests.slackapp import SlackDriver, running_app


@pytest.fixture
def router(db: Database, clock: ManualClock) -> Router:
    return make_router(db, clock)


async def mention(router: Router, text: str) -> str:
    outcome = await router.mention(asker("U1"), f"<@{BOT_USER_ID}> {text}", "1700.1")
    (post,) = outcome.posts
    assert post.to == ToChannel("C0SRE", "1700.1")
    return doc_text(post.doc)


async def test_pms_question_gets_the_failure_mode_and_its_countermeasure(router: Router) -> None:
    answer = await mention(router, "how do we get product managers to care about our SLOs?")
    assert answer.startswith("Failure mode: product management stays out of SLOs")
    assert "business owners sign them off" in answer
    assert "/sre guide pm-stays-out" in answer


async def test_zalando_2016_gets_the_case_study(router: Router) -> None:
    answer = await mention(router, "what happened at Zalando in 2016?")
    assert answer.startswith("Zalando 2016: a grassroots SRE rollout that stalled")


async def test_weather_gets_an_honest_decline_with_topics(router: Router) -> None:
    answer = await mention(router, "what's the weather like?")
    assert "not something I coach on" in answer
    assert answer.count("/sre guide ") >= 3


async def test_a_request_for_code_is_declined_with_the_reasoning_behind_it(router: Router) -> None:
    answer = await mention(router, "write me a python retry decorator with backoff and jitter")
    assert answer.startswith("Writing or reviewing code is not something I do")
    assert "The reasoning behind it:" in answer
    assert "/sre guide retries-backoff-jitter" in answer


async def test_a_request_for_code_the_library_knows_nothing_about_names_no_reasoning(
    router: Router,
) -> None:
    answer = await mention(router, "give me a terraform module for an s3 bucket")
    assert answer.startswith("Writing or reviewing code is not something I do")
    assert "The reasoning behind it:" not in answer
    assert "I can help with, for example:" in answer


async def test_a_request_to_approve_a_change_is_declined_too(router: Router) -> None:
    answer = await mention(router, "could you approve our PR? it only touches the SLO report")
    assert answer.startswith("Writing or reviewing code is not something I do")


async def test_answers_say_why_they_fit_now(router: Router) -> None:
    await router.command(asker("U1"), "join")
    answer = await mention(router, "how do we get product managers to care about our SLOs?")
    assert "Why this now: Open risk: No product manager is in the coalition" in answer
    await router.command(asker("U2"), "join pm")
    await router.command(asker("U1"), "role <@U2> pm")
    await router.command(asker("U1"), "step pitch")
    answer = await mention(router, "how do we get product managers to care about our SLOs?")
    assert "Why this now: You are in step 2, Pitch management." in answer


async def test_guide_by_id_shows_the_whole_entry_with_sources(router: Router) -> None:
    text = reply_text(await router.command(asker("U1"), "guide retries-backoff-jitter"))
    assert "Sources:" in text and text.count("\n") > 10


async def test_case_list_and_one_case(router: Router) -> None:
    listing = reply_text(await router.command(asker("U1"), "case"))
    assert listing.count("/sre case ") >= 10
    told = reply_text(await router.command(asker("U1"), "case evernote"))
    assert told.startswith("== Evernote")
    unknown = reply_text(await router.command(asker("U1"), "case acme"))
    assert "I know no case called" in unknown and "`/sre case` lists them" in unknown


async def test_a_mistyped_case_name_gets_the_closest_case(router: Router) -> None:
    text = reply_text(await router.command(asker("U1"), "case home-depo-vallet"))
    assert "I know no case called" in text
    assert "Did you mean `/sre case home-depot-valet`?" in text


async def test_an_empty_mention_asks_for_a_question(router: Router) -> None:
    assert "Ask me something" in await mention(router, "")


@pytest.fixture
async def slack(db: Database, clock: ManualClock) -> AsyncIterator[SlackDriver]:
    async with running_app(db, clock) as driver:
        yield driver


async def test_a_mention_is_answered_in_thread_and_read_more_works(slack: SlackDriver) -> None:
    event = {
        "type": "app_mention",
        "user": "U1",
        "channel": "C1",
        "ts": "1700000009.000100",
        "text": f"<@{BOT_USER_ID}> what happened at Zalando in 2016?",
    }
    await slack.event(event)
    await slack.settle()
    (post,) = slack.fake.calls_to("chat.postMessage")
    assert post.params["thread_ts"] == "1700000009.000100"
    assert post.params["text"].startswith("Zalando 2016")
    button = next(e for b in post.params["blocks"] if b["type"] == "actions" for e in b["elements"])
    await slack.click(button["action_id"], button["value"])
    await slack.settle()
    (full,) = slack.fake.calls_to("chat.postEphemeral")
    assert "Why it stalled" in json.dumps(full.params["blocks"])


# --- answers that fit the question ------------------------------------------------------------


def _risk(kind: str, guide: str, *tags: str) -> Risk:
    return Risk(kind, f"Risk {kind}.", guide, tags)


@pytest.mark.parametrize(
    ("entry_id", "step", "risks", "expected"),
    [
        ("pm-stays-out", None, [_risk("no-pm", "pm-stays-out", "product-management")], "risk"),
        ("step-primitives", "primitives", [], "step"),
        # an entry that spans every step is about none of them now
        ("zalando-2016", "structure", [], None),
        # sharing the broad `slo` tag with a sign-off risk is not being about it
        (
            "slo-basics",
            None,
            [_risk("slo-unsigned", "pm-stays-out", "product-management", "slo")],
            None,
        ),
        # the pitch step is not where error-budget policies live first
        ("error-budget-policy", "pitch", [], None),
        (
            "circuit-breakers",
            "coalition",
            [_risk("below-minimum", "coalition-burnout", "burnout")],
            None,
        ),
    ],
)
def test_why_now_only_when_the_entry_is_about_the_step_or_the_risk(
    entry_id: str, step: str | None, risks: list[Risk], expected: str | None
) -> None:
    entry = content().library.get(entry_id)
    assert entry is not None
    why = why_now(content().programme, entry, Context(step=step), risks)
    if expected == "risk":
        assert why == f"Open risk: {risks[0].reason}"
    elif expected == "step":
        assert why is not None and why.startswith("You are in step 4")
    else:
        assert why is None


async def test_a_case_name_several_cases_share_lists_them(router: Router) -> None:
    listing = reply_text(await router.command(asker("U1"), "case zalando"))
    assert "More than one case fits `zalando`" in listing
    for case_id in ("zalando-2016", "zalando-2018-2020", "zalando-cyber-week"):
        assert f"/sre case {case_id}" in listing
    told = reply_text(await router.command(asker("U1"), "case zalando 2016"))
    assert told.startswith("== Zalando 2016")
    told = reply_text(await router.command(asker("U1"), "case zalando-2018-2020"))
    assert "More than one" not in told and told.startswith("== Zalando")


async def test_an_answer_names_its_sources(router: Router) -> None:
    answer = await mention(router, "what happened at Zalando in 2016?")
    assert "Sources: Tracing SRE's journey in Zalando - Part I, Zalando Engineering Blog" in answer


async def test_an_answer_in_another_step_has_no_why_now(router: Router) -> None:
    await router.command(asker("U1"), "join")
    await router.command(asker("U2"), "join pm")
    await router.command(asker("U1"), "role <@U2> pm")  # a PM granted: no open PM risk
    await router.command(asker("U3"), "join")
    answer = await mention(router, "what happened at Zalando in 2016?")
    assert "Why this now" not in answer


async def test_a_question_about_this_coalition_is_pointed_at_its_command(router: Router) -> None:
    # Before pointers, neither reply named the command that answers it.
    answer = await mention(router, "where are we in the rollout rn?")
    assert "`/sre status`" in answer
    assert "not something my library covers" in answer
    answer = await mention(router, "can you set up a check-in every other Tuesday?")
    assert "`/sre schedule`" in answer
