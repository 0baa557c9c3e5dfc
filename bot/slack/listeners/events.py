"""Events API listeners: mentions, channel joins and leaves, and messages (metadata only)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext

from bot.services.asker import Asker
from bot.slack.deps import SlackDeps


def _moment(ts: object) -> datetime | None:
    """A Slack `ts` ("1700000000.000100") as a UTC time, when it is one."""
    try:
        return datetime.fromtimestamp(float(str(ts)), UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _is_self(event: dict[str, Any], context: AsyncBoltContext) -> bool:
    return bool(event.get("user")) and event.get("user") == context.bot_user_id


def register(app: AsyncApp, deps: SlackDeps) -> None:
    """Attach the event listeners."""

    @app.event("app_mention")
    async def mention(event: dict[str, Any], context: AsyncBoltContext) -> None:
        team = context.team_id or event.get("team") or ""
        asker = Asker(team, event["channel"], event.get("user") or "")
        thread = event.get("thread_ts") or event["ts"]
        deps.send_later(await deps.router.mention(asker, event.get("text") or "", thread))

    async def channel_change(event: dict[str, Any], context: AsyncBoltContext, change: str) -> None:
        if _is_self(event, context):  # the bot's own joins and leaves are not coalition news
            return
        team = context.team_id or event.get("team") or ""
        deps.send_later(
            await deps.router.channel_change(team, event["channel"], event["user"], change)
        )

    @app.event("member_joined_channel")
    async def joined(event: dict[str, Any], context: AsyncBoltContext) -> None:
        await channel_change(event, context, "joined")

    @app.event("member_left_channel")
    async def left(event: dict[str, Any], context: AsyncBoltContext) -> None:
        await channel_change(event, context, "left")

    @app.event("message")
    async def message(event: dict[str, Any], context: AsyncBoltContext) -> None:
        """A channel message counts toward its author's participation; its text is never kept."""
        if event.get("subtype") or event.get("bot_id") or not event.get("user"):
            return
        team = context.team_id or event.get("team") or ""
        at = _moment(event.get("ts"))
        await deps.router.activity(team, event["channel"], event["user"], "messages", at)

    @app.event("reaction_added")
    async def reaction(event: dict[str, Any], context: AsyncBoltContext) -> None:
        """A reaction in a coalition channel counts toward participation."""
        item = event.get("item") or {}
        if item.get("type") != "message" or not item.get("channel") or _is_self(event, context):
            return
        team = context.team_id or event.get("team") or ""
        at = _moment(event.get("event_ts"))
        await deps.router.activity(team, item["channel"], event["user"], "reactions", at)
