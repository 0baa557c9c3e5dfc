"""app_uninstalled and tokens_revoked through the HTTP app: stop at once, forget after the grace."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest_asyncio
from sqlalchemy import select

from bot.clock import ManualClock
from bot.db.beat_models import Nudge
from bot.db.uow import Database
from bot.doc import Doc
from bot.outcome import Post, ToChannel
from bot.slack.messenger import SlackMessenger
from bot.slack.workspaces import TeamMessengers
from tests.fakeslack import FakeSlack
from tests.fakeworkspaces import FakeWorkspace
from tests.oauthapp import OAuthDriver, oauth_app
from tests.workspace_rows import rows_of_team

GRACE = timedelta(days=30)


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as server:
        server.workspaces.place("T0ONE", "C0ONE")
        server.workspaces.place("T0TWO", "C0TWO")
        yield server


@pytest_asyncio.fixture
async def driver(db: Database, fake: FakeSlack, clock: ManualClock) -> AsyncIterator[OAuthDriver]:
    async with oauth_app(db, fake, clock) as running:
        for team in ("T0ONE", "T0TWO"):
            await running.install(FakeWorkspace(team, f"{team} name", f"UIN{team}"))
            await _coalition_with_nudges(db, team, f"C{team[1:]}", clock.now())
        yield running


async def _coalition_with_nudges(db: Database, team: str, channel: str, now: datetime) -> None:
    async with db.unit_of_work(team) as uow:
        await uow.workspaces.ensure(now)
        coalition = await uow.coalitions.get_or_create(channel, now)
        coalition.deadline_event = f"{team}'s launch"
        for slot, status in (("1", "pending"), ("2", "claimed"), ("3", "sent")):
            uow.session.add(
                Nudge(
                    team_id=team, coalition_id=coalition.id, kind="countdown", recipient=channel,
                    slot=slot, due_at=now, status=status, claimed_by="w1", lease_until=now,
                )
            )  # fmt: skip
        await uow.commit()


async def _statuses(db: Database, team: str) -> list[str]:
    async with db.sessions() as session:
        query = select(Nudge.status).where(Nudge.team_id == team).order_by(Nudge.slot)
        return list(await session.scalars(query))


async def _send(driver: OAuthDriver, fake: FakeSlack, team: str, channel: str) -> str:
    """What a scheduled send for `team` does: its messenger, or why there is none."""
    messengers = TeamMessengers(driver.oauth.tokens, fake.base_url)
    messengers.fresh_tick()
    messenger = await messengers.for_team(team)
    if not isinstance(messenger, SlackMessenger):
        return messenger.reason
    await messenger.send(Post(ToChannel(channel), Doc.text("countdown")))
    return "sent"


async def test_app_uninstalled_stops_that_workspace_at_once_and_the_other_goes_on(
    driver: OAuthDriver, fake: FakeSlack, db: Database
) -> None:
    response = await driver.event("T0ONE", {"type": "app_uninstalled"})
    fake.workspaces.revoke("T0ONE")

    assert response.status == 200
    assert await _statuses(db, "T0ONE") == ["skipped", "skipped", "sent"]
    assert await _statuses(db, "T0TWO") == ["pending", "claimed", "sent"]
    assert await _send(driver, fake, "T0ONE", "C0ONE") == "uninstalled"
    assert await _send(driver, fake, "T0TWO", "C0TWO") == "sent"
    assert fake.failed_calls == []  # nothing was tried with the dead token
    assert (await driver.event("T0ONE", {"type": "app_uninstalled"})).status == 200  # again


async def test_after_the_grace_period_none_of_its_rows_are_left(
    driver: OAuthDriver, db: Database, clock: ManualClock
) -> None:
    kept = await rows_of_team(db, "T0TWO")
    await driver.event("T0ONE", {"type": "app_uninstalled"})

    forgotten = await driver.oauth.lifecycle.purge(clock.advance(GRACE), GRACE)

    assert forgotten == ["T0ONE"]
    assert set((await rows_of_team(db, "T0ONE")).values()) == {0}
    assert await rows_of_team(db, "T0TWO") == kept


async def test_a_reinstall_within_the_grace_period_finds_its_coalition_again(
    driver: OAuthDriver, fake: FakeSlack, db: Database, clock: ManualClock
) -> None:
    await driver.event("T0ONE", {"type": "app_uninstalled"})
    fake.workspaces.revoke("T0ONE")
    clock.advance(GRACE - timedelta(days=1))

    await driver.install(FakeWorkspace("T0ONE", "T0ONE name", "UINT0ONE"))
    response = await driver.command("T0ONE", "C0ONE", "UINT0ONE", "status")

    assert await response.text() == "T0ONE: T0ONE's launch"
    assert await driver.oauth.lifecycle.purge(clock.advance(GRACE), GRACE) == []
    assert await _send(driver, fake, "T0ONE", "C0ONE") == "sent"


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
