"""`Doc` -> plain text for the terminal console."""

from __future__ import annotations

import re

from bot.messages import Actions, Bullets, Divider, Doc, Fields, Heading, Note, Paragraph, Part

_MENTION = re.compile(r"<@([^>|]+)(?:\|[^>]*)?>")
_CHANNEL = re.compile(r"<#([^>|]+)(?:\|([^>]*))?>")
_LINK = re.compile(r"<(https?://[^>|]+)\|([^>]+)>")
_BOLD = re.compile(r"(?<!\w)\*([^*\n]+)\*(?!\w)")


def plain(text: str) -> str:
    """Slack markup made readable: mentions as @name."""
    text = _LINK.sub(r"\2 (\1)", text)
    text = _BOLD.sub(r"\1", _MENTION.sub(r"@\1", text))
    return _CHANNEL.sub(lambda m: "#" + (m.group(2) or m.group(1)), text)


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
        case Note(text):
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
