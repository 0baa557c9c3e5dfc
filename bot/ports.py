"""The outgoing side: every operation the bot performs on a chat platform, as one port.

Slack (`bot.slack.messenger`) and the console (`bot.console`) each implement `Messenger`; the
scheduler reaches a workspace's messenger through `Messengers`, so each nudge can go out with
its own workspace's token.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.doc import Doc
from bot.outcome import Form, Post


class DeliveryError(Exception):
    """A post did not go out as asked.

    `verdict` is "later" (surely not sent; try again after `retry_after` seconds), "refused"
    (surely not sent; trying again will not help) or "unknown" (it may have been sent).
    """

    def __init__(self, verdict: str, reason: str, retry_after: float = 0.0) -> None:
        super().__init__(f"{verdict}: {reason}")
        self.verdict, self.reason, self.retry_after = verdict, reason, retry_after


class Messenger(Protocol):
    """The one outgoing port: Slack and the console each implement every operation."""

    async def send(self, post: Post) -> str | None:
        """Deliver `post` (channel, thread, DM or ephemeral); return the message id (Slack
        `ts`). Raises `DeliveryError`."""
        ...

    async def upload(self, channel_id: str, filename: str, content: bytes, title: str) -> str:
        """Share a file in a channel; returns where it can be found. Raises `DeliveryError`."""
        ...

    async def open_form(self, trigger_id: str, form: Form) -> None:
        """Show `form` to the user whose action carried `trigger_id`."""
        ...

    async def publish_home(self, user_id: str, doc: Doc) -> None:
        """Replace the user's home screen with `doc`."""
        ...

    async def timezone(self, user_id: str) -> str | None:
        """The user's IANA time zone, when the platform knows it."""
        ...

    async def was_posted(self, channel_id: str, tag: str, since: float) -> bool | None:
        """Whether a post tagged `tag` is in the channel since epoch `since` (None: cannot tell)."""
        ...


@dataclass(frozen=True)
class Unreachable:
    """Why a workspace has no messenger now. `lasting`: it will not have one until something
    changes (uninstalled, parked, never installed); otherwise it may next tick (a token refresh
    that did not get through)."""

    team_id: str
    reason: str
    lasting: bool = True


class Messengers(Protocol):
    """The messenger of each workspace, each with its own bot token (scheduled work only)."""

    def fresh_tick(self) -> None:
        """A tick begins: what was looked up for the last one is looked up again."""
        ...

    async def for_team(self, team_id: str) -> Messenger | Unreachable:
        """The messenger that speaks in workspace `team_id`, or why there is none."""
        ...

    async def refused(self, team_id: str, reason: str) -> bool:
        """The platform refused a call in `team_id` with `reason`; True when that means the
        workspace's token is dead and it is parked (nothing more is sent for it)."""
        ...


class OneWorkspace:
    """`Messengers` for a single install: the one messenger serves every team."""

    def __init__(self, messenger: Messenger) -> None:
        self.messenger = messenger

    def fresh_tick(self) -> None:
        """Nothing is looked up."""

    async def for_team(self, team_id: str) -> Messenger | Unreachable:
        """The one messenger, whatever the team."""
        return self.messenger

    async def refused(self, team_id: str, reason: str) -> bool:
        """Nothing to park: one messenger serves everyone."""
        return False


async def send_all(messenger: Messenger, posts: Sequence[Post]) -> None:
    """Send posts in order."""
    for post in posts:
        await messenger.send(post)
