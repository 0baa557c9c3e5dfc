"""A terminal hint is for the console only: Slack, where the buttons work, never shows it."""

from __future__ import annotations

import json

from bot.render.blocks import blocks
from bot.render.text import render
from bot.views.beat import checkin_dm


def test_the_checkin_dm_hints_at_typing_only_in_a_terminal() -> None:
    dm = checkin_dm("C1")
    assert "In a terminal: `/sre checkin" in render(dm)
    slack = json.dumps(blocks(dm))
    assert "In a terminal" not in slack and "/sre checkin" not in slack
    assert "Check in" in slack and "Energy and hours stay private" in slack
