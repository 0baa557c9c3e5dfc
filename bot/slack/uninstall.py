"""`app_uninstalled` and `tokens_revoked`: a workspace leaving is a data lifecycle, not an error.

Bolt lets these two events through without an `auth.test` (the token is already dead). Each
step of the lifecycle is idempotent, so Slack's redelivery of the same event does no harm.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext

from bot.clock import Clock
from bot.db.workspace_lifecycle import WorkspaceLifecycle

log = logging.getLogger(__name__)


def register_uninstall(app: AsyncApp, lifecycle: WorkspaceLifecycle, clock: Clock) -> None:
    """Listen for the app leaving a workspace (or org), or its bot token being revoked."""

    async def leave(context: AsyncBoltContext, why: str) -> None:
        teams = await lifecycle.uninstalled(
            team_id=context.team_id,
            enterprise_id=context.enterprise_id,
            is_enterprise_install=bool(context.is_enterprise_install),
            now=clock.now(),
        )
        log.info("%s: team %s (enterprise %s), %d workspaces stopped", why,
                 context.team_id, context.enterprise_id, len(teams))  # fmt: skip

    async def app_uninstalled(ack: AsyncAck, context: AsyncBoltContext) -> None:
        await ack()
        await leave(context, "app uninstalled")

    async def tokens_revoked(
        ack: AsyncAck, event: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        await ack()
        # Only the bot token matters: the bot asks for no user scopes, so holds no user tokens.
        if (event.get("tokens") or {}).get("bot"):
            await leave(context, "bot token revoked")

    app.event("app_uninstalled")(app_uninstalled)
    app.event("tokens_revoked")(tokens_revoked)
