"""A kept `/sre status` reply is reused only while nothing it read can have changed: not
after a commit of this process, of another process on the SQLite file, or of another replica on
PostgreSQL, not on another day, not after `KEEP`, and never while changes cannot be seen."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import text

from bot.clock import ManualClock
from bot.db.uow import Database
from bot.doc import Doc
from bot.outcome import Outcome, Post, ToChannel
from bot.services.replies import KEEP
from tests.builders import TEAM, asker, due_work, make_router, reply_text, three_members
from tests.services.test_status_reads import statements
from tests.transcript import Transcript

HEARD = 10.0
"""Seconds a notification or a reconnect may take before the test fails (not a sleep)."""


async def _watched(db: Database) -> Database:
    await db.changes.listen()  # PostgreSQL: as `sre-coach run` does; SQLite needs nothing
    return db


async def test_a_second_status_reads_nothing_and_says_the_same(
    db: Database, clock: ManualClock
) -> None:
    router = await three_members(make_router(await _watched(db), clock), clock)
    first = await router.command(asker("U2"), "status")
    with statements(db) as seen:
        again = await router.command(asker("U3"), "status")
    assert seen == []
    assert again is first
    assert router.replies.reused == 1


async def test_a_change_through_the_bot_shows_at_once(db: Database, clock: ManualClock) -> None:
    router = await three_members(make_router(await _watched(db), clock), clock)
    assert "0 of 1 with SLOs" not in reply_text(await router.command(asker("U2"), "status"))
    await router.command(asker("U1"), "service checkout critical")
    assert "0 of 1 with SLOs" in reply_text(await router.command(asker("U2"), "status"))
    await router.command(asker("U3"), "leave")
    assert "U3" not in reply_text(await router.command(asker("U2"), "status"))


async def test_a_refusal_or_a_failed_write_moves_nothing(db: Database, clock: ManualClock) -> None:
    router = await three_members(make_router(await _watched(db), clock), clock)
    await router.command(asker("U2"), "status")
    stamp = db.changes.stamp(TEAM)
    refused = await router.command(asker("U3"), "step pitch")  # only a lead moves steps
    assert refused.refused
    assert db.changes.stamp(TEAM) == stamp
    with statements(db) as seen:
        await router.command(asker("U2"), "status")
    assert seen == []


async def test_another_workspaces_change_keeps_this_ones_reply(
    db: Database, clock: ManualClock
) -> None:
    router = await three_members(make_router(await _watched(db), clock), clock)
    await router.command(asker("U2"), "status")
    await router.command(asker("U9", team="T-OTHER"), "join lead")
    with statements(db) as seen:
        await router.command(asker("U2"), "status")
    if db.changes.announces:  # PostgreSQL: the workspace's own number
        assert seen == []
    else:  # SQLite: any commit moves the file's data_version
        assert seen != []


async def test_another_replicas_commit_is_seen(
    database_url: str, db: Database, clock: ManualClock
) -> None:
    router = await three_members(make_router(await _watched(db), clock), clock)
    assert "0 of 1 with SLOs" not in reply_text(await router.command(asker("U2"), "status"))
    stamp = db.changes.stamp(TEAM)
    other = Database(database_url)  # another process or replica on the same database
    try:
        await make_router(other, clock).command(asker("U1"), "service payments critical")
    finally:
        await other.dispose()
    await asyncio.wait_for(db.changes.moved(TEAM, stamp), HEARD)  # PostgreSQL: notified
    assert "0 of 1 with SLOs" in reply_text(await router.command(asker("U2"), "status"))


async def test_this_replicas_own_notification_moves_nothing_more(
    database_url: str, db: Database, clock: ManualClock
) -> None:
    if not db.changes.announces:
        pytest.skip("PostgreSQL's notifications only")
    router = await three_members(make_router(await _watched(db), clock), clock)
    await router.command(asker("U1"), "service checkout critical")  # counted on commit
    ours = db.changes.stamp(TEAM)
    theirs = db.changes.stamp("T-OTHER")
    other = Database(database_url)  # its notification comes after ours: commit order
    try:
        await make_router(other, clock).command(asker("U9", team="T-OTHER"), "join lead")
    finally:
        await other.dispose()
    await asyncio.wait_for(db.changes.moved("T-OTHER", theirs), HEARD)
    assert db.changes.stamp(TEAM) == ours  # our own notification, heard by now, was skipped


async def test_a_payload_without_an_origin_counts_as_another_replicas(db: Database) -> None:
    await _watched(db)
    before = db.changes.stamp(TEAM)
    assert before is not None
    db.changes.heard(db.changes.payload(TEAM))
    assert db.changes.stamp(TEAM) == before
    db.changes.heard(TEAM)  # an older replica's payload: the workspace alone
    assert db.changes.stamp(TEAM) != before


async def test_a_write_outside_any_session_is_seen_on_sqlite(
    db: Database, clock: ManualClock
) -> None:
    if db.changes.announces:
        pytest.skip("on PostgreSQL a write must go through a watched session to be announced")
    router = await three_members(make_router(db, clock), clock)
    assert "Gone" not in reply_text(await router.command(asker("U2"), "status"))
    async with db.engine.begin() as conn:
        await conn.execute(text("UPDATE coalitions SET deadline_event = 'Gone'"))
    assert "Gone" in reply_text(await router.command(asker("U2"), "status"))


async def test_a_new_day_or_the_keep_limit_works_it_out_again(
    db: Database, clock: ManualClock
) -> None:
    router = await three_members(make_router(await _watched(db), clock), clock)
    await router.command(asker("U2"), "status")
    clock.advance(KEEP - timedelta(seconds=1))
    with statements(db) as seen:
        await router.command(asker("U2"), "status")
    assert seen == []
    clock.advance(timedelta(seconds=1))
    with statements(db) as seen:
        await router.command(asker("U2"), "status")
    assert seen != []


async def test_nothing_is_kept_while_other_replicas_cannot_be_heard(
    db: Database, clock: ManualClock
) -> None:
    if not db.changes.announces:
        pytest.skip("SQLite sees other processes' commits without listening")
    router = await three_members(make_router(db, clock), clock)  # listen() not called
    assert db.changes.stamp(TEAM) is None
    await router.command(asker("U2"), "status")
    with statements(db) as seen:
        await router.command(asker("U2"), "status")
    assert seen != []


async def test_a_dropped_listener_reuses_nothing_until_it_is_back(
    db: Database, clock: ManualClock
) -> None:
    if not db.changes.announces:
        pytest.skip("PostgreSQL's listener only")
    router = await three_members(make_router(await _watched(db), clock), clock)
    await router.command(asker("U2"), "status")
    stamp = db.changes.stamp(TEAM)
    assert stamp is not None
    async with db.engine.begin() as conn:  # the server ends the listening connection
        await conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()"
                " AND datname = current_database()"
            )
        )
    await asyncio.wait_for(db.changes.moved(TEAM, stamp), HEARD)
    while db.changes.stamp(TEAM) is None:  # dropped: nothing is reused meanwhile
        with statements(db) as seen:
            await router.command(asker("U2"), "status")
        assert seen != []
        await asyncio.wait_for(db.changes.moved(TEAM, None), HEARD)
    assert db.changes.stamp(TEAM) != stamp  # back, and what was kept before is not reused
    with statements(db) as seen:
        await router.command(asker("U2"), "status")
    assert seen != []


async def test_an_idle_planner_tick_keeps_the_reply_on_postgresql(
    db: Database, clock: ManualClock
) -> None:
    router = await three_members(make_router(await _watched(db), clock), clock)
    work = due_work(db, Transcript(clock=clock), clock)
    await work.run()
    await router.command(asker("U2"), "status")
    stamp = db.changes.stamp(TEAM)
    clock.advance(timedelta(seconds=20))
    await work.run()  # moves the planning watermark, matches no nudge or check-in: no change
    if db.changes.announces:
        assert db.changes.stamp(TEAM) == stamp
    else:  # SQLite: its commit moves the file's data_version, so the reply is worked out again
        assert db.changes.stamp(TEAM) != stamp


def test_only_a_plain_reply_may_be_kept() -> None:
    doc = Doc.text("status")
    assert Outcome(reply=doc).reply_only
    assert not Outcome().reply_only
    assert not Outcome(reply=doc, refused=True).reply_only
    assert not Outcome(reply=doc, posts=(Post(ToChannel("C1"), doc),)).reply_only
