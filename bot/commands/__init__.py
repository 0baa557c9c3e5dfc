"""The `/sre` grammar: every subcommand, its usage, and the handler that parses its words.

Handlers turn words into typed arguments and call one service; the router runs them inside a
unit of work. `COMMANDS` is the single list that help, usage messages and routing share.
"""

from __future__ import annotations

from bot.commands import beat, coaching, health, membership, primitives, rollout, structure
from bot.commands.base import Subcommand

COMMANDS: tuple[Subcommand, ...] = (
    *membership.SUBCOMMANDS,
    *rollout.SUBCOMMANDS,
    *structure.SUBCOMMANDS,
    *primitives.SUBCOMMANDS,
    *beat.SUBCOMMANDS,
    *health.SUBCOMMANDS,
    *coaching.SUBCOMMANDS,
)
BY_NAME = {c.name: c for c in COMMANDS}

__all__ = ["BY_NAME", "COMMANDS", "Subcommand"]
