"""`Doc` -> Block Kit, built with slack_sdk's models so Slack's limits are checked here."""

from __future__ import annotations

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

from bot.messages import Actions, Bullets, Divider, Doc, Fields, Heading, Note, Paragraph, Part

SECTION_LIMIT = 3000
HEADER_LIMIT = 150
MAX_BLOCKS_MESSAGE = 50
MAX_BLOCKS_VIEW = 100


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=_cut(text, SECTION_LIMIT)))


def _block(part: Part) -> Block:
    match part:
        case Heading(text):
            return HeaderBlock(text=PlainTextObject(text=_cut(text, HEADER_LIMIT)))
        case Paragraph(text):
            return _section(text)
        case Bullets(items):
            return _section("\n".join(f"• {item}" for item in items))
        case Fields(pairs):
            fields = [MarkdownTextObject(text=_cut(f"*{k}*\n{v}", 2000)) for k, v in pairs[:10]]
            return SectionBlock(fields=fields)
        case Note(text):
            return ContextBlock(elements=[MarkdownTextObject(text=_cut(text, 3000))])
        case Actions(buttons):
            elements = [
                ButtonElement(
                    text=_cut(b.label, 75),
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
    """Block Kit JSON for `doc`, validated by slack_sdk and kept within `limit` blocks."""
    built = [_block(part) for part in doc.parts][:limit]
    for block in built:
        block.validate_json()
    return [block.to_dict() for block in built]


def fallback(doc: Doc) -> str:
    """The notification text that goes with the blocks."""
    return _cut(doc.fallback, 3000)
