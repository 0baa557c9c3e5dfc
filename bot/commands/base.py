"""What a subcommand is, and the small parsers its handlers share."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime

from bot.commandline import user_id
from bot.db.uow import UnitOfWork
from bot.domain.errors import UsageError
from bot.messages import Outcome
from bot.services.asker import Asker

FREE = 200  # words of free text a command may carry
Handler = Callable[[UnitOfWork, Asker, list[str], datetime], Awaitable[Outcome]]
_PERCENT = re.compile(r"^(\d{1,3}(?:\.\d{1,4})?)%$")
_WINDOW = re.compile(r"^(\d{1,3})d$")


@dataclass(frozen=True)
class Subcommand:
    """One `/sre` subcommand: its grammar, what it does, the group help shows it in."""

    name: str
    args: str
    summary: str
    group: str
    handler: Handler
    min_args: int = 0
    max_args: int = 0

    @property
    def usage(self) -> str:
        """`/sre name args`."""
        return f"/sre {self.name} {self.args}".strip()


def day(word: str) -> date:
    """A YYYY-MM-DD date, or a usage error."""
    try:
        return date.fromisoformat(word)
    except ValueError:
        raise UsageError(f"`{word[:24]}` is not a date; write it as YYYY-MM-DD.") from None


def percent(word: str) -> float:
    """`99.9%` -> 99.9, between 0 and 100 exclusive of 0."""
    match = _PERCENT.match(word)
    if match is None or not 0 < float(match.group(1)) < 100:
        raise UsageError(f"`{word[:24]}` is not a target; write it like 99.9% (below 100%).")
    return float(match.group(1))


def window(word: str) -> int:
    """`28d` -> 28 days (1 to 365)."""
    match = _WINDOW.match(word)
    if match is None or not 1 <= int(match.group(1)) <= 365:
        raise UsageError(f"`{word[:24]}` is not a window; write it like 28d (1 to 365 days).")
    return int(match.group(1))


def is_mention(word: str) -> bool:
    """True for a Slack mention `<@U123>`."""
    return word.startswith("<@") and word.endswith(">")


def mentions(words: list[str]) -> tuple[list[str], list[str]]:
    """Split words into (user ids mentioned, the other words)."""
    people = [user_id(w) for w in words if is_mention(w)]
    return people, [w for w in words if not is_mention(w)]
