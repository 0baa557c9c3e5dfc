"""Events API listeners: mentions, channel joins and leaves, messages (metadata only) and DMs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext

from bot.services.request import Asker
from bot.slack.deps import SlackDeps, messenger_of, team_of


def _moment(ts: object) -> datetime | None:
    """A Slack `ts` ("1700000000.000100") as a UTC time, when it is one."""
    try:
        return datetime.fromtimestamp(float(str(ts)), UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _is_self(event: dict[str, Any], context: AsyncBoltContext) -> bool:
    return bool(event.get("user")) and event.get("user") == context.bot_user_id


def is_person_speaking(event: dict[str, Any], context: AsyncBoltContext) -> bool:
    """A plain new message by a person: not a bot's (nor our own), not an edit or other
    subtype."""
    return not (
        event.get("subtype") or event.get("bot_id") or not event.get("user")
    ) and not _is_self(event, context)


def event_id_of(body: dict[str, Any]) -> str | None:
    """The delivery's `event_id`, claimed with the event's effect so Slack's retries count once."""
    event_id = body.get("event_id")
    return str(event_id) if event_id else None


def register(app: AsyncApp, deps: SlackDeps) -> None:
    """Attach the event listeners."""

    @app.event("app_mention")
    async def mention(
        body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        team = team_of(context, body)
        asker = Asker(team, event["channel"], event.get("user") or "")
        thread = event.get("thread_ts") or event["ts"]
        text = event.get("text") or ""
        outcome = await deps.router.mention(asker, text, thread, event_id_of(body))
        deps.send_later(messenger_of(context), outcome)

    async def channel_change(
        body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext, change: str
    ) -> None:
        if _is_self(event, context):  # the bot's own joins and leaves are not coalition news
            return
        team = team_of(context, body)
        channel, user = event["channel"], event["user"]
        outcome = await deps.router.channel_change(
            team, channel, user, change, event_id_of(body)
        )
        deps.send_later(messenger_of(context), outcome)

    @app.event("member_joined_channel")
    async def joined(
        body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        await channel_change(body, event, context, "joined")

    @app.event("member_left_channel")
    async def left(body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext) -> None:
        await channel_change(body, event, context, "left")

    @app.event("message")
    async def message(
        body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        """A channel message counts toward its author's participation; a DM to the bot is a
        question, answered in its thread. The text is never kept."""
        if not is_person_speaking(event, context):
            return
        team = team_of(context, body)
        if event.get("channel_type") == "im":  # not channel activity: health counts none
            asker = Asker(team, event["channel"], event["user"])
            thread = event.get("thread_ts") or event["ts"]
            text = event.get("text") or ""
            outcome = await deps.router.direct(asker, text, thread, event_id_of(body))
            deps.send_later(messenger_of(context), outcome)
            return
        at = _moment(event.get("ts"))
        await deps.router.activity(
            team, event["channel"], event["user"], "messages", at, event_id_of(body)
        )

    @app.event("reaction_added")
    async def reaction(
        body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        """A reaction in a coalition channel counts toward participation."""
        item = event.get("item") or {}
        if item.get("type") != "message" or not item.get("channel") or _is_self(event, context):
            return
        team = team_of(context, body)
        at = _moment(event.get("event_ts"))
        await deps.router.activity(
            team, item["channel"], event["user"], "reactions", at, event_id_of(body)
        )
