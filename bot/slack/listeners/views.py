"""Modal submissions, and the App Home tab."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext

from bot.render.blocks import plain_fallback
from bot.render.modal import submitted_values
from bot.services.request import Asker
from bot.slack.deps import SlackDeps, messenger_of, team_of
from bot.slack.listeners.actions import with_reply


def register(app: AsyncApp, deps: SlackDeps) -> None:
    """Attach the view-submission and app_home_opened listeners."""

    @app.view(re.compile(r"^sre_"))
    async def submitted(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        values = submitted_values(view)
        team = team_of(context, body)
        asker = Asker(team, view.get("private_metadata") or "", body["user"]["id"])
        outcome = await deps.router.submit(asker, view["callback_id"], values)
        if outcome.refused and outcome.reply is not None:
            first = next(iter(values), "")
            await ack(response_action="errors", errors={first: plain_fallback(outcome.reply, 150)})
            return
        await ack()
        deps.send_later(messenger_of(context), with_reply(outcome, asker.channel_id, asker.user_id))

    @app.event("app_home_opened")
    async def home_opened(
        body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        if event.get("tab", "home") != "home":
            return
        user = event["user"]
        outcome = await deps.router.home(team_of(context, body), user)
        if outcome.reply is not None:
            deps.tasks.spawn(messenger_of(context).publish_home(user, outcome.reply))
