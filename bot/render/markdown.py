"""`Doc` -> Markdown, for reports saved or shared as files.

Text is escaped for Markdown readers that allow HTML (`&`, `<`, `>` as entities), mentions
become `@id`, and the bot's `*bold*` becomes Markdown's `**bold**`. Fields become a table.
"""

from __future__ import annotations

import re

from bot.doc import Actions, Bullets, Divider, Doc, Fields, Heading, Note, Paragraph, Part
from bot.render import mrkdwn

_BOLD = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")
_SPECIAL = re.compile(r"([\\`_\[\]|])")


def text(value: str) -> str:
    """The bot's text as Markdown: escaped, mentions readable, bold kept."""
    safe = mrkdwn.escape(mrkdwn.plain(value))
    return _BOLD.sub(r"**\1**", _SPECIAL.sub(r"\\\1", safe))


def _part(part: Part) -> str:
    match part:
        case Heading(value):
            return f"## {text(value)}"
        case Paragraph(value):
            return text(value)
        case Bullets(items):
            return "\n".join(f"- {text(item)}" for item in items)
        case Fields(pairs):
            rows = "\n".join(f"| {text(k)} | {text(v)} |" for k, v in pairs)
            return f"| | |\n|---|---|\n{rows}"
        case Note(value):
            return f"_{text(value)}_"
        case Actions(_) | Divider():
            return ""
    raise TypeError(f"unknown part {part!r}")


def render(doc: Doc, image: str | None = None, title: str | None = None) -> str:
    """The document as Markdown; `image` (a file name beside it) is shown after the heading."""
    blocks = [b for b in (_part(p) for p in doc.parts) if b]
    if title is not None:
        blocks.insert(0, f"# {text(title)}")
    if image is not None:
        at = next((i + 1 for i, p in enumerate(blocks) if p.startswith("## ")), 0)
        blocks.insert(at, f"![Progress toward the deadline]({image})")
    return "\n\n".join(blocks) + "\n"
