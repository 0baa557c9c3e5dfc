"""Subcommands of the beat: check-ins, commitments, snooze, vacation, hours, the schedule."""

from __future__ import annotations

import re
from datetime import datetime

from bot.commandline import user_id
from bot.commands.base import FREE, Subcommand, day, is_mention
from bot.db.uow import UnitOfWork
from bot.domain.errors import UsageError
from bot.messages import Doc, Outcome
from bot.services import beat, schedule
from bot.services.asker import Asker
from bot.views.forms import checkin_form

_HOURS = re.compile(r"^(\d{1,2})h$")
_DAYS = re.compile(r"^(\d{1,3})([dw])$")
CHECKIN_USAGE = (
    "`/sre checkin nothing` or `/sre checkin <energy 1-5> <hours>h [progress] [blocked: ...]`"
)


async def _checkin(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    if not args:
        return Outcome(
            reply=Doc.text(f"Check in with {CHECKIN_USAGE}."), form=checkin_form(asker.channel_id)
        )
    if args[0].lower() in ("nothing", "nothing-new"):
        return await beat.check_in(uow, asker, now)
    hours = _HOURS.match(args[1].lower()) if len(args) > 1 else None
    if not (args[0].isdigit() and 1 <= int(args[0]) <= 5) or hours is None or int(hours[1]) > 80:
        raise UsageError(f"Usage: {CHECKIN_USAGE}.")
    text = " ".join(args[2:])
    progress, _, blockers = text.partition("blocked:")
    return await beat.check_in(
        uow,
        asker,
        now,
        energy=int(args[0]),
        hours=int(hours[1]),
        progress=progress.strip(),
        blockers=blockers.strip(),
    )


async def _snooze(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    if args[0].lower() == "off":
        return await beat.snooze(uow, asker, None, now)
    match = _DAYS.match(args[0].lower())
    if match is None:
        raise UsageError("Usage: `/sre snooze <N>d|<N>w` or `/sre snooze off`.")
    days = int(match[1]) * (7 if match[2] == "w" else 1)
    return await beat.snooze(uow, asker, days, now)


async def _away(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    if args[0].lower() == "off":
        return await beat.away(uow, asker, None, None, now)
    if len(args) != 2:
        raise UsageError("Usage: `/sre away <YYYY-MM-DD> <YYYY-MM-DD>` or `/sre away off`.")
    return await beat.away(uow, asker, day(args[0]), day(args[1]), now)


async def _hours(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    return await beat.working_hours(uow, asker, args[0], args[1] if len(args) > 1 else None)


async def _commit(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    owner = user_id(args[-1]) if is_mention(args[-1]) else None
    words = args[1:-1] if owner else args[1:]
    return await beat.commit(uow, asker, day(args[0]), " ".join(words), owner, now)


async def _commitments(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    return await beat.commitments(uow, asker, now)


async def _finish(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    number = args[0].lstrip("#")
    if not number.isdigit():
        raise UsageError("Usage: `/sre finish <n>` (the number from `/sre commitments`).")
    return await beat.finish(uow, asker, int(number), now)


async def _schedule(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    if not args:
        return await schedule.show(uow, asker, now)
    if len(args) != 2:
        raise UsageError("Usage: `/sre schedule [digest|checkin <weekday> | near|final <weeks>]`.")
    return await schedule.change(uow, asker, args[0].lower(), args[1], now)


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
