"""Step 3: the team-shape debate: options, votes, and the lead's decision record."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.db.rollout_models import Decision, ShapeOption, ShapeVote
from bot.domain.errors import UsageError
from bot.domain.programme import Choice, pick
from bot.outcome import Outcome
from bot.services.loading import Loaded, load
from bot.services.request import Request
from bot.views import structure as views

MAX_RATIONALE = 500
_OPTION_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,31}$")


@dataclass(frozen=True)
class NewOption:
    """A team-shape option a lead adds: a short id and a title."""

    option: str
    title: str


@dataclass(frozen=True)
class ShapeDecision:
    """The shape a lead chose, and why."""

    option: str
    rationale: str


async def _options(req: Request, loaded: Loaded) -> tuple[Choice, ...]:
    added = await req.uow.rollout.shape_options(loaded.coalition)
    own = tuple(Choice(o.option, o.title, {"pros": "", "cons": ""}) for o in added)
    return req.content.programme.team_shapes + own


async def shapes(req: Request, new: NewOption | None) -> Outcome:
    """The options with pros, cons, votes and vote buttons; or a lead adds one (`new`)."""
    if new is not None:
        return await _add_option(req, new)
    loaded = await load(req)
    options = await _options(req, loaded)
    tally = await req.uow.rollout.tally(loaded.coalition)
    decision = await req.uow.rollout.latest_decision(loaded.coalition, "team-shape")
    return Outcome(reply=views.options(options, tally, decision, req.asker.channel_id))


async def vote(req: Request, option: str) -> Outcome:
    """A member votes for a shape (a new vote replaces their old one)."""
    loaded = await load(req)
    loaded.member(req.asker.user_id)
    choice = pick(await _options(req, loaded), option, "team shape")
    row = await req.uow.rollout.vote_of(loaded.coalition, req.asker.user_id)
    if row is None:
        req.uow.rollout.add(
            ShapeVote(
                team_id=req.uow.team_id,
                coalition_id=loaded.coalition.id,
                user_id=req.asker.user_id,
                option=choice.id,
                voted_at=req.now,
            )
        )
    else:
        row.option, row.voted_at = choice.id, req.now
    return Outcome(reply=views.voted(choice))


async def _add_option(req: Request, new: NewOption) -> Outcome:
    """A lead adds a team-shape option of the coalition's own."""
    loaded = await load(req)
    loaded.lead(req.asker.user_id, "add team-shape options")
    option, title = new.option.lower(), new.title
    if not _OPTION_ID.match(option) or not 3 <= len(title) <= 120:
        raise UsageError(
            "Usage: `/sre shapes add <short-id> <title>`, e.g. "
            "`/sre shapes add consulting A consulting SRE team`."
        )
    if option in {c.id for c in await _options(req, loaded)}:
        raise UsageError(f"`{option}` is already an option.")
    req.uow.rollout.add(
        ShapeOption(
            team_id=req.uow.team_id,
            coalition_id=loaded.coalition.id,
            option=option,
            title=title,
            added_by=req.asker.user_id,
        )
    )
    return Outcome(reply=views.option_added(option, title), public=True)


async def decide(req: Request, decision: ShapeDecision) -> Outcome:
    """A lead records the chosen shape and why, as a decision record."""
    loaded = await load(req)
    lead = req.asker.user_id
    loaded.lead(lead, "decide the team shape")
    choice = pick(await _options(req, loaded), decision.option, "team shape")
    rationale = decision.rationale
    if not 10 <= len(rationale) <= MAX_RATIONALE:
        raise UsageError("Say why in 10 to 500 characters: `/sre decide <shape> <rationale>`.")
    tally = await req.uow.rollout.tally(loaded.coalition)
    req.uow.rollout.add(
        Decision(
            team_id=req.uow.team_id,
            coalition_id=loaded.coalition.id,
            topic="team-shape",
            choice=choice.id,
            rationale=rationale,
            decided_on=req.now.date(),
            decided_by=lead,
            recorded_at=req.now,
        )
    )
    req.uow.rollout.record(loaded.coalition, lead, "decision", f"team shape: {choice.id}", req.now)
    return Outcome(reply=views.decided(choice, rationale, tally, lead), public=True)


async def records(req: Request) -> Outcome:
    """Every decision record of the coalition."""
    loaded = await load(req)
    return Outcome(reply=views.records(await req.uow.rollout.decisions(loaded.coalition)))
