"""Subcommands of the beat: check-ins, commitments, snooze, vacation, hours, the schedule."""

from __future__ import annotations

import re
from datetime import datetime

from bot.commandline import user_id
from bot.commands.base import (
    COMMITMENT,
    FREE,
    INT_MAX,
    VACATION,
    VACATION_END,
    Subcommand,
    day,
    hours,
    is_mention,
    whole,
)
from bot.db.uow import UnitOfWork
from bot.doc import Doc
from bot.domain.cadence import parse_weekday
from bot.domain.errors import UsageError
from bot.outcome import Outcome
from bot.services import beat, schedule
from bot.services.asker import Asker
from bot.views.forms import checkin_form

_DAYS = re.compile(r"([0-9]{1,3})([dw])")
CHECKIN_USAGE = (
    "`/sre checkin nothing` or `/sre checkin <energy 1-5> <hours>h [progress] [blocked: ...]`"
)
SCHEDULE_USAGE = "Usage: `/sre schedule [digest|checkin <weekday> | near|final <weeks>]`."


async def _checkin(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    if not args:
        return Outcome(
            reply=Doc.text(f"Check in with {CHECKIN_USAGE}."), form=checkin_form(asker.channel_id)
        )
    if args[0].lower() in ("nothing", "nothing-new"):
        return await beat.check_in(uow, asker, now)
    usage = f"Usage: {CHECKIN_USAGE}."
    if len(args) < 2 or not args[1].lower().endswith("h"):
        raise UsageError(usage)
    energy = whole(args[0], 1, 5, usage)
    spent = whole(args[1][:-1], 0, 80, usage)
    text = " ".join(args[2:])
    progress, _, blockers = text.partition("blocked:")
    return await beat.check_in(
        uow,
        asker,
        now,
        energy=energy,
        hours=spent,
        progress=progress.strip(),
        blockers=blockers.strip(),
    )


async def _snooze(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    if args[0].lower() == "off":
        return await beat.snooze(uow, asker, None, now)
    match = _DAYS.fullmatch(args[0].lower())
    if match is None:
        raise UsageError("Usage: `/sre snooze <N>d|<N>w` or `/sre snooze off`.")
    days = int(match[1]) * (7 if match[2] == "w" else 1)
    return await beat.snooze(uow, asker, days, now)


async def _away(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    if args[0].lower() == "off":
        return await beat.away(uow, asker, None, None, now)
    if len(args) != 2:
        raise UsageError("Usage: `/sre away <YYYY-MM-DD> <YYYY-MM-DD>` or `/sre away off`.")
    first = day(args[0], VACATION, now.date())
    return await beat.away(uow, asker, first, day(args[1], VACATION_END, now.date()), now)


async def _hours(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    hours(args[0])  # ASCII digits only, before the service reads the span
    return await beat.working_hours(uow, asker, args[0], args[1] if len(args) > 1 else None)


async def _commit(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    owner = user_id(args[-1]) if is_mention(args[-1]) else None
    words = args[1:-1] if owner else args[1:]
    due = day(args[0], COMMITMENT, now.date())
    return await beat.commit(uow, asker, due, " ".join(words), owner, now)


async def _commitments(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    return await beat.commitments(uow, asker, now)


async def _finish(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    usage = "Usage: `/sre finish <n>` (the number from `/sre commitments`)."
    number = whole(args[0].removeprefix("#"), 1, INT_MAX, usage)
    return await beat.finish(uow, asker, number, now)


async def _schedule(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    if not args:
        return await schedule.show(uow, asker, now)
    if len(args) != 2:
        raise UsageError(SCHEDULE_USAGE)
    what, value = args[0].lower(), args[1].lower()
    if what in ("digest", "checkin"):
        return await schedule.change(uow, asker, what, parse_weekday(value), value, now)
    if what in ("near", "final"):
        weeks = whole(value.removesuffix("w"), 1, 52, f"`{what}` takes weeks, 1 to 52.")
        return await schedule.change(uow, asker, what, weeks, value, now)
    raise UsageError(SCHEDULE_USAGE)


async def _timezone(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    return await schedule.set_zone(uow, asker, args[0], now)


async def _mute(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    return await schedule.mute(uow, asker, True, now)


async def _unmute(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    return await schedule.mute(uow, asker, False, now)


GROUP = "Beat"
SUBCOMMANDS = (
    Subcommand(
        "checkin",
        "[nothing | <energy 1-5> <hours>h [progress] [blocked: ...]]",
        "answer your check-in (no words: a form)",
        GROUP,
        _checkin,
        0,
        FREE,
    ),
    Subcommand(
        "commit",
        "<YYYY-MM-DD> <what> [@owner]",
        "commit to something by a date",
        GROUP,
        _commit,
        2,
        FREE,
    ),
    Subcommand("commitments", "", "open commitments, overdue first", GROUP, _commitments),
    Subcommand("finish", "<n>", "close a commitment", GROUP, _finish, 1, 1),
    Subcommand(
        "schedule",
        "[digest|checkin <day> | near|final <weeks>]",
        "what I send next; leads change the rhythm",
        GROUP,
        _schedule,
        0,
        2,
    ),
    Subcommand("snooze", "<N>d|<N>w|off", "pause my messages to you", GROUP, _snooze, 1, 1),
    Subcommand("away", "<from> <to> | off", "your vacation: no messages", GROUP, _away, 1, 2),
    Subcommand("hours", "<9-17> [time zone]", "when I may message you", GROUP, _hours, 1, 2),
    Subcommand(
        "timezone", "<Area/City>", "a lead sets the coalition's zone", GROUP, _timezone, 1, 1
    ),
    Subcommand("mute", "", "a lead silences every nudge here", GROUP, _mute),
    Subcommand("unmute", "", "a lead turns nudges back on", GROUP, _unmute),
)
