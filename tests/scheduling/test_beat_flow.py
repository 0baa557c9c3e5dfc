"""The beat end to end with the injected clock: planner, dispatcher, check-ins, digest."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.db.beat_models import CheckIn, Nudge
from bot.db.uow import Database
from bot.domain.beat import Person
from bot.domain.hours import parse_hours
from bot.ports import DeliveryError
from bot.router import Router
from bot.scheduling.due import DueWork
from tests.builders import CHANNEL, asker, due_work, make_router, reply_text, three_members
from tests.transcript import Transcript

ZONES = {
    "U1": ("Europe/Berlin", "9-17"),
    "U2": ("America/New_York", "9-17"),
    "U3": ("Asia/Tokyo", "8-16"),
}


async def tick_through(work: DueWork, clock: ManualClock, span: timedelta) -> None:
    """Walk simulated time as the console's /advance does."""
    await work.walk(clock, clock.now() + span)


@pytest.fixture
async def coalition(db: Database, clock: ManualClock) -> Router:
    router = await three_members(make_router(db, clock), clock, ZONES)
    await router.command(asker("U1"), "ask <@U2> checkins on")  # the PM checks in here too
    return router


async def statuses(db: Database) -> dict[str, int]:
    async with db.sessions() as session:
        rows = list(await session.scalars(select(Nudge)))
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    return counts


async def test_a_week_checkins_in_hours_and_one_digest_with_chart(
    coalition: Router, work: DueWork, transcript: Transcript, clock: ManualClock
) -> None:
    await tick_through(work, clock, timedelta(days=7))
    checkins = [s for s in transcript.sent if "did your SRE coalition work go" in s.text]
    for user, (tz, hours) in ZONES.items():
        mine = [s for s in checkins if s.to == f"@{user}"]
        assert len(mine) >= 2, user  # twice a week, 30 days out
        person = Person(user, tz, parse_hours(hours))
        assert all(s.at is not None and person.hours.contains(s.at, tz) for s in mine)
    digests = [s for s in transcript.to(f"#{CHANNEL}") if "Weekly SRE rollout digest" in s.text]
    assert len(digests) == 1
    assert transcript.uploads and transcript.uploads[0][2] > 1000  # a real PNG


async def test_a_restart_sends_nothing_twice(
    coalition: Router, work: DueWork, transcript: Transcript, clock: ManualClock, db: Database
) -> None:
    await tick_through(work, clock, timedelta(days=7))
    before = len(transcript.sent)
    restarted = due_work(Database(db.url), transcript, clock, worker="after-restart")
    await restarted.run()
    await restarted.run()
    assert len(transcript.sent) == before
    tags = [s.tag for s in transcript.sent]
    assert len(tags) == len(set(tags))
    await restarted.db.dispose()


async def test_an_answer_stops_the_reminder_and_silence_counts_as_missed(
    coalition: Router, work: DueWork, transcript: Transcript, clock: ManualClock, db: Database
) -> None:
    await tick_through(work, clock, timedelta(days=1))  # Tuesday 09:00 UTC: Berlin was asked
    await coalition.command(asker("U1"), "checkin 4 3h wrote the SLO doc")
    await tick_through(work, clock, timedelta(days=2, hours=12))  # Thursday 21:00 UTC
    reminders = [s.to for s in transcript.sent if "gentle reminder" in s.text]
    assert "@U1" not in reminders and reminders.count("@U2") == 1
    async with db.sessions() as session:
        rows = {(r.user_id, r.slot): r for r in await session.scalars(select(CheckIn))}
    tuesday = "2026-03-03"
    assert rows[("U1", tuesday)].energy == 4 and not rows[("U1", tuesday)].missed
    assert rows[("U2", tuesday)].missed and rows[("U2", tuesday)].answered_at is None


async def test_after_an_outage_only_relevant_nudges_go_out(
    coalition: Router, work: DueWork, transcript: Transcript, clock: ManualClock, db: Database
) -> None:
    clock.advance(timedelta(days=3))  # the bot was down from Monday to Thursday 09:00 UTC
    await work.run()
    # Thursday's check-ins (Tokyo at 01:00 UTC, Berlin at 09:00 UTC) are still relevant;
    # Monday's digest and Tuesday's check-ins are stale: skipped, not blasted out.
    assert sorted(s.to for s in transcript.sent) == [f"#{CHANNEL}", "@U1", "@U3"]
    # Wednesday's countdown, 23 h old, counted on the day it goes out
    assert "27 days to go" in transcript.to(f"#{CHANNEL}")[0].text
    async with db.sessions() as session:
        skipped = {
            (n.kind, n.slot)
            for n in await session.scalars(select(Nudge).where(Nudge.status == "skipped"))
        }
    assert ("digest", "2026-03-02") in skipped
    assert ("checkin", "2026-03-03") in skipped


async def test_mute_silences_everything(
    coalition: Router, work: DueWork, transcript: Transcript, clock: ManualClock
) -> None:
    assert "Muted" in reply_text(await coalition.command(asker("U1"), "mute"))
    await tick_through(work, clock, timedelta(days=7))
    assert transcript.sent == []


async def test_snooze_and_vacation_hold_dms(
    coalition: Router, work: DueWork, transcript: Transcript, clock: ManualClock
) -> None:
    await coalition.command(asker("U2"), "snooze 2w")
    start = clock.now().date()
    await coalition.command(asker("U3"), f"away {start} {start + timedelta(days=10)}")
    await tick_through(work, clock, timedelta(days=7))
    assert transcript.to("@U2") == [] and transcript.to("@U3") == []
    assert transcript.to("@U1")


async def test_rate_limit_waits_then_sends_once(
    coalition: Router, work: DueWork, transcript: Transcript, clock: ManualClock
) -> None:
    transcript.failures.append(DeliveryError("later", "rate limited", 30))
    await tick_through(work, clock, timedelta(days=2))
    tags = [s.tag for s in transcript.sent]
    assert len(tags) == len(set(tags))
    assert (
        len([s for s in transcript.sent if "did your SRE" in s.text and "gentle" not in s.text])
        == 3
    )


async def test_a_refusal_is_recorded_and_not_retried(
    coalition: Router, work: DueWork, transcript: Transcript, clock: ManualClock, db: Database
) -> None:
    transcript.failures.append(DeliveryError("refused", "channel_not_found"))
    await tick_through(work, clock, timedelta(days=2))
    assert (await statuses(db)).get("failed") == 1


async def test_an_ambiguous_dm_is_reported_not_resent(
    coalition: Router, work: DueWork, transcript: Transcript, clock: ManualClock
) -> None:
    transcript.delivered_then_failed, transcript.fail_where = True, "@"
    transcript.failures.append(DeliveryError("unknown", "timeout"))
    await tick_through(work, clock, timedelta(days=2))
    tags = [s.tag for s in transcript.sent]
    assert len(tags) == len(set(tags))
    report = reply_text(await coalition.command(asker("U1"), "schedule"))
    assert "1 may or may not have been delivered" in report


async def test_an_ambiguous_channel_post_is_looked_up(
    coalition: Router, work: DueWork, transcript: Transcript, clock: ManualClock, db: Database
) -> None:
    await coalition.command(asker("U1"), "schedule digest tuesday")
    await tick_through(work, clock, timedelta(hours=20))  # up to Tuesday 05:00 UTC
    sent_before = len(transcript.sent)
    transcript.delivered_then_failed, transcript.fail_where = True, "#"
    transcript.failures.append(DeliveryError("unknown", "Slack answered 503"))
    await tick_through(work, clock, timedelta(hours=12))
    digests = [s for s in transcript.sent[sent_before:] if "digest" in s.text]
    assert len(digests) == 1  # delivered once, found in history, never posted again
    async with db.sessions() as session:
        row = (await session.scalars(select(Nudge).where(Nudge.kind == "digest"))).one()
    assert row.status == "sent" and row.note == "found in channel history"


async def test_state_nudges_reach_the_right_people(
    coalition: Router, work: DueWork, transcript: Transcript, clock: ManualClock
) -> None:
    await coalition.command(asker("U1"), "service checkout critical")
    await coalition.command(asker("U1"), "slo checkout availability 99.9% 28d")
    today = clock.now().date()
    await coalition.command(
        asker("U1"), f"commit {today + timedelta(days=1)} write the report <@U3>"
    )
    await coalition.command(asker("U1"), f"workshop {today + timedelta(days=16)} retries <@U3>")
    await tick_through(work, clock, timedelta(days=22))
    assert any("waited more than two weeks" in s.text for s in transcript.to("@U2"))
    assert any("past its date" in s.text for s in transcript.to("@U3"))
    assert any("the workshop “retries” is tomorrow (" in s.text for s in transcript.to("@U3"))
    assert any("for 3 weeks" in s.text for s in transcript.to(f"#{CHANNEL}"))


async def test_digest_pulse_shows_totals_only(
    coalition: Router, work: DueWork, transcript: Transcript, clock: ManualClock
) -> None:
    await tick_through(work, clock, timedelta(days=1))
    await coalition.command(asker("U1"), "checkin 1 9h")
    await coalition.command(asker("U2"), "checkin 5 2h")
    await tick_through(work, clock, timedelta(days=6, hours=1))  # past Monday's 09:30 digest
    digest = [s.text for s in transcript.sent if "Weekly SRE rollout digest" in s.text][-1]
    assert "check-ins answered (averages appear with five or more answers)" in digest
    assert "energy" not in digest.split("Pulse:")[1].split("\n")[0].replace("averages", "")


async def test_schedule_shows_whats_next_and_leads_change_it(
    coalition: Router, clock: ManualClock
) -> None:
    shown = reply_text(await coalition.command(asker("U2"), "schedule"))
    assert "checkin to @U1" in shown and "digest to the channel" in shown
    assert "Only @U1 can change the schedule" in reply_text(
        await coalition.command(asker("U2"), "schedule digest friday")
    )
    await coalition.command(asker("U1"), "schedule digest friday")
    assert "digest on Friday" in reply_text(await coalition.command(asker("U1"), "schedule"))


async def test_a_channel_gets_about_one_message_a_second(
    coalition: Router, work: DueWork, transcript: Transcript, clock: ManualClock
) -> None:
    await coalition.command(asker("U1"), "schedule digest wednesday")
    clock.advance(timedelta(days=2, hours=1, minutes=30))  # down until Wednesday 10:30 UTC:
    await work.run()  # the 09:30 digest and the 10:00 countdown are both due in one batch
    assert len(transcript.to(f"#{CHANNEL}")) == 1
    clock.advance(timedelta(seconds=1))
    await work.run()
    first, second = transcript.to(f"#{CHANNEL}")
    assert second.at - first.at == timedelta(seconds=1)  # type: ignore[operator]


async def test_schedule_leaves_out_a_state_nudge_already_sent(
    coalition: Router, work: DueWork, transcript: Transcript, clock: ManualClock
) -> None:
    today = clock.now().date()
    await coalition.command(
        asker("U1"), f"commit {today + timedelta(days=1)} write the report <@U3>"
    )
    await tick_through(work, clock, timedelta(days=3))
    assert sum("past its date" in s.text for s in transcript.to("@U3")) == 1
    shown = reply_text(await coalition.command(asker("U1"), "schedule"))
    assert "overdue to @U3" not in shown, shown
