"""The `/sre` grammar as a table: every subcommand, its usage, its typed parser and its use case.

`COMMANDS` is the single list that help, usage messages and routing share; buttons
(`bot.commands.buttons`) and forms (`bot.commands.forms`) reach the same rows.
"""

from __future__ import annotations

from bot.commands import (
    beat,
    coaching,
    health,
    imports,
    membership,
    primitives,
    reporting,
    rollout,
    structure,
)
from bot.commands.table import Commands, Subcommand

COMMANDS: Commands = (
    *membership.SUBCOMMANDS,
    *rollout.SUBCOMMANDS,
    *reporting.SUBCOMMANDS,
    *structure.SUBCOMMANDS,
    *primitives.SUBCOMMANDS,
    *imports.SUBCOMMANDS,
    *beat.SUBCOMMANDS,
    *health.SUBCOMMANDS,
    *coaching.SUBCOMMANDS,
)
BY_NAME = {c.name: c for c in COMMANDS}

__all__ = ["BY_NAME", "COMMANDS", "Subcommand"]
