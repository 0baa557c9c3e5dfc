"""The outgoing port for Slack: posts, DMs and ephemerals through the Web API."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from bot.messages import Doc, Ephemeral, Form, Post, ToChannel, ToUser
from bot.render.blocks import MAX_BLOCKS_VIEW, blocks, fallback
from bot.render.modal import modal


class SlackMessenger:
    """Sends `Post`s with `chat.postMessage` / `chat.postEphemeral`."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def send(self, post: Post) -> str | None:
        """Deliver one post; returns the message `ts`."""
        body, text = blocks(post.doc), fallback(post.doc)
        match post.to:
            case ToChannel(channel_id, thread_ts):
                response = await self.client.chat_postMessage(
                    channel=channel_id, thread_ts=thread_ts, blocks=body, text=text
                )
                return str(response["ts"])
            case ToUser(user_id):
                # A user id as channel opens the bot's DM with them (needs only chat:write).
                response = await self.client.chat_postMessage(
                    channel=user_id, blocks=body, text=text
                )
                return str(response["ts"])
            case Ephemeral(channel_id, user_id):
                response = await self.client.chat_postEphemeral(
                    channel=channel_id, user=user_id, blocks=body, text=text
                )
                return str(response.get("message_ts") or "") or None
        raise TypeError(f"unknown destination {post.to!r}")

    async def open_form(self, trigger_id: str, form: Form) -> None:
        """Open `form` as a modal for the user who triggered it."""
        await self.client.views_open(trigger_id=trigger_id, view=modal(form))

    async def publish_home(self, user_id: str, doc: Doc) -> None:
        """Replace the user's App Home tab with `doc`."""
        view = {"type": "home", "blocks": blocks(doc, limit=MAX_BLOCKS_VIEW)}
        await self.client.views_publish(user_id=user_id, view=view)
