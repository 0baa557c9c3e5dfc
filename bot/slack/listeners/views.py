"""Modal submissions, and the App Home tab."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext

from bot.render.blocks import plain_fallback
from bot.render.modal import submitted_values
from bot.services.request import Asker
from bot.slack.deps import SlackDeps
from bot.slack.listeners.actions import with_reply


def register(app: AsyncApp, deps: SlackDeps) -> None:
    """Attach the view-submission and app_home_opened listeners."""

    @app.view(re.compile(r"^sre_"))
    async def submitted(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        values = submitted_values(view)
        team = (body.get("team") or {}).get("id") or ""
        asker = Asker(team, view.get("private_metadata") or "", body["user"]["id"])
        outcome = await deps.router.submit(asker, view["callback_id"], values)
        if outcome.refused and outcome.reply is not None:
            first = next(iter(values), "")
            await ack(response_action="errors", errors={first: plain_fallback(outcome.reply, 150)})
            return
        await ack()
        deps.send_later(with_reply(outcome, asker.channel_id, asker.user_id))

    @app.event("app_home_opened")
    async def home_opened(event: dict[str, Any], context: AsyncBoltContext) -> None:
        if event.get("tab", "home") != "home":
            return
        user = event["user"]
        outcome = await deps.router.home(context.team_id or "", user)
        if outcome.reply is not None:
            deps.tasks.spawn(deps.messenger.publish_home(user, outcome.reply))
