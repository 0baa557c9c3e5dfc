"""A member's check-in: asked by the scheduler, answered by command, button or form."""

from __future__ import annotations

from dataclasses import dataclass

from bot.doc import Doc
from bot.domain.beat import is_asked
from bot.domain.coalition import Role
from bot.domain.errors import NotFound, UsageError
from bot.domain.hours import local_day
from bot.domain.mentions import person
from bot.outcome import Outcome, Post, ToUser
from bot.services.loading import Loaded, load
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
    asked = await req.uow.checkins.open_for(loaded.coalition, user)
    slot = asked.slot if asked else local_day(req.now, me.tz or loaded.coalition.tz).isoformat()
    values = {
        "nothing_new": answer.energy is None,
        "energy": answer.energy,
        "hours": answer.hours,
        "progress": answer.progress or None,
        "blockers": answer.blockers or None,
    }
    told = await _blocker_news(req, loaded, answer.blockers)
    updated = await req.uow.checkins.answer(loaded.coalition, user, slot, req.now, values)
    channel = loaded.coalition.channel_id
    posts = tuple(
        Post(ToUser(lead), views.blocker_dm(user, answer.blockers, channel)) for lead in told
    )
    return Outcome(reply=views.checked_in(answer.energy, updated, told), posts=posts)


async def _blocker_news(req: Request, loaded: Loaded, blockers: str) -> list[str]:
    """The leads to tell about a blocker: all but the member, when it is new or changed
    (the same blocker said again at the next check-in is not news)."""
    if not blockers:
        return []
    user = req.asker.user_id
    open_now = await req.uow.checkins.blockers(loaded.coalition, req.now)
    if any(b.user_id == user and b.text == blockers for b in open_now):
        return []
    return [m.user_id for m in loaded.members if m.role == Role.LEAD and m.user_id != user]


ASK_USAGE = "Usage: `/sre ask @someone checkins on|off|default`."


@dataclass(frozen=True)
class Asking:
    """A lead's choice of whether `user_id` gets check-ins (None: by role)."""

    user_id: str
    checkins: bool | None


async def ask(req: Request, asking: Asking) -> Outcome:
    """A lead chooses who is asked to check in (and hears about their own load)."""
    loaded = await load(req)
    loaded.lead(req.asker.user_id, "choose who is asked to check in")
    target = next((m for m in loaded.rows if m.user_id == asking.user_id), None)
    if target is None:
        raise NotFound(f"{person(asking.user_id)} is not in the coalition.")
    target.checkins = asking.checkins
    now_asked = is_asked(target.role, target.checkins)
    said = "default" if asking.checkins is None else "on" if asking.checkins else "off"
    detail = f"check-ins for {target.user_id}: {said}"
    req.uow.rollout.record(loaded.coalition, req.asker.user_id, "asking", detail, req.now)
    return Outcome(reply=views.asking_set(target.user_id, now_asked, asking.checkins is None))
