"""Subcommands about the programme: status, steps, milestones, history, deadline, pitch."""

from __future__ import annotations

from datetime import date

from bot.commands.table import Commands, Subcommand, bare, one
from bot.commands.words import DATE_WORDS, DEADLINE, DECIDED, FREE, day, leading_day
from bot.domain.errors import UsageError
from bot.services import pitch, rollout
from bot.services.pitch import Pain, PitchDecision
from bot.services.rollout import NewDeadline


def _target(said: list[str], today: date) -> str | None:
    return said[0] if said else None


def _everything(said: list[str], today: date) -> bool:
    if said and said[0].lower() != "all":
        raise UsageError("Usage: `/sre history [all]`")
    return bool(said)


def _deadline(said: list[str], today: date) -> NewDeadline:
    when, name = leading_day(said, DEADLINE, today)
    if not name:
        raise UsageError("Usage: `/sre deadline <YYYY-MM-DD> <event name>`.")
    return NewDeadline(when, " ".join(name))


def _answers(said: list[str], today: date) -> tuple[str, ...]:
    return tuple(said)


def _pain(said: list[str], today: date) -> Pain:
    return Pain(said[0], " ".join(said[1:]))


def _decision(said: list[str], today: date) -> PitchDecision | None:
    if not said:
        return None
    when = day(" ".join(said[1:]), DECIDED, today) if len(said) > 1 else today
    return PitchDecision(said[0].lower(), when)


GROUP = "Rollout"
SUBCOMMANDS: Commands = (
    bare(
        "status",
        "step, progress, countdown, coverage and open risks",
        GROUP,
        rollout.status,
        reads_only=True,
    ),
    Subcommand(
        "step", "[next|<step>]", "the five steps; a lead moves on", GROUP, _target, rollout.step,
        0, 1,
    ),
    Subcommand(
        "done", "<milestone>", "a lead ticks a manual milestone", GROUP, one, rollout.tick, 1, 1
    ),
    Subcommand(
        "undo", "<milestone>", "a lead unticks a manual milestone", GROUP, one, rollout.untick,
        1, 1,
    ),
    Subcommand(
        "history", "[all]", "who changed what, when (the latest 30, or all)", GROUP, _everything,
        rollout.history, 0, 1,
    ),
    Subcommand(
        "deadline", "<YYYY-MM-DD> <event name>", "a lead sets the forcing function", GROUP,
        _deadline, rollout.set_deadline, 2, FREE,
    ),
    Subcommand(
        "readiness", "[<culture> <pain> <credibility>]",
        "self-assess the three conditions (yes|partly|no)", GROUP, _answers, pitch.readiness,
        0, 3,
    ),
    Subcommand(
        "pain", "<on-call|reliability|no-slos|other> <evidence>",
        "record a pain point for the pitch", GROUP, _pain, pitch.pain, 2, FREE,
    ),
    bare("pains", "the pain points recorded for the pitch", GROUP, pitch.pain_list),
    Subcommand(
        "pitch", "[chartered|deferred|refused [YYYY-MM-DD]]",
        "the pitch outline; a lead records management's answer", GROUP, _decision, pitch.pitch,
        0, 1 + DATE_WORDS,
    ),
)  # fmt: skip
