"""`Doc` -> Block Kit, built with slack_sdk's models and cut to Slack's limits here.

Text goes through `bot.render.mrkdwn`: escaped for mrkdwn fields, made readable for plain-text
ones (headers, buttons), so user text never becomes markup.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.doc import Actions, Bullets, Divider, Doc, Fields, Heading, Hint, Note, Paragraph, Part
from bot.render.mrkdwn import mrkdwn, plain

SECTION_LIMIT = 3000
HEADER_LIMIT = 150
FIELD_LIMIT = 2000
BUTTON_LIMIT = 75
MAX_BLOCKS_MESSAGE = 50
MAX_BLOCKS_VIEW = 100


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=mrkdwn(text, SECTION_LIMIT)))


def _block(part: Part) -> Block:
    match part:
        case Heading(text):
            return HeaderBlock(text=PlainTextObject(text=plain(text, HEADER_LIMIT)))
        case Paragraph(text):
            return _section(text)
        case Bullets(items):
            return _section("\n".join(f"• {item}" for item in items))
        case Fields(pairs):
            fields = [
                MarkdownTextObject(text=mrkdwn(f"*{k}*\n{v}", FIELD_LIMIT)) for k, v in pairs[:10]
            ]
            return SectionBlock(fields=fields)
        case Note(text):
            return ContextBlock(elements=[MarkdownTextObject(text=mrkdwn(text, SECTION_LIMIT))])
        case Actions(buttons):
            elements = [
                ButtonElement(
                    text=plain(b.label, BUTTON_LIMIT),
                    action_id=b.action_id,
                    value=b.value or b.action_id,
                    style="primary" if b.primary else None,
                )
                for b in buttons[:25]
            ]
            return ActionsBlock(elements=elements)
        case Divider():
            return DividerBlock()
    raise TypeError(f"unknown part {part!r}")


def blocks(doc: Doc, limit: int = MAX_BLOCKS_MESSAGE) -> list[dict[str, Any]]:
    """Block Kit JSON for `doc`, kept within `limit` blocks.

    Every text is cut to Slack's limits above; slack_sdk's own `validate_json()` runs in the
    tests (`tests/fakeslack.py` checks each call), not on every reply, where it cost more than
    the rest of the rendering.
    """
    shown = [part for part in doc.parts if not isinstance(part, Hint)]  # buttons work here
    return [_block(part).to_dict() for part in shown[:limit]]


class Rendered:
    """The last docs' fallback text and blocks, by identity: a reply kept and reused
    (`bot.services.replies`) is the same `Doc` each time, so it is rendered once."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._seen: OrderedDict[int, tuple[Doc, str, list[dict[str, Any]]]] = OrderedDict()

    def __call__(self, doc: Doc) -> tuple[str, list[dict[str, Any]]]:
        """`fallback(doc), blocks(doc)`; callers must not change the returned blocks."""
        seen = self._seen.get(id(doc))
        if seen is not None and seen[0] is doc:
            return seen[1], seen[2]
        text, shown = fallback(doc), blocks(doc)
        self._seen[id(doc)] = (doc, text, shown)
        while len(self._seen) > self._size:
            self._seen.popitem(last=False)
        return text, shown


def fallback(doc: Doc) -> str:
    """The notification text that goes with the blocks (Slack reads it as mrkdwn too)."""
    return mrkdwn(doc.fallback, SECTION_LIMIT)


def plain_fallback(doc: Doc, limit: int = SECTION_LIMIT) -> str:
    """The doc's fallback for plain-text places such as a modal's field error."""
    return plain(doc.fallback, limit)
