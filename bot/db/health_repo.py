"""Coalition health rows: activity counts, on-call reports, readings and departures."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, update

from bot.db.beat_models import CheckIn, Commitment
from bot.db.health_models import Activity, Departure, HealthStanding, OnCallReport
from bot.db.inserts import add_counts
from bot.db.models import Coalition, Member
from bot.db.rollout_models import PrimitiveOwner
from bot.db.scoped import Row, Scoped
from bot.domain.observations import Asked, DayCount, OnCall
from bot.domain.observations import Member as Observed

HISTORY = timedelta(weeks=11)


@dataclass
class Evidence:
    """Everything about one coalition's members that the weekly reading uses."""

    members: list[Member] = field(default_factory=list)
    observed: dict[str, Observed] = field(default_factory=dict)
    last: dict[str, HealthStanding] = field(default_factory=dict)


class HealthRepo(Scoped):
    """Health rows of the coalitions in one workspace."""

    async def latest_reading(self, coalition: Coalition, user_id: str) -> HealthStanding | None:
        """The member's most recent weekly reading."""
        return await self._first(
            HealthStanding,
            coalition,
            HealthStanding.user_id == user_id,
            order=HealthStanding.assessed_at.desc(),
        )

    async def readings(self, coalition: Coalition, week: str) -> list[HealthStanding]:
        """Every member's reading of `week`."""
        return await self._rows(HealthStanding, coalition, HealthStanding.week == week)

    async def oncall_report(
        self, coalition: Coalition, user_id: str, week: str
    ) -> OnCallReport | None:
        """A member's on-call report for `week`."""
        return await self._first(
            OnCallReport, coalition, OnCallReport.user_id == user_id, OnCallReport.week == week
        )

    async def activity(self, coalition: Coalition) -> list[Activity]:
        """Daily participation counts of the coalition's channel."""
        return await self._rows(Activity, coalition)

    async def count_activity(
        self, coalition: Coalition, user_id: str, day: date, counts: dict[str, int]
    ) -> None:
        """Add message and reaction counts to `user_id`'s day (atomic)."""
        key = {"team_id": self.team_id, "coalition_id": coalition.id, "user_id": user_id,
               "day": day}  # fmt: skip
        await add_counts(self.session, Activity, key, counts)

    def depart(self, coalition: Coalition, user_id: str, at: datetime, why: str | None) -> None:
        """Stage that `user_id` left the coalition."""
        self.add(Departure(team_id=self.team_id, coalition_id=coalition.id, user_id=user_id,
                           left_at=at, reason=why))  # fmt: skip

    async def departures_since(self, coalition: Coalition, since: datetime) -> int:
        """How many left the coalition since `since`."""
        query = (
            select(func.count())
            .select_from(Departure)
            .where(
                Departure.team_id == self.team_id,
                Departure.coalition_id == coalition.id,
                Departure.left_at >= since,
            )
        )
        return int(await self.session.scalar(query) or 0)

    async def last_departure(self, coalition: Coalition, user_id: str) -> Departure | None:
        """`user_id`'s latest departure from the coalition."""
        return await self._first(
            Departure, coalition, Departure.user_id == user_id, order=Departure.left_at.desc()
        )

    async def claim_weeks(self, week_of: dict[int, str]) -> set[int]:
        """Take each coalition's reading of its week for this replica only (compare-and-set,
        every workspace); the ids it took."""
        by_week: dict[str, list[int]] = defaultdict(list)
        for coalition_id, week in week_of.items():
            by_week[week].append(coalition_id)
        taken: set[int] = set()
        for week, ids in by_week.items():
            result = await self.session.scalars(
                update(Coalition)
                .where(
                    Coalition.id.in_(ids),
                    or_(Coalition.health_week.is_(None), Coalition.health_week != week),
                )
                .values(health_week=week)
                .returning(Coalition.id),
                execution_options={"synchronize_session": False},
            )
            taken.update(result)
        return taken

    async def evidence(self, coalitions: list[Coalition], now: datetime) -> dict[int, Evidence]:
        """Evidence for every given coalition (any workspace): seven queries whatever their
        number."""
        ids = [c.id for c in coalitions]
        found: dict[int, Evidence] = {i: Evidence() for i in ids}
        since = now - HISTORY
        days: dict[tuple[int, str], list[DayCount]] = defaultdict(list)
        asked: dict[tuple[int, str], list[Asked]] = defaultdict(list)
        items: dict[tuple[int, str], list[date | None]] = defaultdict(list)
        oncall: dict[tuple[int, str], list[OnCall]] = defaultdict(list)
        for a in await self._of(Activity, ids, Activity.day >= since.date()):
            days[a.coalition_id, a.user_id].append(
                DayCount(a.day, a.messages, a.reactions, a.after_hours)
            )
        for c in await self._of(CheckIn, ids, CheckIn.asked_at >= since, order=CheckIn.asked_at):
            asked[c.coalition_id, c.user_id].append(
                Asked(c.asked_at, c.answered_at is not None, c.missed, c.energy)
            )
        for item in await self._of(Commitment, ids, Commitment.done_at.is_(None)):
            items[item.coalition_id, item.owner].append(item.due_on)
        for owner in await self._of(PrimitiveOwner, ids):
            items[owner.coalition_id, owner.owner].append(None)
        reported = OnCallReport.reported_at >= now - timedelta(weeks=5)
        for r in await self._of(OnCallReport, ids, reported):
            oncall[r.coalition_id, r.user_id].append(OnCall(r.week, r.pages, r.primary))
        recent = HealthStanding.assessed_at >= now - timedelta(weeks=6)
        for s in await self._of(HealthStanding, ids, recent, order=HealthStanding.assessed_at):
            found[s.coalition_id].last[s.user_id] = s
        for m in await self._of(Member, ids, Member.left_at.is_(None)):
            key = (m.coalition_id, m.user_id)
            found[m.coalition_id].members.append(m)
            found[m.coalition_id].observed[m.user_id] = Observed(
                m.user_id, m.joined_at.date(), m.after_hours_opt_in, tuple(days[key]),
                tuple(asked[key]), tuple(oncall[key]), tuple(items[key]),
            )  # fmt: skip
        return found

    async def _of(
        self, model: type[Row], ids: list[int], *where: ColumnElement[bool], order: Any = None
    ) -> list[Row]:
        """Rows of `model` in the coalitions `ids`, whatever their workspace."""
        query = select(model).where(model.__table__.c.coalition_id.in_(ids), *where)
        if order is not None:
            query = query.order_by(order)
        return list(await self.session.scalars(query))

    def add_readings(self, rows: Iterable[HealthStanding]) -> None:
        """Stage weekly readings (each carries its own workspace)."""
        self.session.add_all(list(rows))
