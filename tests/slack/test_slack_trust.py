"""The front door: a request is verified before anything reads it, a refusal is one short log
line, and an event is claimed together with its effect, so none is lost or counted twice."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from multidict import CIMultiDict
from slack_bolt.adapter.socket_mode.async_internals import run_async_bolt_app
from slack_bolt.async_app import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.signature import SignatureVerifier
from slack_sdk.socket_mode.request import SocketModeRequest
from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.db.health_models import Activity
from bot.db.uow import Database
from bot.services import activity, coaching
from bot.services.request import Asker
from bot.slack.app import on_error
from bot.slack.server import BODY_CAP, VERIFIED, RejectionLog
from bot.slack.verification import Refusal, verified_text
from tests.builders import make_router, snapshot
from tests.fakeslack import TEAM_ID, FakeSlack
from tests.slackapp import SIGNING_SECRET, SlackDriver, event_wrapper, running_app

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
SECRET_TEXT = "hunter2-launch-codes"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
async def slack(db: Database, clock: ManualClock) -> AsyncIterator[SlackDriver]:
    async with running_app(db, clock) as driver:
        yield driver


def signed(body: bytes | str, timestamp: str | None = None, secret: str = SIGNING_SECRET) -> str:
    """Slack's v0 signature over the exact bytes, at `timestamp` (now by default)."""
    data = body.encode() if isinstance(body, str) else body
    ts = str(int(time.time())) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + data, hashlib.sha256)
    return f"v0={digest.hexdigest()}"


def headers(
    body: bytes | str, content_type: str, timestamp: str | None = None, secret: str = SIGNING_SECRET
) -> dict[str, str]:
    ts = str(int(time.time())) if timestamp is None else timestamp
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signed(body, ts, secret),
        "Content-Type": content_type,
    }


def command_body(text: str = "join lead") -> str:
    fields = {"team_id": TEAM_ID, "channel_id": "C1", "user_id": "U1", "command": "/sre"}
    return urlencode({**fields, "text": text, "response_url": "http://127.0.0.1:1/r"})


def interaction_body(payload: dict[str, Any]) -> str:
    base = {"team": {"id": TEAM_ID}, "user": {"id": "U1"}, "channel": {"id": "C1"}}
    return urlencode({"payload": json.dumps({**base, **payload})})


def message_event(event_id: str, text: str = "a plain message") -> str:
    event = {
        "type": "message",
        "user": "U1",
        "text": text,
        "ts": "1772442000.0001",
        "channel": "C1",
    }
    return json.dumps(event_wrapper(event, event_id))


SURFACES = {
    "slash command": (command_body(), FORM),
    "event": (message_event("EvSURFACE"), JSON),
    "block action": (
        interaction_body(
            {"type": "block_actions", "actions": [{"action_id": "sre_status", "value": "C1|"}]}
        ),
        FORM,
    ),
    "view submission": (
        interaction_body(
            {"type": "view_submission", "view": {"callback_id": "sre_slo", "state": {"values": {}}}}
        ),
        FORM,
    ),
}


def _unsigned(case: str, body: str, content_type: str) -> CIMultiDict[str]:
    now = int(time.time())
    good = headers(body, content_type)
    cases: dict[str, dict[str, str]] = {
        # Timestamps that are not ASCII epoch seconds, each signed with the real secret.
        "timestamp abc": headers(body, content_type, "abc"),
        "timestamp 1.5": headers(body, content_type, "1.5"),
        "timestamp empty": headers(body, content_type, ""),
        "timestamp negative": headers(body, content_type, f"-{now}"),
        "stale by 6 minutes": headers(body, content_type, str(now - 360)),
        "ahead by 6 minutes": headers(body, content_type, str(now + 360)),
        "wrong secret": headers(body, content_type, secret="not-the-secret"),
        "no signature": {k: v for k, v in good.items() if k != "X-Slack-Signature"},
        "no timestamp": {k: v for k, v in good.items() if k != "X-Slack-Request-Timestamp"},
        "no headers": {"Content-Type": content_type},
    }
    if case == "repeated signature":
        repeated = CIMultiDict(headers(body, content_type, secret="not-the-secret"))
        repeated.add("X-Slack-Signature", good["X-Slack-Signature"])
        return repeated
    return CIMultiDict(cases[case])


UNSIGNED_CASES = [
    "timestamp abc",
    "timestamp 1.5",
    "timestamp empty",
    "timestamp negative",
    "stale by 6 minutes",
    "ahead by 6 minutes",
    "wrong secret",
    "no signature",
    "no timestamp",
    "no headers",
    "repeated signature",
]


@pytest.mark.parametrize("surface", list(SURFACES))
async def test_unverified_requests_get_401_and_nothing_else(
    slack: SlackDriver, db: Database, caplog: pytest.LogCaptureFixture, surface: str
) -> None:
    caplog.set_level(logging.INFO)
    body, content_type = SURFACES[surface]
    before = await snapshot(db)
    for case in UNSIGNED_CASES:
        response = await slack.client.post(
            "/slack/events", data=body.encode(), headers=_unsigned(case, body, content_type)
        )
        assert response.status == 401, case
    await slack.settle()
    assert slack.fake.calls == []  # no ephemeral "sorry", not even auth.test
    assert await snapshot(db) == before
    assert "Traceback" not in caplog.text


MALFORMED = {
    "not JSON": ("{not json", JSON),
    "payload not JSON": ("payload=garbage", FORM),
    "JSON array": ("[1,2]", JSON),
    "JSON string": ('"event"', JSON),
    "empty": ("", JSON),
    "payload is an array": ("payload=%5B1%5D", FORM),
    "form without command": ("text=hello&user_id=U1", FORM),
    "command without user": ("command=%2Fsre&text=status&team_id=T0001&channel_id=C1", FORM),
    "event is a string": ('{"type": "event_callback", "event": "x", "event_id": "Ev1"}', JSON),
    "event without id": ('{"type": "event_callback", "event": {"type": "message"}}', JSON),
    "ids Bolt cannot read": ('{"type": "url_verification", "authorizations": "x"}', JSON),
    "actions empty": (interaction_body({"type": "block_actions", "actions": []}), FORM),
    "view missing": (interaction_body({"type": "view_submission"}), FORM),
    "deep nesting": ("[" * 100_000, JSON),
}


async def test_malformed_bodies_get_401_unsigned_and_400_signed(
    slack: SlackDriver, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    before = await snapshot(db)
    for name, (body, content_type) in MALFORMED.items():
        unsigned = headers(body, content_type, secret="not-the-secret")
        assert (await slack.raw(body, unsigned)).status == 401, name
        assert (await slack.raw(body, headers(body, content_type))).status == 400, name
    not_utf8 = b'{"type": "\xff"}'
    # slack_sdk's verifier checks UTF-8 text only, so such a body is never read: 401 even signed.
    assert (await slack.raw(not_utf8, headers(not_utf8, JSON))).status == 401
    await slack.settle()
    assert slack.fake.calls == []
    assert await snapshot(db) == before
    assert "Traceback" not in caplog.text
    assert "Error" not in caplog.text


async def test_a_timestamp_of_unicode_digits_is_not_a_timestamp() -> None:
    verifier = SignatureVerifier(SIGNING_SECRET)
    for timestamp in ("١٧٧٢٤٤٢٠٠٠", "²", "1" * 40):
        with pytest.raises(Refusal) as refused:
            verified_text(b"{}", [timestamp], [signed(b"{}", timestamp)], verifier)
        assert refused.value.status == 401
    with pytest.raises(Refusal):
        verified_text(b"{}", [str(int(time.time()))], ["v0=é"], verifier)


async def test_the_word_payload_in_a_command_is_just_a_word(slack: SlackDriver) -> None:
    # Bolt parses any form holding "payload" as an interaction: this command got a 404.
    response = await slack.command("guide what goes in the payload of an SLO report?")
    assert response.status == 200
    assert (await response.json())["response_type"] == "ephemeral"


async def test_slacks_ssl_check_is_answered(slack: SlackDriver) -> None:
    body = "ssl_check=1&token=legacy"
    assert (await slack.raw(body, headers(body, FORM))).status == 200
    assert (await slack.raw(body, headers(body, FORM, secret="wrong"))).status == 401


async def test_the_error_handler_never_answers_an_unverified_body(slack: SlackDriver) -> None:
    handle = on_error(slack.deps)
    body = interaction_body({"type": "block_actions", "actions": [{"action_id": "sre_x"}]})

    async def fail(context: dict[str, Any]) -> BoltResponse:
        request = AsyncBoltRequest(body=body, headers={"content-type": FORM}, context=context)
        response = BoltResponse(status=500)
        await handle(error=RuntimeError(), body=request.body, request=request, response=response)
        await slack.settle()
        return response

    assert (await fail({})).status == 401
    assert slack.fake.calls_to("chat.postEphemeral") == []
    assert (await fail({VERIFIED: True})).status == 200
    (sorry,) = slack.fake.calls_to("chat.postEphemeral")
    assert sorry.params["channel"] == "C1" and sorry.params["user"] == "U1"


async def test_socket_mode_bodies_count_as_verified(
    slack: SlackDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    form = {"team_id": TEAM_ID, "channel_id": "C1", "user_id": "U1", "command": "/sre"}
    request = SocketModeRequest("slash_commands", "env-1", {**form, "text": "help"})
    response = await run_async_bolt_app(slack.app, request)
    assert response.status == 200
    assert "/sre join" in response.body

    async def broken(*_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(slack.deps.router, "command", broken)
    failed = await run_async_bolt_app(slack.app, request)
    assert failed.status == 200
    assert "nothing was changed" in json.loads(failed.body)["text"]


async def test_a_flood_of_big_unsigned_requests_writes_a_few_lines(
    db: Database, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # before the app is built: Bolt's loggers take it up
    async with running_app(db, clock) as slack:
        await _flood(slack)
    assert SECRET_TEXT not in caplog.text
    # The test server's access log is the test's own; `sre-coach run` serves without one.
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "aiohttp.access")
    assert len(logged) < 1_000, logged
    door = [r for r in caplog.records if r.name == "bot.slack.server"]
    assert len(door) == 2  # one line per reason: over the cap, and no timestamp


async def _flood(slack: SlackDriver) -> None:
    big = (SECRET_TEXT + " ") * (1_000_000 // (len(SECRET_TEXT) + 1))
    small = json.dumps({"type": "event_callback", "event": {"text": SECRET_TEXT}})
    for body in [big] * 20 + [small] * 20:
        response = await slack.raw(body, {"Content-Type": JSON, "X-Slack-Signature": "v0=0"})
        assert response.status in (401, 413)
    assert (await slack.raw(big, headers(big, JSON))).status == 413  # signed or not


async def test_a_chunked_body_past_the_cap_is_refused(slack: SlackDriver) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(BODY_CAP // 65536 + 2):
            yield b"x" * 65536

    response = await slack.client.post(
        "/slack/events", data=chunks(), headers={"Content-Type": JSON, "X-Slack-Signature": "0"}
    )
    assert response.status == 413


async def test_slacks_largest_message_event_fits_under_the_cap(slack: SlackDriver) -> None:
    text = "日" * 40_000  # Slack's text limit, escaped as \\uXXXX, repeated in rich_text
    block = {"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": []}]}
    block["elements"][0]["elements"] = [{"type": "text", "text": text}]
    event = {"type": "message", "user": "U9", "text": text, "ts": "1.2", "channel": "C9"}
    body = json.dumps(event_wrapper({**event, "blocks": [block]}))
    assert len(body) > 480_000
    assert (await slack.raw(body, headers(body, JSON))).status == 200


async def test_a_stale_signed_event_leaves_no_text_in_the_log(
    db: Database, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # before the app is built: Bolt's loggers take it up
    body = message_event("EvSTALE", text=f"the password is {SECRET_TEXT}")
    stale = headers(body, JSON, str(int(time.time()) - 400))
    async with running_app(db, clock) as slack:
        assert (await slack.raw(body, stale)).status == 401
    assert SECRET_TEXT not in caplog.text
    assert "stale timestamp" in caplog.text


def test_repeated_rejections_fold_into_one_line_per_interval(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    moment = [0.0]
    rejections = RejectionLog(every=60, now=lambda: moment[0])
    for _ in range(50):
        rejections.note(401, "bad signature", 10)
    rejections.note(413, "body over the cap", None)
    moment[0] = 61
    rejections.note(401, "bad signature", 10)
    lines = [r.getMessage() for r in caplog.records]
    assert lines == [
        "refused a Slack request: 401 bad signature (10 bytes)",
        "refused a Slack request: 413 body over the cap (unknown length)",
        "refused a Slack request: 401 bad signature (10 bytes, and 49 more since the last line)",
    ]


async def test_sql_parameters_stay_out_of_the_debug_log(
    slack: SlackDriver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")  # as when debugging SQL
    await slack.command("join lead")
    response = await slack.command(f"checkin 4 6h wrote {SECRET_TEXT} blocked: nothing")
    assert response.status == 200
    assert "INSERT INTO" in caplog.text  # the engine logged its statements
    assert SECRET_TEXT not in caplog.text


async def test_healthz_says_only_ok_or_unreachable(clock: ManualClock) -> None:
    db = Database("postgresql+asyncpg://coach:hunter2@127.0.0.1:1/coach")
    async with running_app(db, clock) as slack:
        response = await slack.client.get("/healthz")
        assert response.status == 503
        assert await response.json() == {"ok": False, "database": "unreachable"}
        assert "Server" not in response.headers
        assert (await slack.client.get("/slack/events")).status == 405
    await db.dispose()


async def _messages(db: Database) -> int:
    async with db.sessions() as session:
        total = await session.scalar(select(func.sum(Activity.messages)))
    return int(total or 0)


async def test_an_event_whose_handling_failed_is_handled_on_redelivery(
    slack: SlackDriver, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    await slack.command("join lead")
    real, failures = activity.count, [RuntimeError("database blip")]

    async def flaky(*args: Any) -> bool:
        if failures:
            raise failures.pop()
        return await real(*args)

    monkeypatch.setattr(activity, "count", flaky)
    body = message_event("EvFLAKY")
    first = await slack.raw(body, headers(body, JSON))
    assert first.status == 500  # Slack delivers it again
    assert await _messages(db) == 0
    again = await slack.raw(body, headers(body, JSON))
    assert again.status == 200
    assert await _messages(db) == 1
    assert (await slack.raw(body, headers(body, JSON))).status == 200  # a later retry: dropped
    assert await _messages(db) == 1


async def test_a_mention_whose_answer_failed_is_answered_on_redelivery(
    slack: SlackDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    real, failures = coaching.answer, [RuntimeError("boom")]

    async def flaky(*args: Any) -> Any:
        if failures:
            raise failures.pop()
        return await real(*args)

    monkeypatch.setattr(coaching, "answer", flaky)
    event = {"type": "app_mention", "user": "U1", "text": "how?", "ts": "1.2", "channel": "C1"}
    assert (await slack.event(event, event_id="EvMENTION")).status == 500
    assert (await slack.event(event, event_id="EvMENTION")).status == 200
    assert (await slack.event(event, event_id="EvMENTION")).status == 200
    await slack.settle()
    assert len(slack.fake.calls_to("chat.postMessage")) == 1
    assert slack.fake.calls_to("chat.postEphemeral") == []


async def test_concurrent_deliveries_of_one_event_count_once(
    slack: SlackDriver, db: Database
) -> None:
    await slack.command("join lead")
    body = message_event("EvTWICE")
    responses = await asyncio.gather(*(slack.raw(body, headers(body, JSON)) for _ in range(3)))
    assert [r.status for r in responses] == [200, 200, 200]
    assert await _messages(db) == 1


class Worker:
    """The front door in its own process (tests/event_worker.py), on a port of its own."""

    def __init__(self, process: asyncio.subprocess.Process, url: str) -> None:
        self.process, self.url = process, url

    @classmethod
    async def start(cls, db: Database, fake: FakeSlack, *, stall: bool = False) -> Worker:
        args = [db.url, fake.base_url, *(["stall"] if stall else [])]
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.event_worker", *args, cwd=ROOT,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        line = await cls._line(process)
        assert line.startswith("listening"), line
        return cls(process, f"http://127.0.0.1:{line.split()[1]}/slack/events")

    @staticmethod
    async def _line(process: asyncio.subprocess.Process) -> str:
        assert process.stdout is not None
        return (await asyncio.wait_for(process.stdout.readline(), timeout=60)).decode().strip()

    async def says(self) -> str:
        return await self._line(self.process)

    async def deliver(self, http: aiohttp.ClientSession, body: str) -> int:
        async with http.post(self.url, data=body.encode(), headers=headers(body, JSON)) as r:
            return r.status

    async def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        assert await self.process.wait() == 0


async def test_an_event_cut_short_by_sigkill_is_counted_on_redelivery(
    db: Database, clock: ManualClock
) -> None:
    await make_router(db, clock).command(Asker(TEAM_ID, "C1", "U1"), "join lead")
    body = message_event("EvKILLED")
    async with FakeSlack() as fake, aiohttp.ClientSession() as http:
        first = await Worker.start(db, fake, stall=True)
        delivery = asyncio.create_task(first.deliver(http, body))
        assert await first.says() == "counting"  # the event is claimed, its count not yet made
        await first.kill()
        with pytest.raises(aiohttp.ClientError):
            await delivery  # Slack saw no answer: it delivers the event again
        second = await Worker.start(db, fake)
        assert await second.deliver(http, body) == 200
        assert await second.deliver(http, body) == 200  # and a later retry is dropped
        await second.stop()
    assert await _messages(db) == 1
