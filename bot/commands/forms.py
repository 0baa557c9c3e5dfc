"""What each submitted form means: the subcommand it answers and its values as typed
arguments, read field by field (never rebuilt into a command line)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.action_ids import CallbackId
from bot.commands.beat import answer
from bot.commands.primitives import SLO_USAGE
from bot.commands.words import percent, window, words
from bot.domain.errors import UsageError
from bot.services.checkins import Answer
from bot.services.primitives import NewSlo

Values = dict[str, str]


def field(values: Values, key: str) -> str:
    """A field's text, cleaned and capped like a typed command's words."""
    return " ".join(words(values.get(key, "")))


def _checkin(values: Values) -> Answer:
    hours = field(values, "hours").rstrip("h")
    return answer(field(values, "energy"), hours, field(values, "progress"),
                  field(values, "blockers"))  # fmt: skip


def _slo(values: Values) -> NewSlo:
    service, sli = field(values, "service"), field(values, "sli")
    if not service or not sli:  # a name with spaces is checked as the command's quoted one
        raise UsageError(SLO_USAGE)
    target = percent(field(values, "target").rstrip("%") + "%")
    days = window(field(values, "window").rstrip("d") + "d")
    return NewSlo(service, sli, target, days)


def _readiness(values: Values) -> tuple[str, ...]:
    return tuple(v for v in (field(values, k) for k in ("culture", "pain", "credibility")) if v)


@dataclass(frozen=True)
class Submission:
    """A form: the subcommand it answers and how its values become that one's arguments."""

    subcommand: str
    parse: Callable[[Values], Any]


FORMS: dict[str, Submission] = {
    CallbackId.CHECKIN: Submission("checkin", _checkin),
    CallbackId.SLO: Submission("slo", _slo),
    CallbackId.READINESS: Submission("readiness", _readiness),
}
