"""Step 1 and 2 work: incident experience, the readiness self-assessment, pains and the pitch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.db.rollout_models import Decision, PainPoint, ReadinessAnswer
from bot.doc import Doc
from bot.domain.coalition import Role
from bot.domain.errors import UsageError
from bot.domain.programme import pick
from bot.outcome import Outcome
from bot.services.loading import load
from bot.services.request import Request
from bot.views import listings
from bot.views import pitch as views
from bot.views.forms import readiness_form

ANSWERS = ("yes", "partly", "no")
PITCH_DECISIONS = ("chartered", "deferred", "refused")
MAX_EVIDENCE = 300


@dataclass(frozen=True)
class Pain:
    """A pain point for the pitch: its kind and the evidence."""

    kind: str
    evidence: str


@dataclass(frozen=True)
class PitchDecision:
    """Management's answer to the pitch, and the day it came."""

    choice: str
    day: date


async def experience(req: Request, count: int) -> Outcome:
    """A member declares how many incidents they have handled on call (parsed at the edge)."""
    loaded = await load(req)
    loaded.row(req.asker.user_id).incidents = count
    return Outcome(reply=Doc.text(f"Noted: {count} incidents handled. Scars count here."))


async def readiness(req: Request, answers: tuple[str, ...]) -> Outcome:
    """Record the self-assessment of the three conditions and answer the weak spots; without
    answers, the questions and the form that asks them."""
    conditions = req.content.programme.conditions
    if not answers:
        questions = views.readiness_questions(conditions)
        return Outcome(reply=questions, form=readiness_form(req.asker.channel_id))
    words = [a.lower() for a in answers]
    if len(words) != len(conditions) or any(w not in ANSWERS for w in words):
        raise UsageError(
            "Usage: `/sre readiness <culture> <pain> <credibility>`, each yes|partly|no."
        )
    loaded = await load(req)
    loaded.member(req.asker.user_id)
    for condition, answer in zip(conditions, words, strict=True):
        row = await req.uow.rollout.readiness_answer(loaded.coalition, condition.id)
        if row is None:
            row = ReadinessAnswer(
                team_id=req.uow.team_id, coalition_id=loaded.coalition.id, condition=condition.id
            )
            req.uow.rollout.add(row)
        row.answer, row.answered_by, row.answered_at = answer, req.asker.user_id, req.now
    req.uow.rollout.record(
        loaded.coalition, req.asker.user_id, "readiness", " ".join(words), req.now
    )
    return Outcome(reply=views.readiness_result(list(zip(conditions, words, strict=True))))


async def pain(req: Request, pain: Pain) -> Outcome:
    """Record a pain point with its evidence, for the pitch."""
    choice = pick(req.content.programme.pain_kinds, pain.kind, "pain kind")
    evidence = pain.evidence
    if not evidence or len(evidence) > MAX_EVIDENCE:
        raise UsageError(
            f"Add the evidence in 1 to {MAX_EVIDENCE} characters, e.g. "
            "`/sre pain on-call 14 pages a week for 3 people`."
        )
    loaded = await load(req)
    loaded.member(req.asker.user_id)
    req.uow.rollout.add(
        PainPoint(
            team_id=req.uow.team_id,
            coalition_id=loaded.coalition.id,
            kind=choice.id,
            evidence=evidence,
            recorded_by=req.asker.user_id,
            recorded_at=req.now,
        )
    )
    return Outcome(reply=Doc.text(f"Recorded for the pitch: {choice.title}: {evidence}"))


async def pitch(req: Request, decision: PitchDecision | None) -> Outcome:
    """The pitch outline from what the coalition recorded; or a lead records management's
    answer (`decision`)."""
    if decision is not None:
        return await _decide(req, decision)
    loaded = await load(req)
    pains = await req.uow.rollout.pains(loaded.coalition)
    decided = await req.uow.rollout.latest_decision(loaded.coalition, "pitch")
    sponsors = [m for m in loaded.members if m.role is Role.SPONSOR]
    kinds = req.content.programme.pain_kinds
    doc = views.pitch_outline(kinds, pains, sponsors, loaded.members, decided)
    return Outcome(reply=doc)


async def _decide(req: Request, decision: PitchDecision) -> Outcome:
    choice, day = decision.choice, decision.day
    if choice not in PITCH_DECISIONS:
        raise UsageError("Usage: `/sre pitch chartered|deferred|refused [YYYY-MM-DD]`.")
    loaded = await load(req)
    loaded.lead(req.asker.user_id, "record management's decision")
    req.uow.rollout.add(
        Decision(
            team_id=req.uow.team_id,
            coalition_id=loaded.coalition.id,
            topic="pitch",
            choice=choice,
            rationale="",
            decided_on=day,
            decided_by=req.asker.user_id,
            recorded_at=req.now,
        )
    )
    req.uow.rollout.record(
        loaded.coalition, req.asker.user_id, "pitch", f"{choice} on {day}", req.now
    )
    return Outcome(reply=views.pitch_decided(choice, day), public=True)


async def pain_list(req: Request) -> Outcome:
    """The coalition's recorded pain points (only the asker sees the list)."""
    loaded = await load(req)
    titles = {c.id: c.title for c in req.content.programme.pain_kinds}
    lines = [
        listings.PainLine(
            titles.get(p.kind, p.kind), p.evidence, p.recorded_by, p.recorded_at.date()
        )
        for p in await req.uow.rollout.pains(loaded.coalition)
    ]
    return Outcome(reply=listings.pains(lines))
