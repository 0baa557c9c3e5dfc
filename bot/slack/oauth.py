"""OAuth mode: Bolt's install flow (`AsyncOAuthSettings`) on our encrypted store and our database.

`GET /slack/install` answers Bolt's "Add to Slack" page and sets the `state` cookie;
`GET /slack/oauth_redirect` checks the state (once, before it expires), exchanges the code with
`oauth.v2.access`, stores the install and answers a short page. On success the lifecycle
records the workspace as installed (clearing an uninstall or a parking), and `on_installed`
hears what the first-contact DM needs.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.oauth.async_callback_options import (
    AsyncCallbackOptions,
    AsyncFailureArgs,
    AsyncSuccessArgs,
)
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import Clock
from bot.db.uow import Database
from bot.db.workspace_lifecycle import WorkspaceLifecycle
from bot.ports import DeliveryError
from bot.settings import Settings
from bot.slack.installations import STATE_LIFETIME, EncryptedInstallationStore, OAuthStates
from bot.slack.messenger import SlackMessenger
from bot.slack.token_cipher import TokenCipher
from bot.slack.workspaces import REFRESH_BEFORE, InstalledWorkspaces
from bot.views.welcome import first_contact

log = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
_REASON = re.compile(r"[a-z_]{1,40}")  # Bolt's reasons; `?error=` is anyone's text


@dataclass(frozen=True)
class Installed:
    """An install just stored: what the first-contact DM needs."""

    team_id: str | None
    enterprise_id: str | None
    is_enterprise_install: bool
    installer_id: str
    first: bool
    bot_token: str = field(repr=False)


OnInstalled = Callable[[Installed], Awaitable[None]]


@dataclass(frozen=True)
class OAuth:
    """The parts of OAuth mode: Bolt's settings, and what the senders outside requests use."""

    settings: AsyncOAuthSettings
    store: EncryptedInstallationStore
    states: OAuthStates
    lifecycle: WorkspaceLifecycle
    tokens: InstalledWorkspaces


def build_oauth(
    settings: Settings,
    db: Database,
    client: AsyncWebClient,
    clock: Clock,
    on_installed: OnInstalled | None = None,
) -> OAuth:
    """Bolt's OAuth settings over our store, state table and `client` (its base URL is used
    for the code exchange, `auth.test` and every token refresh)."""
    assert settings.slack_client_id is not None and settings.slack_client_secret is not None
    # slack_sdk's DEBUG log quotes request bodies and answers: oauth.v2.access's hold tokens.
    quiet = logging.getLogger("slack_sdk.web.async_base_client")
    quiet.setLevel(max(logging.INFO, quiet.getEffectiveLevel()))
    client_id, secret = settings.slack_client_id, settings.slack_client_secret.get_secret_value()
    store = EncryptedInstallationStore(client_id, db.engine, TokenCipher(settings.token_keys))
    states = OAuthStates(expiration_seconds=STATE_LIFETIME, engine=db.engine)
    lifecycle = db.lifecycle()
    minutes = int(REFRESH_BEFORE.total_seconds() // 60)
    oauth = AsyncOAuthSettings(
        client_id=client_id,
        client_secret=secret,
        scopes=settings.install_scopes,
        user_scopes=[],
        redirect_uri=settings.slack_redirect_uri,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        callback_options=AsyncCallbackOptions(
            success=_on_success(lifecycle, clock, on_installed), failure=_on_failure
        ),
        installation_store=store,
        token_rotation_expiration_minutes=minutes,
        state_store=states,
        state_expiration_seconds=STATE_LIFETIME,
        logger=log,
    )
    # Bolt's own authorize step would refresh tokens through a client of its own, on
    # slack.com whatever SLACK_API_BASE_URL says: give it ours.
    oauth.authorize = AsyncInstallationStoreAuthorize(
        logger=log,
        installation_store=store,
        client_id=client_id,
        client_secret=secret,
        token_rotation_expiration_minutes=minutes,
        client=client,
    )
    rotator = AsyncTokenRotator(client_id=client_id, client_secret=secret, client=client)
    tokens = InstalledWorkspaces(store, lifecycle, rotator, clock)
    return OAuth(oauth, store, states, lifecycle, tokens)


def add_oauth_routes(server: web.Application, app: AsyncApp) -> None:
    """Serve the app's install page and OAuth redirect on `server` (the HTTP front door)."""
    flow = app.oauth_flow
    assert flow is not None, "the app was built without oauth_settings"

    async def install(request: web.Request) -> web.Response:
        return await to_aiohttp_response(
            await flow.handle_installation(await to_bolt_request(request))
        )

    async def redirect(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await flow.handle_callback(await to_bolt_request(request)))

    server.router.add_get(flow.install_path, install)
    server.router.add_get(flow.redirect_uri_path, redirect)


async def send_welcome(
    installed: Installed, base_url: str, retry_handlers: list[AsyncRetryHandler]
) -> None:
    """DM the installer how to start, with the new install's own token (first install only).

    `retry_handlers` are the app client's (its error counting and rate-limit retry), so a
    failed welcome shows in the metrics like any other Web API call.
    """
    if not installed.first:
        return
    client = AsyncWebClient(
        token=installed.bot_token,
        base_url=base_url,
        timeout=10,
        retry_handlers=list(retry_handlers),
    )
    try:
        await SlackMessenger(client).send(first_contact(installed.installer_id))
    except DeliveryError as error:
        log.warning("first-contact DM not sent (team %s): %s", installed.team_id, error.reason)


def _on_success(
    lifecycle: WorkspaceLifecycle, clock: Clock, on_installed: OnInstalled | None
) -> Callable[[AsyncSuccessArgs], Awaitable[BoltResponse]]:
    async def success(args: AsyncSuccessArgs) -> BoltResponse:
        installation = args.installation
        team, enterprise = installation.team_id, installation.enterprise_id
        first = await lifecycle.installed(team, enterprise, clock.now())
        log.info("installed in team %s (enterprise %s), first: %s", team, enterprise, first)
        if on_installed is not None and installation.bot_token and installation.user_id:
            installed = Installed(
                team,
                enterprise,
                installation.is_enterprise_install,
                installation.user_id,
                first,
                installation.bot_token,
            )
            try:
                await on_installed(installed)
            except Exception as error:  # the install is stored: the page still says so
                log.error("after-install step failed: %s", type(error).__name__)
        where = installation.enterprise_name if team is None else installation.team_name
        body = (
            f"SRE Coach is installed in {html.escape(where or 'your workspace')}. In Slack, "
            "invite @coach to your coalition's channel and type <code>/sre join lead</code>."
        )
        return _page(args.settings, 200, "SRE Coach is installed", body)

    return success


async def _on_failure(args: AsyncFailureArgs) -> BoltResponse:
    reason = args.reason if _REASON.fullmatch(args.reason or "") else "other"
    log.warning("install refused: %s", reason)
    body = (
        f"The installation did not complete ({reason}). "
        f'<a href="{INSTALL_PATH}">Start again</a> from the install page.'
    )
    return _page(args.settings, args.suggested_status_code, "Not installed", body)


def _page(settings: AsyncOAuthSettings, status: int, title: str, body: str) -> BoltResponse:
    """A short HTML answer that also deletes the state cookie."""
    text = (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><h1>{title}</h1><p>{body}</p></body></html>"
    )
    headers: dict[str, str | Sequence[str]] = {
        "Content-Type": "text/html; charset=utf-8",
        "Set-Cookie": settings.state_utils.build_set_cookie_for_deletion(),
    }
    return BoltResponse(status=status, body=text, headers=headers)
