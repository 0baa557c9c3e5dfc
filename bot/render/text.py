"""`Doc` -> plain text for the terminal console."""

from __future__ import annotations

import re

from bot.doc import Actions, Bullets, Divider, Doc, Fields, Heading, Hint, Note, Paragraph, Part
from bot.render import mrkdwn

_BOLD = re.compile(r"(?<!\w)\*([^*\n]+)\*(?!\w)")


def plain(text: str) -> str:
    """The bot's text made readable in a terminal: mentions as @name, no bold markers."""
    return _BOLD.sub(r"\1", mrkdwn.plain(text))


def _part(part: Part) -> str:
    match part:
        case Heading(text):
            return f"== {plain(text)} =="
        case Paragraph(text):
            return plain(text)
        case Bullets(items):
            return "\n".join(f"  - {plain(item)}" for item in items)
        case Fields(pairs):
            return "\n".join(f"  {plain(k)}: {plain(v)}" for k, v in pairs)
        case Note(text) | Hint(text):
            return f"  ({plain(text)})"
        case Actions(buttons):
            return "  " + "  ".join(f"[{b.label}]" for b in buttons)
        case Divider():
            return "  ----"
    raise TypeError(f"unknown part {part!r}")


def render(doc: Doc) -> str:
    """The whole doc as lines of text."""
    if not doc.parts:
        return plain(doc.fallback)
    return "\n".join(_part(part) for part in doc.parts)
