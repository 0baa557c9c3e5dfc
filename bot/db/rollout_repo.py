"""The rollout's rows for one workspace, and the batched load of a coalition's state."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Date,
    Select,
    String,
    bindparam,
    cast,
    func,
    literal,
    null,
    select,
    union_all,
)

from bot.db.beat_models import Commitment
from bot.db.health_models import HealthStanding
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
    ShapeOption,
    ShapeVote,
    SloRow,
    Workshop,
)
from bot.db.scoped import Scoped
from bot.db.types import UTCDateTime
from bot.domain.calendar import iso_week
from bot.domain.programme import Choice
from bot.domain.rollout import Deadline, Ownership, RolloutState, Service, Slo


class RolloutRepo(Scoped):
    """Reads and writes the rollout of coalitions in one workspace: one typed method a query."""

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

    async def history(
        self, coalition: Coalition, limit: int | None = 30
    ) -> tuple[list[RolloutEvent], int]:
        """The latest `limit` history entries (all when None), oldest first, and how many there
        are in all (one statement)."""
        query = (
            select(RolloutEvent, func.count().over())
            .where(RolloutEvent.team_id == self.team_id, RolloutEvent.coalition_id == coalition.id)
            .order_by(RolloutEvent.at.desc(), RolloutEvent.id.desc())
            .limit(limit)
        )
        rows = list(await self.session.execute(query))
        return [event for event, _ in reversed(rows)], rows[0][1] if rows else 0

    async def remove(self, tick: MilestoneTick) -> None:
        """Take back a manual milestone's tick."""
        await self.session.delete(tick)

    async def tick(self, coalition: Coalition, milestone: str) -> MilestoneTick | None:
        """The tick of a manual milestone, if a lead gave it."""
        return await self._first(MilestoneTick, coalition, MilestoneTick.milestone == milestone)

    async def readiness_answer(
        self, coalition: Coalition, condition: str
    ) -> ReadinessAnswer | None:
        """The latest answer to one readiness condition."""
        return await self._first(ReadinessAnswer, coalition, ReadinessAnswer.condition == condition)

    async def pains(self, coalition: Coalition) -> list[PainPoint]:
        """Recorded pain points, oldest first."""
        return await self._rows(PainPoint, coalition, order=PainPoint.id)

    async def shape_options(self, coalition: Coalition) -> list[ShapeOption]:
        """The team-shape options the coalition added itself."""
        return await self._rows(ShapeOption, coalition, order=ShapeOption.id)

    async def vote_of(self, coalition: Coalition, user_id: str) -> ShapeVote | None:
        """A member's current team-shape vote."""
        return await self._first(ShapeVote, coalition, ShapeVote.user_id == user_id)

    async def tally(self, coalition: Coalition) -> Counter[str]:
        """Votes per team-shape option."""
        return Counter(v.option for v in await self._rows(ShapeVote, coalition))

    async def decisions(self, coalition: Coalition) -> list[Decision]:
        """Every decision record in the order they were taken (then recorded)."""
        query = (
            select(Decision)
            .where(Decision.team_id == self.team_id, Decision.coalition_id == coalition.id)
            .order_by(Decision.decided_on, Decision.id)
        )
        return list(await self.session.scalars(query))

    async def latest_decision(self, coalition: Coalition, topic: str) -> Decision | None:
        """The most recent decision on `topic`, by the day it was taken."""
        query = (
            select(Decision)
            .where(
                Decision.team_id == self.team_id,
                Decision.coalition_id == coalition.id,
                Decision.topic == topic,
            )
            .order_by(Decision.decided_on.desc(), Decision.id.desc())
            .limit(1)
        )
        return await self.session.scalar(query)

    async def owner_of(self, coalition: Coalition, primitive: str) -> PrimitiveOwner | None:
        """Who owns a cross-cutting primitive."""
        return await self._first(PrimitiveOwner, coalition, PrimitiveOwner.primitive == primitive)

    async def owners(self, coalition: Coalition) -> list[PrimitiveOwner]:
        """Every primitive's owner."""
        return await self._rows(PrimitiveOwner, coalition)

    async def workshops(self, coalition: Coalition) -> list[Workshop]:
        """Workshops by date."""
        return await self._rows(Workshop, coalition, order=Workshop.held_on)

    async def service(self, coalition: Coalition, name: str) -> ServiceRow | None:
        """A service by name (case-insensitive)."""
        return await self._first(ServiceRow, coalition, func.lower(ServiceRow.name) == name.lower())

    async def service_names(self, coalition: Coalition) -> list[str]:
        """The names of the coalition's services, in the order they were added."""
        query = (
            select(ServiceRow.name)
            .where(ServiceRow.team_id == self.team_id, ServiceRow.coalition_id == coalition.id)
            .order_by(ServiceRow.id)
        )
        return list(await self.session.scalars(query))

    async def slos_of(self, service: ServiceRow) -> list[SloRow]:
        """The SLOs of a service."""
        query = (
            select(SloRow)
            .where(SloRow.team_id == self.team_id, SloRow.service_id == service.id)
            .order_by(SloRow.id)
        )
        return list(await self.session.scalars(query))

    async def state(
        self,
        coalition: Coalition,
        members: list[Member],
        today: date,
        primitives: tuple[Choice, ...],
    ) -> RolloutState:
        """The coalition's whole rollout as one snapshot, in two statements: its services with
        their SLOs, then every other fact the rules read."""
        found = await self.states([(coalition, members)], today, primitives, self.team_id)
        return found[coalition.id]

    async def states(
        self,
        coalitions: list[tuple[Coalition, list[Member]]],
        today: date,
        primitives: tuple[Choice, ...],
        team_id: str | None = None,
    ) -> dict[int, RolloutState]:
        """The snapshots of many coalitions in the same two statements (the planner's batch,
        across workspaces, when `team_id` is None)."""
        ids = [c.id for c, _ in coalitions]
        services = await self._services(ids, team_id)
        facts = await self._facts(ids, today, team_id)
        return {
            c.id: _state(c, members, today, primitives, services[c.id], facts[c.id])
            for c, members in coalitions
        }

    async def _services(
        self, ids: list[int], team_id: str | None
    ) -> dict[int, list[tuple[ServiceRow, list[SloRow]]]]:
        """Services in order, each with its SLOs, per coalition (one statement)."""
        query = SERVICES[team_id is not None]
        found: dict[int, dict[int, tuple[ServiceRow, list[SloRow]]]] = {i: {} for i in ids}
        for service, slo in await self.session.execute(query, _params(ids, team_id)):
            entry = found[service.coalition_id].setdefault(service.id, (service, []))
            if slo is not None:
                entry[1].append(slo)
        return {i: list(rows.values()) for i, rows in found.items()}

    async def _facts(self, ids: list[int], today: date, team_id: str | None) -> dict[int, Facts]:
        """Ticks, owners, held workshops, readiness answers, pains, votes, decisions, open
        commitments and this week's health levels as rows of one shape (coalition, kind, key,
        value, at, id), read in one statement."""
        query = FACTS[team_id is not None]
        facts: dict[int, Facts] = {i: {k: [] for k in KINDS} for i in ids}
        params = {**_params(ids, team_id), "today": today, "week": iso_week(today)}
        rows = await self.session.execute(query, params)
        for coalition_id, kind, key, value, at, number in rows:
            facts[coalition_id][kind].append((key, value, at, number))
        return facts


def _params(ids: list[int], team_id: str | None) -> dict[str, Any]:
    return {"ids": ids} if team_id is None else {"ids": ids, "team": team_id}


def _where(model: Any, scoped: bool) -> list[ColumnElement[bool]]:
    """The coalitions `:ids`, in workspace `:team` when scoped (else every workspace: the
    planner's batch)."""
    where = [model.coalition_id.in_(bindparam("ids", expanding=True))]
    return [*where, model.team_id == bindparam("team")] if scoped else where


def _services_query(scoped: bool) -> Select[ServiceRow, SloRow]:
    return (
        select(ServiceRow, SloRow)
        .outerjoin(SloRow, SloRow.service_id == ServiceRow.id)
        .where(*_where(ServiceRow, scoped))
        .order_by(ServiceRow.id, SloRow.id)
    )


def _facts_query(scoped: bool) -> CompoundSelect[Any]:
    text, moment = null().cast(String), null().cast(UTCDateTime())

    def arm(model: Any, kind: str, key: Any, value: Any, at: Any, *where: Any) -> Any:
        return select(model.coalition_id, literal(kind), key, value, at, model.id).where(
            *_where(model, scoped), *where
        )

    held = Workshop.held_on <= bindparam("today", type_=Date)
    return union_all(
        arm(MilestoneTick, "tick", MilestoneTick.milestone, text, moment),
        arm(PrimitiveOwner, "owner", PrimitiveOwner.primitive, PrimitiveOwner.owner,
            PrimitiveOwner.since),
        arm(Workshop, "workshop", Workshop.services, text, moment, held),
        arm(ReadinessAnswer, "readiness", text, text, moment),
        arm(PainPoint, "pain", text, text, moment),
        arm(ShapeVote, "vote", text, text, moment),
        arm(Decision, "decision", Decision.topic + "|" + cast(Decision.decided_on, String),
            Decision.choice, moment),
        arm(Commitment, "commitment", Commitment.owner, text, moment, Commitment.done_at.is_(None)),
        arm(HealthStanding, "standing", HealthStanding.user_id, HealthStanding.level, moment,
            HealthStanding.week == bindparam("week", type_=String)),
    )  # fmt: skip


# Built once: a request binds its values, so SQLAlchemy builds and caches neither again.
SERVICES = {scoped: _services_query(scoped) for scoped in (True, False)}
FACTS = {scoped: _facts_query(scoped) for scoped in (True, False)}
KINDS = (
    "tick", "owner", "workshop", "readiness", "pain", "vote", "decision", "commitment", "standing",
)  # fmt: skip
Facts = dict[str, list[tuple[str | None, str | None, datetime | None, int]]]


def _state(
    coalition: Coalition,
    members: list[Member],
    today: date,
    primitives: tuple[Choice, ...],
    services: list[tuple[ServiceRow, list[SloRow]]],
    facts: Facts,
) -> RolloutState:
    covered = {
        n.strip().lower() for w in facts["workshop"] for n in (w[0] or "").split(",") if n.strip()
    }
    owners = {key: (value, at) for key, value, at, _ in facts["owner"] if key and value}
    active = {m.user_id for m in members}
    # the latest decision on each topic by the day it was taken (then by when it was recorded)
    dated = sorted(((key or "|").split("|", 1), value, number) for key, value, _, number in
                   facts["decision"])  # fmt: skip
    latest = {topic: value for (topic, _), value, _ in sorted(dated, key=lambda r: (r[0][1], r[2]))}
    items = Counter(key for key, _, _, _ in facts["commitment"] if key in active)
    items.update(value for _, (value, _) in owners.items() if value in active)
    deadline = None
    if coalition.deadline_on and coalition.deadline_event:
        deadline = Deadline(coalition.deadline_on, coalition.deadline_event)
    return RolloutState(
        members=tuple(as_membership(m) for m in members),
        current_step=coalition.current_step,
        today=today,
        ticked=frozenset(key for key, _, _, _ in facts["tick"] if key),
        readiness_assessed=bool(facts["readiness"]),
        pains=len(facts["pain"]),
        pitch_decision=latest.get("pitch"),
        shape_votes=len(facts["vote"]),
        shape_decided="team-shape" in latest,
        services=tuple(
            Service(
                name=s.name,
                critical=s.critical,
                owner_team=s.owner_team,
                slos=tuple(_slo(r) for r in slos),
                workshop_held=s.name.lower() in covered,
            )
            for s, slos in services
        ),
        ownerships=_ownerships(primitives, owners, active),
        workshops_held=len(facts["workshop"]),
        deadline=deadline,
        open_items={user: items.get(user, 0) for user in active},
        heaviest_last_week=coalition.heaviest_owner,
        strained=sum(1 for _, level, _, _ in facts["standing"] if level != "green"),
    )


def _slo(row: SloRow) -> Slo:
    return Slo(
        row.sli, row.target, row.window_days, row.defined_at, row.signed_off_by, row.signed_off_at
    )


def _ownerships(
    primitives: tuple[Choice, ...],
    owners: Mapping[str, tuple[str, datetime | None]],
    active: set[str],
) -> dict[str, Ownership]:
    return {
        p.title: Ownership(
            p.title,
            owners[p.id][0] if p.id in owners else None,
            p.id in owners and owners[p.id][0] in active,
            owners[p.id][1] if p.id in owners else None,
        )
        for p in primitives
    }
