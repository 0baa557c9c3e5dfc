"""A minimal OAuth-mode Bolt app behind aiohttp's test server, talking to the fake Slack.

Until the app's own wiring takes OAuth mode (issue 12's second half), this is the app: Bolt's
`AsyncApp(oauth_settings=build_oauth(...).settings)`, the install routes of
`add_oauth_routes`, and one `/sre` listener that answers from the asking workspace's data.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

import jsonschema
from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient, TestServer
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import Clock
from bot.db.uow import Database
from bot.settings import Settings
from bot.slack.oauth import OAuth, add_oauth_routes, build_oauth, send_welcome
from bot.slack.token_cipher import new_key
from bot.slack.uninstall import register_uninstall
from tests.fakeslack import FakeSlack
from tests.fakeworkspaces import CLIENT_ID, CLIENT_SECRET, FakeWorkspace
from tests.slackapp import _WRAPPER, SIGNING_SECRET, signature_headers

KEY = new_key()
COOKIE = "slack-app-oauth-state"
_event_ids = itertools.count(1)


def oauth_settings(fake: FakeSlack, **extra: Any) -> Settings:
    """OAuth-mode settings pointing at the fake."""
    values: dict[str, Any] = {
        "slack_client_id": CLIENT_ID,
        "slack_client_secret": CLIENT_SECRET,
        "slack_token_keys": KEY,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_base_url": fake.base_url,
        **extra,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@dataclass
class OAuthDriver:
    """Browser and Slack in one: visits the install pages, sends signed slash commands."""

    http: TestClient[Any, Any]
    fake: FakeSlack
    oauth: OAuth
    app: AsyncApp

    async def install_page(self) -> tuple[ClientResponse, str]:
        """GET /slack/install; the response and the state its cookie carries."""
        response = await self.http.get("/slack/install")
        cookie: SimpleCookie = SimpleCookie()
        for header in response.headers.getall("Set-Cookie", []):
            cookie.load(header)
        return response, cookie[COOKIE].value

    async def redirect(self, state: str, cookie: str | None = None, **query: str) -> ClientResponse:
        """Slack sends the browser back: GET /slack/oauth_redirect with the browser's cookie."""
        headers = {"Cookie": f"{COOKIE}={state if cookie is None else cookie}"}
        return await self.http.get(
            "/slack/oauth_redirect", params={"state": state, **query}, headers=headers
        )

    async def install(self, workspace: FakeWorkspace) -> str:
        """The whole flow for one workspace; returns the bot token it was given."""
        code = self.fake.workspaces.add(workspace)
        _, state = await self.install_page()
        response = await self.redirect(state, code=code)
        assert response.status == 200, await response.text()
        return self.fake.workspaces.token_of(workspace.team_id or workspace.enterprise_id)

    async def event(
        self, team_id: str | None, event: dict[str, Any], enterprise_id: str | None = None
    ) -> ClientResponse:
        """A signed Events API delivery for `team_id` (checked against Slack's wrapper schema)."""
        body = {
            "token": "legacy",
            "team_id": team_id or enterprise_id,
            "enterprise_id": enterprise_id,
            "api_app_id": "A0001",
            "event": {"event_ts": "1700000000.000100", **event},
            "type": "event_callback",
            "event_id": f"Ev{next(_event_ids):08d}",
            "event_time": 1700000000,
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
            "is_ext_shared_channel": False,
        }
        jsonschema.validate({k: v for k, v in body.items() if v is not None}, _WRAPPER)
        text = json.dumps(body)
        headers = {**signature_headers(text, int(time.time())), "Content-Type": "application/json"}
        return await self.http.post("/slack/events", data=text, headers=headers)

    async def command(self, team_id: str, channel: str, user: str, text: str) -> ClientResponse:
        """A signed `/sre` slash command from `team_id`."""
        body = urlencode(
            {
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
                "is_enterprise_install": "false",
                "response_url": self.fake.response_url,
                "trigger_id": "1.2.3",
            }
        )
        headers = {
            **signature_headers(body, int(time.time())),
            "Content-Type": "application/x-www-form-urlencoded",
        }
        return await self.http.post("/slack/events", data=body, headers=headers)


def _sre_listener(db: Database) -> Any:
    async def sre(
        ack: AsyncAck, command: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        team = context.team_id
        assert team is not None
        async with db.unit_of_work(team) as uow:
            coalition = await uow.coalitions.by_channel(command["channel_id"])
        await ack(f"{team}: {coalition.deadline_event if coalition else 'no coalition here'}")
        if coalition is not None:
            await client.chat_postMessage(channel=coalition.channel_id, text="a post for it")

    return sre


@asynccontextmanager
async def oauth_app(
    db: Database, fake: FakeSlack, clock: Clock, *, welcome: bool = True
) -> AsyncIterator[OAuthDriver]:
    """The app in OAuth mode on `db`, its client on the fake, served over HTTP."""
    settings = oauth_settings(fake)
    client = AsyncWebClient(base_url=fake.base_url)

    async def greet(installed: Any) -> None:
        await send_welcome(installed, fake.base_url)

    oauth = build_oauth(settings, db.engine, client, clock, on_installed=greet if welcome else None)
    app = AsyncApp(
        client=client,
        signing_secret=SIGNING_SECRET,
        oauth_settings=oauth.settings,
        process_before_response=True,
    )
    app.command("/sre")(_sre_listener(db))
    register_uninstall(app, oauth.lifecycle, clock)

    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    server = web.Application()
    add_oauth_routes(server, app)
    server.router.add_post("/slack/events", events)
    async with TestClient(TestServer(server)) as http:
        yield OAuthDriver(http, fake, oauth, app)
