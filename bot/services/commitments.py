"""Commitments: something a member promises to do by a date, and closing it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.doc import Doc
from bot.domain.errors import UsageError
from bot.domain.mentions import person
from bot.outcome import Outcome, Post, ToUser
from bot.services.loading import load
from bot.services.request import Request
from bot.views import beat as views


@dataclass(frozen=True)
class Promise:
    """What is promised, by when, and by whom (None: the asker)."""

    due: date
    title: str
    owner: str | None = None


async def commit(req: Request, promise: Promise) -> Outcome:
    """A commitment with a date; giving one to someone else is a lead's call."""
    title, asker = promise.title, req.asker.user_id
    if not 3 <= len(title) <= 200:
        raise UsageError("Say what you commit to in 3 to 200 characters.")
    loaded = await load(req)
    loaded.member(asker)
    owner = promise.owner or asker
    if owner != asker:
        loaded.lead(asker, "give commitments to others")
        if owner not in {m.user_id for m in loaded.members}:
            raise UsageError(f"{person(owner)} is not in the coalition.")
    row = await req.uow.commitments.make(
        loaded.coalition, owner, title, promise.due, asker, req.now
    )
    detail = f"#{row.id} {title} for {person(owner)}, due {promise.due}"
    req.uow.rollout.record(loaded.coalition, asker, "commitment", detail, req.now)
    posts = () if owner == asker else (Post(ToUser(owner), views.assigned(row, asker)),)
    return Outcome(reply=views.committed(row), posts=posts)


async def commitments(req: Request) -> Outcome:
    """Open commitments, overdue first."""
    loaded = await load(req)
    rows = await req.uow.commitments.open(loaded.coalition)
    return Outcome(reply=views.commitment_list(rows, req.now.date()))


async def finish(req: Request, number: int) -> Outcome:
    """Mark a commitment done (its owner or a lead)."""
    loaded = await load(req)
    row = await req.uow.commitments.numbered(loaded.coalition, number)
    if row is None or row.done_at is not None:
        raise UsageError(f"No open commitment #{number}; `/sre commitments` lists them.")
    if row.owner != req.asker.user_id:
        loaded.lead(req.asker.user_id, "close someone else's commitment")
    row.done_at = req.now
    detail = f"done #{row.id} {row.title}"
    req.uow.rollout.record(loaded.coalition, req.asker.user_id, "commitment", detail, req.now)
    return Outcome(reply=Doc.text(f"Done: #{row.id} {row.title}. Thank you."))
