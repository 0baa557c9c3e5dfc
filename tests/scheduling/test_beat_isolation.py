"""One coalition's bad data never stops another's beat: the planner, the dispatcher, the chart
and the purge take each coalition and each nudge on its own, park what fails, and go on."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from pydantic import SecretStr
from sqlalchemy import select, text

from bot.clock import ManualClock
from bot.db.beat_models import Nudge
from bot.db.health_models import Activity, HealthStanding
from bot.db.models import Coalition
from bot.db.uow import Database
from bot.domain.mentions import person
from bot.render.text import render
from bot.scheduling.due import DueWork
from bot.services.request import Asker
from bot.settings import Settings
from bot.slack.app import make_client
from bot.slack.messenger import SlackMessenger
from bot.views.beat import Outbox, Trouble, schedule
from tests.builders import CHANNEL, TEAM, asker, due_work, make_router, reply_text, three_members
from tests.fakeslack import TEAM_ID
from tests.slackapp import SlackDriver, running_app
from tests.transcript import Transcript

FINE_TEAM, FINE_CHANNEL = "T0FINE", "C0FINE"
FINE_PEOPLE = ("F1", "F2", "F3")
CORRUPTIONS = {
    "none": "UPDATE coalitions SET muted = muted WHERE team_id = :team",  # the control
    # 9999-12-31 + 1 day overflows in the planner (the retro after the deadline)
    "end-of-time": ("UPDATE coalitions SET deadline_on = '9999-12-31' WHERE team_id = :team"),
    # a deadline matplotlib cannot place on the digest's chart
    "far-deadline": ("UPDATE coalitions SET deadline_on = '9999-09-01' WHERE team_id = :team"),
    # a rhythm the cadence refuses, so the coalition cannot even be loaded as a beat
    "bad-rhythm": "UPDATE coalitions SET near_weeks = 0 WHERE team_id = :team",
}


async def corrupt(db: Database, statement: str, team: str) -> None:
    """Change a workspace's rows behind the commands' back, as a bad hand edit would."""
    async with db.sessions() as session:
        await session.execute(text(statement), {"team": team})
        await session.commit()


def slack_beat(db: Database, clock: ManualClock, driver: SlackDriver) -> DueWork:
    settings = Settings(
        _env_file=None,
        slack_bot_token=SecretStr("xoxb-test"),
        slack_api_base_url=driver.fake.base_url,
    )  # type: ignore[call-arg]
    return due_work(db, SlackMessenger(make_client(settings, retries=False)), clock, "beat")


@pytest.fixture
async def slack(db: Database, clock: ManualClock) -> AsyncIterator[SlackDriver]:
    """Workspace T0001 over HTTP (the one that will be corrupted) and a healthy bystander."""
    async with running_app(db, clock) as driver:
        for user, role in (("U1", "lead"), ("U2", "pm"), ("U3", "member")):
            await driver.command(f"join {role}", user=user)
        deadline = (clock.now() + timedelta(days=30)).date()
        await driver.command(f"deadline {deadline} Peak", user="U1")
        fine = make_router(db, clock)
        for user, role in zip(FINE_PEOPLE, ("lead", "pm", "member"), strict=True):
            await fine.command(Asker(FINE_TEAM, FINE_CHANNEL, user), f"join {role}")
        await fine.command(Asker(FINE_TEAM, FINE_CHANNEL, "F1"), f"deadline {deadline} Launch")
        await driver.settle()
        yield driver


async def old_activity(db: Database, team: str, day: datetime) -> None:
    """A personal count past the 90-day retention limit, for the purge to delete."""
    async with db.sessions() as session:
        coalition = (
            await session.scalars(select(Coalition).where(Coalition.team_id == team))
        ).one()
        session.add(Activity(team_id=team, coalition_id=coalition.id, user_id=FINE_PEOPLE[0],
                             day=day.date(), messages=3, reactions=1, after_hours=0))  # fmt: skip
        await session.commit()


async def outbox(db: Database, team: str) -> list[Nudge]:
    async with db.sessions() as session:
        return list(await session.scalars(select(Nudge).where(Nudge.team_id == team)))


@pytest.mark.parametrize("corruption", CORRUPTIONS)
async def test_a_corrupted_workspace_does_not_stop_a_bystanders_beat(
    slack: SlackDriver, db: Database, clock: ManualClock, corruption: str
) -> None:
    await old_activity(db, FINE_TEAM, clock.now() - timedelta(days=100))
    await corrupt(db, CORRUPTIONS[corruption], TEAM_ID)
    end = clock.now() + timedelta(days=14)
    await slack_beat(db, clock, slack).walk(clock, end)

    fine = {FINE_CHANNEL, *FINE_PEOPLE}
    delivered = [c for c in slack.fake.calls_to("chat.postMessage") if c.params["channel"] in fine]
    rows = await outbox(db, FINE_TEAM)
    assert len(delivered) == sum(1 for r in rows if r.status == "sent") >= 20
    assert not [r for r in rows if r.status in ("failed", "ambiguous", "claimed")]
    assert not [r for r in rows if r.status == "pending" and r.due_at <= end]
    async with db.sessions() as session:
        assert list(await session.scalars(select(Activity))) == []  # the daily purge ran

    body = json.dumps(await (await slack.command("schedule", user="U1")).json())
    assert "went wrong" not in body
    broken = await outbox(db, TEAM_ID)
    if corruption == "none":
        assert "Not delivered" not in body
    elif corruption == "far-deadline":  # planning works; the chart names the deadline instead
        digests = [r for r in broken if r.kind == "digest"]
        assert len(digests) == 2 and {r.status for r in digests} == {"sent"}
        assert len(slack.fake.calls_to("files.completeUploadExternal")) == 4
    else:  # nothing is planned for it, its leads see why, and nothing else is lost
        assert "cannot plan this coalition" in body and "planning its nudges failed" in body
        assert [r.kind for r in broken] == ["planning"]


async def test_a_broken_coalition_is_logged_once_not_every_tick(
    db: Database, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    router = await three_members(make_router(db, clock), clock)
    await corrupt(db, CORRUPTIONS["end-of-time"], TEAM)
    work = due_work(db, Transcript(clock=clock), clock, "beat")
    with caplog.at_level(logging.ERROR, logger="bot.scheduling"):
        for _ in range(30):  # ten minutes of 20-second ticks
            await work.run()
            clock.advance(timedelta(seconds=20))
        once = [r.getMessage() for r in caplog.records]
        clock.advance(timedelta(hours=1))
        await work.run()
        hourly = [r.getMessage() for r in caplog.records]
    (line,) = once
    assert line.startswith("planner failed for team=T0TEAM coalition=")
    assert "OverflowError at beat.py:" in line
    assert "Cyber Week" not in line  # ids and the error's type, never stored text
    assert len(hourly) == 2  # and again after an hour
    assert work.faults.counts["planner"] == 31  # each tick counted it
    parked = [r for r in await outbox(db, TEAM) if r.kind == "planning"]
    assert [(r.status, r.recipient) for r in parked] == [("failed", CHANNEL)]

    await router.command(asker("U1"), f"deadline {(clock.now() + timedelta(days=20)).date()} X")
    report = await work.run()  # fixed: it plans again, its parked failure is over
    assert report.faults == 0
    assert [r.status for r in await outbox(db, TEAM) if r.kind == "planning"] == ["skipped"]


async def test_a_nudge_that_cannot_be_prepared_is_parked_and_the_batch_goes_on(
    db: Database, clock: ManualClock
) -> None:
    router = await three_members(make_router(db, clock), clock)
    other = Asker(TEAM, "C0OTHER", "U9")
    await router.command(other, "join lead")
    async with db.sessions() as session:
        coalition = (
            await session.scalars(select(Coalition).where(Coalition.channel_id == CHANNEL))
        ).one()
        session.add(  # a stalled-step post whose stored payload is no longer JSON, due first
            Nudge(
                team_id=TEAM,
                coalition_id=coalition.id,
                kind="stalled",
                recipient=CHANNEL,
                slot="coalition-3w",
                due_at=clock.now() - timedelta(minutes=5),
                payload="{not json",
                status="pending",
                attempts=0,
            )
        )
        await session.commit()
    transcript = Transcript(clock=clock)
    work = due_work(db, transcript, clock, "beat")
    clock.set(clock.now().replace(hour=9, minute=30))  # both digests fall due now
    report = await work.run()
    assert report.failed == 1 and report.faults == 1
    assert {s.to for s in transcript.sent} == {f"#{CHANNEL}", "#C0OTHER"}  # both digests
    (parked,) = [r for r in await outbox(db, TEAM) if r.kind == "stalled"]
    assert parked.status == "failed"
    assert parked.note is not None and parked.note.startswith("could not be prepared (JSON")
    await work.run()
    assert len(transcript.sent) == 2  # parked, never tried again

    lead_view = reply_text(await router.command(asker("U1"), "schedule"))
    assert "stalled to the channel, failed: could not be prepared" in lead_view
    assert "1 failed" in lead_view
    member_view = reply_text(await router.command(asker("U3"), "schedule"))
    assert "could not be prepared" not in member_view  # the details are for the leads


def test_the_schedule_lists_what_did_not_go_out_most_recent_first_capped() -> None:
    start = datetime(2026, 3, 2, 9, 0)
    troubles = tuple(
        Trouble(start - timedelta(hours=n), "checkin", person(f"U{n}"), status, note)
        for n, (status, note) in enumerate(
            [("failed", "channel_not_found"), ("ambiguous", "Slack answered 503")] * 3
        )
    )[:5]
    doc = schedule([], Outbox(waiting=0, unsure=3, failed=4, troubles=troubles), "weekly.")
    shown = render(doc)
    assert "Not delivered (4 failed, 3 unsure)" in shown
    lines = [line for line in shown.splitlines() if "checkin to" in line]
    assert len(lines) == 5 and "@U0," in lines[0] and "@U4," in lines[-1]
    assert "may or may not have gone out: Slack answered 503" in lines[1]
    assert "and 2 more" in shown


async def test_a_chart_that_cannot_be_drawn_costs_only_the_picture(
    db: Database, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    await three_members(make_router(db, clock), clock)

    def broken_chart(*args: object) -> bytes:
        raise ValueError("no picture today")

    monkeypatch.setattr("bot.services.progress.progress_png", broken_chart)
    transcript = Transcript(clock=clock)
    work = due_work(db, transcript, clock, "beat")
    clock.set(clock.now().replace(hour=9, minute=30))
    report = await work.run()
    assert [s.to for s in transcript.sent] == [f"#{CHANNEL}"]  # the digest, without its chart
    assert transcript.uploads == []
    assert report.sent == 1 and report.faults == 1
    assert work.faults.counts["chart"] == 1


async def test_a_coalition_whose_health_reading_fails_leaves_the_others_read(
    db: Database, clock: ManualClock
) -> None:
    router = await three_members(make_router(db, clock), clock)
    await router.command(Asker(TEAM, "C0OTHER", "U9"), "join lead")
    async with db.sessions() as session:
        coalition = (
            await session.scalars(select(Coalition).where(Coalition.channel_id == CHANNEL))
        ).one()
        session.add(  # last week's standing, no longer readable
            HealthStanding(
                team_id=TEAM,
                coalition_id=coalition.id,
                user_id="U3",
                week="2026-W09",
                level="green",
                standing="{not json",
                facts="[]",
                assessed_at=clock.now() - timedelta(days=7),
            )
        )
        await session.commit()
    work = due_work(db, Transcript(clock=clock), clock, "beat")
    report = await work.run()  # Monday 09:00: this week's readings are due
    assert report.faults == 1 and work.faults.counts["health reading"] == 1
    async with db.sessions() as session:
        query = select(HealthStanding.user_id).where(HealthStanding.week == "2026-W10")
        read = list(await session.scalars(query))
    assert read == ["U9"]  # the other coalition was read; the broken one is skipped this week
