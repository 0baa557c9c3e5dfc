"""The `/sre` slash command: answered inline in the ack, follow-up posts in the background."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext

from bot.render.blocks import Rendered
from bot.services.request import Asker
from bot.slack.deps import SlackDeps, messenger_of, team_of


def register(app: AsyncApp, deps: SlackDeps) -> None:
    """Attach the `/sre` listener."""
    rendered = Rendered()

    @app.command("/sre")
    async def sre(ack: AsyncAck, command: dict[str, Any], context: AsyncBoltContext) -> None:
        asker = Asker(team_of(context, command), command["channel_id"], command["user_id"])
        outcome = await deps.router.command(asker, command.get("text") or "")
        trigger = command.get("trigger_id")
        if outcome.reply is not None and not (outcome.form and trigger):
            text, shown = rendered(outcome.reply)
            await ack(
                response_type="in_channel" if outcome.public else "ephemeral",
                text=text,
                blocks=shown,
            )
        else:
            await ack()
        deps.send_later(messenger_of(context), outcome, trigger)
