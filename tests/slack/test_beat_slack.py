"""The beat through Slack's Web API (the fake): file upload flow, 429s, check-in from a DM."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from bot.action_ids import ActionId, CallbackId
from bot.clock import ManualClock
from bot.db.beat_models import CheckIn, Nudge
from bot.db.uow import Database
from bot.scheduling.due import DueWork
from bot.settings import Settings
from bot.slack.app import make_client
from bot.slack.messenger import SlackMessenger
from tests.builders import due_work
from tests.slackapp import SlackDriver, running_app


@pytest.fixture
async def slack(db: Database, clock: ManualClock) -> AsyncIterator[SlackDriver]:
    async with running_app(db, clock) as driver:
        await driver.command("join lead", user="U1")
        await driver.command("join pm", user="U2")
        await driver.command("role <@U2> pm", user="U1")
        await driver.command(
            f"deadline {(clock.now() + timedelta(days=30)).date()} Peak", user="U1"
        )
        await driver.settle()
        yield driver


def beat(db: Database, clock: ManualClock, driver: SlackDriver) -> DueWork:
    settings = Settings(
        _env_file=None,
        slack_bot_token=SecretStr("xoxb-test"),
        slack_api_base_url=driver.fake.base_url,
    )  # type: ignore[call-arg]
    return due_work(db, SlackMessenger(make_client(settings, retries=False)), clock, "slack-test")


async def test_the_digest_chart_uses_slacks_current_upload_flow(
    slack: SlackDriver, db: Database, clock: ManualClock
) -> None:
    work = beat(db, clock, slack)
    await work.walk(clock, clock.now() + timedelta(days=7))
    fake = slack.fake
    (url_call,) = fake.calls_to("files.getUploadURLExternal")
    assert url_call.params["filename"].endswith(".png")
    (complete,) = fake.calls_to("files.completeUploadExternal")
    assert complete.params["channel_id"] == "C1"
    assert next(iter(fake.uploads.values())) > 1000
    assert fake.calls_to("files.upload") == []  # the retired method is never used
    assert fake.calls_to("users.info")  # time zones were looked up once per member


async def test_a_429_waits_for_retry_after_then_sends_once(
    slack: SlackDriver, db: Database, clock: ManualClock
) -> None:
    slack.fake.fail_next("chat.postMessage", status=429, retry_after=120)
    before = len(slack.fake.posts_to("C1"))  # the join announcements
    work = beat(db, clock, slack)
    await work.run()  # Monday 09:00: nothing due yet
    clock.set(clock.now().replace(hour=9, minute=30))
    await work.run()  # the digest gets the 429
    async with db.sessions() as session:
        digest = (await session.scalars(select(Nudge).where(Nudge.kind == "digest"))).one()
    assert digest.status == "pending"
    assert digest.due_at == clock.now() + timedelta(seconds=120)
    clock.advance(timedelta(seconds=119))
    await work.run()
    assert len(slack.fake.posts_to("C1")) == before
    clock.advance(timedelta(seconds=1))
    await work.run()
    assert len(slack.fake.posts_to("C1")) == before + 1


async def test_checking_in_from_the_dm_button(
    slack: SlackDriver, db: Database, clock: ManualClock
) -> None:
    await slack.command("ask <@U2> checkins on", user="U1")  # a PM is asked only if a lead says
    await beat(db, clock, slack).walk(clock, clock.now() + timedelta(days=1, hours=2))
    (dm,) = [c for c in slack.fake.posts_to("U2")][:1]
    blocks = dm.params["blocks"]
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    button = next(
        e
        for b in blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == ActionId.OPEN_CHECKIN_FORM
    )
    await slack.click(button["action_id"], button["value"], user="U2")
    await slack.settle()
    (opened,) = slack.fake.calls_to("views.open")
    assert opened.params["view"]["callback_id"] == CallbackId.CHECKIN
    values = {"energy": "2", "hours": "6", "progress": "drafted SLOs", "blockers": "no PM time"}
    response = await slack.submit(CallbackId.CHECKIN, "C1", values, user="U2")
    assert response.status == 200
    await slack.settle()
    async with db.sessions() as session:
        row = (await session.scalars(select(CheckIn).where(CheckIn.user_id == "U2"))).one()
    assert (row.energy, row.hours, row.blockers) == (2, 6, "no PM time")
    (thanks,) = slack.fake.calls_to("chat.postEphemeral")
    assert "Energy sounds low" in thanks.params["text"]
