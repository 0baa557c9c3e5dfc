"""Step 1 and 2 work: incident experience, the readiness self-assessment, pains and the pitch."""

from __future__ import annotations

from datetime import date, datetime

from bot.db.rollout_models import Decision, PainPoint, ReadinessAnswer
from bot.db.uow import UnitOfWork
from bot.doc import Doc
from bot.domain.coalition import Role
from bot.domain.errors import UsageError
from bot.domain.programme import pick
from bot.outcome import Outcome
from bot.programme import programme
from bot.services.asker import Asker
from bot.services.loading import load
from bot.views import pitch as views

ANSWERS = ("yes", "partly", "no")
PITCH_DECISIONS = ("chartered", "deferred", "refused")
MAX_EVIDENCE = 300


async def experience(uow: UnitOfWork, asker: Asker, count: int) -> Outcome:
    """A member declares how many incidents they have handled on call (parsed at the edge)."""
    loaded = await load(uow, asker)
    loaded.row(asker.user_id).incidents = count
    return Outcome(reply=Doc.text(f"Noted: {count} incidents handled. Scars count here."))


async def readiness(uow: UnitOfWork, asker: Asker, answers: list[str], now: datetime) -> Outcome:
    """Record the self-assessment of the three conditions and answer the weak spots."""
    conditions = programme().conditions
    if not answers:
        return Outcome(reply=views.readiness_questions(conditions))
    words = [a.lower() for a in answers]
    if len(words) != len(conditions) or any(w not in ANSWERS for w in words):
        raise UsageError(
            "Usage: `/sre readiness <culture> <pain> <credibility>`, each yes|partly|no."
        )
    loaded = await load(uow, asker)
    loaded.member(asker.user_id)
    for condition, answer in zip(conditions, words, strict=True):
        row = await uow.rollout.one(ReadinessAnswer, loaded.coalition, condition=condition.id)
        if row is None:
            row = ReadinessAnswer(
                team_id=uow.team_id, coalition_id=loaded.coalition.id, condition=condition.id
            )
            uow.rollout.add(row)
        row.answer, row.answered_by, row.answered_at = answer, asker.user_id, now
    uow.rollout.record(loaded.coalition, asker.user_id, "readiness", " ".join(words), now)
    return Outcome(reply=views.readiness_result(list(zip(conditions, words, strict=True))))


async def pain(uow: UnitOfWork, asker: Asker, kind: str, evidence: str, now: datetime) -> Outcome:
    """Record a pain point with its evidence, for the pitch."""
    choice = pick(programme().pain_kinds, kind, "pain kind")
    if not evidence or len(evidence) > MAX_EVIDENCE:
        raise UsageError(
            f"Add the evidence in 1 to {MAX_EVIDENCE} characters, e.g. "
            "`/sre pain on-call 14 pages a week for 3 people`."
        )
    loaded = await load(uow, asker)
    loaded.member(asker.user_id)
    uow.rollout.add(
        PainPoint(
            team_id=uow.team_id,
            coalition_id=loaded.coalition.id,
            kind=choice.id,
            evidence=evidence,
            recorded_by=asker.user_id,
            recorded_at=now,
        )
    )
    return Outcome(reply=Doc.text(f"Recorded for the pitch: {choice.title}: {evidence}"))


async def outline(uow: UnitOfWork, asker: Asker) -> Outcome:
    """A pitch outline assembled from what the coalition recorded, concrete wins first."""
    loaded = await load(uow, asker)
    pains = await uow.rollout.all(PainPoint, loaded.coalition, order=PainPoint.id)
    decision = await uow.rollout.latest_decision(loaded.coalition, "pitch")
    sponsors = [m for m in loaded.members if m.role is Role.SPONSOR]
    doc = views.pitch_outline(programme().pain_kinds, pains, sponsors, loaded.members, decision)
    return Outcome(reply=doc)


async def decide(uow: UnitOfWork, asker: Asker, choice: str, day: date, now: datetime) -> Outcome:
    """A lead records management's answer to the pitch."""
    if choice not in PITCH_DECISIONS:
        raise UsageError("Usage: `/sre pitch chartered|deferred|refused [YYYY-MM-DD]`.")
    loaded = await load(uow, asker)
    loaded.lead(asker.user_id, "record management's decision")
    uow.rollout.add(
        Decision(
            team_id=uow.team_id,
            coalition_id=loaded.coalition.id,
            topic="pitch",
            choice=choice,
            rationale="",
            decided_on=day,
            decided_by=asker.user_id,
            recorded_at=now,
        )
    )
    uow.rollout.record(loaded.coalition, asker.user_id, "pitch", f"{choice} on {day}", now)
    return Outcome(reply=views.pitch_decided(choice, day), public=True)
