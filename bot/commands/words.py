"""What a user typed, as words, and the one place where words become dates and numbers.

Dates and numbers are checked at the edge, so nothing out of range reaches the database or the
scheduler: digits are ASCII only (`፩` passes `str.isdigit()` and then breaks `int()`), every
number has bounds that fit a 32-bit column, and every kind of date has its own window around
today (a deadline in year 9999 once stopped the beat for every workspace).
"""

from __future__ import annotations

import re
import shlex
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

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
_PERCENT = re.compile(r"([0-9]{1,3}(?:\.[0-9]{1,4})?)%?")
_WINDOW = re.compile(r"([0-9]{1,3}) ?(d|days?|w|weeks?)")
_CLOCK = r"[0-9]{1,2}(?::[0-9]{2})?(?:am|pm)?"
_SPAN = re.compile(f"({_CLOCK})-({_CLOCK})")
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"'})


def clean(text: str) -> str:
    """NFKC-normalised text without control or invisible format characters."""
    text = unicodedata.normalize("NFKC", text)
    kept = (
        ch if unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co"} or ch in "\n\t" else " "
        for ch in text
    )
    return "".join(kept).strip()


def words(text: str) -> list[str]:
    """The command's words, a "double-quoted phrase" counting as one word (an unclosed quote
    is read as typed); refuses text longer than anyone types on purpose."""
    if len(text) > MAX_CHARS:
        raise UsageError(
            f"That is {len(text):,} characters; I read commands of up to {MAX_CHARS:,}. "
            "Try `/sre help`."
        )
    text = clean(text).translate(_QUOTES)
    if '"' not in text:
        return text.split()
    lexer = shlex.shlex(text, posix=True)
    lexer.quotes, lexer.escape, lexer.commenters = '"', "", ""
    lexer.whitespace_split = True
    try:
        return [w.strip() for w in lexer if w.strip()]
    except ValueError:  # no closing quotation
        return text.split()


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
    "A commitment's date must be today or later (not past) and at most 3 years ahead",
    0,
    3 * YEAR,
)
WORKSHOP = DateRange(
    "A workshop's date must be at most a year back or 3 years ahead", -YEAR, 3 * YEAR
)
VACATION = DateRange("A vacation must start within a year (at most 30 days back)", -30, YEAR)
VACATION_END = DateRange("A vacation must end within a year and 120 days", -30, YEAR + 120)
DECIDED = DateRange("Management's answer must be dated within the last 3 years", -3 * YEAR, 0)


_WEEKDAYS = frozenset(
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "mon",
        "tue",
        "tues",
        "wed",
        "thu",
        "thur",
        "thurs",
        "fri",
        "sat",
        "sun",
    ]
)
_MONTHS = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ]
)
_UNITS = frozenset(
    ["day", "days", "week", "weeks", "month", "months", "year", "years", "fortnight"]
)
_LEADS = frozenset(["in", "next", "this", "coming", "on", "a", "an"])
_ALONE = frozenset(("today", "tomorrow", "yesterday"))
_NUMBER = re.compile(r"[0-9]{1,3}(?:st|nd|rd|th)?")
DATE_WORDS = 3  # the most words a date takes: `in 2 weeks`
DATE_HINT = "write it as YYYY-MM-DD, or like tomorrow, next friday, in 2 weeks"


def _said_as_date(parts: list[str]) -> bool:
    """True when `parts` have the shape of a date a person types: one of our words each, so
    the library reads dates only, never a title that happens to hold a number."""
    low = [p.lower().strip(",") for p in parts]
    if len(low) == 1:
        return low[0] in _ALONE or low[0] in _WEEKDAYS or _ISO_DAY.fullmatch(low[0]) is not None
    vocabulary = _WEEKDAYS | _MONTHS | _UNITS | _LEADS
    if not all(w in vocabulary or _NUMBER.fullmatch(w) for w in low) or low[-1] in _LEADS:
        return False
    return _NUMBER.fullmatch(low[-1]) is None or low[-2] in _MONTHS  # `dec 8`, not `friday 2`


def _natural(phrase: str, today: date) -> date | None:
    """`tomorrow`, `next friday`, `in 2 weeks`, `8 dec`, seen from `today` (never the clock)."""
    settings = {
        "RELATIVE_BASE": datetime.combine(today, time(12)),
        "PREFER_DATES_FROM": "future",
        "TIMEZONE": "UTC",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    import dateparser  # on first use: loading its language data takes about a second

    try:
        found = dateparser.parse(phrase, languages=["en"], settings=settings)
    except (ValueError, OverflowError):
        return None
    return found.date() if isinstance(found, datetime) else None


def warm_dates() -> None:
    """Load the date library's data now: its first use takes seconds, and Slack waits for an
    answer to a slash command 3 seconds at most."""
    _natural("tomorrow", date(2000, 1, 1))


def day(word: str, allowed: DateRange, today: date, seen_from: date | None = None) -> date:
    """A date inside `allowed` around `today`, as ISO or as people say it (seen from
    `seen_from`, default today: a vacation's end `next friday` follows its start), or a usage
    error."""
    parts = word.split()
    found = None
    if _ISO_DAY.fullmatch(word):
        try:
            found = date.fromisoformat(word)
        except ValueError:
            found = None
    elif parts and _said_as_date(parts):
        found = _natural(" ".join(parts), seen_from or today)
    if found is None:
        raise UsageError(f"`{quoted(word[:24])}` is not a date; {DATE_HINT}.")
    first, last = allowed.bounds(today)
    if not first <= found <= last:
        raise UsageError(f"{allowed.rule}: between {first} and {last}.")
    return found


def leading_day(said: list[str], allowed: DateRange, today: date) -> tuple[date, list[str]]:
    """The date the words start with (up to three words: `in 2 weeks`) and the words after."""
    for size in range(min(DATE_WORDS, len(said)), 1, -1):
        if _said_as_date(said[:size]):
            return day(" ".join(said[:size]), allowed, today), said[size:]
    return day(said[0], allowed, today), said[1:]


def whole(word: str, low: int, high: int, usage: str) -> int:
    """A whole number of ASCII digits between `low` and `high`, or the usage `usage`."""
    if _WHOLE.fullmatch(word) is None or not low <= int(word) <= min(high, INT_MAX):
        raise UsageError(usage)
    return int(word)


def percent(word: str) -> float:
    """`99.9%` or `99.9` -> 99.9, between 0 and 100 exclusive of 0."""
    match = _PERCENT.fullmatch(word)
    if match is None or not 0 < float(match.group(1)) < 100:
        raise UsageError(
            f"`{quoted(word[:24])}` is not a target; write it like 99.9% or 99.9 (below 100)."
        )
    return float(match.group(1))


def window(word: str) -> int:
    """`28d`, `4w`, `30 days` -> days (1 to 365)."""
    match = _WINDOW.fullmatch(word.lower())
    days = int(match.group(1)) * (7 if match.group(2).startswith("w") else 1) if match else 0
    if not 1 <= days <= 365:
        raise UsageError(
            f"`{quoted(word[:24])}` is not a window; write it like 28d, 4w or 30 days "
            "(1 to 365 days)."
        )
    return days


def _clock(word: str) -> str:
    """`9`, `9:30`, `9am`, `5:30pm` as 24-hour `H:MM` (12am is midnight, 12pm noon)."""
    suffix = word[-2:] if word[-2:] in ("am", "pm") else ""
    hour, _, minute = word.removesuffix(suffix).partition(":")
    number = int(hour)
    if suffix and not 1 <= number <= 12:
        raise ValueError(word)
    if suffix:
        number = number % 12 + (12 if suffix == "pm" else 0)
    if not 0 <= number <= 23 or not 0 <= int(minute or 0) <= 59:
        raise ValueError(word)
    return f"{number}:{minute or '00'}"


def hours(word: str) -> WorkingHours:
    """`9-17`, `09:00-17:00` or `9am-5pm` in ASCII digits, as working hours."""
    match = _SPAN.fullmatch(word.lower())
    try:
        if match is None:
            raise ValueError(word)
        return parse_hours(f"{_clock(match.group(1))}-{_clock(match.group(2))}")
    except ValueError:
        raise UsageError(
            f"`{quoted(word[:20])}` is not a span of hours; write it like 9-17 or 9am-5pm."
        ) from None
