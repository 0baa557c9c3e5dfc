"""`Doc` -> plain text for the terminal console."""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.doc import Actions, Bullets, Divider, Doc, Fields, Heading, Hint, Note, Paragraph, Part
from bot.render import mrkdwn

_BOLD = re.compile(r"(?<!\w)\*([^*\n]+)\*(?!\w)")


def plain(text: str, channels: Mapping[str, str] | None = None) -> str:
    """The bot's text made readable in a terminal: mentions as @name, no bold markers, and a
    channel as `#name` where `channels` names it."""
    return _BOLD.sub(r"\1", mrkdwn.plain(text, channels=channels))


def _part(part: Part, channels: Mapping[str, str] | None) -> str:
    def say(text: str) -> str:
        return plain(text, channels)

    match part:
        case Heading(text):
            return f"== {say(text)} =="
        case Paragraph(text):
            return say(text)
        case Bullets(items):
            return "\n".join(f"  - {say(item)}" for item in items)
        case Fields(pairs):
            return "\n".join(f"  {say(k)}: {say(v)}" for k, v in pairs)
        case Note(text) | Hint(text):
            return f"  ({say(text)})"
        case Actions(buttons):
            return "  " + "  ".join(f"[{b.label}]" for b in buttons)
        case Divider():
            return "  ----"
    raise TypeError(f"unknown part {part!r}")


def render(doc: Doc, channels: Mapping[str, str] | None = None) -> str:
    """The whole doc as lines of text (channels named as in `channels`, where known)."""
    if not doc.parts:
        return plain(doc.fallback, channels)
    return "\n".join(_part(part, channels) for part in doc.parts)
