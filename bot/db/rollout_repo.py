"""The rollout's rows for one workspace, and the one batched load of a coalition's state."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Coalition, Member
from bot.db.repos import as_membership
from bot.db.rollout_models import (
    Decision,
    MilestoneTick,
    PainPoint,
    PrimitiveOwner,
    ReadinessAnswer,
    RolloutEvent,
    ServiceRow,
    ShapeVote,
    SloRow,
    Workshop,
)
from bot.domain.programme import Choice
from bot.domain.rollout import Deadline, Ownership, RolloutState, Service, Slo


class RolloutRepo:
    """Reads and writes the rollout of coalitions in one workspace."""

    def __init__(self, session: AsyncSession, team_id: str) -> None:
        self.session, self.team_id = session, team_id

    async def _rows(self, model: Any, *where: Any, order: Any = None) -> list[Any]:
        query = select(model).where(model.team_id == self.team_id, *where)
        if order is not None:
            query = query.order_by(order)
        return list(await self.session.scalars(query))

    def add(self, row: Any) -> None:
        """Stage a row of this workspace."""
        if row.team_id != self.team_id:
            raise ValueError("row belongs to another workspace")
        self.session.add(row)

    def record(
        self, coalition: Coalition, actor: str, action: str, detail: str, at: datetime
    ) -> None:
        """Append to the coalition's history."""
        self.add(
            RolloutEvent(
                team_id=self.team_id,
                coalition_id=coalition.id,
                at=at,
                actor=actor,
                action=action,
                detail=detail,
            )
        )

    async def history(self, coalition: Coalition, limit: int = 30) -> list[RolloutEvent]:
        """The latest history entries, oldest first."""
        query = (
            select(RolloutEvent)
            .where(RolloutEvent.team_id == self.team_id, RolloutEvent.coalition_id == coalition.id)
            .order_by(RolloutEvent.at.desc(), RolloutEvent.id.desc())
            .limit(limit)
        )
        return list(reversed(list(await self.session.scalars(query))))

    async def one(self, model: Any, coalition: Coalition, **match: Any) -> Any:
        """The row of `model` in this coalition matching `match`, if any."""
        where = [getattr(model, k) == v for k, v in match.items()]
        rows = await self._rows(model, model.coalition_id == coalition.id, *where)
        return rows[0] if rows else None

    async def all(self, model: Any, coalition: Coalition, order: Any = None) -> list[Any]:
        """Every row of `model` in this coalition."""
        return await self._rows(model, model.coalition_id == coalition.id, order=order)

    async def service(self, coalition: Coalition, name: str) -> ServiceRow | None:
        """A service by name (case-insensitive)."""
        rows = await self._rows(
            ServiceRow,
            ServiceRow.coalition_id == coalition.id,
            func.lower(ServiceRow.name) == name.lower(),
        )
        return rows[0] if rows else None

    async def slos_of(self, service_ids: list[int]) -> list[SloRow]:
        """SLOs of the given services."""
        if not service_ids:
            return []
        return await self._rows(SloRow, SloRow.service_id.in_(service_ids), order=SloRow.id)

    async def latest_decision(self, coalition: Coalition, topic: str) -> Decision | None:
        """The most recent decision on `topic`."""
        rows = await self._rows(
            Decision,
            Decision.coalition_id == coalition.id,
            Decision.topic == topic,
            order=Decision.id.desc(),
        )
        return rows[0] if rows else None

    async def tally(self, coalition: Coalition) -> Counter[str]:
        """Votes per team-shape option."""
        return Counter(v.option for v in await self.all(ShapeVote, coalition))

    async def state(
        self,
        coalition: Coalition,
        members: list[Member],
        today: date,
        primitives: tuple[Choice, ...],
    ) -> RolloutState:
        """The coalition's whole rollout as one snapshot (a fixed number of queries)."""
        services = await self.all(ServiceRow, coalition, order=ServiceRow.id)
        slos = await self.slos_of([s.id for s in services])
        workshops = await self.all(Workshop, coalition)
        held = [w for w in workshops if w.held_on <= today]
        covered = {n.strip().lower() for w in held for n in w.services.split(",") if n.strip()}
        owners = {o.primitive: o for o in await self.all(PrimitiveOwner, coalition)}
        active = {m.user_id for m in members}
        pitch = await self.latest_decision(coalition, "pitch")
        shape = await self.latest_decision(coalition, "team-shape")
        deadline = None
        if coalition.deadline_on and coalition.deadline_event:
            deadline = Deadline(coalition.deadline_on, coalition.deadline_event)
        return RolloutState(
            members=tuple(as_membership(m) for m in members),
            current_step=coalition.current_step,
            today=today,
            ticked=frozenset(t.milestone for t in await self.all(MilestoneTick, coalition)),
            readiness_assessed=bool(await self.all(ReadinessAnswer, coalition)),
            pains=len(await self.all(PainPoint, coalition)),
            pitch_decision=pitch.choice if pitch else None,
            shape_votes=sum((await self.tally(coalition)).values()),
            shape_decided=shape is not None,
            services=tuple(
                Service(
                    name=s.name,
                    critical=s.critical,
                    owner_team=s.owner_team,
                    slos=tuple(_slo(r) for r in slos if r.service_id == s.id),
                    workshop_held=s.name.lower() in covered,
                )
                for s in services
            ),
            ownerships=_ownerships(primitives, owners, active),
            workshops_held=len(held),
            deadline=deadline,
        )


def _slo(row: SloRow) -> Slo:
    return Slo(
        row.sli, row.target, row.window_days, row.defined_at, row.signed_off_by, row.signed_off_at
    )


def _ownerships(
    primitives: tuple[Choice, ...], owners: dict[str, PrimitiveOwner], active: set[str]
) -> dict[str, Ownership]:
    return {
        p.title: Ownership(
            p.title,
            owners[p.id].owner if p.id in owners else None,
            p.id in owners and owners[p.id].owner in active,
            owners[p.id].since if p.id in owners else None,
        )
        for p in primitives
    }
