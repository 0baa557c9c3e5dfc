"""The document model: what the bot says, as simple parts any front end can render."""

from __future__ import annotations

from dataclasses import dataclass


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
    """A button: `action_id` is one of the constants in `bot.action_ids`."""

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


@dataclass(frozen=True)
class Hint:
    """What a terminal shows instead of clicking (how to type a button's action); Slack, where
    the buttons work, leaves it out."""

    text: str


Part = Heading | Paragraph | Fields | Bullets | Note | Actions | Divider | Hint


@dataclass(frozen=True)
class Doc:
    """A message: `fallback` is the plain text for notifications and screen readers."""

    fallback: str
    parts: tuple[Part, ...] = ()

    @classmethod
    def text(cls, text: str) -> Doc:
        """A message that is one paragraph."""
        return cls(fallback=text, parts=(Paragraph(text),))


def quoted(word: str, limit: int = 24) -> str:
    """A user's word, shortened and made safe to echo inside `code`."""
    safe = word.replace("`", "'")
    return safe if len(safe) <= limit else safe[: limit - 1] + "…"


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """`1 week`, `2 weeks`: a number with its noun in the right form."""
    return f"{number} {singular if number == 1 else plural or singular + 's'}"
