"""OAuth mode through the real HTTP app and the fake Slack: install, two workspaces, tokens."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
import pytest_asyncio
from sqlalchemy import func, select, text, update

from bot.clock import ManualClock
from bot.db.installation_models import installations, oauth_states
from bot.db.uow import Database
from bot.doc import Doc
from bot.outcome import Post, ToChannel
from bot.slack.messenger import SlackMessenger
from bot.slack.workspaces import InstalledWorkspaces, TeamMessengers
from tests.fakeslack import FakeSlack
from tests.fakeworkspaces import CLIENT_ID, FakeWorkspace
from tests.oauthapp import OAuthDriver, oauth_app

ONE = FakeWorkspace("T0ONE", "Team One", "UINSTALL1")
TWO = FakeWorkspace("T0TWO", "Team Two", "UINSTALL2")


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as server:
        server.workspaces.place("T0ONE", "C0ONE")
        server.workspaces.place("T0TWO", "C0TWO")
        yield server


@pytest_asyncio.fixture
async def driver(db: Database, fake: FakeSlack, clock: ManualClock) -> AsyncIterator[OAuthDriver]:
    async with oauth_app(db, fake, clock) as running:
        yield running


async def _installs(db: Database) -> int:
    async with db.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(installations)) or 0)


async def _coalition(db: Database, team: str, channel: str, event: str, now: datetime) -> None:
    async with db.unit_of_work(team) as uow:
        await uow.workspaces.ensure(now)
        coalition = await uow.coalitions.get_or_create(channel, now)
        coalition.deadline_event = event
        await uow.commit()


def _workspace(base: FakeWorkspace, **changes: object) -> FakeWorkspace:
    values = {**base.__dict__, **changes}
    return FakeWorkspace(**values)  # type: ignore[arg-type]


async def test_the_install_page_offers_add_to_slack_with_a_state(driver: OAuthDriver) -> None:
    response, state = await driver.install_page()

    assert response.status == 200
    page = await response.text()
    assert "Add to Slack" in page
    href = page.split('<a href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    query = parse_qs(urlparse(href).query)
    assert urlparse(href).path == "/oauth/v2/authorize"
    assert query["state"] == [state] and query["client_id"] == [CLIENT_ID]
    assert "chat:write" in query["scope"][0].split(",")


async def test_a_valid_redirect_exchanges_the_code_and_stores_the_install(
    driver: OAuthDriver, fake: FakeSlack, db: Database
) -> None:
    code = fake.workspaces.add(_workspace(ONE))
    _, state = await driver.install_page()

    response = await driver.redirect(state, code=code)

    assert response.status == 200
    assert "Team One" in await response.text()
    (exchange,) = fake.calls_to("oauth.v2.access")
    assert exchange.params["code"] == code
    token = fake.workspaces.token_of("T0ONE")
    found = await driver.oauth.store.async_find_installation(enterprise_id=None, team_id="T0ONE")
    assert found is not None and found.bot_token == token
    async with db.engine.connect() as conn:
        raw = (await conn.execute(text("SELECT bot_token FROM slack_installations"))).scalar_one()
    assert token not in raw and raw.startswith("gAAAAA")
    (welcome,) = fake.calls_to("chat.postMessage")  # the installer hears how to start
    assert welcome.params["channel"] == "UINSTALL1" and welcome.token == token
    assert "/sre join lead" in welcome.params["text"]
    assert fake.violations == []


@pytest.mark.parametrize("cookie", ["bogus-state", None])
async def test_an_unknown_state_is_refused_and_nothing_is_stored(
    driver: OAuthDriver, fake: FakeSlack, db: Database, cookie: str | None
) -> None:
    code = fake.workspaces.add(_workspace(ONE))

    response = await driver.redirect("bogus-state", cookie=cookie, code=code)

    assert response.status == 401
    assert "invalid_state" in await response.text()
    assert fake.calls_to("oauth.v2.access") == []
    assert await _installs(db) == 0


async def test_an_expired_state_is_refused_and_nothing_is_stored(
    driver: OAuthDriver, fake: FakeSlack, db: Database
) -> None:
    code = fake.workspaces.add(_workspace(ONE))
    _, state = await driver.install_page()
    past = datetime.now(UTC).replace(tzinfo=None) - timedelta(seconds=1)
    async with db.engine.begin() as conn:  # the browser came back after the state's 10 minutes
        await conn.execute(update(oauth_states).values(expire_at=past))

    response = await driver.redirect(state, code=code)

    assert response.status == 401
    assert fake.calls_to("oauth.v2.access") == []
    assert await _installs(db) == 0


async def test_a_state_is_good_once_and_only_with_its_browsers_cookie(
    driver: OAuthDriver, fake: FakeSlack, db: Database
) -> None:
    _, state = await driver.install_page()
    stolen = await driver.redirect(state, cookie="another-browser", code="code-x")
    assert stolen.status == 400 and "invalid_browser" in await stolen.text()

    code = fake.workspaces.add(_workspace(ONE))
    assert (await driver.redirect(state, code=code)).status == 200
    replayed = await driver.redirect(state, code=fake.workspaces.add(_workspace(TWO)))
    assert replayed.status == 401
    assert await _installs(db) == 1


async def test_a_cancelled_install_gets_a_short_page_that_quotes_no_input(
    driver: OAuthDriver, db: Database
) -> None:
    _, state = await driver.install_page()
    cancelled = await driver.redirect(state, error="access_denied")
    assert cancelled.status == 200 and "(access_denied)" in await cancelled.text()

    odd = await driver.redirect(state, error="<script>alert(1)</script>")
    assert "<script>" not in await odd.text() and "(other)" in await odd.text()
    assert await _installs(db) == 0


async def test_a_bad_code_is_refused_and_nothing_is_stored(
    driver: OAuthDriver, fake: FakeSlack, db: Database
) -> None:
    _, state = await driver.install_page()
    response = await driver.redirect(state, code="code-nobody-issued")
    assert response.status == 401 and "invalid_code" in await response.text()
    assert len(fake.calls_to("oauth.v2.access")) == 1
    assert await _installs(db) == 0


async def test_two_workspaces_each_answer_from_their_own_data_with_their_own_token(
    driver: OAuthDriver, fake: FakeSlack, db: Database, clock: ManualClock
) -> None:
    tokens = {w.team_id: await driver.install(_workspace(w)) for w in (ONE, TWO)}
    await _coalition(db, "T0ONE", "C0ONE", "Launch one", clock.now())
    await _coalition(db, "T0TWO", "C0TWO", "Two's", clock.now())
    fake.calls.clear()

    one = await driver.command("T0ONE", "C0ONE", "UINSTALL1", "status")
    two = await driver.command("T0TWO", "C0TWO", "UINSTALL2", "status")
    wrong = await driver.command("T0ONE", "C0TWO", "UINSTALL1", "status")

    assert await one.text() == "T0ONE: Launch one"
    assert await two.text() == "T0TWO: Two's"
    assert await wrong.text() == "T0ONE: no coalition here"  # another team's channel id
    posts = {c.params["channel"]: c.token for c in fake.calls_to("chat.postMessage")}
    assert posts == {"C0ONE": tokens["T0ONE"], "C0TWO": tokens["T0TWO"]}
    assert fake.violations == []


async def test_scheduled_sends_use_each_workspaces_token_looked_up_once_per_tick(
    driver: OAuthDriver, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    tokens = {w.team_id: await driver.install(_workspace(w)) for w in (ONE, TWO)}
    store, looked_up = driver.oauth.store, []
    find = store.async_find_installation

    async def counted(**kwargs: object) -> object:
        looked_up.append(kwargs["team_id"])
        return await find(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "async_find_installation", counted)
    messengers = TeamMessengers(driver.oauth.tokens, fake.base_url)
    fake.calls.clear()

    for _tick in range(2):
        messengers.fresh_tick()
        for _nudge in range(3):
            for team, channel in (("T0ONE", "C0ONE"), ("T0TWO", "C0TWO")):
                messenger = await messengers.for_team(team)
                assert isinstance(messenger, SlackMessenger)
                await messenger.send(Post(ToChannel(channel), Doc.text("countdown")))

    assert sorted(looked_up) == ["T0ONE", "T0ONE", "T0TWO", "T0TWO"]  # once per tick each
    sent = [(c.params["channel"], c.token) for c in fake.calls_to("chat.postMessage")]
    assert sent.count(("C0ONE", tokens["T0ONE"])) == sent.count(("C0TWO", tokens["T0TWO"])) == 6
    assert len(sent) == 12 and fake.violations == []


async def test_a_rotating_token_is_refreshed_before_use(
    driver: OAuthDriver, fake: FakeSlack
) -> None:
    old = await driver.install(_workspace(ONE, rotating=True, expires_in=600))
    fake.workspaces.expire(old)  # what ten minutes later would bring
    messengers = TeamMessengers(driver.oauth.tokens, fake.base_url)

    messenger = await messengers.for_team("T0ONE")
    assert isinstance(messenger, SlackMessenger)
    await messenger.send(Post(ToChannel("C0ONE"), Doc.text("countdown")))

    refreshes = [c for c in fake.calls_to("oauth.v2.access") if "refresh_token" in c.params]
    assert len(refreshes) == 1
    new = fake.workspaces.token_of("T0ONE")
    assert new != old and fake.calls_to("chat.postMessage")[-1].token == new
    stored = await driver.oauth.store.async_find_installation(enterprise_id=None, team_id="T0ONE")
    assert stored is not None and stored.bot_token == new
    assert fake.failed_calls == []


async def test_a_request_refreshes_a_rotating_token_too(
    driver: OAuthDriver, fake: FakeSlack, db: Database, clock: ManualClock
) -> None:
    old = await driver.install(_workspace(ONE, rotating=True, expires_in=600))
    await _coalition(db, "T0ONE", "C0ONE", "Launch one", clock.now())
    fake.workspaces.expire(old)

    response = await driver.command("T0ONE", "C0ONE", "UINSTALL1", "status")

    assert await response.text() == "T0ONE: Launch one"
    new = fake.workspaces.token_of("T0ONE")
    assert new != old and fake.calls_to("chat.postMessage")[-1].token == new


async def test_an_uninstalled_workspace_gets_no_token_and_the_other_keeps_its_own(
    driver: OAuthDriver, fake: FakeSlack, clock: ManualClock
) -> None:
    await driver.install(_workspace(ONE))
    two = await driver.install(_workspace(TWO))
    tokens = driver.oauth.tokens

    await driver.oauth.lifecycle.uninstalled(
        team_id="T0ONE", enterprise_id=None, is_enterprise_install=False, now=clock.now()
    )
    tokens.fresh_tick()

    gone = await tokens.token_for("T0ONE")
    assert (gone.token, gone.reason) == (None, "uninstalled")
    assert (await tokens.token_for("T0TWO")).token == two
    assert (await tokens.token_for("T0NEVER")).reason == "not installed"


async def test_a_refused_token_parks_the_workspace_until_it_is_installed_again(
    driver: OAuthDriver, fake: FakeSlack
) -> None:
    await driver.install(_workspace(ONE))
    tokens = driver.oauth.tokens

    await tokens.park("T0ONE", "account_inactive")
    tokens.fresh_tick()
    assert (await tokens.token_for("T0ONE")).reason == "parked: account_inactive"

    again = await driver.install(_workspace(ONE))
    tokens.fresh_tick()
    assert (await tokens.token_for("T0ONE")).token == again
    assert len(fake.calls_to("chat.postMessage")) == 1  # a reinstall is not a first contact


async def test_an_org_wide_install_sends_for_each_workspace_of_its_org_only(
    driver: OAuthDriver, fake: FakeSlack, db: Database, clock: ManualClock
) -> None:
    org = FakeWorkspace(None, "Org", "UADMIN", enterprise_id="E0ORG", org_wide=True)
    token = await driver.install(org)
    fake.workspaces.place("T0GRID", "C0GRID", enterprise_id="E0ORG")
    async with db.unit_of_work("T0GRID") as uow:  # first seen on a request from the org
        await uow.workspaces.ensure(clock.now())
        await uow.commit()
    tokens = driver.oauth.tokens

    assert (await tokens.token_for("T0GRID")).token is None  # its org is not known yet
    tokens.fresh_tick()
    await driver.oauth.lifecycle.installed(None, "E0ORG", clock.now())
    from bot.db.workspace_lifecycle import note_enterprise

    async with db.sessions() as session:
        await note_enterprise(session, "T0GRID", "E0ORG")
        await session.commit()

    assert (await tokens.token_for("T0GRID")).token == token
    assert (await tokens.token_for("T0ELSE", "E0OTHER")).token is None
    messenger = await TeamMessengers(tokens, fake.base_url).for_team("T0GRID")
    assert isinstance(messenger, SlackMessenger)
    await messenger.send(Post(ToChannel("C0GRID"), Doc.text("countdown")))
    assert fake.violations == []


async def test_no_token_is_ever_logged(
    db: Database, fake: FakeSlack, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with oauth_app(db, fake, clock) as driver:
        old = await driver.install(_workspace(ONE, rotating=True, expires_in=600))
        fake.workspaces.expire(old)
        await driver.command("T0ONE", "C0ONE", "UINSTALL1", "status")
        await driver.redirect("bogus", code="code-x")

    secrets = [*fake.workspaces.grants, *fake.workspaces.refresh_tokens]
    secrets += [g.refresh_token for g in fake.workspaces.grants.values() if g.refresh_token]
    assert len(fake.workspaces.grants) == 2  # installed, then refreshed
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "refresh_token" in str(fake.calls_to("oauth.v2.access")[-1].params)
    for secret in secrets:
        assert secret not in logged


async def test_a_refresh_another_replica_just_made_is_used_not_parked(
    driver: OAuthDriver, fake: FakeSlack, db: Database, clock: ManualClock
) -> None:
    old = await driver.install(_workspace(ONE, rotating=True, expires_in=600))
    fake.workspaces.expire(old)
    store = driver.oauth.store
    stale = await store.async_find_installation(enterprise_id=None, team_id="T0ONE")
    other = InstalledWorkspaces(store, driver.oauth.lifecycle, driver.oauth.tokens.rotator, clock)
    refreshed_elsewhere = (await other.token_for("T0ONE")).token  # replica A refreshes first
    reads = iter([stale])
    find = store.async_find_installation

    async def stale_first(**kwargs: object) -> object:  # replica B had read it just before
        return next(reads, None) or await find(**kwargs)  # type: ignore[arg-type]

    driver.oauth.store.async_find_installation = stale_first  # type: ignore[method-assign]
    found = await driver.oauth.tokens.token_for("T0ONE")

    assert found.token == refreshed_elsewhere != old
    assert (await driver.oauth.lifecycle.standing("T0ONE")).blocked is None
    assert [c.params.get("grant_type") for c in fake.calls_to("oauth.v2.access")] == [
        None, "refresh_token", "refresh_token",
    ]  # fmt: skip
