"""What the bot says, independent of where: a `Doc` of simple parts, and `Post`s with a destination.

Services return these; the Slack adapter renders them to Block Kit, the console to text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Heading:
    """A short title line."""

    text: str


@dataclass(frozen=True)
class Paragraph:
    """Text with light markup (*bold*, `code`) and `bot.domain.mentions` references."""

    text: str


@dataclass(frozen=True)
class Fields:
    """Label/value pairs shown side by side."""

    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Bullets:
    """A list of short items."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class Note:
    """Small print under the main content."""

    text: str


@dataclass(frozen=True)
class Button:
    """A button: `action_id` is one of the constants in `bot.slack.ids`."""

    label: str
    action_id: str
    value: str = ""
    primary: bool = False


@dataclass(frozen=True)
class Actions:
    """A row of buttons."""

    buttons: tuple[Button, ...]


@dataclass(frozen=True)
class Divider:
    """A separator line."""


Part = Heading | Paragraph | Fields | Bullets | Note | Actions | Divider


@dataclass(frozen=True)
class Doc:
    """A message: `fallback` is the plain text for notifications and screen readers."""

    fallback: str
    parts: tuple[Part, ...] = ()

    @classmethod
    def text(cls, text: str) -> Doc:
        """A message that is one paragraph."""
        return cls(fallback=text, parts=(Paragraph(text),))


@dataclass(frozen=True)
class ToChannel:
    """A post everyone in the channel sees (in a thread when `thread_ts` is set)."""

    channel_id: str
    thread_ts: str | None = None


@dataclass(frozen=True)
class ToUser:
    """A direct message."""

    user_id: str


@dataclass(frozen=True)
class Ephemeral:
    """A message only `user_id` sees, in `channel_id`."""

    channel_id: str
    user_id: str


Destination = ToChannel | ToUser | Ephemeral


@dataclass(frozen=True)
class Post:
    """A message to send once the request's changes are committed.

    `tag` travels with the message (Slack message metadata) so that a send whose answer was
    lost can later be looked up instead of posted again.
    """

    to: Destination
    doc: Doc
    tag: str | None = None


@dataclass(frozen=True)
class Input:
    """One field of a form: free text, or one of `options`."""

    id: str
    label: str
    placeholder: str = ""
    options: tuple[str, ...] = ()
    optional: bool = False


@dataclass(frozen=True)
class Form:
    """Multi-field input: a modal in Slack; the console shows the one-line command instead."""

    callback_id: str
    title: str
    inputs: tuple[Input, ...]
    context: str = ""  # carried through the submission, e.g. the channel


@dataclass(frozen=True)
class Outcome:
    """What handling a request produced: a reply to the asker, posts for others, maybe a form."""

    reply: Doc | None = None
    public: bool = False
    posts: tuple[Post, ...] = field(default_factory=tuple)
    form: Form | None = None
    refused: bool = False  # the request was refused (bad input or not allowed); nothing changed


class DeliveryError(Exception):
    """A post did not go out as asked.

    `verdict` is "later" (surely not sent; try again after `retry_after` seconds), "refused"
    (surely not sent; trying again will not help) or "unknown" (it may have been sent).
    """

    def __init__(self, verdict: str, reason: str, retry_after: float = 0.0) -> None:
        super().__init__(f"{verdict}: {reason}")
        self.verdict, self.reason, self.retry_after = verdict, reason, retry_after


class Messenger(Protocol):
    """The one outgoing port: Slack and the console each implement it."""

    async def send(self, post: Post) -> str | None:
        """Deliver `post`; return the message id (Slack `ts`). Raises `DeliveryError`."""
        ...

    async def upload(self, channel_id: str, filename: str, content: bytes, title: str) -> str:
        """Share a file in a channel; returns where it can be found. Raises `DeliveryError`."""
        ...

    async def timezone(self, user_id: str) -> str | None:
        """The user's IANA time zone, when the platform knows it."""
        ...

    async def was_posted(self, channel_id: str, tag: str, since: float) -> bool | None:
        """Whether a post tagged `tag` is in the channel since epoch `since` (None: cannot tell)."""
        ...


async def send_all(messenger: Messenger, posts: Sequence[Post]) -> None:
    """Send posts in order."""
    for post in posts:
        await messenger.send(post)
