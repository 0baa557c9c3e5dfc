"""What a user typed, as words, and the one place where words become dates and numbers.

Dates and numbers are checked at the edge, so nothing out of range reaches the database or the
scheduler: digits are ASCII only (`፩` passes `str.isdigit()` and then breaks `int()`), every
number has bounds that fit a 32-bit column, and every kind of date has its own window around
today (a deadline in year 9999 once stopped the beat for every workspace).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from bot.doc import quoted
from bot.domain.errors import UsageError
from bot.domain.hours import WorkingHours, parse_hours

MAX_CHARS = 1000
FREE = 200  # words of free text a command may carry
YEAR = 365
INT_MAX = 2**31 - 1  # the largest INTEGER both SQLite and PostgreSQL columns hold
_MENTION = re.compile(r"^<@([A-Z0-9a-z_.-]+)(?:\|[^>]*)?>$")
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_WHOLE = re.compile(r"[0-9]{1,10}")
_PERCENT = re.compile(r"([0-9]{1,3}(?:\.[0-9]{1,4})?)%")
_WINDOW = re.compile(r"([0-9]{1,3})d")
_CLOCK = r"[0-9]{1,2}(?::[0-9]{2})?"
_SPAN = re.compile(f"{_CLOCK}-{_CLOCK}")


def clean(text: str) -> str:
    """NFKC-normalised text without control or invisible format characters."""
    text = unicodedata.normalize("NFKC", text)
    kept = (
        ch if unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co"} or ch in "\n\t" else " "
        for ch in text
    )
    return "".join(kept).strip()


def words(text: str) -> list[str]:
    """The command's words; refuses text longer than anyone types on purpose."""
    if len(text) > MAX_CHARS:
        raise UsageError(
            f"That is {len(text):,} characters; I read commands of up to {MAX_CHARS:,}. "
            "Try `/sre help`."
        )
    return clean(text).split()


def user_id(word: str) -> str:
    """The user id in a Slack mention `<@U123|name>`, or a usage error."""
    match = _MENTION.match(word)
    if match is None:
        raise UsageError(f"`{quoted(word)}` is not a mention: write @name and pick the person.")
    return match.group(1)


def is_mention(word: str) -> bool:
    """True for a Slack mention `<@U123>`."""
    return word.startswith("<@") and word.endswith(">")


def mentions(said: list[str]) -> tuple[list[str], list[str]]:
    """Split words into (user ids mentioned, the other words)."""
    people = [user_id(w) for w in said if is_mention(w)]
    return people, [w for w in said if not is_mention(w)]


@dataclass(frozen=True)
class DateRange:
    """Where a kind of date may fall, in days from today (negative: before today)."""

    rule: str  # said to the user when a date falls outside
    first: int
    last: int

    def bounds(self, today: date) -> tuple[date, date]:
        """The first and last day allowed, seen from `today`."""
        return today + timedelta(days=self.first), today + timedelta(days=self.last)


DEADLINE = DateRange("The deadline must be in the future and at most 3 years ahead", 1, 3 * YEAR)
COMMITMENT = DateRange(
    "A commitment's date must be at most 90 days back or 3 years ahead", -90, 3 * YEAR
)
WORKSHOP = DateRange(
    "A workshop's date must be at most a year back or 3 years ahead", -YEAR, 3 * YEAR
)
VACATION = DateRange("A vacation must start within a year (at most 30 days back)", -30, YEAR)
VACATION_END = DateRange("A vacation must end within a year and 120 days", -30, YEAR + 120)
DECIDED = DateRange("Management's answer must be dated within the last 3 years", -3 * YEAR, 0)


def day(word: str, allowed: DateRange, today: date) -> date:
    """A YYYY-MM-DD date inside `allowed` around `today`, or a usage error."""
    try:
        if _ISO_DAY.fullmatch(word) is None:
            raise ValueError(word)
        found = date.fromisoformat(word)
    except ValueError:
        raise UsageError(f"`{word[:24]}` is not a date; write it as YYYY-MM-DD.") from None
    first, last = allowed.bounds(today)
    if not first <= found <= last:
        raise UsageError(f"{allowed.rule}: between {first} and {last}.")
    return found


def whole(word: str, low: int, high: int, usage: str) -> int:
    """A whole number of ASCII digits between `low` and `high`, or the usage `usage`."""
    if _WHOLE.fullmatch(word) is None or not low <= int(word) <= min(high, INT_MAX):
        raise UsageError(usage)
    return int(word)


def percent(word: str) -> float:
    """`99.9%` -> 99.9, between 0 and 100 exclusive of 0."""
    match = _PERCENT.fullmatch(word)
    if match is None or not 0 < float(match.group(1)) < 100:
        raise UsageError(f"`{word[:24]}` is not a target; write it like 99.9% (below 100%).")
    return float(match.group(1))


def window(word: str) -> int:
    """`28d` -> 28 days (1 to 365)."""
    match = _WINDOW.fullmatch(word)
    if match is None or not 1 <= int(match.group(1)) <= 365:
        raise UsageError(f"`{word[:24]}` is not a window; write it like 28d (1 to 365 days).")
    return int(match.group(1))


def hours(word: str) -> WorkingHours:
    """`9-17` or `8:30-16:30` in ASCII digits, as working hours."""
    if _SPAN.fullmatch(word) is None:
        raise UsageError(f"`{word[:20]}` is not a span of hours; write it like 9-17.")
    return parse_hours(word)
