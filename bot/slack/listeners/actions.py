"""Block actions (buttons): the same router path as the commands they stand for."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext

from bot.action_ids import ActionId, parse_button_value
from bot.outcome import Ephemeral, Outcome, Post, ToChannel
from bot.slack.deps import SlackDeps, messenger_of, team_of


def with_reply(outcome: Outcome, channel: str, user: str) -> Outcome:
    """The outcome with its reply turned into a post only `user` sees in `channel`.

    When the outcome opens a form, the modal is the answer and the reply is dropped.
    """
    if outcome.form is not None:
        return Outcome(posts=outcome.posts, form=outcome.form)
    if outcome.reply is None or not channel:
        return outcome
    reply = Post(Ephemeral(channel, user), outcome.reply)
    return Outcome(posts=(reply, *outcome.posts), form=outcome.form)


def register(app: AsyncApp, deps: SlackDeps) -> None:
    """Attach the button listener."""

    @app.action(re.compile(r"^sre_"))
    async def clicked(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        await ack()
        team = team_of(context, body)
        user = body["user"]["id"]
        value = str(action.get("value") or "")
        outcome = await deps.router.click(team, user, action["action_id"], value)
        channel, _ = parse_button_value(value)
        where = (body.get("channel") or {}).get("id") or channel  # a DM's button answers in the DM
        thread = _thread_of(body)
        if action["action_id"] == ActionId.DM_HERE and thread and outcome.reply is not None:
            # The choice of coalition answers the DM's question where it was asked.
            answer = Post(ToChannel(where, thread), outcome.reply)
            deps.send_later(messenger_of(context), Outcome(posts=(answer, *outcome.posts)))
            return
        deps.send_later(
            messenger_of(context), with_reply(outcome, where, user), body.get("trigger_id")
        )


def _thread_of(body: dict[str, Any]) -> str | None:
    """The thread the clicked message is in (or starts), when Slack says."""
    message = body.get("message") or {}
    container = body.get("container") or {}
    thread = message.get("thread_ts") or container.get("thread_ts") or message.get("ts")
    return str(thread) if thread else None
