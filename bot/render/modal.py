"""`Form` -> a Slack modal (slack_sdk models), and a submitted modal's state -> plain values."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.outcome import Form, Input


def _element(field: Input) -> PlainTextInputElement | StaticSelectElement:
    if field.options:
        return StaticSelectElement(
            action_id=field.id,
            options=[Option(value=o, text=o) for o in field.options],
        )
    return PlainTextInputElement(action_id=field.id, placeholder=field.placeholder or None)


def modal(form: Form) -> dict[str, Any]:
    """The modal view JSON for `form`."""
    view = View(
        type="modal",
        callback_id=form.callback_id,
        title=PlainTextObject(text=form.title[:24]),
        submit=PlainTextObject(text="Save"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=form.context,
        blocks=[
            InputBlock(
                block_id=f.id, label=f.label[:2000], element=_element(f), optional=f.optional
            )
            for f in form.inputs
        ],
    )
    return view.to_dict()  # validated in the tests, as messages are (bot/render/blocks.py)


def submitted_values(view: dict[str, Any]) -> dict[str, str]:
    """`{input id: text}` from a `view_submission` payload's `view.state.values`."""
    values: dict[str, str] = {}
    for block in (view.get("state") or {}).get("values", {}).values():
        for action_id, element in block.items():
            selected = element.get("selected_option") or {}
            values[action_id] = str(selected.get("value") or element.get("value") or "")
    return values
