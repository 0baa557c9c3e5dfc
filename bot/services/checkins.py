"""A member's check-in: asked by the scheduler, answered by command, button or form."""

from __future__ import annotations

from dataclasses import dataclass

from bot.doc import Doc
from bot.domain.errors import UsageError
from bot.domain.hours import local_day
from bot.outcome import Outcome
from bot.services.loading import load
from bot.services.request import Request
from bot.views import beat as views
from bot.views.forms import checkin_form

MAX_TEXT = 500
CHECKIN_USAGE = (
    "`/sre checkin nothing` or `/sre checkin <energy 1-5> <hours>h [progress] [blocked: ...]`"
)


@dataclass(frozen=True)
class Answer:
    """A check-in answer; without energy it is "nothing new"."""

    energy: int | None = None
    hours: int | None = None
    progress: str = ""
    blockers: str = ""


NOTHING_NEW = Answer()


async def check_in(req: Request, answer: Answer | None) -> Outcome:
    """Record a check-in answer; without one, how to give it and the form that asks."""
    if answer is None:
        prompt = Doc.text(f"Check in with {CHECKIN_USAGE}.")
        return Outcome(reply=prompt, form=checkin_form(req.asker.channel_id))
    if len(answer.progress) > MAX_TEXT or len(answer.blockers) > MAX_TEXT:
        raise UsageError(f"Keep progress and blockers under {MAX_TEXT} characters each.")
    loaded = await load(req)
    user = req.asker.user_id
    me = loaded.row(user)
    row = await req.uow.checkins.open_for(loaded.coalition, user)
    if row is None:
        slot = local_day(req.now, me.tz or loaded.coalition.tz).isoformat()
        row = req.uow.checkins.ask(loaded.coalition, user, slot, req.now)
    row.answered_at, row.missed = req.now, False
    row.nothing_new = answer.energy is None
    row.energy, row.hours = answer.energy, answer.hours
    row.progress, row.blockers = answer.progress or None, answer.blockers or None
    return Outcome(reply=views.checked_in(answer.energy))
