"""What the bot holds about one person in one workspace: counted for `/sre me`, forgotten by
`/sre forget-me`, and what stays as the coalition's record of the work.

Health facts (how someone is doing) are deleted; the few health facts kept in shared rows are
scrubbed; the record of the work (membership, commitments, sign-offs, history) stays. A test
scans every table for the person after forgetting: a new table naming people belongs in one
of the groups below.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

from sqlalchemy import ColumnElement, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.beat_models import CheckIn, Commitment, Nudge
from bot.db.health_models import Activity, Departure, HealthStanding, OnCallReport
from bot.db.models import ChannelMembershipChange, Coalition, Member
from bot.db.rollout_models import (
    Decision,
    MilestoneTick,
    PainPoint,
    PrimitiveOwner,
    ReadinessAnswer,
    RolloutEvent,
    ServiceRow,
    ShapeOption,
    ShapeVote,
    SloRow,
    Workshop,
)

# Messages about how someone is doing: care DMs, lead notes, the quiet-lead word, and reminders
# of a check-in left unanswered (a missed check-in is itself a signal).
HEALTH_NUDGES = ("health-dm", "health-lead", "lead-quiet", "checkin-reminder")
OWN_HEALTH_NUDGES = ("health-dm", "lead-quiet", "checkin-reminder")
HEALTH_ROWS: dict[str, Any] = {
    "activity": Activity,
    "checkins": CheckIn,
    "oncall": OnCallReport,
    "readings": HealthStanding,
    "departures": Departure,
    "channel": ChannelMembershipChange,  # joining and leaving the channel: the attrition signal
}
# Where the record of the work names a person, by the group `/sre me` and forget-me name.
RECORD_TABLES = {
    "membership": ("members",),
    "commitments": ("commitments",),
    "rollout": (
        "slos",
        "services",
        "primitive_owners",
        "decisions",
        "readiness_answers",
        "pain_points",
        "milestone_ticks",
        "shape_votes",
        "shape_options",
        "workshops",
    ),
    "history": ("rollout_events",),
    "messages": ("nudges",),
}


class PersonalRepo:
    """One person's data in one workspace."""

    def __init__(self, session: AsyncSession, team_id: str) -> None:
        self.session, self.team_id = session, team_id

    async def _count(self, model: Any, *where: ColumnElement[bool]) -> int:
        query = select(func.count()).select_from(model).where(model.team_id == self.team_id)
        return int(await self.session.scalar(query.where(*where)) or 0)

    async def _lead_notes_about(self, user_id: str) -> list[int]:
        """Ids of lead notes about `user_id` (their slot ends with the member, as planned)."""
        rows = await self.session.execute(
            select(Nudge.id, Nudge.payload).where(
                Nudge.team_id == self.team_id,
                Nudge.kind == "health-lead",
                Nudge.slot.endswith(f"-{user_id}"),
            )
        )
        return [i for i, payload in rows if json.loads(payload or "{}").get("member") == user_id]

    def _own_messages(self, user_id: str) -> tuple[ColumnElement[bool], ...]:
        return (Nudge.recipient == user_id, Nudge.kind.in_(OWN_HEALTH_NUDGES))

    def _notes_to(self, user_id: str) -> tuple[ColumnElement[bool], ...]:
        return (Nudge.recipient == user_id, Nudge.kind == "health-lead")

    async def health(self, user_id: str) -> Counter[str]:
        """How many health facts of each kind are held about `user_id` (zeros left out)."""
        found: Counter[str] = Counter()
        for name, model in HEALTH_ROWS.items():
            found[name] = await self._count(model, model.user_id == user_id)
        found["care"] = await self._count(Nudge, *self._own_messages(user_id))
        found["notes_about"] = len(await self._lead_notes_about(user_id))
        found["notes_to"] = await self._count(Nudge, *self._notes_to(user_id))
        mine = (Member.user_id == user_id,)
        found["all_good"] = await self._count(Member, *mine, Member.all_good_at.is_not(None))
        found["consent"] = await self._count(Member, *mine, Member.lead_consent.is_(True))
        found["heaviest"] = await self._count(Coalition, Coalition.heaviest_owner == user_id)
        return +found

    async def record(self, user_id: str) -> Counter[str]:
        """How many rows of the coalition's record name `user_id`, by group (zeros left out)."""
        found: Counter[str] = Counter()
        found["membership"] = await self._count(Member, Member.user_id == user_id)
        found["commitments"] = await self._count(
            Commitment, or_(Commitment.owner == user_id, Commitment.created_by == user_id)
        )
        found["rollout"] = sum(
            [
                await self._count(
                    SloRow, or_(SloRow.defined_by == user_id, SloRow.signed_off_by == user_id)
                ),
                await self._count(ServiceRow, ServiceRow.added_by == user_id),
                await self._count(PrimitiveOwner, PrimitiveOwner.owner == user_id),
                await self._count(Decision, Decision.decided_by == user_id),
                await self._count(ReadinessAnswer, ReadinessAnswer.answered_by == user_id),
                await self._count(PainPoint, PainPoint.recorded_by == user_id),
                await self._count(MilestoneTick, MilestoneTick.done_by == user_id),
                await self._count(ShapeVote, ShapeVote.user_id == user_id),
                await self._count(ShapeOption, ShapeOption.added_by == user_id),
                await self._workshops(user_id),
            ]
        )
        found["history"] = await self._history(user_id)
        found["messages"] = await self._count(
            Nudge, Nudge.recipient == user_id, Nudge.kind.not_in(HEALTH_NUDGES)
        )
        return +found

    async def _history(self, user_id: str) -> int:
        """History entries by `user_id` or mentioning them (in whichever form a mention takes)."""
        named = re.compile(rf"@{re.escape(user_id)}(?![A-Za-z0-9_.-])")
        rows = await self.session.execute(
            select(RolloutEvent.actor, RolloutEvent.detail).where(
                RolloutEvent.team_id == self.team_id,
                or_(RolloutEvent.actor == user_id, RolloutEvent.detail.contains(user_id)),
            )
        )
        return sum(1 for actor, detail in rows if actor == user_id or named.search(detail))

    async def _workshops(self, user_id: str) -> int:
        rows = await self.session.execute(
            select(Workshop.added_by, Workshop.attendees).where(Workshop.team_id == self.team_id)
        )
        return sum(1 for by, who in rows if by == user_id or user_id in who.split(","))

    async def forget(self, user_id: str) -> Counter[str]:
        """Delete `user_id`'s health facts and scrub those kept in shared rows; what went."""
        gone = await self.health(user_id)
        for model in HEALTH_ROWS.values():
            await self._delete(model, model.user_id == user_id)
        notes_about = await self._lead_notes_about(user_id)
        await self._delete(Nudge, Nudge.id.in_(notes_about))
        await self._delete(Nudge, *self._own_messages(user_id))
        await self._delete(Nudge, *self._notes_to(user_id))
        await self._scrub(
            Member, (Member.user_id == user_id,), all_good_at=None, lead_consent=False
        )
        await self._scrub(Coalition, (Coalition.heaviest_owner == user_id,), heaviest_owner=None)
        return gone

    async def _delete(self, model: Any, *where: ColumnElement[bool]) -> None:
        await self.session.execute(
            delete(model).where(model.team_id == self.team_id, *where),
            execution_options={"synchronize_session": False},
        )

    async def _scrub(self, model: Any, where: tuple[ColumnElement[bool], ...], **to: Any) -> None:
        await self.session.execute(
            update(model).where(model.team_id == self.team_id, *where).values(**to),
            execution_options={"synchronize_session": False},
        )
