"""Asking the coach in a direct message: the asker's coalition is the context.

A DM has no coalition channel, so the asker's own membership says which coalition a question
is about: their only one, or the one they chose (asked once, kept on that membership). The
DM's text is never stored.
"""

from __future__ import annotations

from dataclasses import replace

from bot.db.models import Coalition
from bot.domain.risks import Risk
from bot.guide.ranking import NO_CONTEXT
from bot.outcome import Outcome
from bot.services import coaching
from bot.services.loading import load
from bot.services.request import Request
from bot.views import direct as views


def _in(req: Request, channel_id: str) -> Request:
    """The request as if asked in `channel_id` (the coalition's channel)."""
    return replace(req, asker=replace(req.asker, channel_id=channel_id))


async def _coalitions(req: Request) -> tuple[list[Coalition], Coalition | None]:
    """The asker's active coalitions, and the one their DMs are about when that is clear."""
    memberships = await req.uow.coalitions.memberships_of(req.asker.user_id)
    coalitions = [c for c, _ in memberships]
    if len(coalitions) == 1:
        return coalitions, coalitions[0]
    chosen = [c for c, m in memberships if m.dm_home]
    return coalitions, chosen[0] if chosen else None


async def ask(req: Request, question: str) -> Outcome:
    """A DM's question answered for the asker's coalition; which one is asked first when the
    asker is in several and has not said."""
    question = coaching.checked(question)
    coalitions, home = await _coalitions(req)
    if home is None and len(coalitions) > 1:
        channels = [c.channel_id for c in coalitions]
        return Outcome(reply=views.which_coalition(channels, question))
    where = req.asker.channel_id if home is None else home.channel_id
    return await coaching.answer(_in(req, where), question)


async def choose(req: Request, question: str) -> Outcome:
    """Make the asker's DMs about this channel's coalition; answer `question` there if given."""
    loaded = await load(req)
    loaded.member(req.asker.user_id)
    await req.uow.coalitions.choose_dm_home(req.asker.user_id, loaded.coalition)
    answer = (await coaching.answer(req, question)).reply if question.strip() else None
    return Outcome(reply=views.home_chosen(loaded.coalition.channel_id, answer))


async def prompts(req: Request, viewing: str | None = None) -> Outcome:
    """Suggested questions for the asker's coalition now (its step and open risks).

    `viewing` is the channel the asker has open beside the thread: when it is one of their
    coalitions, that one is meant.
    """
    coalitions, home = await _coalitions(req)
    mine = {c.channel_id for c in coalitions}
    where = viewing if viewing in mine else (home.channel_id if home else None)
    context, risks = NO_CONTEXT, list[Risk]()
    if where is not None:
        context, risks = await coaching.situation(_in(req, where))
    content = req.content
    return Outcome(prompts=views.prompts(content.programme, content.library, context.step, risks))
