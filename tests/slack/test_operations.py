"""`/metrics` and `/readyz` as Prometheus and an orchestrator see them.

The exposition is read with the Prometheus client's own text parser; the counters move when
the real Bolt app acks a signed request and when the beat sends a nudge; no label value is an
id. Readiness fails when the database does not answer, when a migration is pending, when the
beat is stuck and while stopping; it passes otherwise.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import threading
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from alembic import command
from alembic.script import ScriptDirectory
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.clock import ManualClock
from bot.db.migrate import alembic_config, revisions
from bot.db.uow import Database
from bot.doc import Doc
from bot.metrics import Metrics
from bot.outcome import Post, ToChannel
from bot.ports import DeliveryError, OneWorkspace
from bot.scheduling.due import DueWork
from bot.scheduling.timer import STALE_AFTER, TICK_SECONDS, Timer
from bot.settings import Settings
from bot.slack.app import make_client
from bot.slack.messenger import SlackMessenger
from bot.slack.operations import (
    Operations,
    Readiness,
    TimedSocketModeHandler,
    count_errors,
    operations_app,
)
from bot.slack.workspaces import TeamMessengers, TeamToken
from tests.builders import content, make_router, three_members
from tests.conftest import _pg_admin, postgres_database_url
from tests.fakeslack import TEAM_ID, FakeSlack
from tests.slackapp import SlackDriver, running_app

USER, CHANNEL = "U0AAA111", "C0BBB222"  # shaped like real Slack ids, so a leak would show
SLACK_ID = re.compile(r"^[UCTWGDEB][A-Z0-9]{5,}$")
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def parse(text: str) -> Samples:
    """Every sample of the exposition, by name and labels, through Prometheus' own parser."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def assert_no_ids(text: str, *ids: str) -> None:
    """No label value looks like a Slack id, and none of the ids the test used shows at all."""
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            assert not [v for v in s.labels.values() if SLACK_ID.match(v)], s
    assert not [i for i in ids if i in text]


def operations(
    db: Database, metrics: Metrics, beating: Callable[[], bool] = lambda: True
) -> Operations:
    head, known = revisions()
    return Operations(metrics, Readiness(db, head, known, beating))


@pytest.fixture
def metrics(db: Database) -> Metrics:
    """A fresh registry, counting what the database's units of work see too."""
    counted = Metrics(db.pool_state)
    db.meter = counted
    return counted


async def scrape(slack: SlackDriver) -> tuple[str, Samples]:
    response = await slack.client.get("/metrics")
    assert response.status == 200
    assert response.content_type == "text/plain"
    text = await response.text()
    return text, parse(text)


async def test_metrics_move_when_requests_are_acked(
    db: Database, clock: ManualClock, metrics: Metrics
) -> None:
    async with running_app(db, clock, operations(db, metrics)) as slack:
        _, before = await scrape(slack)
        assert value(before, "sre_coach_ack_seconds_count", surface="command") == 0
        response = await slack.command("join lead", user=USER, channel=CHANNEL)
        assert response.status == 200
        await slack.click("sre_unknown", f"{CHANNEL}|x", user=USER)
        message = {"type": "message", "user": USER, "channel": CHANNEL, "text": "secret words",
                   "ts": "1700000000.000100"}  # fmt: skip
        for _ in range(2):  # Slack's retry of the same delivery
            assert (await slack.event(message, event_id="Ev0REPEAT1")).status == 200
        bad = await slack.post("text=help", "application/x-www-form-urlencoded", secret="wrong")
        assert bad.status == 401
        await slack.settle()
        text, after = await scrape(slack)
    assert value(after, "sre_coach_ack_seconds_count", surface="command") == 1
    assert value(after, "sre_coach_ack_seconds_bucket", surface="command", le="1.0") == 1
    assert value(after, "sre_coach_ack_seconds_count", surface="action") == 1
    assert value(after, "sre_coach_ack_seconds_count", surface="event") == 2
    assert value(after, "sre_coach_events_deduplicated_total") == 1
    assert value(after, "sre_coach_requests_refused_total", status="401") == 1
    assert value(after, "sre_coach_db_pool_in_use") >= 0
    assert_no_ids(text, USER, CHANNEL, TEAM_ID, "Ev0REPEAT1", "secret words")


async def test_metrics_move_when_a_nudge_is_sent(
    db: Database, clock: ManualClock, metrics: Metrics
) -> None:
    await three_members(make_router(db, clock), clock)
    async with FakeSlack() as fake:
        settings = Settings(
            _env_file=None, slack_bot_token=SecretStr("xoxb-beat"), slack_api_base_url=fake.base_url
        )  # type: ignore[call-arg]
        client = count_errors(make_client(settings, retries=False), metrics)
        messengers = OneWorkspace(SlackMessenger(client))
        work = DueWork(db, messengers, clock, content(), "metrics-test", meter=metrics)
        fake.fail_next("chat.postMessage", status=200, error="channel_not_found")
        await work.walk(clock, clock.now() + timedelta(days=7))
    samples = parse(text := metrics.exposition().decode())
    sent = sum(v for (name, labels), v in samples.items()
               if name == "sre_coach_nudges_total" and ("outcome", "sent") in labels)  # fmt: skip
    assert sent == len(fake.calls_to("chat.postMessage")) > 0
    assert value(samples, "sre_coach_nudges_total", kind="digest", outcome="planned") >= 1
    assert value(samples, "sre_coach_nudges_total", kind="digest", outcome="failed") == 1
    lateness = sum(v for (name, _), v in samples.items()
                   if name == "sre_coach_nudge_lateness_seconds_count")  # fmt: skip
    buckets = "sre_coach_nudge_lateness_seconds_bucket"
    on_time = sum(v for (name, labels), v in samples.items()
                  if name == buckets and ("le", "300.0") in labels)  # fmt: skip
    assert lateness == on_time == sent  # simulated time sends each one at its moment
    errors = ("sre_coach_slack_api_errors_total",)
    assert value(samples, *errors, method="chat.postMessage", error="channel_not_found") == 1
    for stage in ("planner", "dispatcher"):
        assert value(samples, "sre_coach_tick_seconds_count", stage=stage) > 0
    assert value(samples, "sre_coach_last_tick_timestamp_seconds") > 0
    assert_no_ids(text, "U1", "U2", "U3", TEAM_ID)


async def test_readyz_is_200_when_ready_and_503_while_stopping(
    db: Database, clock: ManualClock, metrics: Metrics
) -> None:
    ops = operations(db, metrics)
    async with running_app(db, clock, ops) as slack:
        response = await slack.client.get("/readyz")
        assert response.status == 200
        assert await response.json() == {
            "ok": True, "database": "ok", "migrations": "at head", "scheduler": "ok"
        }  # fmt: skip
        ops.readiness.stopping = True
        response = await slack.client.get("/readyz")
        assert response.status == 503
        assert await response.json() == {"ok": False, "status": "stopping"}


@pytest.mark.parametrize(
    "url",
    ["sqlite+aiosqlite:////nonexistent-directory/coach.db",
     "postgresql+asyncpg://postgres@127.0.0.1:1/coach"],  # nothing listens on port 1
    ids=["sqlite", "postgresql"],
)  # fmt: skip
async def test_readyz_is_503_when_the_database_is_unreachable(url: str) -> None:
    db = Database(url)
    head, known = revisions()
    ready, report = await Readiness(db, head, known, lambda: True).check()
    await db.dispose()
    # aiosqlite stops the worker thread of a failed connection without waiting for it: let it
    # finish while this loop still runs, or it reports to a closed loop after the test.
    for thread in threading.enumerate():
        if thread.name.endswith("(_connection_worker_thread)"):
            await asyncio.to_thread(thread.join, 2)
    assert not ready
    assert report == {"database": "unreachable", "scheduler": "ok"}


@pytest.fixture
async def half_migrated(database_url: str, tmp_path: Path) -> AsyncIterator[Database]:
    """A database of this backend one migration short of head."""
    head, _ = revisions()
    scripts = ScriptDirectory.from_config(alembic_config(""))
    previous = scripts.get_revision(head).down_revision
    assert isinstance(previous, str)
    if database_url.startswith("sqlite"):
        url, name = f"sqlite+aiosqlite:///{tmp_path / 'half.db'}", None
    else:
        name = f"coach_half_{os.getpid()}"
        await asyncio.to_thread(_pg_admin, f"DROP DATABASE IF EXISTS {name}")
        await asyncio.to_thread(_pg_admin, f"CREATE DATABASE {name}")
        url = postgres_database_url(name)
    await asyncio.to_thread(command.upgrade, alembic_config(url), previous)
    db = Database(url)
    yield db
    await db.dispose()
    if name:
        await asyncio.to_thread(_pg_admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


async def test_readyz_is_503_while_a_migration_is_pending(half_migrated: Database) -> None:
    head, known = revisions()
    ready, report = await Readiness(half_migrated, head, known, lambda: True).check()
    assert not ready
    assert report == {"database": "ok", "migrations": "pending", "scheduler": "ok"}
    await asyncio.to_thread(command.upgrade, alembic_config(half_migrated.url), "head")
    ready, report = await Readiness(half_migrated, head, known, lambda: True).check()
    assert ready and report["migrations"] == "at head"


async def test_readyz_without_any_migration_is_pending(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
    head, known = revisions()
    ready, report = await Readiness(db, head, known, lambda: True).check()
    await db.dispose()
    assert not ready and report["migrations"] == "pending"


async def test_readyz_serves_a_schema_newer_than_this_build(db: Database) -> None:
    """A rolling upgrade: a newer replica migrated the database; this one still serves."""
    ready, report = await Readiness(db, "9999", frozenset({"0001"}), lambda: True).check()
    assert ready and report["migrations"] == "newer"


async def test_readyz_is_503_when_the_beat_is_stuck(db: Database) -> None:
    head, known = revisions()
    ready, report = await Readiness(db, head, known, lambda: False).check()
    assert not ready and report["scheduler"] == "stale"


def test_the_beat_is_stale_after_three_missed_ticks() -> None:
    now = [1000.0]
    timer = Timer(DueWork.__new__(DueWork), now=lambda: now[0])  # never started: no work runs
    assert timer.ticked_recently()  # a fresh replica is ready at once
    now[0] += STALE_AFTER * TICK_SECONDS
    assert timer.ticked_recently()
    now[0] += 1
    assert not timer.ticked_recently()


async def test_socket_modes_small_server_serves_the_probes_and_metrics(
    db: Database, metrics: Metrics
) -> None:
    ops = operations(db, metrics)
    metrics.ack("command", 0.004)
    async with TestClient(TestServer(operations_app(db, ops))) as client:
        for path in ("/healthz", "/readyz"):
            assert (await client.get(path)).status == 200
        text = await (await client.get("/metrics")).text()
        assert value(parse(text), "sre_coach_ack_seconds_count", surface="command") == 1
        assert (await client.post("/slack/events", data="{}")).status in (404, 405)


async def test_socket_mode_acks_are_timed_on_the_websocket(
    db: Database, clock: ManualClock, metrics: Metrics
) -> None:
    answered: list[SocketModeResponse] = []

    class Websocket:
        logger = logging.getLogger("tests.websocket")

        async def send_socket_mode_response(self, response: SocketModeResponse) -> None:
            answered.append(response)

    command = {"command": "/sre", "text": "help", "team_id": TEAM_ID, "user_id": USER,
               "channel_id": CHANNEL, "trigger_id": "1.2.3"}  # fmt: skip
    async with running_app(db, clock) as slack:
        handler = TimedSocketModeHandler(slack.app, "xapp-test")
        handler.metrics = metrics
        request = SocketModeRequest(type="slash_commands", envelope_id="E1", payload=command)
        await handler.handle(Websocket(), request)  # type: ignore[arg-type]
        await handler.client.close()  # type: ignore[no-untyped-call]
    (ack,) = answered
    assert ack.envelope_id == "E1" and "/sre status" in str(ack.payload)
    text = metrics.exposition().decode()
    assert value(parse(text), "sre_coach_ack_seconds_count", surface="command") == 1
    assert_no_ids(text, USER, CHANNEL, TEAM_ID)


class _Tokens:
    """Every workspace has a token (OAuth mode's directory, minus the database)."""

    def fresh_tick(self) -> None:
        """Nothing cached."""

    async def token_for(self, team_id: str, enterprise_id: str | None = None) -> TeamToken:
        return TeamToken(team_id, f"xoxb-{team_id}")

    async def park(self, team_id: str, reason: str) -> int:
        return 0


async def test_each_workspaces_beat_client_counts_its_web_api_errors(metrics: Metrics) -> None:
    async with FakeSlack() as fake:
        messengers = TeamMessengers(_Tokens(), fake.base_url, metrics)
        messenger = await messengers.for_team(TEAM_ID)
        assert isinstance(messenger, SlackMessenger)
        fake.fail_next("chat.postMessage", status=200, error="not_in_channel")
        with pytest.raises(DeliveryError):
            await messenger.send(Post(ToChannel(CHANNEL), Doc.text("hello")))
    samples = parse(text := metrics.exposition().decode())
    errors = "sre_coach_slack_api_errors_total"
    assert value(samples, errors, method="chat.postMessage", error="not_in_channel") == 1
    assert_no_ids(text, TEAM_ID, CHANNEL)


async def test_kept_status_replies_are_counted(
    db: Database, clock: ManualClock, metrics: Metrics
) -> None:
    await db.changes.listen()  # as `sre-coach run` does (PostgreSQL: hear other replicas)
    async with running_app(db, clock, operations(db, metrics)) as slack:
        await slack.command("join lead", user=USER, channel=CHANNEL)
        for _ in range(3):
            assert (await slack.command("status", user=USER, channel=CHANNEL)).status == 200
        _, after = await scrape(slack)
    assert value(after, "sre_coach_kept_replies_total", result="worked_out") == 1
    assert value(after, "sre_coach_kept_replies_total", result="reused") == 2
