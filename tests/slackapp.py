"""Drive the real Bolt app as Slack would: signed HTTP requests in, Web API calls to a fake out.

`running_app` is the single-workspace bot (`SLACK_BOT_TOKEN`); `running_oauth_app` the same app
in OAuth mode, with install pages and many workspaces, each with its own token.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jsonschema
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr
from slack_bolt.async_app import AsyncApp

from bot.clock import Clock, ManualClock
from bot.db.uow import Database
from bot.scheduling.due import UNINSTALL_GRACE, DueWork
from bot.settings import Settings
from bot.slack.app import build_app
from bot.slack.deps import SlackDeps
from bot.slack.operations import Operations, count_errors
from bot.slack.server import EVENTS_PATH, web_app
from bot.slack.token_cipher import new_key
from bot.slack.workspaces import TeamMessengers
from tests.builders import content, make_router
from tests.fakeslack import BOT_USER_ID, TEAM_ID, FakeSlack, block_kit_problems
from tests.fakeworkspaces import CLIENT_ID, CLIENT_SECRET, FakeWorkspace

SIGNING_SECRET = "test-signing-secret-0123456789"
SPECS = Path(__file__).resolve().parents[1].parent / "shared" / "slack-specs"
_WRAPPER = json.loads((SPECS / "slack_common_event_wrapper_schema.json").read_text())
_event_ids = itertools.count(1)


def signature_headers(body: str, timestamp: int, secret: str = SIGNING_SECRET) -> dict[str, str]:
    """Slack's v0 request signature over `v0:{ts}:{body}`."""
    base = f"v0:{timestamp}:{body}".encode()
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": f"v0={digest}"}


def event_wrapper(event: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    """An `event_callback` envelope, checked against Slack's published wrapper schema."""
    body = {
        "token": "legacy-verification-token",
        "team_id": TEAM_ID,
        "api_app_id": "A0001",
        "event": {"event_ts": event.get("ts", "1700000000.000100"), **event},
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_event_ids):08d}",
        "event_time": 1700000000,
        "authed_users": [BOT_USER_ID],
    }
    jsonschema.validate(body, _WRAPPER)
    return body


class SlackDriver:
    """Sends signed requests to the app's HTTP endpoint."""

    def __init__(
        self, client: TestClient[Any, Any], fake: FakeSlack, deps: SlackDeps, app: AsyncApp
    ) -> None:
        self.client, self.fake, self.deps, self.app = client, fake, deps, app

    async def raw(self, body: bytes | str, headers: dict[str, str]) -> ClientResponse:
        """POST `body` with exactly these headers (no signature added)."""
        data = body.encode() if isinstance(body, str) else body
        return await self.client.post(EVENTS_PATH, data=data, headers=headers)

    async def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        secret: str | None = None,
    ) -> ClientResponse:
        """POST a body signed at `timestamp` (now by default) with `secret`."""
        ts = int(time.time()) if timestamp is None else timestamp
        headers = signature_headers(body, ts, secret or SIGNING_SECRET)
        headers["Content-Type"] = content_type
        return await self.client.post(EVENTS_PATH, data=body.encode(), headers=headers)

    async def command(
        self, text: str, user: str = "U1", channel: str = "C1", **kw: Any
    ) -> ClientResponse:
        """A `/sre` slash command as Slack posts it (form-encoded)."""
        form = {
            "token": "legacy",
            "team_id": TEAM_ID,
            "team_domain": "acme",
            "channel_id": channel,
            "channel_name": "sre",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/sre",
            "text": text,
            "api_app_id": "A0001",
            "response_url": self.fake.response_url,
            "trigger_id": "1337.42.abcd",
        }
        response = await self.post(urlencode(form), "application/x-www-form-urlencoded", **kw)
        if response.content_type == "application/json":  # the reply in the ack: Block Kit too
            self.fake.violations += block_kit_problems("ack", await response.json())
        return response

    async def interaction(self, payload: dict[str, Any]) -> ClientResponse:
        """An interactivity payload (block_actions, view_submission), form-encoded as Slack does."""
        base = {
            "team": {"id": TEAM_ID, "domain": "acme"},
            "api_app_id": "A0001",
            "token": "legacy",
            "trigger_id": "1337.42.abcd",
        }
        body = urlencode({"payload": json.dumps({**base, **payload})})
        return await self.post(body, "application/x-www-form-urlencoded")

    async def click(self, action_id: str, value: str, user: str = "U1") -> ClientResponse:
        """A button click in a channel message."""
        action = {
            "type": "button",
            "action_id": action_id,
            "block_id": "b1",
            "value": value,
            "action_ts": "1700000000.1",
        }
        return await self.interaction(
            {
                "type": "block_actions",
                "user": {"id": user, "team_id": TEAM_ID},
                "container": {"type": "message", "channel_id": "C1", "is_ephemeral": True},
                "channel": {"id": "C1", "name": "sre"},
                "actions": [action],
            }
        )

    async def submit(
        self, callback_id: str, channel: str, values: dict[str, str], user: str = "U1"
    ) -> ClientResponse:
        """A modal submission with plain-text inputs (or selects, for `yes|partly|no`)."""
        state = {
            key: {key: {"type": "static_select", "selected_option": {"value": value}}}
            if value in ("yes", "partly", "no")
            else {key: {"type": "plain_text_input", "value": value}}
            for key, value in values.items()
        }
        view = {
            "id": "V1",
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": channel,
            "state": {"values": state},
        }
        return await self.interaction(
            {"type": "view_submission", "user": {"id": user}, "view": view}
        )

    async def event(self, event: dict[str, Any], event_id: str | None = None) -> ClientResponse:
        """An Events API delivery."""
        return await self.post(json.dumps(event_wrapper(event, event_id)), "application/json")

    async def settle(self) -> None:
        """Wait for the follow-up work the last requests started."""
        await self.deps.tasks.drain()


@asynccontextmanager
async def running_app(
    db: Database, clock: Clock, ops: Operations | None = None
) -> AsyncIterator[SlackDriver]:
    """The real app on a local port, its Web API client pointed at a fresh fake Slack (with
    `ops`, also serving `/readyz` and `/metrics` and counting into `ops.metrics`)."""
    async with FakeSlack() as fake:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=db.url,
            slack_bot_token=SecretStr("xoxb-test-token"),
            slack_signing_secret=SecretStr(SIGNING_SECRET),
            slack_api_base_url=fake.base_url,
        )
        app, deps = build_app(settings, make_router(db, clock))
        if ops is not None:
            count_errors(app.client, ops.metrics)
        async with TestClient(TestServer(web_app(app, db, SIGNING_SECRET, ops))) as client:
            driver = SlackDriver(client, fake, deps, app)
            yield driver
            await driver.settle()
        assert fake.violations == [], fake.violations


# ------------------------------------------------------------------ OAuth mode (many workspaces)

TOKEN_KEY = new_key()
STATE_COOKIE = "slack-app-oauth-state"


def oauth_settings(fake: FakeSlack, database_url: str, **extra: Any) -> Settings:
    """OAuth-mode settings (client id and secret, a token key, no bot token) on the fake."""
    values: dict[str, Any] = {
        "database_url": database_url,
        "slack_client_id": CLIENT_ID,
        "slack_client_secret": CLIENT_SECRET,
        "slack_token_keys": TOKEN_KEY,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_base_url": fake.base_url,
        **extra,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


class OAuthDriver:
    """Browser and Slack in one, for the real app in OAuth mode: visits the install pages,
    sends signed commands and events from any installed workspace, runs the beat."""

    def __init__(
        self,
        client: TestClient[Any, Any],
        fake: FakeSlack,
        deps: SlackDeps,
        db: Database,
        clock: ManualClock,
    ) -> None:
        self.client, self.fake, self.deps, self.db, self.clock = client, fake, deps, db, clock
        assert deps.oauth is not None, "the app was built in single-workspace mode"
        self.oauth = deps.oauth

    async def install_page(self) -> tuple[ClientResponse, str]:
        """GET /slack/install; the response and the state its cookie carries."""
        response = await self.client.get("/slack/install")
        cookie: SimpleCookie = SimpleCookie()
        for header in response.headers.getall("Set-Cookie", []):
            cookie.load(header)
        return response, cookie[STATE_COOKIE].value

    async def redirect(self, state: str, cookie: str | None = None, **query: str) -> ClientResponse:
        """Slack sends the browser back: GET /slack/oauth_redirect with the browser's cookie."""
        headers = {"Cookie": f"{STATE_COOKIE}={state if cookie is None else cookie}"}
        return await self.client.get(
            "/slack/oauth_redirect", params={"state": state, **query}, headers=headers
        )

    async def install(self, workspace: FakeWorkspace) -> str:
        """The whole flow for one workspace; returns the bot token Slack gave it."""
        code = self.fake.workspaces.add(workspace)
        _, state = await self.install_page()
        response = await self.redirect(state, code=code)
        assert response.status == 200, await response.text()
        return self.fake.workspaces.token_of(workspace.team_id or workspace.enterprise_id)

    async def _signed(self, body: str, content_type: str) -> ClientResponse:
        headers = {**signature_headers(body, int(time.time())), "Content-Type": content_type}
        return await self.client.post(EVENTS_PATH, data=body.encode(), headers=headers)

    async def command(
        self, team_id: str, channel: str, user: str, text: str, enterprise_id: str | None = None
    ) -> ClientResponse:
        """A signed `/sre` slash command from workspace `team_id` (of an org installed
        org-wide, with `enterprise_id`)."""
        form = {
            "token": "legacy",
            "team_id": team_id,
            "team_domain": team_id.lower(),
            "channel_id": channel,
            "channel_name": channel.lower(),
            "user_id": user,
            "user_name": user.lower(),
            "command": "/sre",
            "text": text,
            "api_app_id": "A0001",
            "is_enterprise_install": "false" if enterprise_id is None else "true",
            "response_url": self.fake.response_url,
            "trigger_id": "1337.42.abcd",
        }
        if enterprise_id is not None:
            form["enterprise_id"] = enterprise_id
        response = await self._signed(urlencode(form), "application/x-www-form-urlencoded")
        if response.content_type == "application/json":
            self.fake.violations += block_kit_problems("ack", await response.json())
        return response

    async def event(
        self, team_id: str | None, event: dict[str, Any], enterprise_id: str | None = None
    ) -> ClientResponse:
        """A signed Events API delivery to the install of `team_id` (or of its org)."""
        body = {
            **event_wrapper(event),
            "team_id": team_id or enterprise_id,
            "authed_users": [f"UB{team_id}"],
            "authorizations": [
                {
                    "enterprise_id": enterprise_id,
                    "team_id": team_id,
                    "user_id": f"UB{team_id}",
                    "is_bot": True,
                    "is_enterprise_install": team_id is None,
                }
            ],
        }
        if enterprise_id is not None:
            body["enterprise_id"] = enterprise_id
        jsonschema.validate(body, _WRAPPER)
        return await self._signed(json.dumps(body), "application/json")

    def beat(self, worker: str = "oauth-test") -> DueWork:
        """The scheduled work as `sre-coach run` builds it in OAuth mode: each workspace's
        nudges sent with its own token, looked up once per tick."""
        messengers = TeamMessengers(self.oauth.tokens, self.fake.base_url)
        return DueWork(self.db, messengers, self.clock, content(), worker, UNINSTALL_GRACE)

    async def settle(self) -> None:
        """Wait for the follow-up work the last requests started."""
        await self.deps.tasks.drain()


@asynccontextmanager
async def running_oauth_app(
    db: Database, clock: ManualClock, fake: FakeSlack | None = None
) -> AsyncIterator[OAuthDriver]:
    """The real app in OAuth mode on a local port (`build_app` + `web_app`, as `sre-coach run`
    serves it), its Web API client pointed at the fake Slack, which checks every token."""
    async with AsyncExitStack() as stack:
        if fake is None:
            fake = await stack.enter_async_context(FakeSlack())
        app, deps = build_app(oauth_settings(fake, db.url), make_router(db, clock))
        server = web_app(app, db, SIGNING_SECRET)
        client = await stack.enter_async_context(TestClient(TestServer(server)))
        driver = OAuthDriver(client, fake, deps, db, clock)
        yield driver
        await driver.settle()
        assert fake.violations == [], fake.violations
