"""Subcommands of the coaching library."""

from __future__ import annotations

from bot.commands.table import Commands, Subcommand, text
from bot.commands.words import FREE
from bot.services import coaching, direct

GROUP = "Coaching"
SUBCOMMANDS: Commands = (
    Subcommand(
        "guide", "<question>", "guidance that fits where the coalition stands", GROUP, text,
        coaching.answer, 1, FREE,
    ),
    Subcommand(
        "case", "[<name>]", "the case studies, or one told in full", GROUP, text, coaching.case,
        0, FREE,
    ),
    Subcommand(
        "dm-here", "[<question>]", "make your DMs to me about this channel's coalition", GROUP,
        text, direct.choose, 0, FREE,
    ),
)  # fmt: skip
