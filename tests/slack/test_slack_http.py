"""The real Bolt app over HTTP with signed requests, answering through a fake Slack Web API."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

import pytest

from bot.clock import ManualClock
from bot.db.uow import Database
from tests.builders import snapshot
from tests.fakeslack import BOT_USER_ID
from tests.slackapp import SlackDriver, running_app


@pytest.fixture
async def slack(db: Database, clock: ManualClock) -> AsyncIterator[SlackDriver]:
    async with running_app(db, clock) as driver:
        yield driver


async def test_help_is_answered_inline_with_every_subcommand(slack: SlackDriver) -> None:
    started = time.perf_counter()
    response = await slack.command("help")
    elapsed = time.perf_counter() - started
    assert response.status == 200
    body = await response.json()
    assert body["response_type"] == "ephemeral"
    text = json.dumps(body["blocks"])
    for sub in ("help", "status", "join", "leave", "role"):
        assert f"/sre {sub}" in text
    assert elapsed < 1.0


async def test_bad_signature_is_refused(slack: SlackDriver, db: Database) -> None:
    before = await snapshot(db)
    response = await slack.command("join", secret="not-the-secret")
    assert response.status == 401
    assert await snapshot(db) == before


async def test_stale_timestamp_is_refused(slack: SlackDriver, db: Database) -> None:
    before = await snapshot(db)
    response = await slack.command("join", timestamp=int(time.time()) - 6 * 60)
    assert response.status == 401
    assert await snapshot(db) == before


async def test_url_verification_echoes_the_challenge(slack: SlackDriver) -> None:
    body = json.dumps({"token": "t", "challenge": "c-123", "type": "url_verification"})
    response = await slack.post(body, "application/json")
    assert response.status == 200
    assert (await response.json())["challenge"] == "c-123"


async def test_join_replies_privately_and_announces_in_the_channel(slack: SlackDriver) -> None:
    response = await slack.command("join lead")
    assert (await response.json())["response_type"] == "ephemeral"
    await slack.settle()
    (post,) = slack.fake.calls_to("chat.postMessage")
    assert post.params["channel"] == "C1"
    assert "<@U1> joined the SRE coalition as lead" in post.params["text"]
    status = await (await slack.command("status")).json()
    assert "<@U1> (lead)" in json.dumps(status["blocks"])


async def test_role_change_is_public(slack: SlackDriver) -> None:
    await slack.command("join")
    await slack.command("join", user="U2")
    body = await (await slack.command("role <@U2|bob> pm")).json()
    assert body["response_type"] == "in_channel"


async def test_bad_input_gets_an_ephemeral_usage(slack: SlackDriver, db: Database) -> None:
    before = await snapshot(db)
    for text in ("bogus", "x" * 10_000, "join \u202e\u0000wizard", ""):
        response = await slack.command(text)
        assert response.status == 200
        body = await response.json()
        assert body["response_type"] == "ephemeral"
        assert len(body["text"]) < 400
    assert await snapshot(db) == before


async def test_mention_is_answered_in_its_thread(slack: SlackDriver) -> None:
    event = {
        "type": "app_mention",
        "user": "U1",
        "text": f"<@{BOT_USER_ID}> how do we start?",
        "ts": "1700000001.000200",
        "channel": "C1",
    }
    response = await slack.event(event)
    assert response.status == 200
    await slack.settle()
    (post,) = slack.fake.calls_to("chat.postMessage")
    assert post.params["thread_ts"] == "1700000001.000200"
    assert "/sre guide" in json.dumps(post.params["blocks"])


async def test_a_retried_event_is_handled_once(slack: SlackDriver) -> None:
    event = {"type": "app_mention", "user": "U1", "text": "hi", "ts": "1.2", "channel": "C1"}
    statuses = [(await slack.event(event, event_id="EvSAME")).status for _ in range(3)]
    assert statuses == [200, 200, 200]
    await slack.settle()
    assert len(slack.fake.calls_to("chat.postMessage")) == 1


async def test_channel_joins_and_leaves_are_recorded_but_not_the_bots_own(
    slack: SlackDriver, db: Database
) -> None:
    base = {"channel": "C1", "channel_type": "C", "team": "T0001"}
    await slack.event({"type": "member_joined_channel", "user": "U7", **base})
    await slack.event({"type": "member_joined_channel", "user": BOT_USER_ID, **base})
    await slack.event({"type": "member_left_channel", "user": "U7", **base})
    async with db.unit_of_work("T0001") as uow:
        changes = await uow.coalitions.channel_changes("C1")
    assert [(c.user_id, c.change) for c in changes] == [("U7", "joined"), ("U7", "left")]


async def test_channel_messages_are_acknowledged_without_storing_text(
    slack: SlackDriver, db: Database
) -> None:
    before = await snapshot(db)
    event = {"type": "message", "user": "U1", "text": "secret plans", "ts": "5.6", "channel": "C1"}
    response = await slack.event(event)
    assert response.status == 200
    after = await snapshot(db)
    assert "secret plans" not in repr(after)
    assert {k: v for k, v in after.items() if k != "received_events"} == {
        k: v for k, v in before.items() if k != "received_events"
    }


async def test_healthz_checks_the_database(slack: SlackDriver) -> None:
    response = await slack.client.get("/healthz")
    assert response.status == 200
    assert (await response.json())["database"] == "ok"


async def test_an_unexpected_failure_gets_a_short_ephemeral(
    slack: SlackDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(slack.deps.router, "command", broken)
    response = await slack.command("status")
    assert response.status == 200
    body = await response.json()
    assert body["response_type"] == "ephemeral"
    assert "nothing was changed" in body["text"]
    assert "boom" not in body["text"]


async def test_healthz_reports_an_unreachable_database(clock: ManualClock) -> None:
    db = Database("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    async with running_app(db, clock) as slack:
        response = await slack.client.get("/healthz")
        assert response.status == 503
    await db.dispose()
