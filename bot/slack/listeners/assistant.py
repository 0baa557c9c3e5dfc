"""Slack's agent messaging (assistant threads), through Bolt's `AsyncAssistant` middleware.

When a thread starts: suggested prompts that fit the asker's coalition (its step and open
risks). A question in the thread: a status line while the coach looks, the thread's title from
the question, then the answer in the thread, by the same router path as any DM.

Workspaces without agent messaging never send these events; their DMs reach the `message`
listener (`events.py`) and are answered the same way. The status, title and prompts are
niceties: a workspace or thread that refuses them still gets its answer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

from slack_bolt.async_app import AsyncAssistant, AsyncBoltContext

from bot.commands.words import clean
from bot.outcome import Outcome
from bot.ports import Messenger, send_all
from bot.render.mrkdwn import mrkdwn
from bot.services.request import Asker
from bot.slack.deps import SlackDeps, messenger_of, team_of
from bot.slack.listeners.events import event_id_of, is_person_speaking
from bot.views.direct import thread_title

log = logging.getLogger(__name__)
LOOKING = "is looking in the coaching library…"


async def best_effort(call: Awaitable[Any], what: str) -> None:
    """Make an assistant call whose failure must not stop the answer (logged, no text)."""
    try:
        await call
    except Exception as error:  # any refusal: the answer still goes out
        log.info("%s failed: %s", what, type(error).__name__)


def build(deps: SlackDeps) -> AsyncAssistant:
    """The assistant middleware with the coach's listeners attached."""
    assistant = AsyncAssistant()

    async def suggest(body: dict[str, Any], context: AsyncBoltContext, set_prompts: Any) -> None:
        thread = (body.get("event") or {}).get("assistant_thread") or {}
        team = team_of(context, body)
        asker = Asker(team, thread.get("channel_id") or "", thread.get("user_id") or "")
        viewing = (thread.get("context") or {}).get("channel_id")
        outcome = await deps.router.prompts(asker, viewing, event_id_of(body))
        if outcome.prompts:
            chosen = [{"title": p.title, "message": p.message} for p in outcome.prompts]
            deps.tasks.spawn(best_effort(set_prompts(chosen), "setSuggestedPrompts"))

    @assistant.thread_started
    async def started(
        body: dict[str, Any], context: AsyncBoltContext, set_suggested_prompts: Any
    ) -> None:
        await suggest(body, context, set_suggested_prompts)

    @assistant.thread_context_changed
    async def context_changed(
        body: dict[str, Any], context: AsyncBoltContext, set_suggested_prompts: Any
    ) -> None:
        """The asker opened another channel beside the thread: prompts for that coalition."""
        await suggest(body, context, set_suggested_prompts)

    @assistant.user_message
    async def asked(
        body: dict[str, Any],
        event: dict[str, Any],
        context: AsyncBoltContext,
        set_status: Any,
        set_title: Any,
    ) -> None:
        if not is_person_speaking(event, context):
            return
        team = team_of(context, body)
        asker = Asker(team, event["channel"], event["user"])
        text = event.get("text") or ""
        looking = deps.tasks.spawn(best_effort(set_status(LOOKING), "setStatus"))
        outcome = await deps.router.direct(asker, text, event["thread_ts"], event_id_of(body))
        title = thread_title(clean(text))
        messenger = messenger_of(context)
        deps.tasks.spawn(answer(messenger, looking, outcome, set_status, set_title, title))

    return assistant


async def answer(
    messenger: Messenger,
    looking: asyncio.Task[Any],
    outcome: Outcome,
    set_status: Any,
    set_title: Any,
    title: str,
) -> None:
    """After the status went out: the title and the answer, or the status cleared when this
    delivery was a duplicate (answered already)."""
    await looking
    if not outcome.posts:
        await best_effort(set_status(""), "setStatus")
        return
    if title:
        await best_effort(set_title(mrkdwn(title)), "setTitle")
    await send_all(messenger, outcome.posts)
