"""Buttons, modals and App Home through the real app, checked against the fake Slack."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.action_ids import ActionId, CallbackId
from bot.clock import ManualClock
from bot.db.uow import Database
from tests.slackapp import SlackDriver, running_app


@pytest.fixture
async def slack(db: Database, clock: ManualClock) -> AsyncIterator[SlackDriver]:
    async with running_app(db, clock) as driver:
        for user, role in (("U1", "lead"), ("U2", "pm"), ("U3", "member")):
            await driver.command(f"join {role}", user=user)
        await driver.command("role <@U2> pm", user="U1")
        await driver.settle()
        driver.fake.reset()
        yield driver


def _texts(call_params: dict[str, Any]) -> str:
    return json.dumps(call_params.get("blocks")) + str(call_params.get("text"))


async def test_vote_buttons_cast_votes(slack: SlackDriver) -> None:
    shapes = await (await slack.command("shapes", user="U3")).json()
    button = next(
        e
        for b in shapes["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["value"].endswith("|product-cluster")
    )
    response = await slack.click(button["action_id"], button["value"], user="U3")
    assert response.status == 200
    await slack.settle()
    (ephemeral,) = slack.fake.calls_to("chat.postEphemeral")
    assert ephemeral.params["user"] == "U3"
    assert "Your vote: One SRE team per product cluster" in ephemeral.params["text"]
    tally = await (await slack.command("shapes", user="U3")).json()
    assert "(`product-cluster`), 1 vote" in json.dumps(tally["blocks"])


async def test_slo_without_words_opens_a_modal(slack: SlackDriver) -> None:
    response = await slack.command("slo")
    assert response.status == 200
    await slack.settle()
    (opened,) = slack.fake.calls_to("views.open")
    assert opened.params["trigger_id"] == "1337.42.abcd"
    view = opened.params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["callback_id"] == CallbackId.SLO
    assert [b["block_id"] for b in view["blocks"]] == ["service", "sli", "target", "window"]


async def test_a_submitted_slo_form_is_saved(slack: SlackDriver) -> None:
    await slack.command("service checkout critical")
    values = {"service": "checkout", "sli": "availability", "target": "99.9", "window": "28"}
    response = await slack.submit(CallbackId.SLO, "C1", values)
    assert response.status == 200
    assert await response.text() == ""
    await slack.settle()
    (confirm,) = slack.fake.calls_to("chat.postEphemeral")
    assert "SLO for *checkout*: availability 99.9% over 28 days" in confirm.params["text"]


async def test_a_service_name_with_spaces_is_saved_from_the_form_as_from_the_command(
    slack: SlackDriver,
) -> None:
    await slack.command('service "payment gateway" critical')
    values = {"service": "payment gateway", "sli": "availability", "target": "99.9", "window": "28"}
    response = await slack.submit(CallbackId.SLO, "C1", values)
    assert response.status == 200
    assert await response.text() == ""
    await slack.settle()
    texts = [c.params["text"] for c in slack.fake.calls_to("chat.postEphemeral")]
    assert any("SLO for *payment gateway*: availability 99.9%" in t for t in texts), texts


async def test_a_bad_form_answers_in_the_modal(slack: SlackDriver) -> None:
    values = {"service": "checkout", "sli": "availability", "target": "lots", "window": "28"}
    response = await slack.submit(CallbackId.SLO, "C1", values)
    body = await response.json()
    assert body["response_action"] == "errors"
    assert "not a target" in body["errors"]["service"]
    await slack.settle()
    assert slack.fake.calls_to("chat.postEphemeral") == []


async def test_the_readiness_form_uses_selects(slack: SlackDriver) -> None:
    await slack.click(ActionId.OPEN_READINESS_FORM, "C1|", user="U2")
    await slack.settle()
    assert len(slack.fake.calls_to("views.open")) == 1
    response = await slack.submit(
        CallbackId.READINESS, "C1", {"culture": "yes", "pain": "yes", "credibility": "no"}, "U2"
    )
    assert response.status == 200
    await slack.settle()
    (result,) = slack.fake.calls_to("chat.postEphemeral")
    assert "1 weak spot" in result.params["text"]


async def test_app_home_shows_my_commitments(slack: SlackDriver) -> None:
    await slack.command("service checkout critical")
    await slack.command("slo checkout availability 99.9% 28d")
    await slack.command("own slo-report <@U2>")
    await slack.event(
        {"type": "app_home_opened", "user": "U2", "channel": "D1", "tab": "home", "event_ts": "1.1"}
    )
    await slack.settle()
    (published,) = slack.fake.calls_to("views.publish")
    assert published.params["user_id"] == "U2"
    view = published.params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    text = json.dumps(view)
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    assert "You own SLO report" in text
    assert "Sign off the SLOs of checkout" in text


async def test_home_for_a_stranger_invites_them(slack: SlackDriver) -> None:
    await slack.event(
        {"type": "app_home_opened", "user": "U9", "channel": "D9", "tab": "home", "event_ts": "1.1"}
    )
    await slack.settle()
    (published,) = slack.fake.calls_to("views.publish")
    assert "You are not in a coalition yet" in _texts({"blocks": published.params["view"]})


async def test_an_old_button_gets_a_polite_answer(slack: SlackDriver) -> None:
    response = await slack.click("sre_retired_button", "C1|x")
    assert response.status == 200
    await slack.settle()
    (ephemeral,) = slack.fake.calls_to("chat.postEphemeral")
    assert "no longer in use" in ephemeral.params["text"]
