"""Issue 11, the rollout items: each test failed before its fix, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.db.health_models import HealthStanding
from bot.db.models import Coalition
from bot.db.uow import Database
from bot.domain.calendar import iso_week
from bot.outcome import ToUser
from bot.router import Router
from tests.builders import (
    CHANNEL,
    TEAM,
    asker,
    doc_text,
    lead_pm_member,
    make_router,
    reply_text,
    say,
    snapshot,
)


@pytest.fixture
async def router(db: Database, clock: ManualClock) -> Router:
    return await lead_pm_member(make_router(db, clock))


def day(clock: ManualClock, days: int) -> str:
    return str((clock.now() + timedelta(days=days)).date())


# Defect 3: time-bound milestones, undo


async def test_the_retro_is_refused_before_the_deadline_and_can_be_undone(
    router: Router, db: Database, clock: ManualClock
) -> None:
    before = await snapshot(db)
    assert "set the deadline first" in await say(router, "lead", "done retro-held")
    assert await snapshot(db) == before
    await say(router, "lead", f"deadline {day(clock, 62)} Spring Sale")
    before = await snapshot(db)
    refused = await say(router, "lead", "done retro-held")
    assert refused.startswith("Not yet: the retro comes after Spring Sale")
    assert await snapshot(db) == before
    assert "✓ Retro held" not in await say(router, "lead", "step")
    clock.advance(timedelta(days=63))
    assert "Marked done" in await say(router, "lead", "done retro-held")
    assert "Only @lead" in await say(router, "sam", "undo retro-held")
    undone = await router.command(asker("lead"), "undo retro-held")
    assert undone.public and "Open again: Retro held after the deadline" in reply_text(undone)
    assert "○ Retro held after the deadline" in await say(router, "lead", "step")
    assert "not done; nothing to undo" in await say(router, "lead", "undo retro-held")
    assert "change the record instead" in await say(router, "lead", "undo deadline-set")
    history = await say(router, "lead", "history")
    assert "milestone: retro-held" in history and "undo: retro-held" in history


async def test_a_workshop_dated_later_is_not_held_yet(router: Router, clock: ManualClock) -> None:
    await say(router, "lead", "service checkout critical")
    await say(router, "lead", f"workshop {day(clock, 20)} retries for checkout <@sam>")
    assert "○ A reliability workshop held" in await say(router, "lead", "step")
    clock.advance(timedelta(days=21))
    assert "✓ A reliability workshop held" in await say(router, "lead", "step")


# After the deadline: rollout complete, next forcing function


async def test_after_the_deadline_the_rollout_is_complete_and_asks_for_the_next_one(
    router: Router, clock: ManualClock
) -> None:
    await say(router, "lead", f"deadline {day(clock, 10)} Cyber Week")
    assert "rollout complete" not in (await say(router, "sam", "status")).lower()
    clock.advance(timedelta(days=11))
    status = await say(router, "sam", "status")
    assert "SRE rollout complete" in status
    assert "Cyber Week on" in status and "is behind you" in status
    assert "`/sre done retro-held`" in status
    assert "`/sre deadline <YYYY-MM-DD> <event>`" in status
    assert "next, " not in status  # no longer asks for the step's open milestones
    home = reply_text(await router.home(TEAM, "sam"))
    assert "rollout complete" in home and "/sre deadline" in home
    await say(router, "lead", "done retro-held")
    assert "/sre done retro-held" not in await say(router, "sam", "status")
    await say(router, "lead", f"deadline {day(clock, 90)} Spring Sale")
    assert "rollout complete" not in (await say(router, "sam", "status")).lower()


# Defect 5: skipped steps


async def test_skipped_steps_show_as_skipped(router: Router) -> None:
    await say(router, "lead", "step next")
    await say(router, "lead", "step next")
    status = await say(router, "lead", "status")
    assert "↷ 1. Form the coalition (skipped, 1/3 done)" in status
    assert "↷ 2. Pitch management (skipped, 0/3 done)" in status
    assert "✓ 2." not in status
    assert "(skipped)" in await say(router, "lead", "step")


# Defect 6: only a charter completes the pitch; dates; order


async def test_only_a_charter_records_managements_decision(
    router: Router, db: Database, clock: ManualClock
) -> None:
    for answer in ("deferred", "refused"):
        await say(router, "lead", f"pitch {answer}")
        assert "○ Management's decision recorded" in await say(router, "lead", "step")
    before = await snapshot(db)
    assert "within the last 3 years" in await say(
        router, "lead", f"pitch chartered {day(clock, 1)}"
    )
    assert await snapshot(db) == before
    await say(router, "lead", f"pitch chartered {day(clock, -1)}")  # older than the refusal
    assert "○ Management's decision recorded" in await say(router, "lead", "step")
    await say(router, "lead", "pitch chartered")
    assert "✓ Management's decision recorded" in await say(router, "lead", "step")
    await say(router, "lead", f"pitch deferred {day(clock, -40)}")  # an older answer, recorded late
    assert "✓ Management's decision recorded" in await say(router, "lead", "step")
    records = (await say(router, "lead", "decisions")).splitlines()[1:]
    dates = [line.split()[1] for line in records]
    assert dates == sorted(dates) and len(dates) == 5
    await say(router, "sam", "pain on-call 14 pages a week")
    assert "Management's decision: chartered" in await say(router, "lead", "pitch")


# Defect 7: the last lead leaving


async def test_the_last_lead_names_a_successor(router: Router, db: Database) -> None:
    await say(router, "sam", "commit 2026-04-01 write the runbook")
    await say(router, "lead", "own slo-report <@lead>")
    before = await snapshot(db)
    asked = await router.command(asker("lead"), "leave")
    assert not asked.public and not asked.posts
    assert "`/sre leave successor @someone`" in reply_text(asked)
    assert await snapshot(db) == before
    assert "not in the coalition" in await say(router, "lead", "leave successor <@nobody>")
    assert "Only the last lead" in await say(router, "sam", "leave successor <@pat>")
    assert await snapshot(db) == before
    left = await router.command(asker("lead"), "leave successor <@sam>")
    assert "@sam leads it now" in reply_text(left)
    to_sam = [doc_text(p.doc) for p in left.posts if getattr(p.to, "user_id", "") == "sam"]
    assert any("you now lead the coalition" in t for t in to_sam)
    assert any("owner of slo-report" in t for t in to_sam)
    assert not any(getattr(p.to, "user_id", "") == "pat" for p in left.posts)
    assert "@sam (lead)" in await say(router, "pat", "status")
    assert "A coalition needs a lead" in await say(router, "sam", "role <@sam> member")
    assert "role: granted @sam lead (named by the last lead" in await say(router, "sam", "history")


async def test_a_last_lead_leaving_the_channel_hands_over_to_the_longest_standing(
    router: Router,
) -> None:
    outcome = await router.channel_change(TEAM, CHANNEL, "lead", "left")
    told = [p for p in outcome.posts if getattr(p.to, "user_id", "") == "pat"]
    assert any("longest-standing member" in doc_text(p.doc) for p in told)
    assert "@pat (lead)" in await say(router, "sam", "status")


# Defect 9: the step announcement and the pitch outline keep their words


async def test_the_step_announcement_lists_every_milestone_as_written(router: Router) -> None:
    moved = await router.command(asker("lead"), "step primitives")
    post = doc_text(moved.posts[0].doc)
    for title in (
        "Critical services listed",
        "Every critical service has an SLO",
        "Every critical SLO signed off by a PM or sponsor",
        "Every cross-cutting primitive has an owner",
        "A reliability workshop held",
    ):
        assert title in post
    await say(router, "sam", "pain no-slos nobody knows what good looks like")
    await say(router, "sam", "pain reliability checkout fails every sale")
    outline = await say(router, "sam", "pitch")
    assert "First SLOs on the critical services" in outline
    assert "An SLO report" in outline and "slo" not in outline.replace("SLO", "")


# Defect 11: coalition-level health risks in the status


async def _standings(db: Database, levels: list[str], at: datetime) -> None:
    async with db.sessions() as session:
        coalition = (await session.scalars(select(Coalition))).one()
        for n, level in enumerate(levels):
            session.add(
                HealthStanding(
                    team_id=TEAM, coalition_id=coalition.id, user_id=f"U{n}",
                    week=iso_week(at.date()), level=level, standing="{}", facts="[]",
                    assessed_at=at,
                )
            )  # fmt: skip
        await session.commit()


async def test_health_risks_appear_among_the_status_risks_without_names(
    router: Router, db: Database, clock: ManualClock
) -> None:
    await say(router, "ana", "join")
    await say(router, "bo", "join")
    await _standings(db, ["amber", "red", "green", "amber", "green"], clock.now())
    status = await say(router, "sam", "status")
    health = await say(router, "sam", "health")
    assert "Could use support: 3" in health
    assert "3 of 5 members could use support this week" in status
    assert "U0" not in status and "U1" not in status


async def test_strain_is_not_counted_below_the_group_size_minimum(
    router: Router, db: Database, clock: ManualClock
) -> None:
    await _standings(db, ["amber", "red", "amber"], clock.now())
    assert "could use support" not in await say(router, "sam", "status")


async def test_concentrated_work_appears_in_the_status(
    router: Router, db: Database, clock: ManualClock
) -> None:
    await say(router, "ana", "join")
    for n in range(5):
        await say(router, "sam", f"commit {day(clock, 10 + n)} task number {n}")
    async with db.sessions() as session:
        coalition = (await session.scalars(select(Coalition))).one()
        coalition.heaviest_owner = "sam"  # the last weekly reading saw the same
        await session.commit()
    health = await say(router, "lead", "health")
    status = await say(router, "lead", "status")
    assert "Most open work rests on one person" in health
    assert "Most open work rests on one person" in status
    assert "@sam" not in status.split("Members")[0]


# Defect 13: nothing is cut without saying so


async def test_history_says_how_much_more_there_is(router: Router, clock: ManualClock) -> None:
    for n in range(35):
        await say(router, "lead", f"deadline {day(clock, 30 + n)} Event {n}")
    history = await say(router, "lead", "history")
    assert "…and 9 more (`/sre history all`)" in history  # 4 joins and grants + 35 deadlines
    assert history.count("deadline: Event") == 30
    everything = await say(router, "lead", "history all")
    assert "more" not in everything and everything.count("deadline: Event") == 35
    assert "Usage: `/sre history [all]`" in await say(router, "lead", "history everything")


# Defect 14: history records what changed


async def test_history_records_people_services_slos_workshops_and_commitments(
    router: Router, clock: ManualClock
) -> None:
    await say(router, "lead", "service checkout critical team payments")
    await say(router, "lead", "service checkout critical team payments")  # the same again
    await say(router, "lead", "service checkout critical team checkout-team")
    await say(router, "sam", "slo checkout availability 99.5% 28d")
    await say(router, "sam", "slo checkout availability 99.9% 28d")
    await say(router, "sam", f"workshop {day(clock, 0)} retries for checkout <@sam>")
    made = await say(router, "sam", f"commit {day(clock, 7)} write the runbook")
    number = made.split("#")[1].split()[0]
    await say(router, "sam", f"finish {number}")
    await say(router, "sam", "leave")
    history = await say(router, "lead", "history")
    for line in (
        "@lead joined: as lead",
        "@pat joined: as member (asked for pm)",
        "@lead role: granted @pat pm",
        "service: added checkout (critical, team payments)",
        "service: changed checkout (critical, team checkout-team)",
        "slo: defined checkout availability 99.5% over 28d",
        "slo: changed checkout availability 99.9% over 28d (was 99.5% over 28d",
        "workshop: retries on",
        f"commitment: #{number} write the runbook for @sam",
        f"commitment: done #{number} write the runbook",
        "@sam left: left the coalition",
    ):
        assert line in history, line
    assert history.count("service:") == 2


# Defect 16: no-op changes are said privately, nothing recorded


async def test_changes_that_change_nothing_are_said_privately(
    router: Router, db: Database, clock: ManualClock
) -> None:
    await say(router, "lead", f"deadline {day(clock, 30)} Cyber Week")
    before = await snapshot(db)
    again = await router.command(asker("lead"), f"deadline {day(clock, 30)} Cyber Week")
    assert not again.public and not again.posts
    assert "already Cyber Week" in reply_text(again) and "nothing changed" in reply_text(again)
    role = await router.command(asker("lead"), "role <@pat> pm")
    assert not role.public and not role.posts
    assert reply_text(role) == "@pat is already product manager; nothing changed."
    assert await snapshot(db) == before


# Defect 18: what Zalando chose, and what happened


async def test_shapes_tell_what_zalando_chose_and_what_happened(router: Router) -> None:
    shapes = await say(router, "sam", "shapes")
    assert "Zalando's choice" not in shapes
    cluster = shapes.split("(`product-cluster`)")[1].split("[Vote")[0]
    assert "Zalando chose this shape in 2016" in cluster and "stalled" in cluster
    assert "/sre guide zalando-2016" in cluster


async def test_a_lead_naming_themselves_owner_gets_no_dm_about_it(router: Router) -> None:
    mine = await router.command(asker("lead"), "own training <@lead>")
    assert "@lead now owns Training material" in reply_text(mine)
    assert not [p for p in mine.posts if "lead" in str(p.to)]  # the reply already says it
    theirs = await router.command(asker("lead"), "own training <@sam>")
    assert [str(p.to) for p in theirs.posts] == [str(ToUser("sam"))]
