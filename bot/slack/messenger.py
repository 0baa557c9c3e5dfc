"""The outgoing port for Slack: posts, DMs, ephemerals, files and lookups through the Web API."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.doc import Doc
from bot.outcome import Ephemeral, Form, Post, ToChannel, ToUser
from bot.ports import DeliveryError, SharedFile
from bot.render.blocks import MAX_BLOCKS_VIEW, blocks, fallback
from bot.render.modal import modal

TAG_EVENT = "sre_coach_post"
FILE_HOST = "files.slack.com"


def _verdict(error: Exception) -> DeliveryError:
    """Classify a failed call: surely not sent (later / refused), or maybe sent (unknown)."""
    if isinstance(error, SlackApiError):
        status = error.response.status_code
        if status == 429:
            wait = float(error.response.headers.get("Retry-After", 1) or 1)
            return DeliveryError("later", "rate limited", wait)
        if status >= 500:
            return DeliveryError("unknown", f"Slack answered {status}")
        return DeliveryError("refused", str(error.response.get("error") or status))
    if isinstance(error, aiohttp.ClientConnectorError):  # refused before anything was sent
        return DeliveryError("later", "cannot connect", 5.0)
    return DeliveryError("unknown", type(error).__name__)


class SlackMessenger:
    """Sends `Post`s with `chat.postMessage` / `chat.postEphemeral`."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def send(self, post: Post) -> str | None:
        """Deliver one post; returns the message `ts`."""
        try:
            return await self._send(post)
        except (TimeoutError, SlackApiError, aiohttp.ClientError) as error:
            raise _verdict(error) from error

    async def _send(self, post: Post) -> str | None:
        body, text = blocks(post.doc), fallback(post.doc)
        extra: dict[str, Any] = {}
        if post.tag:
            extra["metadata"] = {"event_type": TAG_EVENT, "event_payload": {"tag": post.tag}}
        match post.to:
            case ToChannel(channel_id, thread_ts):
                response = await self.client.chat_postMessage(
                    channel=channel_id, thread_ts=thread_ts, blocks=body, text=text, **extra
                )
                return str(response["ts"])
            case ToUser(user_id):
                # A user id as channel opens the bot's DM with them (needs only chat:write).
                response = await self.client.chat_postMessage(
                    channel=user_id, blocks=body, text=text, **extra
                )
                return str(response["ts"])
            case Ephemeral(channel_id, user_id):
                response = await self.client.chat_postEphemeral(
                    channel=channel_id, user=user_id, blocks=body, text=text
                )
                return str(response.get("message_ts") or "") or None
        raise TypeError(f"unknown destination {post.to!r}")

    async def upload(self, channel_id: str, filename: str, content: bytes, title: str) -> str:
        """Share a file: files.getUploadURLExternal, then files.completeUploadExternal; to a
        user id, in the DM with them (conversations.open)."""
        try:
            if channel_id[:1] in ("U", "W"):
                opened = await self.client.conversations_open(users=channel_id)
                channel_id = str((opened.get("channel") or {}).get("id") or channel_id)
            response = await self.client.files_upload_v2(
                channel=channel_id, content=content, filename=filename, title=title
            )
        except (TimeoutError, SlackApiError, aiohttp.ClientError) as error:
            raise _verdict(error) from error
        files = response.get("files") or [{}]
        return str(files[0].get("id") or filename)

    async def fetch_file(self, file_id: str, max_bytes: int) -> SharedFile:
        """`files.info`, then the file's private download URL with the bot token (files:read);
        only from Slack's file host or the API's own, without following redirects."""
        try:
            info = await self.client.files_info(file=file_id)
        except (TimeoutError, SlackApiError, aiohttp.ClientError) as error:
            raise _verdict(error) from error
        file = info.get("file") or {}
        name = str(file.get("name") or file_id)[:120]
        if int(file.get("size") or 0) > max_bytes:
            raise DeliveryError("refused", f"{name} is larger than {max_bytes // 1024} KiB")
        url = str(file.get("url_private_download") or file.get("url_private") or "")
        if not self._file_host(url):
            raise DeliveryError("refused", f"{name} has no download address on Slack")
        headers = {"Authorization": f"Bearer {self.client.token}"}
        timeout = aiohttp.ClientTimeout(total=30)
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.get(url, headers=headers, allow_redirects=False) as response,
            ):
                if response.status != 200 or response.content_type == "text/html":
                    # Slack answers a download without files:read with its sign-in page.
                    raise DeliveryError("refused", f"{name} could not be downloaded")
                data = await response.content.read(max_bytes + 1)
        except (TimeoutError, aiohttp.ClientError) as error:
            raise DeliveryError("refused", f"{name}: download failed") from error
        if len(data) > max_bytes:
            raise DeliveryError("refused", f"{name} is larger than {max_bytes // 1024} KiB")
        return SharedFile(name, data)

    def _file_host(self, url: str) -> bool:
        parts = urlsplit(url)
        api = urlsplit(self.client.base_url)
        trusted = {FILE_HOST, api.netloc}
        return parts.scheme in ("https", api.scheme) and parts.netloc in trusted

    async def timezone(self, user_id: str) -> str | None:
        """The user's `tz` from `users.info`."""
        try:
            response = await self.client.users_info(user=user_id)
        except (TimeoutError, SlackApiError, aiohttp.ClientError):
            return None
        tz = (response.get("user") or {}).get("tz")
        return str(tz) if tz else None

    async def was_posted(self, channel_id: str, tag: str, since: float) -> bool | None:
        """Look for our tagged message in the channel's history (public channels only)."""
        if not channel_id.startswith("C"):
            return None  # DMs would need im:history, which the bot does not ask for
        try:
            response = await self.client.conversations_history(
                channel=channel_id, oldest=str(since), include_all_metadata=True, limit=200
            )
        except (TimeoutError, SlackApiError, aiohttp.ClientError):
            return None
        for message in response.get("messages") or []:
            payload = (message.get("metadata") or {}).get("event_payload") or {}
            if payload.get("tag") == tag:
                return True
        return False

    async def open_form(self, trigger_id: str, form: Form) -> None:
        """Open `form` as a modal for the user who triggered it."""
        await self.client.views_open(trigger_id=trigger_id, view=modal(form))

    async def publish_home(self, user_id: str, doc: Doc) -> None:
        """Replace the user's App Home tab with `doc`."""
        view = {"type": "home", "blocks": blocks(doc, limit=MAX_BLOCKS_VIEW)}
        await self.client.views_publish(user_id=user_id, view=view)
