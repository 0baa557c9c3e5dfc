"""Builds the Bolt `AsyncApp`: client, middleware, listeners and the one error handler.

One code path for both modes: with `SLACK_CLIENT_ID` and `SLACK_CLIENT_SECRET` the app takes
Bolt's `AsyncOAuthSettings` over our encrypted installation store (many workspaces, each
request authorized with its own workspace's token); with `SLACK_BOT_TOKEN` it serves that one
workspace. Either way a listener sends through the request's own client (`messenger_of`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext, AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import Clock
from bot.db.workspace_lifecycle import WorkspaceLifecycle
from bot.outcome import Ephemeral, Post
from bot.render.blocks import fallback
from bot.router import Router, error_doc
from bot.settings import Settings
from bot.slack.background import BackgroundTasks
from bot.slack.deps import SlackDeps
from bot.slack.listeners import actions, assistant, commands, events, views
from bot.slack.messenger import SlackMessenger
from bot.slack.oauth import Installed, OAuth, build_oauth, send_welcome
from bot.slack.server import VERIFIED
from bot.slack.uninstall import register_uninstall

log = logging.getLogger(__name__)


def make_client(settings: Settings, *, retries: bool = True) -> AsyncWebClient:
    """A Web API client on `SLACK_API_BASE_URL`.

    With `retries`, it waits out 429s (Retry-After) for interactive replies. The scheduler's
    client has none: it must never re-post blindly after a reset, and it reschedules 429s itself.
    """
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    if not retries:
        return AsyncWebClient(
            token=token, base_url=settings.slack_api_base_url, timeout=10, retry_handlers=[]
        )
    client = AsyncWebClient(token=token, base_url=settings.slack_api_base_url)
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=2))
    return client


def build_app(settings: Settings, router: Router) -> tuple[AsyncApp, SlackDeps]:
    """The Slack app and the parts its listeners share."""
    client = make_client(settings)
    secret = settings.slack_signing_secret
    db, clock = router.db, router.clock
    oauth: OAuth | None = None
    if settings.oauth_mode:
        base_url = settings.slack_api_base_url

        async def welcome(installed: Installed) -> None:
            await send_welcome(installed, base_url, client.retry_handlers)

        oauth = build_oauth(settings, db, client, clock, on_installed=welcome)
    app = AsyncApp(
        client=client,
        signing_secret=secret.get_secret_value() if secret else None,
        oauth_settings=oauth.settings if oauth else None,
        # Replies are computed fast, so answer inline; Web API work goes to background tasks.
        process_before_response=True,
    )
    # Bolt's second check logs a bad signature at INFO with the whole body; the HTTP door has
    # already refused those with a short line of its own (bot/slack/server.py).
    logging.getLogger("slack_bolt.RequestVerification").setLevel(logging.WARNING)
    deps = SlackDeps(router, BackgroundTasks(), db.lifecycle(), client, oauth)
    if oauth is not None:
        app.middleware(noting_enterprise(deps.lifecycle, clock))
    register_uninstall(app, deps.lifecycle, clock)
    app.assistant(assistant.build(deps))  # agent messaging; plain DMs go to events' `message`
    commands.register(app, deps)
    events.register(app, deps)
    actions.register(app, deps)
    views.register(app, deps)
    app.error(on_error(deps))
    return app, deps


def noting_enterprise(
    lifecycle: WorkspaceLifecycle, clock: Clock
) -> Callable[..., Awaitable[BoltResponse | None]]:
    """A middleware that remembers, once per workspace and process, the Enterprise Grid org a
    request came from: an org-wide install serves the org's workspaces, so the scheduler finds
    a workspace's token (and an org's uninstall its workspaces) by that org."""
    noted: set[tuple[str, str]] = set()

    async def note(
        context: AsyncBoltContext, next: Callable[[], Awaitable[BoltResponse]]
    ) -> BoltResponse | None:
        response = await next()
        team, enterprise = context.team_id, context.enterprise_id
        if team and enterprise and (team, enterprise) not in noted:
            await lifecycle.noted_enterprise(team, enterprise, clock.now())
            noted.add((team, enterprise))
        return response

    return note


def _verified(request: AsyncBoltRequest) -> bool:
    """True when the HTTP door verified this request, or it came over Socket Mode's websocket."""
    return request.mode == "socket_mode" or request.context.get(VERIFIED) is True


def on_error(deps: SlackDeps) -> Callable[..., Awaitable[None]]:
    """The one error handler: log the kind of failure, tell the user briefly.

    A failed event is answered 500 so Slack delivers it again (its claim rolled back with it);
    a failed command or interaction is answered 200 with a short apology. A body nobody
    verified gets no answer at all, and nothing is sent to anyone it names.
    """

    async def handle(
        error: Exception, body: dict[str, Any], request: AsyncBoltRequest, response: BoltResponse
    ) -> None:
        if not _verified(request):
            log.warning("unverified request failed: %s", type(error).__name__)
            response.status, response.body = 401, ""
            return
        log.error("listener failed: %s", type(error).__name__, exc_info=error)
        doc = error_doc()
        if body.get("type") == "event_callback":
            response.status, response.body = 500, ""
            return
        if body.get("command"):
            response.status, response.body = (
                200,
                json.dumps({"response_type": "ephemeral", "text": fallback(doc)}),
            )
            response.headers["content-type"] = ["application/json"]
            return
        response.status, response.body = 200, ""
        user = (body.get("user") or {}).get("id")
        channel = (body.get("channel") or {}).get("id")
        if user and channel:
            # The request's own client (its workspace's token); the app's if it has none yet.
            client = request.context.get("client") or deps.client
            messenger = SlackMessenger(client)
            deps.tasks.spawn(messenger.send(Post(Ephemeral(channel, user), doc)))

    return handle
