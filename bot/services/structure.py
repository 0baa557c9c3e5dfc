"""Step 3: the team-shape debate: options, votes, and the lead's decision record."""

from __future__ import annotations

import re
from datetime import datetime

from bot.db.rollout_models import Decision, ShapeOption, ShapeVote
from bot.db.uow import UnitOfWork
from bot.domain.errors import UsageError
from bot.domain.programme import Choice, pick
from bot.outcome import Outcome
from bot.programme import programme
from bot.services.asker import Asker
from bot.services.loading import Loaded, load
from bot.views import structure as views

MAX_RATIONALE = 500
_OPTION_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,31}$")


async def _options(uow: UnitOfWork, loaded: Loaded) -> tuple[Choice, ...]:
    added = await uow.rollout.all(ShapeOption, loaded.coalition, order=ShapeOption.id)
    own = tuple(Choice(o.option, o.title, {"pros": "", "cons": ""}) for o in added)
    return programme().team_shapes + own


async def shapes(uow: UnitOfWork, asker: Asker) -> Outcome:
    """The options with pros, cons and votes so far, and buttons to vote."""
    loaded = await load(uow, asker)
    options = await _options(uow, loaded)
    tally = await uow.rollout.tally(loaded.coalition)
    decision = await uow.rollout.latest_decision(loaded.coalition, "team-shape")
    return Outcome(reply=views.options(options, tally, decision, asker.channel_id))


async def vote(uow: UnitOfWork, asker: Asker, option: str, now: datetime) -> Outcome:
    """A member votes for a shape (a new vote replaces their old one)."""
    loaded = await load(uow, asker)
    loaded.member(asker.user_id)
    choice = pick(await _options(uow, loaded), option, "team shape")
    row = await uow.rollout.one(ShapeVote, loaded.coalition, user_id=asker.user_id)
    if row is None:
        uow.rollout.add(
            ShapeVote(
                team_id=uow.team_id,
                coalition_id=loaded.coalition.id,
                user_id=asker.user_id,
                option=choice.id,
                voted_at=now,
            )
        )
    else:
        row.option, row.voted_at = choice.id, now
    return Outcome(reply=views.voted(choice))


async def add_option(uow: UnitOfWork, asker: Asker, option: str, title: str) -> Outcome:
    """A lead adds a team-shape option of the coalition's own."""
    loaded = await load(uow, asker)
    loaded.lead(asker.user_id, "add team-shape options")
    option = option.lower()
    if not _OPTION_ID.match(option) or not 3 <= len(title) <= 120:
        raise UsageError(
            "Usage: `/sre shapes add <short-id> <title>`, e.g. "
            "`/sre shapes add consulting A consulting SRE team`."
        )
    if option in {c.id for c in await _options(uow, loaded)}:
        raise UsageError(f"`{option}` is already an option.")
    uow.rollout.add(
        ShapeOption(
            team_id=uow.team_id,
            coalition_id=loaded.coalition.id,
            option=option,
            title=title,
            added_by=asker.user_id,
        )
    )
    return Outcome(reply=views.option_added(option, title), public=True)


async def decide(
    uow: UnitOfWork, asker: Asker, option: str, rationale: str, now: datetime
) -> Outcome:
    """A lead records the chosen shape and why, as a decision record."""
    loaded = await load(uow, asker)
    loaded.lead(asker.user_id, "decide the team shape")
    choice = pick(await _options(uow, loaded), option, "team shape")
    if not 10 <= len(rationale) <= MAX_RATIONALE:
        raise UsageError("Say why in 10 to 500 characters: `/sre decide <shape> <rationale>`.")
    tally = await uow.rollout.tally(loaded.coalition)
    uow.rollout.add(
        Decision(
            team_id=uow.team_id,
            coalition_id=loaded.coalition.id,
            topic="team-shape",
            choice=choice.id,
            rationale=rationale,
            decided_on=now.date(),
            decided_by=asker.user_id,
            recorded_at=now,
        )
    )
    uow.rollout.record(loaded.coalition, asker.user_id, "decision", f"team shape: {choice.id}", now)
    return Outcome(reply=views.decided(choice, rationale, tally, asker.user_id), public=True)


async def records(uow: UnitOfWork, asker: Asker) -> Outcome:
    """Every decision record of the coalition."""
    loaded = await load(uow, asker)
    rows = await uow.rollout.all(Decision, loaded.coalition, order=Decision.id)
    return Outcome(reply=views.records(rows))
