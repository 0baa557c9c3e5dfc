"""app_uninstalled and tokens_revoked through the real app: stop at once, forget after the grace.

OAuth mode (two workspaces installed through the install flow) and single-workspace mode (where
these events got a 404 before) alike.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest_asyncio
from sqlalchemy import select

from bot.clock import ManualClock
from bot.db.beat_models import Nudge
from bot.db.uow import Database
from bot.scheduling.due import UNINSTALL_GRACE
from tests.fakeslack import TEAM_ID
from tests.fakeworkspaces import FakeWorkspace
from tests.slackapp import OAuthDriver, running_app, running_oauth_app
from tests.workspace_rows import fill_workspace, rows_of_team

GRACE = UNINSTALL_GRACE
TEAMS = {"T0ONE": ("C0ONE", "UINT0ONE"), "T0TWO": ("C0TWO", "UINT0TWO")}


@pytest_asyncio.fixture
async def driver(db: Database, clock: ManualClock) -> AsyncIterator[OAuthDriver]:
    async with running_oauth_app(db, clock) as running:
        for team, (channel, lead) in TEAMS.items():
            running.fake.workspaces.place(team, channel)
            await running.install(FakeWorkspace(team, f"{team} name", lead))
            deadline = (clock.now() + timedelta(days=30)).date()
            for line in ("join lead", f"deadline {deadline} {team}'s launch"):
                assert (await running.command(team, channel, lead, line)).status == 200
            await _nudges(db, team, channel, clock.now())
        await running.settle()
        yield running


async def _nudges(db: Database, team: str, channel: str, now: datetime) -> None:
    async with db.unit_of_work(team) as uow:
        coalition = await uow.coalitions.by_channel(channel)
        assert coalition is not None
        for slot, status in (("1", "pending"), ("2", "claimed"), ("3", "sent")):
            uow.session.add(
                Nudge(
                    team_id=team, coalition_id=coalition.id, kind="countdown", recipient=channel,
                    slot=f"test-{slot}", due_at=now, status=status, claimed_by="w1",
                    lease_until=now,
                )
            )  # fmt: skip
        await uow.commit()


async def _statuses(db: Database, team: str) -> list[str]:
    async with db.sessions() as session:
        query = (
            select(Nudge.status)
            .where(Nudge.team_id == team, Nudge.slot.like("test-%"))
            .order_by(Nudge.slot)
        )
        return list(await session.scalars(query))


def _posts_in(driver: OAuthDriver, channel: str) -> int:
    calls = driver.fake.calls + driver.fake.failed_calls
    return sum(
        1 for c in calls if c.method == "chat.postMessage" and c.params["channel"] == channel
    )


async def test_app_uninstalled_stops_that_workspaces_nudges_at_once_and_the_other_goes_on(
    driver: OAuthDriver, db: Database
) -> None:
    response = await driver.event("T0ONE", {"type": "app_uninstalled"})
    driver.fake.workspaces.revoke("T0ONE")

    assert response.status == 200
    assert await _statuses(db, "T0ONE") == ["skipped", "skipped", "sent"]
    assert await _statuses(db, "T0TWO") == ["pending", "claimed", "sent"]
    before_one, before_two = _posts_in(driver, "C0ONE"), _posts_in(driver, "C0TWO")
    await driver.beat().walk(driver.clock, driver.clock.now() + timedelta(days=7))
    assert _posts_in(driver, "C0ONE") == before_one  # nothing planned or sent for it
    assert _posts_in(driver, "C0TWO") > before_two
    assert driver.fake.failed_calls == []  # nothing was tried with the dead token
    assert (await driver.event("T0ONE", {"type": "app_uninstalled"})).status == 200  # again


async def test_after_the_grace_period_none_of_its_rows_are_left_in_any_table(
    driver: OAuthDriver, db: Database, clock: ManualClock
) -> None:
    async with db.engine.begin() as conn:  # a row in every table that carries team_id
        for team in ("T0GONE", "T0STAY"):
            await fill_workspace(conn, team, clock.now())
    kept = await rows_of_team(db, "T0STAY")
    assert min(kept.values()) >= 1
    await driver.event("T0GONE", {"type": "app_uninstalled"})
    work = driver.beat()

    assert await work.forget_uninstalled(clock.advance(GRACE - timedelta(days=1))) == []
    forgotten = await work.forget_uninstalled(clock.advance(timedelta(days=1)))

    assert forgotten == ["T0GONE"]
    assert set((await rows_of_team(db, "T0GONE")).values()) == {0}
    assert await rows_of_team(db, "T0STAY") == kept


async def test_the_timers_daily_job_forgets_a_workspace_once_its_grace_is_over(
    driver: OAuthDriver, db: Database, clock: ManualClock
) -> None:
    await driver.event("T0ONE", {"type": "app_uninstalled"})
    work = driver.beat()
    await work.run()
    assert (await rows_of_team(db, "T0ONE"))["coalitions"] == 1  # kept during the grace

    clock.advance(GRACE + timedelta(days=1))
    await work.run()

    assert set((await rows_of_team(db, "T0ONE")).values()) == {0}
    assert (await rows_of_team(db, "T0TWO"))["coalitions"] == 1


async def test_a_reinstall_within_the_grace_period_finds_its_coalition_again(
    driver: OAuthDriver, db: Database, clock: ManualClock
) -> None:
    await driver.event("T0ONE", {"type": "app_uninstalled"})
    driver.fake.workspaces.revoke("T0ONE")
    clock.advance(GRACE - timedelta(days=1))

    await driver.install(FakeWorkspace("T0ONE", "T0ONE name", "UINT0ONE"))
    response = await driver.command("T0ONE", "C0ONE", "UINT0ONE", "status")

    assert "T0ONE's launch" in await response.text()
    assert await driver.beat().forget_uninstalled(clock.advance(GRACE)) == []
    before = _posts_in(driver, "C0ONE")
    await driver.beat().walk(clock, clock.now() + timedelta(days=7))
    assert _posts_in(driver, "C0ONE") > before  # its nudges go out again
    assert driver.fake.failed_calls == []


async def test_a_revoked_bot_token_is_an_uninstall_and_a_user_token_is_not(
    driver: OAuthDriver, db: Database
) -> None:
    users_only = {"type": "tokens_revoked", "tokens": {"oauth": ["UINT0TWO"]}}
    assert (await driver.event("T0TWO", users_only)).status == 200
    assert await _statuses(db, "T0TWO") == ["pending", "claimed", "sent"]

    bot = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBT0ONE"]}}
    assert (await driver.event("T0ONE", bot)).status == 200
    assert await _statuses(db, "T0ONE") == ["skipped", "skipped", "sent"]
    assert await _statuses(db, "T0TWO") == ["pending", "claimed", "sent"]


async def test_single_workspace_mode_hears_app_uninstalled_too(
    db: Database, clock: ManualClock
) -> None:
    async with running_app(db, clock) as slack:
        assert (await slack.command("join lead")).status == 200
        await slack.settle()
        await _nudges(db, TEAM_ID, "C1", clock.now())

        response = await slack.event({"type": "app_uninstalled"})

        assert response.status == 200  # was 404: no listener
        assert await _statuses(db, TEAM_ID) == ["skipped", "skipped", "sent"]
        assert (await db.lifecycle().standing(TEAM_ID)).blocked == "uninstalled"
