"""`/sre import` in Slack, through the real HTTP app and the fake Web API: files shared in the
channel (file_shared events), read with files.info and the private URL (bot token), imported
by the one importer, answered with a summary; the sponsor report shared as files."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.db.rollout_models import ServiceRow
from bot.db.uow import Database
from tests.slackapp import SlackDriver, running_app

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "catalog"
CHANNEL = "C1"


@pytest.fixture
async def slack(db: Database, clock: ManualClock) -> AsyncIterator[SlackDriver]:
    async with running_app(db, clock) as driver:
        for user, role in (("U1", "lead"), ("U2", "pm"), ("U3", "member")):
            await driver.command(f"join {role}", user=user, channel=CHANNEL)
        await driver.command("import critical tag:tier-1", user="U1", channel=CHANNEL)
        await driver.settle()
        driver.fake.reset()
        yield driver


def _read(path: Path) -> bytes:
    return path.read_bytes()


async def _share(slack: SlackDriver, path: Path, user: str = "U3", name: str = "") -> None:
    event = slack.fake.share_file(name or path.name, _read(path), user, CHANNEL)
    assert (await slack.event(event)).status == 200


async def _summary(slack: SlackDriver, user: str = "U3") -> str:
    await slack.settle()
    (answer,) = [c for c in slack.fake.calls_to("chat.postEphemeral") if c.params["user"] == user]
    return json.dumps(answer.params.get("blocks")) + str(answer.params.get("text"))


async def _names(db: Database) -> set[str]:
    async with db.sessions() as session:
        return set(await session.scalars(select(ServiceRow.name)))


async def test_shared_files_are_downloaded_with_the_bot_token_and_imported(
    slack: SlackDriver, db: Database
) -> None:
    await _share(slack, FIXTURES / "backstage" / "components" / "payments.yaml")
    await _share(slack, FIXTURES / "backstage" / "catalog-info.yaml")
    await _share(slack, FIXTURES / "slo" / "openslo" / "valid.yaml", name="slos.yml")
    picture = slack.fake.share_file("diagram.png", b"\x89PNG...", "U3", CHANNEL)
    await slack.event(picture)
    response = await slack.command("import", user="U3", channel=CHANNEL)
    assert "Reading 4 shared file(s)" in json.dumps(await response.json())
    text = await _summary(slack)
    assert "Services: 2 new" in text and "SLOs: 1 new" in text, text
    assert "1 other(s) skipped" in text
    assert await _names(db) == {"payments", "checkout"}
    assert len(slack.fake.calls_to("files.info")) == 4
    assert {token for _, token in slack.fake.downloads} == {"xoxb-test-token"}
    slack.fake.reset()
    again = await slack.command("import", user="U3", channel=CHANNEL)  # each file is read once
    assert "Share the YAML files" in json.dumps(await again.json())


async def test_a_malformed_upload_imports_nothing_and_names_the_field(
    slack: SlackDriver, db: Database
) -> None:
    await _share(slack, FIXTURES / "backstage" / "components" / "payments.yaml")
    await _share(slack, FIXTURES / "slo" / "sloth" / "malformed.yaml")
    await slack.command("import", user="U3", channel=CHANNEL)
    text = await _summary(slack)
    assert "Nothing was imported" in text and "malformed.yaml:document" in text
    assert await _names(db) == set()


async def test_a_dry_run_and_someone_elses_files(slack: SlackDriver, db: Database) -> None:
    await _share(slack, FIXTURES / "backstage" / "components" / "payments.yaml", user="U2")
    mine = await slack.command("import dry-run", user="U3", channel=CHANNEL)
    assert "Share the YAML files" in json.dumps(await mine.json())  # U2's, not U3's
    await slack.command("import dry-run", user="U2", channel=CHANNEL)
    text = await _summary(slack, "U2")
    assert "Import, dry run" in text and "Would change" in text
    assert await _names(db) == set()


async def test_an_oversized_file_is_not_downloaded(slack: SlackDriver, db: Database) -> None:
    event = slack.fake.share_file("huge.yaml", b"# " + b"x" * (1024 * 1024), "U3", CHANNEL)
    await slack.event(event)
    await slack.command("import", user="U3", channel=CHANNEL)
    text = await _summary(slack)
    assert "larger than 1024 KiB" in text and "Nothing was imported" in text
    assert slack.fake.downloads == []


async def test_files_from_strangers_or_other_channels_are_not_kept(
    slack: SlackDriver, db: Database
) -> None:
    stranger = slack.fake.share_file("a.yaml", b"{}", "U9", CHANNEL)
    elsewhere = slack.fake.share_file("b.yaml", b"{}", "U3", "C2")
    await slack.event(stranger)
    await slack.event(elsewhere)
    for user in ("U9", "U3"):
        reply = await slack.command("import", user=user, channel=CHANNEL)
        assert "files.info" not in json.dumps(await reply.json())
    await slack.settle()
    assert slack.fake.calls_to("files.info") == []


async def test_the_report_is_shared_as_two_files(slack: SlackDriver) -> None:
    response = await slack.command("report", user="U3", channel=CHANNEL)
    assert "SRE rollout report" in json.dumps(await response.json())
    await slack.settle()
    names = [c.params["filename"] for c in slack.fake.calls_to("files.getUploadURLExternal")]
    assert [n.rsplit(".", 1)[1] for n in names] == ["md", "png"]
    completed = slack.fake.calls_to("files.completeUploadExternal")
    assert {c.params["channel_id"] for c in completed} == {CHANNEL}


async def test_files_shared_long_ago_are_not_read(
    slack: SlackDriver, db: Database, clock: ManualClock
) -> None:
    await _share(slack, FIXTURES / "backstage" / "components" / "payments.yaml")
    clock.advance(timedelta(days=2))
    reply = await slack.command("import", user="U3", channel=CHANNEL)
    assert "Share the YAML files" in json.dumps(await reply.json())
    await slack.settle()
    assert slack.fake.calls_to("files.info") == []
