"""Subcommands of the beat: check-ins, commitments, snooze, vacation, hours, the schedule."""

from __future__ import annotations

import re
from datetime import date

from bot.commands.table import Commands, Subcommand, bare, one
from bot.commands.words import (
    COMMITMENT,
    FREE,
    INT_MAX,
    VACATION,
    VACATION_END,
    day,
    hours,
    is_mention,
    leading_day,
    user_id,
    whole,
)  # fmt: skip
from bot.domain.cadence import parse_weekday
from bot.domain.errors import UsageError
from bot.services import availability, checkins, commitments, schedule
from bot.services.availability import Hours, Vacation
from bot.services.checkins import ASK_USAGE, CHECKIN_USAGE, NOTHING_NEW, Answer, Asking
from bot.services.commitments import Promise
from bot.services.schedule import Rhythm

_DAYS = re.compile(r"([0-9]{1,3})([dw])")
SCHEDULE_USAGE = "Usage: `/sre schedule [digest|checkin <weekday> | near|final <weeks>]`."


def answer(energy: str, spent: str, progress: str, blockers: str) -> Answer:
    """A check-in answer from its parts as given (energy 1-5, hours 0-80)."""
    usage = f"Usage: {CHECKIN_USAGE}."
    return Answer(whole(energy, 1, 5, usage), whole(spent, 0, 80, usage), progress, blockers)


def _checkin(said: list[str], today: date) -> Answer | None:
    if not said:
        return None
    if said[0].lower() in ("nothing", "nothing-new"):
        return NOTHING_NEW
    if len(said) < 2 or not said[1].lower().endswith("h"):
        raise UsageError(f"Usage: {CHECKIN_USAGE}.")
    progress, _, blockers = " ".join(said[2:]).partition("blocked:")
    return answer(said[0], said[1][:-1], progress.strip(), blockers.strip())


def _asking(said: list[str], today: date) -> Asking:
    if said[1].lower() not in ("checkins", "check-ins") or said[2].lower() not in CHOICES:
        raise UsageError(ASK_USAGE)
    return Asking(user_id(said[0]), CHOICES[said[2].lower()])


CHOICES: dict[str, bool | None] = {"on": True, "off": False, "default": None}


def _snooze(said: list[str], today: date) -> int | None:
    if said[0].lower() == "off":
        return None
    match = _DAYS.fullmatch(said[0].lower())
    if match is None:
        raise UsageError("Usage: `/sre snooze <N>d|<N>w` or `/sre snooze off`.")
    return int(match[1]) * (7 if match[2] == "w" else 1)


def _away(said: list[str], today: date) -> Vacation | None:
    if said[0].lower() == "off":
        return None
    usage = (
        "Usage: `/sre away <from> <to>` (dates like 2026-12-21 or next monday) or `/sre away off`."
    )
    start, rest = leading_day(said, VACATION, today)
    if not rest:
        raise UsageError(usage)
    return Vacation(start, day(" ".join(rest), VACATION_END, today, seen_from=start))


def _hours(said: list[str], today: date) -> Hours:
    span = hours(said[0])  # ASCII digits only; `9am-5pm` and `09:00-17:00` alike
    return Hours(f"{span.start:%H:%M}-{span.end:%H:%M}", said[1] if len(said) > 1 else None)


def _promise(said: list[str], today: date) -> Promise:
    due, rest = leading_day(said, COMMITMENT, today)
    owner = user_id(rest[-1]) if rest and is_mention(rest[-1]) else None
    title = rest[:-1] if owner else rest
    if not title:
        raise UsageError(
            "Usage: `/sre commit <date> <what> [@owner]`, "
            "e.g. `/sre commit next friday draft the SLO doc`."
        )
    return Promise(due, " ".join(title), owner)


def _number(said: list[str], today: date) -> int:
    usage = "Usage: `/sre finish <n>` (the number from `/sre commitments`)."
    return whole(said[0].removeprefix("#"), 1, INT_MAX, usage)


def _rhythm(said: list[str], today: date) -> Rhythm | None:
    if not said:
        return None
    if len(said) != 2:
        raise UsageError(SCHEDULE_USAGE)
    what, value = said[0].lower(), said[1].lower()
    if what in ("digest", "checkin"):
        return Rhythm(what, parse_weekday(value), value)
    if what in ("near", "final"):
        weeks = whole(value.removesuffix("w"), 1, 52, f"`{what}` takes weeks, 1 to 52.")
        return Rhythm(what, weeks, value)
    raise UsageError(SCHEDULE_USAGE)


GROUP = "Beat"
SUBCOMMANDS: Commands = (
    Subcommand(
        "checkin", "[nothing | <energy 1-5> <hours>h [progress] [blocked: ...]]",
        "answer your check-in (no words: a form)", GROUP, _checkin, checkins.check_in, 0, FREE,
    ),
    Subcommand(
        "commit", "<date> <what> [@owner]", "commit to something by a date", GROUP,
        _promise, commitments.commit, 2, FREE,
    ),
    Subcommand(
        "ask", "@someone checkins on|off|default",
        "a lead chooses who gets check-ins (PM and sponsor: off by default)", GROUP, _asking,
        checkins.ask, 3, 3,
    ),
    bare("commitments", "open commitments, overdue first", GROUP, commitments.commitments),
    Subcommand("finish", "<n>", "close a commitment", GROUP, _number, commitments.finish, 1, 1),
    Subcommand(
        "schedule", "[digest|checkin <day> | near|final <weeks>]",
        "what I send next; leads change the rhythm", GROUP, _rhythm, schedule.schedule, 0, 2,
    ),
    Subcommand(
        "snooze", "<N>d|<N>w|off", "pause my messages to you", GROUP, _snooze,
        availability.snooze, 1, 1,
    ),
    Subcommand(
        "away", "<from> <to> | off", "your vacation: no messages", GROUP, _away,
        availability.away, 1, 6,
    ),
    Subcommand(
        "hours", "<9-17> [time zone]", "when I may message you", GROUP, _hours,
        availability.working_hours, 1, 2,
    ),
    Subcommand(
        "timezone", "<Area/City>", "a lead sets the coalition's zone", GROUP, one,
        schedule.set_zone, 1, 1,
    ),
    bare("digest", "a lead posts the weekly digest now", GROUP, schedule.digest_now),
    bare("mute", "a lead silences every nudge here", GROUP, schedule.mute),
    bare("unmute", "a lead turns nudges back on", GROUP, schedule.unmute),
)  # fmt: skip
