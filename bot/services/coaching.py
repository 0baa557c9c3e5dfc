"""Coaching: answers that fit where the coalition stands, whole entries, case studies."""

from __future__ import annotations

from bot.doc import quoted
from bot.domain.errors import UsageError
from bot.domain.nearest import did_you_mean
from bot.domain.programme import Programme
from bot.domain.risks import Risk, open_risks
from bot.guide.entries import STEPS, Entry
from bot.guide.ranking import NO_CONTEXT, Context
from bot.outcome import Outcome
from bot.services.loading import find, rollout_state
from bot.services.request import Request
from bot.views import coaching as views

MAX_QUESTION = 500


async def situation(req: Request) -> tuple[Context, list[Risk]]:
    """The coalition's current step and open risks (none when there is no coalition)."""
    loaded = await find(req)
    if loaded is None:
        return NO_CONTEXT, []
    state = await rollout_state(req, loaded)
    risks = open_risks(state, req.now)
    tags = tuple(dict.fromkeys(t for r in risks for t in r.tags))
    return Context(step=state.current_step, risk_tags=tags), risks


def why_now(programme: Programme, entry: Entry, context: Context, risks: list[Risk]) -> str | None:
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
        step = programme.step(context.step)
        return f"You are in step {programme.index(step.id) + 1}, {step.title}."
    return None


def checked(question: str) -> str:
    """The question without surrounding space, or a usage error when empty or too long."""
    question = question.strip()
    if not question:
        raise UsageError("Ask me something, e.g. `/sre guide how do we get PMs to sign off SLOs?`")
    if len(question) > MAX_QUESTION:
        raise UsageError(f"Keep questions under {MAX_QUESTION} characters.")
    return question


async def answer(req: Request, question: str) -> Outcome:
    """The entry that answers `question` now, or an honest decline; an entry id shows it whole."""
    question = checked(question)
    content = req.content
    entry = content.library.get(question.lower())
    if entry is not None:
        return Outcome(reply=views.full_entry(entry))
    context, risks = await situation(req)
    result = content.guide.answer(question, context)
    if result.command is not None:
        return Outcome(reply=views.pointed(result.command))
    if result.best is None:
        return Outcome(reply=views.decline(result.closest, result.suggestions, result.writes_code))
    why = why_now(content.programme, result.best.entry, context, risks)
    doc = views.answer(result.best.entry, why, result.related, req.asker.channel_id)
    return Outcome(reply=doc)


async def case(req: Request, name: str) -> Outcome:
    """One case study told in full, the cases a shared name fits, or the list of them."""
    content = req.content
    if not name:
        return Outcome(reply=views.case_list(content.library.by_kind("case-study")))
    found = [e for e in content.guide.find_all(name) if e.kind == "case-study"]
    if not found:
        cases = [e.id for e in content.library.by_kind("case-study")]
        hint = did_you_mean(name, cases, "/sre case {}") or " `/sre case` lists them."
        raise UsageError(f"I know no case called `{quoted(name, 30)}`.{hint}")
    if len(found) > 1:
        return Outcome(reply=views.case_choices(name, found))
    return Outcome(reply=views.full_entry(found[0]))
