"""Asking the coach in a DM, through the real app and the fake Slack: plain `message.im` DMs
(every plan) and assistant threads (Bolt's `AsyncAssistant`, where agent messaging is on)."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.action_ids import ActionId
from bot.clock import ManualClock
from bot.db.uow import Database
from bot.slack.listeners.assistant import LOOKING
from tests.builders import snapshot
from tests.fakeslack import BOT_ID, BOT_USER_ID, TEAM_ID, SlackCall
from tests.slackapp import SlackDriver, running_app

DM = "D0U1"
KICKOFF = "how do we kick off a grassroots sre effort?"


@pytest.fixture
async def slack(db: Database, clock: ManualClock) -> AsyncIterator[SlackDriver]:
    async with running_app(db, clock) as driver:
        await driver.command("join lead", user="U1")  # U1: one coalition, in C1
        for channel in ("C1", "C2"):  # U5: two coalitions
            await driver.command("join", user="U5", channel=channel)
        await driver.settle()
        driver.fake.reset()
        yield driver


def dm(text: str, user: str = "U1", ts: str = "1700000100.000100", **more: Any) -> dict[str, Any]:
    """A `message.im` event as Slack sends it."""
    return {
        "type": "message",
        "channel": f"D0{user}",
        "channel_type": "im",
        "user": user,
        "text": text,
        "ts": ts,
        **more,
    }


def shown(call: SlackCall) -> str:
    return json.dumps(call.params.get("blocks")) + str(call.params.get("text"))


def buttons(call: SlackCall) -> list[dict[str, Any]]:
    blocks = call.params["blocks"]
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


async def test_a_dm_question_is_answered_in_its_thread_for_the_askers_coalition(
    slack: SlackDriver, db: Database
) -> None:
    before = await snapshot(db)
    response = await slack.event(dm(KICKOFF))
    assert response.status == 200
    await slack.settle()
    (post,) = slack.fake.calls_to("chat.postMessage")
    assert post.params["channel"] == DM
    assert post.params["thread_ts"] == "1700000100.000100"
    text = shown(post)
    assert "/sre guide step-coalition" in text and "Sources:" in text
    assert "You are in step 1" in text  # the coalition of C1 is the context
    assert [b["value"] for b in buttons(post)] == ["C1|step-coalition"]
    # Metadata only: the delivery's claim is the one new row; no text, no channel activity.
    after = await snapshot(db)
    assert {t for t in after if after[t] != before[t]} == {"received_events"}
    assert "grassroots" not in repr(after)


async def test_someone_in_no_coalition_gets_an_answer_without_context(
    slack: SlackDriver,
) -> None:
    await slack.event(dm(KICKOFF, user="U9"))
    await slack.settle()
    (post,) = slack.fake.calls_to("chat.postMessage")
    assert post.params["channel"] == "D0U9"
    assert "/sre guide step-coalition" in shown(post)
    assert "You are in step" not in shown(post)


async def test_a_person_in_two_coalitions_is_asked_which_once(slack: SlackDriver) -> None:
    await slack.event(dm(KICKOFF, user="U5"))
    await slack.settle()
    (asking,) = slack.fake.calls_to("chat.postMessage")
    assert asking.params["thread_ts"] == "1700000100.000100"
    assert "<#C1>" in shown(asking) and "<#C2>" in shown(asking)
    choices = buttons(asking)
    assert [(b["action_id"], b["value"]) for b in choices] == [
        (ActionId.DM_HERE, f"C1|{KICKOFF}"),
        (ActionId.DM_HERE, f"C2|{KICKOFF}"),
    ]
    slack.fake.reset()

    await click_in_dm(slack, choices[1]["value"], user="U5", thread="1700000100.000100")
    await slack.settle()
    (answer,) = slack.fake.calls_to("chat.postMessage")
    assert (answer.params["channel"], answer.params["thread_ts"]) == ("D0U5", "1700000100.000100")
    assert "your questions in a DM are about <#C2>" in shown(answer)
    assert "/sre guide step-coalition" in shown(answer)
    slack.fake.reset()

    await slack.event(dm("what is an error budget?", user="U5", ts="1700000200.000100"))
    await slack.settle()
    (again,) = slack.fake.calls_to("chat.postMessage")  # remembered: answered, not asked
    assert all(b["action_id"] != ActionId.DM_HERE for b in buttons(again))
    assert all(b["value"].startswith("C2|") for b in buttons(again))


async def test_the_choice_can_be_changed_from_the_other_channel(slack: SlackDriver) -> None:
    reply = await (await slack.command("dm-here", user="U5", channel="C1")).json()
    assert "<#C1>" in json.dumps(reply["blocks"])
    await slack.event(dm(KICKOFF, user="U5"))
    await slack.settle()
    (post,) = slack.fake.calls_to("chat.postMessage")
    assert [b["value"] for b in buttons(post)] == ["C1|step-coalition"]


async def test_choosing_a_coalition_one_is_not_in_is_refused(slack: SlackDriver) -> None:
    await click_in_dm(slack, f"C2|{KICKOFF}", user="U1", thread="1700000100.000100")
    await slack.settle()
    (answer,) = slack.fake.calls_to("chat.postMessage")
    assert "Join the coalition first" in shown(answer)


@pytest.mark.parametrize(
    "event",
    [
        dm("hello from a bot", bot_id="B0OTHER"),
        dm("my own answer", user=BOT_USER_ID, bot_id=BOT_ID),
        dm("edited", subtype="message_changed"),
        dm("gone", subtype="message_deleted"),
        dm("a file", subtype="file_share"),
        dm("in a thread, by a bot", bot_id="B0OTHER", thread_ts="1700000000.000100"),
        dm("edited in a thread", subtype="message_changed", thread_ts="1700000000.000100"),
    ],
    ids=["bot", "self", "edit", "delete", "file", "bot-in-thread", "edit-in-thread"],
)
async def test_bots_edits_and_subtypes_are_ignored(
    slack: SlackDriver, event: dict[str, Any]
) -> None:
    assert (await slack.event(event)).status == 200
    await slack.settle()
    assert slack.fake.calls == []


async def test_a_retried_dm_is_answered_once(slack: SlackDriver) -> None:
    statuses = [(await slack.event(dm(KICKOFF), event_id="EvDMSAME")).status for _ in range(3)]
    assert statuses == [200, 200, 200]
    await slack.settle()
    assert len(slack.fake.calls_to("chat.postMessage")) == 1


# ---------------------------------------------------------------- assistant threads


def thread_started(user: str = "U1", viewing: str | None = None) -> dict[str, Any]:
    context = {"channel_id": viewing, "team_id": TEAM_ID} if viewing else {}
    return {
        "type": "assistant_thread_started",
        "assistant_thread": {
            "user_id": user,
            "context": context,
            "channel_id": f"D0{user}",
            "thread_ts": "1700000300.000100",
        },
        "ts": "1700000300.000200",
    }


def prompts_of(slack: SlackDriver) -> list[dict[str, str]]:
    (call,) = slack.fake.calls_to("assistant.threads.setSuggestedPrompts")
    assert call.params["channel_id"] == "D0U1"
    assert call.params["thread_ts"] == "1700000300.000100"
    prompts: list[dict[str, str]] = call.params["prompts"]
    return prompts


async def test_a_new_assistant_thread_suggests_prompts_for_the_step_and_risks(
    slack: SlackDriver,
) -> None:
    await slack.event(thread_started())
    await slack.settle()
    titles = [p["title"] for p in prompts_of(slack)]
    assert titles[0] == "Open risk: Product management stays out of SLOs"  # no PM yet
    assert "Step 1: Form the coalition" in titles
    slack.fake.reset()

    assert (await slack.command("step pitch", user="U1")).status == 200
    await slack.settle()
    slack.fake.reset()
    await slack.event(thread_started())
    await slack.settle()
    prompts = prompts_of(slack)
    assert "Step 2: Pitch management" in [p["title"] for p in prompts]
    assert "Step 1: Form the coalition" not in [p["title"] for p in prompts]
    step = next(p for p in prompts if p["title"].startswith("Step 2"))
    slack.fake.reset()

    # Clicking the prompt sends its message in the thread: the step's own entry answers.
    await slack.event(dm(step["message"], ts="1700000301.000100", thread_ts="1700000300.000100"))
    await slack.settle()
    (answer,) = slack.fake.calls_to("chat.postMessage")
    assert "/sre guide step-pitch" in shown(answer)


async def test_the_channel_beside_the_thread_picks_the_coalition(slack: SlackDriver) -> None:
    assert (await slack.command("step pitch", user="U5", channel="C2")).status == 200  # its lead
    await slack.settle()
    for viewing, step in (("C2", "Step 2: Pitch management"), ("C1", "Step 1: Form the coalition")):
        slack.fake.reset()
        await slack.event(thread_started(user="U5", viewing=viewing))
        await slack.settle()
        (call,) = slack.fake.calls_to("assistant.threads.setSuggestedPrompts")
        assert call.params["channel_id"] == "D0U5"
        assert step in [p["title"] for p in call.params["prompts"]], viewing


async def test_a_question_in_an_assistant_thread_gets_status_title_and_answer(
    slack: SlackDriver,
) -> None:
    question = dm(KICKOFF, ts="1700000301.000100", thread_ts="1700000300.000100")
    await slack.event(question)
    await slack.settle()
    methods = [c.method for c in slack.fake.calls]
    assert methods == [
        "assistant.threads.setStatus",
        "assistant.threads.setTitle",
        "chat.postMessage",
    ]
    status, title, answer = slack.fake.calls
    assert {k: status.params[k] for k in ("channel_id", "thread_ts", "status")} == {
        "channel_id": DM,
        "thread_ts": "1700000300.000100",
        "status": LOOKING,
    }
    assert title.params["title"] == KICKOFF
    assert title.params["thread_ts"] == "1700000300.000100"
    assert answer.params["thread_ts"] == "1700000300.000100"
    assert "/sre guide step-coalition" in shown(answer)


async def test_a_refused_status_or_title_still_answers(slack: SlackDriver) -> None:
    slack.fake.fail_next("assistant.threads.setStatus", status=200, error="not_allowed")
    slack.fake.fail_next("assistant.threads.setTitle", status=200, error="invalid_thread")
    await slack.event(dm(KICKOFF, ts="1700000301.000100", thread_ts="1700000300.000100"))
    await slack.settle()
    (answer,) = slack.fake.calls_to("chat.postMessage")
    assert answer.params["thread_ts"] == "1700000300.000100"


async def test_a_retried_assistant_question_is_answered_once(slack: SlackDriver) -> None:
    question = dm(KICKOFF, ts="1700000301.000100", thread_ts="1700000300.000100")
    for _ in range(3):
        assert (await slack.event(question, event_id="EvASKSAME")).status == 200
    await slack.settle()
    assert len(slack.fake.calls_to("chat.postMessage")) == 1
    assert len(slack.fake.calls_to("assistant.threads.setTitle")) == 1
    # A duplicate's status line is taken back: nothing is left "looking".
    statuses = [c.params["status"] for c in slack.fake.calls_to("assistant.threads.setStatus")]
    assert sorted(statuses) == sorted([LOOKING] * 3 + ["", ""])


async def test_a_retried_thread_start_suggests_once(slack: SlackDriver) -> None:
    for _ in range(2):
        await slack.event(thread_started(), event_id="EvSTARTSAME")
    await slack.settle()
    assert len(slack.fake.calls_to("assistant.threads.setSuggestedPrompts")) == 1


HOSTILE = "\uff1c!channel\uff1e <!here> <@U2> & <https://evil.example|click> what is an SLO?"
OURS = re.compile(r"^(?:#C[12]|https://(?!evil\.example)[^|]+\|[^<>]*)$")  # refs we build


async def test_user_text_is_escaped_in_every_echo(slack: SlackDriver) -> None:
    await slack.event(dm(HOSTILE, ts="1700000301.000100", thread_ts="1700000300.000100"))
    await slack.event(dm(HOSTILE, user="U5", ts="1700000302.000100"))  # asked which: buttons
    await slack.settle()
    (title,) = slack.fake.calls_to("assistant.threads.setTitle")
    assert title.params["title"] == "&amp; what is an SLO?"
    posts = slack.fake.calls_to("chat.postMessage")
    assert len(posts) == 2
    for call in posts:
        text = shown(call)
        assert "<!" not in text and "<@U2>" not in text and "evil" not in text
        assert all(OURS.match(ref) for ref in re.findall(r"<([^<>]*)>", text)), text
    assert [b["value"] for b in buttons(posts[1])] == [
        f"{c}|& what is an SLO?" for c in ("C1", "C2")
    ]


async def click_in_dm(slack: SlackDriver, value: str, user: str, thread: str) -> None:
    """A click on a button of the bot's message in a DM thread."""
    action = {
        "type": "button",
        "action_id": ActionId.DM_HERE,
        "block_id": "b1",
        "value": value,
        "action_ts": "1700000150.1",
    }
    channel = f"D0{user}"
    response = await slack.interaction(
        {
            "type": "block_actions",
            "user": {"id": user, "team_id": TEAM_ID},
            "container": {
                "type": "message",
                "message_ts": "1700000101.000100",
                "channel_id": channel,
                "is_ephemeral": False,
                "thread_ts": thread,
            },
            "channel": {"id": channel, "name": "directmessage"},
            "message": {"ts": "1700000101.000100", "thread_ts": thread, "type": "message"},
            "actions": [action],
        }
    )
    assert response.status == 200


async def test_a_dm_about_the_coalition_itself_points_at_the_command(slack: SlackDriver) -> None:
    await slack.event(dm("where are we in the rollout rn? <!channel>"))
    await slack.settle()
    (post,) = slack.fake.calls_to("chat.postMessage")
    assert post.params["thread_ts"] == "1700000100.000100"
    text = shown(post)
    assert "`/sre status` answers it" in text
    assert "<!channel>" not in text and "/sre guide" not in text
