"""Coaching: answers that fit where the coalition stands, whole entries, case studies."""

from __future__ import annotations

from datetime import datetime

from bot.coaching import guide, library
from bot.commandline import quoted
from bot.db.uow import UnitOfWork
from bot.doc import Doc
from bot.domain.errors import UsageError
from bot.domain.risks import Risk, open_risks
from bot.guide.entries import STEPS, Entry
from bot.guide.ranking import NO_CONTEXT, Context
from bot.programme import programme
from bot.services.asker import Asker
from bot.services.loading import find, rollout_state
from bot.views import coaching as views

MAX_QUESTION = 500


async def situation(uow: UnitOfWork, asker: Asker, now: datetime) -> tuple[Context, list[Risk]]:
    """The coalition's current step and open risks (none when there is no coalition)."""
    loaded = await find(uow, asker)
    if loaded is None:
        return NO_CONTEXT, []
    state = await rollout_state(uow, loaded, now)
    risks = open_risks(state, now)
    tags = tuple(dict.fromkeys(t for r in risks for t in r.tags))
    return Context(step=state.current_step, risk_tags=tags), risks


def why_now(entry: Entry, context: Context, risks: list[Risk]) -> str | None:
    """The open risk this entry is about, else the current step if it is the entry's own.

    An entry is about a risk when it is the risk's guide or carries the risk's first (defining)
    tag: sharing a broad tag such as `slo` is not enough. A step is the entry's own when it is
    the first it lists; a case study that spans every step is about none of them now.
    """
    for risk in risks:
        if risk.guide == entry.id or (risk.tags and risk.tags[0] in entry.tags):
            return f"Open risk: {risk.reason}"
    spans_all = set(entry.steps) >= set(STEPS)
    if context.step is not None and entry.steps[:1] == (context.step,) and not spans_all:
        step = programme().step(context.step)
        return f"You are in step {programme().index(step.id) + 1}, {step.title}."
    return None


async def answer(uow: UnitOfWork, asker: Asker, question: str, now: datetime) -> Doc:
    """The entry that answers `question` now, or an honest decline; an entry id shows it whole."""
    question = question.strip()
    if not question:
        raise UsageError("Ask me something, e.g. `/sre guide how do we get PMs to sign off SLOs?`")
    if len(question) > MAX_QUESTION:
        raise UsageError(f"Keep questions under {MAX_QUESTION} characters.")
    entry = library().get(question.lower())
    if entry is not None:
        return views.full_entry(entry)
    context, risks = await situation(uow, asker, now)
    result = guide().answer(question, context)
    if result.best is None:
        return views.decline(result.closest, result.suggestions)
    why = why_now(result.best.entry, context, risks)
    return views.answer(result.best.entry, why, result.related, asker.channel_id)


def case(name: str) -> Doc:
    """One case study told in full, the cases a shared name fits, or the list of them."""
    cases = library().by_kind("case-study")
    if not name:
        return views.case_list(cases)
    found = [e for e in guide().find_all(name) if e.kind == "case-study"]
    if not found:
        raise UsageError(f"I know no case called `{quoted(name, 30)}`. `/sre case` lists them.")
    if len(found) > 1:
        return views.case_choices(name, found)
    return views.full_entry(found[0])
