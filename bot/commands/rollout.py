"""Subcommands about the programme: status, steps, milestones, history, deadline, pitch."""

from __future__ import annotations

from datetime import datetime

from bot.commands.base import DEADLINE, DECIDED, FREE, Subcommand, day
from bot.db.uow import UnitOfWork
from bot.outcome import Outcome
from bot.services import pitch, rollout
from bot.services.asker import Asker
from bot.views.forms import readiness_form


async def _status(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    return await rollout.status(uow, asker, now)


async def _step(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    if not args:
        return await rollout.steps(uow, asker, now)
    return await rollout.move(uow, asker, args[0], now)


async def _done(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    return await rollout.tick(uow, asker, args[0], now)


async def _history(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    return await rollout.history(uow, asker)


async def _deadline(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    when = day(args[0], DEADLINE, now.date())
    return await rollout.set_deadline(uow, asker, when, " ".join(args[1:]), now)


async def _readiness(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    outcome = await pitch.readiness(uow, asker, args, now)
    if not args:
        return Outcome(reply=outcome.reply, form=readiness_form(asker.channel_id))
    return outcome


async def _pain(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    return await pitch.pain(uow, asker, args[0], " ".join(args[1:]), now)


async def _pitch(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    if not args:
        return await pitch.outline(uow, asker)
    when = day(args[1], DECIDED, now.date()) if len(args) > 1 else now.date()
    return await pitch.decide(uow, asker, args[0].lower(), when, now)


GROUP = "Rollout"
SUBCOMMANDS = (
    Subcommand("status", "", "step, progress, countdown, coverage and open risks", GROUP, _status),
    Subcommand("step", "[next|<step>]", "the five steps; a lead moves on", GROUP, _step, 0, 1),
    Subcommand("done", "<milestone>", "a lead ticks a manual milestone", GROUP, _done, 1, 1),
    Subcommand("history", "", "who changed what, when", GROUP, _history),
    Subcommand(
        "deadline",
        "<YYYY-MM-DD> <event name>",
        "a lead sets the forcing function",
        GROUP,
        _deadline,
        2,
        FREE,
    ),
    Subcommand(
        "readiness",
        "[<culture> <pain> <credibility>]",
        "self-assess the three conditions (yes|partly|no)",
        GROUP,
        _readiness,
        0,
        3,
    ),
    Subcommand(
        "pain",
        "<on-call|reliability|no-slos|other> <evidence>",
        "record a pain point for the pitch",
        GROUP,
        _pain,
        2,
        FREE,
    ),
    Subcommand(
        "pitch",
        "[chartered|deferred|refused [YYYY-MM-DD]]",
        "the pitch outline; a lead records management's answer",
        GROUP,
        _pitch,
        0,
        2,
    ),
)
