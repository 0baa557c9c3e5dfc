"""A PM role asked for over Slack: the leads' DM button, clicked through the real app."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.action_ids import ActionId
from bot.clock import ManualClock
from bot.db.uow import Database
from tests.builders import snapshot
from tests.slackapp import SlackDriver, running_app


@pytest.fixture
async def slack(db: Database, clock: ManualClock) -> AsyncIterator[SlackDriver]:
    async with running_app(db, clock) as driver:
        await driver.command("join", user="U1")
        await driver.command("join", user="U3")
        await driver.settle()
        driver.fake.reset()
        yield driver


def _buttons(params: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = params.get("blocks") or []
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


async def _status(slack: SlackDriver) -> str:
    return json.dumps((await (await slack.command("status")).json())["blocks"])


async def test_the_lead_confirms_a_pm_from_the_dm_button(slack: SlackDriver, db: Database) -> None:
    reply = await (await slack.command("join pm", user="U2")).json()
    assert reply["response_type"] == "ephemeral" and "waiting for a lead" in reply["text"]
    await slack.settle()
    posts = {c.params["channel"]: c.params for c in slack.fake.calls_to("chat.postMessage")}
    assert set(posts) == {"C1", "U1"}  # the channel hears "member"; only the lead is asked
    assert "joined the SRE coalition as member" in posts["C1"]["text"]
    (button,) = _buttons(posts["U1"])
    assert button["action_id"] == ActionId.CONFIRM_ROLE
    assert button["text"]["text"] == "Confirm as product manager"
    assert "<@U2> (member)" in await _status(slack)

    before = await snapshot(db)
    for clicker in ("U2", "U3"):  # the asker and another member cannot confirm
        assert (await slack.click(button["action_id"], button["value"], user=clicker)).status == 200
    await slack.settle()
    refusals = slack.fake.calls_to("chat.postEphemeral")
    assert [c.params["user"] for c in refusals] == ["U2", "U3"]
    assert all("Only <@U1> can change roles" in c.params["text"] for c in refusals)
    assert await snapshot(db) == before

    slack.fake.reset()
    assert (await slack.click(button["action_id"], button["value"], user="U1")).status == 200
    await slack.settle()
    (done,) = slack.fake.calls_to("chat.postEphemeral")
    assert done.params["user"] == "U1" and "is now product manager" in done.params["text"]
    (announce,) = slack.fake.calls_to("chat.postMessage")
    assert announce.params["channel"] == "C1"
    assert "<@U2> is now product manager (confirmed by <@U1>)" in announce.params["text"]
    assert "<@U2> (product manager)" in await _status(slack)
