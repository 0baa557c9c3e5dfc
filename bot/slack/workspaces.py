"""Each workspace's token for the work done outside a request (the scheduler, the health jobs).

A request gets its token from Bolt's authorization; a nudge carries only its `team_id`, so the
senders ask a directory here: once per workspace per tick (`fresh_tick()`), refreshing a
rotating token before it expires, and never with another workspace's token. A workspace that
is uninstalled, parked or not installed gets no token, with the reason.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Protocol

import aiohttp
from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import Clock
from bot.db.workspace_lifecycle import Standing, WorkspaceLifecycle, parking_error
from bot.metrics import Metrics
from bot.ports import Unreachable
from bot.slack.installations import EncryptedInstallationStore
from bot.slack.messenger import SlackMessenger
from bot.slack.operations import CountedErrors

log = logging.getLogger(__name__)

REFRESH_BEFORE = timedelta(minutes=120)
"""A rotating token is refreshed when it has less than this left (Slack's live 12 hours)."""


@dataclass(frozen=True)
class TeamToken:
    """A workspace's bot token, or why there is none (`lasting`: not before something changes,
    such as a reinstall; otherwise the next tick may have one)."""

    team_id: str
    token: str | None = field(default=None, repr=False)
    reason: str = ""
    lasting: bool = True


class TokenDirectory(Protocol):
    """Where the senders outside a request get a workspace's token."""

    def fresh_tick(self) -> None:
        """Forget what was looked up: the next tick asks again."""
        ...

    async def token_for(self, team_id: str, enterprise_id: str | None = None) -> TeamToken:
        """The workspace's token, or the reason it has none."""
        ...

    async def park(self, team_id: str, reason: str) -> int:
        """Slack refused the workspace's token for good: send nothing more for it."""
        ...


class SingleWorkspace:
    """Single-workspace mode: the one configured token, for the one team it belongs to (from
    `auth.test` at start). With a lifecycle, an uninstall or a dead token stops the sends too
    (until a restart whose `auth.test` passes records the workspace as installed again)."""

    def __init__(
        self,
        token: str,
        team_id: str,
        lifecycle: WorkspaceLifecycle | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._token, self.team_id = token, team_id
        self.lifecycle, self.clock = lifecycle, clock
        self._standing: Standing | None = None

    def fresh_tick(self) -> None:
        """The token is fixed; the workspace's standing is read again."""
        self._standing = None

    async def token_for(self, team_id: str, enterprise_id: str | None = None) -> TeamToken:
        """The configured token for its own team; nothing for any other."""
        if team_id != self.team_id:
            return TeamToken(team_id, reason="not the configured workspace")
        if self.lifecycle is not None:
            if self._standing is None:
                self._standing = await self.lifecycle.standing(team_id)
            if self._standing.blocked is not None:
                return TeamToken(team_id, reason=self._standing.blocked)
        return TeamToken(team_id, self._token)

    async def park(self, team_id: str, reason: str) -> int:
        """SLACK_BOT_TOKEN is dead: nothing more is sent until a restart with a good one."""
        log.error("Slack refused SLACK_BOT_TOKEN (%s)", reason)
        if self.lifecycle is None or self.clock is None or team_id != self.team_id:
            return 0
        self._standing = Standing(team_id, parked_reason=reason)
        return await self.lifecycle.park(team_id, reason, self.clock.now())


class InstalledWorkspaces:
    """OAuth mode: tokens from the installation store, per workspace, cached per tick."""

    def __init__(
        self,
        store: EncryptedInstallationStore,
        lifecycle: WorkspaceLifecycle,
        rotator: AsyncTokenRotator,
        clock: Clock,
        refresh_before: timedelta = REFRESH_BEFORE,
    ) -> None:
        self.store, self.lifecycle, self.rotator, self.clock = store, lifecycle, rotator, clock
        self.refresh_before = refresh_before
        self._tick: dict[str, TeamToken] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def fresh_tick(self) -> None:
        """Forget this tick's look-ups."""
        self._tick.clear()

    async def token_for(self, team_id: str, enterprise_id: str | None = None) -> TeamToken:
        """The workspace's token, looked up (and refreshed if need be) once per tick."""
        known = self._tick.get(team_id)
        if known is not None:
            return known
        # One look-up per workspace at a time, so concurrent senders refresh a token once.
        async with self._locks.setdefault(team_id, asyncio.Lock()):
            known = self._tick.get(team_id)
            if known is None:
                known = self._tick[team_id] = await self._look_up(team_id, enterprise_id)
        return known

    async def park(self, team_id: str, reason: str) -> int:
        """Park the workspace: its pending nudges stop; no token until it is installed again."""
        self._tick[team_id] = TeamToken(team_id, reason=f"parked: {reason}")
        return await self.lifecycle.park(team_id, reason, self.clock.now())

    async def _look_up(self, team_id: str, enterprise_id: str | None) -> TeamToken:
        standing = await self.lifecycle.standing(team_id)
        if standing.blocked is not None:
            return TeamToken(team_id, reason=standing.blocked)
        enterprise = enterprise_id or standing.enterprise_id
        installation = await self._installation(team_id, enterprise)
        if installation is None:
            return TeamToken(team_id, reason="not installed")
        try:
            refreshed = await self._refreshed(installation)
        except SlackTokenRotationError as error:
            reason = str(error.api_error.response.get("error") or "refused")
            if reason == "invalid_refresh_token":
                # A refresh token is good once: another replica (or a request) may have just
                # used it. Its new token is in the store then; park only if nothing changed.
                again = await self._installation(team_id, enterprise)
                if again is not None and again.bot_refresh_token != installation.bot_refresh_token:
                    return TeamToken(team_id, again.bot_token)
            dead = parking_error(reason) or reason == "invalid_refresh_token"
            if dead:
                await self.park(team_id, reason)
            return TeamToken(team_id, reason=f"token refresh failed: {reason}", lasting=dead)
        except (TimeoutError, aiohttp.ClientError) as error:
            reason = f"token refresh failed: {type(error).__name__}"
            return TeamToken(team_id, reason=reason, lasting=False)
        if refreshed is not None:
            installation = refreshed
        if installation.bot_token is None:
            return TeamToken(team_id, reason="installed without a bot token")
        return TeamToken(team_id, installation.bot_token)

    async def _refreshed(self, installation: Installation) -> Installation | None:
        """The installation with new tokens, saved, when its own expire soon; else None."""
        refreshed = await self.rotator.perform_token_rotation(
            installation=installation,
            minutes_before_expiration=int(self.refresh_before.total_seconds() // 60),
        )
        if refreshed is not None:
            await self.store.async_save(refreshed)
        return refreshed

    async def _installation(self, team_id: str, enterprise_id: str | None) -> Installation | None:
        """The workspace's own install, else its org's org-wide one; checked to be for it."""
        own = await self.store.async_find_installation(
            enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=False
        )
        if own is not None and own.team_id == team_id:
            return own
        if enterprise_id is None:
            return None
        org = await self.store.async_find_installation(
            enterprise_id=enterprise_id, team_id=None, is_enterprise_install=True
        )
        if org is not None and org.is_enterprise_install and org.enterprise_id == enterprise_id:
            return org
        return None


class TeamMessengers:
    """`Messengers` for the scheduler and the health jobs: a messenger per workspace, each with
    that workspace's own token, looked up once per workspace per tick (`fresh_tick()`)."""

    def __init__(
        self, tokens: TokenDirectory, base_url: str, metrics: Metrics | None = None
    ) -> None:
        self.tokens, self.base_url, self.metrics = tokens, base_url, metrics
        self._tick: dict[str, SlackMessenger | Unreachable] = {}

    def fresh_tick(self) -> None:
        """Start a tick: tokens are looked up again."""
        self._tick.clear()
        self.tokens.fresh_tick()

    async def for_team(self, team_id: str) -> SlackMessenger | Unreachable:
        """The workspace's messenger, or why there is none."""
        known = self._tick.get(team_id)
        if known is not None:
            return known
        found = await self.tokens.token_for(team_id)
        if found.token is None:
            known = Unreachable(team_id, found.reason, found.lasting)
        else:
            # No retries: the scheduler must never re-post blindly; it reschedules 429s itself.
            counted: list[AsyncRetryHandler] = []
            if self.metrics is not None:
                counted.append(CountedErrors(self.metrics))
            client = AsyncWebClient(
                token=found.token, base_url=self.base_url, timeout=10, retry_handlers=counted
            )
            known = SlackMessenger(client)
        self._tick[team_id] = known
        return known

    async def refused(self, team_id: str, reason: str) -> bool:
        """Park the workspace when `reason` says its token is dead; True when it did."""
        if not parking_error(reason):
            return False
        self._tick[team_id] = Unreachable(team_id, f"parked: {reason}")
        await self.tokens.park(team_id, reason)
        return True
