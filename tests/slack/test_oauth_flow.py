"""OAuth mode through the real app (`build_app` + `web_app`) and the fake Slack, which checks
every call's token against the workspace it names: install, two workspaces, their tokens."""

from __future__ import annotations

import json
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
from bot.metrics import Metrics
from bot.outcome import Post, ToChannel
from bot.ports import Unreachable
from bot.slack.operations import count_errors
from bot.slack.workspaces import InstalledWorkspaces, TeamMessengers
from tests.fakeworkspaces import CLIENT_ID, FakeWorkspace
from tests.slack.test_operations import parse, value
from tests.slackapp import OAuthDriver, running_oauth_app, signature_headers

ONE = FakeWorkspace("T0ONE", "Team One", "UINSTALL1")
TWO = FakeWorkspace("T0TWO", "Team Two", "UINSTALL2")
CHANNELS = {"T0ONE": "C0ONE", "T0TWO": "C0TWO"}
INSTALLERS = {"T0ONE": "UINSTALL1", "T0TWO": "UINSTALL2"}


@pytest_asyncio.fixture
async def driver(db: Database, clock: ManualClock) -> AsyncIterator[OAuthDriver]:
    async with running_oauth_app(db, clock) as running:
        for team, channel in CHANNELS.items():
            running.fake.workspaces.place(team, channel)
        yield running


def _workspace(base: FakeWorkspace, **changes: object) -> FakeWorkspace:
    values = {**base.__dict__, **changes}
    return FakeWorkspace(**values)


async def _installs(db: Database) -> int:
    async with db.engine.connect() as conn:
        query = select(func.count()).select_from(installations)
        return int((await conn.execute(query)).scalar_one())


async def _coalition(driver: OAuthDriver, team: str, event: str) -> None:
    """The installer starts a coalition in the team's channel and sets its deadline, over HTTP."""
    channel, lead = CHANNELS[team], INSTALLERS[team]
    deadline = (driver.clock.now() + timedelta(days=30)).date()
    for line in ("join lead", f"deadline {deadline} {event}"):
        response = await driver.command(team, channel, lead, line)
        assert response.status == 200
    await driver.settle()


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


async def test_only_the_install_pages_go_around_the_signature_check(
    driver: OAuthDriver,
) -> None:
    http = driver.client
    assert (await http.post("/slack/events", data=b"command=/sre&text=help")).status == 401
    assert (await http.post("/slack/install")).status == 405
    assert (await http.post("/slack/oauth_redirect")).status == 405
    assert (await http.get("/slack/events")).status == 405
    body = "command=/sre&text=help"
    forged = {**signature_headers(body, 1_700_000_000), "Content-Type": "text/plain"}
    assert (await http.post("/slack/events", data=body, headers=forged)).status == 401
    assert (await http.get("/healthz")).status == 200


async def test_a_valid_redirect_exchanges_the_code_and_stores_the_install_sealed(
    driver: OAuthDriver, db: Database
) -> None:
    fake = driver.fake
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
    async with db.engine.connect() as conn:  # the raw columns hold no token
        raw = (await conn.execute(text("SELECT bot_token FROM slack_installations"))).scalar_one()
        bots = (await conn.execute(text("SELECT bot_token FROM slack_bots"))).scalar_one()
    assert token not in raw and raw.startswith("gAAAAA") and token not in bots
    (welcome,) = fake.calls_to("chat.postMessage")  # the installer hears how to start
    assert welcome.params["channel"] == "UINSTALL1" and welcome.token == token
    assert "/sre join lead" in welcome.params["text"]


async def test_a_refused_welcome_dm_is_counted_and_the_install_still_lands(
    driver: OAuthDriver, db: Database
) -> None:
    metrics = Metrics(db.pool_state)
    count_errors(driver.deps.client, metrics)  # as `sre-coach run` does
    fake = driver.fake
    code = fake.workspaces.add(_workspace(ONE))
    _, state = await driver.install_page()
    fake.fail_next("chat.postMessage", status=200, error="cannot_dm_bot")

    response = await driver.redirect(state, code=code)

    assert response.status == 200 and await _installs(db) == 1
    samples = parse(metrics.exposition().decode())
    errors = "sre_coach_slack_api_errors_total"
    assert value(samples, errors, method="chat.postMessage", error="cannot_dm_bot") == 1


@pytest.mark.parametrize("cookie", ["bogus-state", None])
async def test_an_unknown_state_is_refused_and_nothing_is_stored(
    driver: OAuthDriver, db: Database, cookie: str | None
) -> None:
    code = driver.fake.workspaces.add(_workspace(ONE))

    response = await driver.redirect("bogus-state", cookie=cookie, code=code)

    assert response.status == 401
    assert "invalid_state" in await response.text()
    assert driver.fake.calls_to("oauth.v2.access") == []
    assert await _installs(db) == 0


async def test_an_expired_state_is_refused_and_nothing_is_stored(
    driver: OAuthDriver, db: Database
) -> None:
    code = driver.fake.workspaces.add(_workspace(ONE))
    _, state = await driver.install_page()
    past = datetime.now(UTC).replace(tzinfo=None) - timedelta(seconds=1)
    async with db.engine.begin() as conn:  # the browser came back after the state's 10 minutes
        await conn.execute(update(oauth_states).values(expire_at=past))

    response = await driver.redirect(state, code=code)

    assert response.status == 401
    assert driver.fake.calls_to("oauth.v2.access") == []
    assert await _installs(db) == 0


async def test_a_state_is_good_once_and_only_with_its_browsers_cookie(
    driver: OAuthDriver, db: Database
) -> None:
    fake = driver.fake
    _, state = await driver.install_page()
    stolen = await driver.redirect(state, cookie="another-browser", code="code-x")
    assert stolen.status == 400 and "invalid_browser" in await stolen.text()

    assert (await driver.redirect(state, code=fake.workspaces.add(_workspace(ONE)))).status == 200
    replayed = await driver.redirect(state, code=fake.workspaces.add(_workspace(TWO)))
    assert replayed.status == 401
    assert await _installs(db) == 1


async def test_a_cancelled_install_or_a_bad_code_stores_nothing(
    driver: OAuthDriver, db: Database
) -> None:
    _, state = await driver.install_page()
    cancelled = await driver.redirect(state, error="access_denied")
    assert cancelled.status == 200 and "(access_denied)" in await cancelled.text()
    odd = await driver.redirect(state, error="<script>alert(1)</script>")
    assert "<script>" not in await odd.text() and "(other)" in await odd.text()

    _, state = await driver.install_page()
    bad = await driver.redirect(state, code="code-nobody-issued")
    assert bad.status == 401 and "invalid_code" in await bad.text()
    assert len(driver.fake.calls_to("oauth.v2.access")) == 1
    assert await _installs(db) == 0


async def test_two_workspaces_each_answer_from_their_own_data_with_their_own_token(
    driver: OAuthDriver,
) -> None:
    fake = driver.fake
    tokens = {w.team_id: await driver.install(_workspace(w)) for w in (ONE, TWO)}
    await _coalition(driver, "T0ONE", "Launch One")
    await _coalition(driver, "T0TWO", "Peak Two")

    one = await (await driver.command("T0ONE", "C0ONE", "UINSTALL1", "status")).json()
    two = await (await driver.command("T0TWO", "C0TWO", "UINSTALL2", "status")).json()
    # Team One's member names Team Two's channel: Team One has no coalition there.
    wrong = await (await driver.command("T0ONE", "C0TWO", "UINSTALL1", "status")).json()

    assert "Launch One" in json.dumps(one) and "Peak Two" not in json.dumps(one)
    assert "Peak Two" in json.dumps(two) and "Launch One" not in json.dumps(two)
    assert "Launch One" not in json.dumps(wrong) and "Peak Two" not in json.dumps(wrong)
    await driver.settle()
    posts = {(c.params["channel"], c.token) for c in fake.calls_to("chat.postMessage")}
    # The join announcements went out with each request's own workspace's token.
    assert ("C0ONE", tokens["T0ONE"]) in posts and ("C0TWO", tokens["T0TWO"]) in posts
    assert {t for c, t in posts if c in CHANNELS.values()} == set(tokens.values())


async def test_scheduled_nudges_go_out_with_each_workspaces_own_token(
    driver: OAuthDriver,
) -> None:
    fake = driver.fake
    tokens = {w.team_id: await driver.install(_workspace(w)) for w in (ONE, TWO)}
    for team, event in (("T0ONE", "Launch One"), ("T0TWO", "Peak Two")):
        await _coalition(driver, team, event)
    fake.calls.clear()
    work = driver.beat()

    await work.walk(driver.clock, driver.clock.now() + timedelta(days=7))

    sent = [(c.params["channel"], c.token) for c in fake.calls_to("chat.postMessage")]
    by_token = {team: [c for c, t in sent if t == token] for team, token in tokens.items()}
    assert by_token["T0ONE"] and by_token["T0TWO"]  # each workspace got its nudges
    assert set(by_token["T0ONE"]) <= {"C0ONE", "UINSTALL1"}
    assert set(by_token["T0TWO"]) <= {"C0TWO", "UINSTALL2"}
    assert len(sent) == len(by_token["T0ONE"]) + len(by_token["T0TWO"])
    assert fake.failed_calls == [] and fake.violations == []


async def test_the_token_is_looked_up_once_per_tick_not_per_message(
    driver: OAuthDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = driver.fake
    tokens = {w.team_id: await driver.install(_workspace(w)) for w in (ONE, TWO)}
    store, looked_up = driver.oauth.store, list[str]()
    find = store.async_find_installation

    async def counted(**kwargs: object) -> object:
        looked_up.append(str(kwargs["team_id"]))
        return await find(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "async_find_installation", counted)
    messengers = TeamMessengers(driver.oauth.tokens, fake.base_url)
    fake.calls.clear()

    for _tick in range(2):
        messengers.fresh_tick()
        for _nudge in range(3):
            for team, channel in CHANNELS.items():
                messenger = await messengers.for_team(team)
                assert not isinstance(messenger, Unreachable)
                await messenger.send(Post(ToChannel(channel), Doc.text("countdown")))

    assert sorted(looked_up) == ["T0ONE", "T0ONE", "T0TWO", "T0TWO"]  # once per tick each
    sent = [(c.params["channel"], c.token) for c in fake.calls_to("chat.postMessage")]
    assert sent.count(("C0ONE", tokens["T0ONE"])) == sent.count(("C0TWO", tokens["T0TWO"])) == 6


async def test_a_rotating_token_is_refreshed_before_a_scheduled_nudge_uses_it(
    driver: OAuthDriver, db: Database
) -> None:
    fake = driver.fake
    old = await driver.install(_workspace(ONE, rotating=True, expires_in=600))
    await _coalition(driver, "T0ONE", "Launch One")
    fake.workspaces.expire(old)  # what ten minutes later would bring
    fake.calls.clear()

    await driver.beat().walk(driver.clock, driver.clock.now() + timedelta(days=2))

    refreshes = [c for c in fake.calls_to("oauth.v2.access") if "refresh_token" in c.params]
    posts = fake.calls_to("chat.postMessage")
    assert refreshes and posts
    assert old not in {c.token for c in posts}
    assert fake.failed_calls == []  # nothing was tried with the expired token
    new = fake.workspaces.token_of("T0ONE")
    stored = await driver.oauth.store.async_find_installation(enterprise_id=None, team_id="T0ONE")
    assert stored is not None and stored.bot_token == new
    assert (await driver.deps.lifecycle.standing("T0ONE")).blocked is None


async def test_a_request_refreshes_a_rotating_token_too(driver: OAuthDriver) -> None:
    fake = driver.fake
    old = await driver.install(_workspace(ONE, rotating=True, expires_in=600))
    fake.workspaces.expire(old)

    response = await driver.command("T0ONE", "C0ONE", "UINSTALL1", "join lead")
    await driver.settle()

    assert response.status == 200
    new = fake.workspaces.token_of("T0ONE")
    assert new != old and fake.calls_to("chat.postMessage")[-1].token == new
    assert fake.failed_calls == []


async def test_a_workspace_whose_token_slack_refuses_is_parked_not_retried(
    driver: OAuthDriver, db: Database
) -> None:
    fake = driver.fake
    one = await driver.install(_workspace(ONE))
    two = await driver.install(_workspace(TWO))
    await _coalition(driver, "T0ONE", "Launch One")
    await _coalition(driver, "T0TWO", "Peak Two")
    fake.workspaces.revoke("T0ONE")  # the workspace was deleted, say: token_revoked from now on
    fake.calls.clear()

    await driver.beat().walk(driver.clock, driver.clock.now() + timedelta(days=7))

    tried = [c for c in fake.calls + fake.failed_calls if c.token == one]
    # One refused post parks the workspace: no retry, tick after tick, for a week (a time zone
    # lookup, before it, is the only other call its dead token got).
    assert [c.method for c in tried if c.method == "chat.postMessage"] == ["chat.postMessage"]
    assert len(tried) <= 2
    assert (await driver.deps.lifecycle.standing("T0ONE")).blocked == "parked: token_revoked"
    assert len([c for c in fake.calls_to("chat.postMessage") if c.token == two]) > 2

    again = await driver.install(_workspace(ONE))  # reinstalled: served again
    driver.oauth.tokens.fresh_tick()
    assert (await driver.oauth.tokens.token_for("T0ONE")).token == again


async def test_an_org_wide_install_serves_each_workspace_of_its_org_only(
    driver: OAuthDriver, db: Database
) -> None:
    fake = driver.fake
    org = FakeWorkspace(None, "Org", "UADMIN", enterprise_id="E0ORG", org_wide=True)
    token = await driver.install(org)
    fake.workspaces.place("T0GRID", "C0GRID", "UGRID", enterprise_id="E0ORG")

    # A first request from a workspace of the org: its org is noted with it.
    response = await driver.command("T0GRID", "C0GRID", "UGRID", "join lead", "E0ORG")
    assert response.status == 200
    await driver.settle()

    tokens = driver.oauth.tokens
    tokens.fresh_tick()
    assert (await tokens.token_for("T0GRID")).token == token
    assert (await tokens.token_for("T0ELSE", "E0OTHER")).token is None
    messenger = await TeamMessengers(tokens, fake.base_url).for_team("T0GRID")
    assert not isinstance(messenger, Unreachable)
    await messenger.send(Post(ToChannel("C0GRID"), Doc.text("countdown")))


async def test_a_refresh_another_replica_just_made_is_used_not_parked(
    driver: OAuthDriver, db: Database, clock: ManualClock
) -> None:
    fake = driver.fake
    old = await driver.install(_workspace(ONE, rotating=True, expires_in=600))
    fake.workspaces.expire(old)
    store = driver.oauth.store
    stale = await store.async_find_installation(enterprise_id=None, team_id="T0ONE")
    lifecycle, rotator = driver.oauth.lifecycle, driver.oauth.tokens.rotator
    other = InstalledWorkspaces(store, lifecycle, rotator, clock)
    refreshed_elsewhere = (await other.token_for("T0ONE")).token  # replica A refreshes first
    reads = iter([stale])
    find = store.async_find_installation

    async def stale_first(**kwargs: object) -> object:  # replica B had read it just before
        return next(reads, None) or await find(**kwargs)  # type: ignore[arg-type]

    store.async_find_installation = stale_first  # type: ignore[method-assign,assignment]
    found = await driver.oauth.tokens.token_for("T0ONE")

    assert found.token == refreshed_elsewhere != old
    assert (await lifecycle.standing("T0ONE")).blocked is None


async def test_no_token_is_ever_logged(
    db: Database, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with running_oauth_app(db, clock) as driver:
        fake = driver.fake
        fake.workspaces.place("T0ONE", "C0ONE")
        old = await driver.install(_workspace(ONE, rotating=True, expires_in=600))
        fake.workspaces.expire(old)
        await _coalition(driver, "T0ONE", "Launch One")
        await driver.beat().walk(clock, clock.now() + timedelta(days=1))
        await driver.redirect("bogus", code="code-x")
        await driver.event("T0ONE", {"type": "app_uninstalled"})

    secrets = [*fake.workspaces.grants, *fake.workspaces.refresh_tokens]
    secrets += [g.refresh_token for g in fake.workspaces.grants.values() if g.refresh_token]
    assert len(fake.workspaces.grants) >= 2  # installed, then refreshed
    logged = "\n".join(record.getMessage() for record in caplog.records)
    logged += "\n".join(str(record.args) for record in caplog.records)
    assert "installed in team T0ONE" in logged  # the log was captured
    for secret in secrets:
        assert secret not in logged
