"""The sponsor report: share it now, or set the day it goes to the sponsors each month."""

from __future__ import annotations

from datetime import date

from bot.commands.table import Commands, Subcommand
from bot.services import report
from bot.services.report import ReportWords


def _report(said: list[str], today: date) -> ReportWords:
    return report.parse_words(said)


GROUP = "Rollout"
SUBCOMMANDS: Commands = (
    Subcommand(
        "report", "[day <1-28>|off]",
        "the sponsor report as files (a lead sets the monthly DM's day)", GROUP,
        _report, report.report_command, 0, 2,
    ),
)  # fmt: skip
