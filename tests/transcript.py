"""A messenger that records what the bot would send (and can fail on demand), for tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.clock import Clock
from bot.doc import Doc
from bot.outcome import Ephemeral, Form, Post, ToChannel, ToUser
from bot.ports import DeliveryError, SharedFile
from bot.render.text import render


@dataclass
class Sent:
    """One delivered post."""

    to: str  # "#C1", "@U1" or "~U1@C1" (ephemeral)
    text: str
    tag: str | None
    at: datetime | None = None


def _where(post: Post) -> str:
    match post.to:
        case ToChannel(channel, _):
            return f"#{channel}"
        case ToUser(user):
            return f"@{user}"
        case Ephemeral(channel, user):
            return f"~{user}@{channel}"
    raise TypeError(post.to)


@dataclass
class Transcript:
    """Records posts and uploads; `failures` are raised, in order, by the next sends."""

    sent: list[Sent] = field(default_factory=list)
    uploads: list[tuple[str, str, int]] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
    homes: list[tuple[str, str]] = field(default_factory=list)
    failures: list[DeliveryError] = field(default_factory=list)
    history: dict[str, bool] = field(default_factory=dict)  # tag -> found, for was_posted
    zones: dict[str, str] = field(default_factory=dict)
    delivered_then_failed: bool = False  # the next failure happens after Slack got the post
    clock: Clock | None = None
    shared: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # file id -> name, bytes
    fail_where: str = ""  # only sends whose destination starts with this fail ("@" DMs, "#")

    async def send(self, post: Post) -> str | None:
        if self.failures and _where(post).startswith(self.fail_where):
            error = self.failures.pop(0)
            if self.delivered_then_failed:
                self.sent.append(Sent(_where(post), render(post.doc), post.tag, self._now()))
            raise error
        self.sent.append(Sent(_where(post), render(post.doc), post.tag, self._now()))
        return f"{len(self.sent)}.0001"

    def _now(self) -> datetime | None:
        return self.clock.now() if self.clock else None

    async def upload(self, channel_id: str, filename: str, content: bytes, title: str) -> str:
        self.uploads.append((channel_id, filename, len(content)))
        return filename

    async def fetch_file(self, file_id: str, max_bytes: int) -> SharedFile:
        if file_id not in self.shared:
            raise DeliveryError("refused", "file_not_found")
        name, content = self.shared[file_id]
        return SharedFile(name, content[: max_bytes + 1])

    async def open_form(self, trigger_id: str, form: Form) -> None:
        self.forms.append(form)

    async def publish_home(self, user_id: str, doc: Doc) -> None:
        self.homes.append((user_id, render(doc)))

    async def timezone(self, user_id: str) -> str | None:
        return self.zones.get(user_id)

    async def was_posted(self, channel_id: str, tag: str, since: float) -> bool | None:
        if not channel_id.startswith("C"):
            return None
        return any(s.tag == tag for s in self.sent)

    def to(self, where: str) -> list[Sent]:
        """Posts delivered to one place."""
        return [s for s in self.sent if s.to == where]
