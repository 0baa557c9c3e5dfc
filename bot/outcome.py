"""What handling a request produced: a reply, posts with their destinations, maybe a form or
suggested prompts."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.doc import Doc


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
class Upload:
    """A file to share once the request's changes are committed: in a channel, or in the DM
    of a user when `to` is a user id."""

    to: str
    filename: str
    content: bytes
    title: str


@dataclass(frozen=True)
class Prompt:
    """A question the asker may want to ask next: a short `title`, the `message` it sends."""

    title: str
    message: str


@dataclass(frozen=True)
class Outcome:
    """What handling a request produced: a reply to the asker, posts for others, maybe a form."""

    reply: Doc | None = None
    public: bool = False
    posts: tuple[Post, ...] = field(default_factory=tuple)
    form: Form | None = None
    refused: bool = False  # the request was refused (bad input or not allowed); nothing changed
    prompts: tuple[Prompt, ...] = ()  # suggested next questions (an assistant thread shows them)
    fetch: FetchFiles | None = None  # shared files to read, then import (`/sre import`)
    uploads: tuple[Upload, ...] = ()  # files to share after the reply (`/sre report`)

    @property
    def reply_only(self) -> bool:
        """A reply and nothing else (no refusal, post, form, prompt, fetch or upload): giving
        it again repeats no effect (`bot.services.replies` keeps only these)."""
        extra = self.posts or self.form or self.fetch or self.uploads or self.prompts
        return self.reply is not None and not self.refused and not extra


@dataclass(frozen=True)
class FetchFiles:
    """Files shared in the channel for the adapter to download (off the ack path) and hand
    back to the importer: their ids, a size cap each, and whether it is a dry run."""

    file_ids: tuple[str, ...]
    max_bytes: int
    dry_run: bool
    team_id: str
    channel_id: str
    user_id: str
