"""Subcommands of the catalog import: shared files, the critical selector, the daily run."""

from __future__ import annotations

from datetime import date

from bot.commands.table import Commands, Subcommand
from bot.commands.words import FREE
from bot.services import imports
from bot.services.imports import ImportWords


def _import(said: list[str], today: date) -> ImportWords:
    return imports.parse_words(said)


GROUP = "Primitives"
SUBCOMMANDS: Commands = (
    Subcommand(
        "import", "[dry-run] | critical <selector>|none | schedule on|off",
        "import the catalog and SLO files shared here (a lead sets the rest)", GROUP,
        _import, imports.import_command, 0, FREE,
    ),
)  # fmt: skip
