"""What the planner reads: every coalition's beat in a fixed number of statements, and the
watermark and daily progress points it writes.

The planner is a system job over every workspace; a request (`/sre schedule`) reads its own
coalition's beat through the same load, filtered by coalition and workspace.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Table, bindparam, case, func, or_, select, true, update

from bot.db.beat_models import CheckIn, Commitment, ProgressSnapshot
from bot.db.changes import UNSEEN
from bot.db.inserts import insert_missing
from bot.db.models import Coalition, Member
from bot.db.rollout_models import RolloutEvent, ServiceRow, SloRow, Workshop
from bot.db.scoped import Scoped
from bot.db.workspace_lifecycle import served
from bot.domain.beat import Beat, Blocker, Person, is_asked, open_blockers
from bot.domain.cadence import Cadence
from bot.domain.coalition import Role
from bot.domain.history import PERSONAL
from bot.domain.hours import WorkingHours, parse_hours

BLOCKER_MEMORY = timedelta(days=30)  # a blocker named longer ago than this is not chased


def person(member: Any) -> Person:
    """The planner's view of a member (an ORM row or a plain one)."""
    away = (member.away_from, member.away_until) if member.away_from and member.away_until else None
    asked = is_asked(member.role, member.checkins)
    return Person(
        member.user_id, member.tz, _hours(member.hours), member.snoozed_until, away, asked
    )


@lru_cache(maxsize=1024)
def _hours(text: str) -> WorkingHours:
    try:
        return parse_hours(text.replace(":00", ""))
    except Exception:  # stored by our own validated command; fall back rather than stop the beat
        return WorkingHours()


def cadence(coalition: Coalition | Any) -> Cadence:
    """The coalition's configured rhythm."""
    return Cadence(
        checkin_day=coalition.checkin_day,
        near_weeks=coalition.near_weeks,
        final_weeks=coalition.final_weeks,
        digest_day=coalition.digest_day,
    )


@dataclass(frozen=True)
class Planning:
    """A coalition as the planner sees it besides its beat: where, since when, muted or not."""

    id: int
    team_id: str
    channel_id: str
    created_at: datetime
    planned_through: datetime | None
    muted: bool


@dataclass(frozen=True)
class Beats:
    """The coalitions the planner can read (`ready`), and those whose rows it cannot (`broken`)."""

    ready: list[tuple[Planning, Beat]]
    broken: list[tuple[Planning, Exception]]


Scope = Any  # a column -> the WHERE clause limiting a load to one coalition, or to all


class PlanningRepo(Scoped):
    """The planner's batched reads and writes."""

    async def beats(self, now: datetime, only: Coalition | None = None) -> Beats:
        """Every coalition with active members in a workspace the bot serves (or just `only`,
        in this workspace) as the planner sees it.

        Eight queries whatever the number of coalitions; plain rows, not ORM objects, because
        the planner reads thousands of them every tick and changes none. A coalition whose rows
        do not make a valid beat (a stored rhythm out of range, say) is `broken`, not a reason
        to stop.
        """
        mine: Scope = (lambda column: column == only.id) if only else (lambda column: true())
        # The planner's batch: only the workspaces it serves (not uninstalled, not parked).
        workspace = Coalition.team_id == self.team_id if only else served(Coalition.team_id)
        coalitions = (
            await self.session.execute(
                select(Coalition.__table__)
                .where(mine(Coalition.id), workspace)
                .order_by(Coalition.id)
            )
        ).all()
        members = await self.session.execute(
            select(Member.__table__).where(Member.left_at.is_(None), mine(Member.coalition_id))
        )
        by_coalition: dict[int, list[Any]] = defaultdict(list)
        for m in members:
            by_coalition[m.coalition_id].append(m)
        unanswered = await self._unanswered(mine)
        unsigned = await self._unsigned(mine)
        overdue = await self._overdue(now.date(), mine)
        workshops = await self._workshops(now.date(), mine)
        step_since = await self._step_since(mine)
        blockers = await self._blockers(now, mine)
        beats = Beats([], [])
        for c in coalitions:
            people = by_coalition.get(c.id)
            if not people:
                continue
            planning = Planning(
                c.id, c.team_id, c.channel_id, c.created_at, c.planned_through, c.muted
            )
            try:
                signers = [m.user_id for m in people if m.role in (Role.PM, Role.SPONSOR)]
                signers = signers or [m.user_id for m in people if m.role == Role.LEAD]
                beat = Beat(
                    coalition_id=c.id,
                    channel_id=c.channel_id,
                    tz=c.tz,
                    people=tuple(person(m) for m in people),
                    cadence=cadence(c),
                    deadline=c.deadline_on,
                    step=c.current_step,
                    step_since=step_since.get(c.id, (c.created_at, None))[0] or c.created_at,
                    worked_at=step_since.get(c.id, (None, None))[1],
                    unanswered=tuple(unanswered[c.id]),
                    unsigned=tuple(unsigned[c.id]),
                    signers=tuple(signers),
                    overdue=tuple(overdue[c.id]),
                    workshops=tuple(workshops[c.id]),
                    leads=tuple(m.user_id for m in people if m.role == Role.LEAD),
                    blockers=tuple(
                        b for b in blockers[c.id] if b.user_id in {m.user_id for m in people}
                    ),
                    report_day=c.report_day,
                    sponsors=tuple(m.user_id for m in people if m.role == Role.SPONSOR),
                )
            except Exception as error:  # one coalition's bad row must not stop everyone's beat
                beats.broken.append((planning, error))
                continue
            beats.ready.append((planning, beat))
        return beats

    async def _unanswered(self, mine: Scope) -> dict[int, list[Any]]:
        rows = await self.session.execute(
            select(CheckIn.__table__).where(
                CheckIn.answered_at.is_(None),
                CheckIn.missed.is_(False),
                mine(CheckIn.coalition_id),
            )
        )
        found: dict[int, list[Any]] = defaultdict(list)
        for r in rows:
            found[r.coalition_id].append((r.user_id, r.slot, r.asked_at))
        return found

    async def _unsigned(self, mine: Scope) -> dict[int, list[Any]]:
        query = (
            select(ServiceRow.coalition_id, ServiceRow.name, SloRow.defined_at)
            .join(SloRow, SloRow.service_id == ServiceRow.id)
            .where(SloRow.signed_off_at.is_(None), mine(ServiceRow.coalition_id))
        )
        found: dict[int, list[Any]] = defaultdict(list)
        for coalition_id, name, defined_at in await self.session.execute(query):
            found[coalition_id].append((name, defined_at))
        return found

    async def _overdue(self, today: date, mine: Scope) -> dict[int, list[Any]]:
        rows = await self.session.execute(
            select(Commitment.__table__).where(
                Commitment.done_at.is_(None),
                Commitment.due_on < today,
                mine(Commitment.coalition_id),
            )
        )
        found: dict[int, list[Any]] = defaultdict(list)
        for r in rows:
            found[r.coalition_id].append((r.id, r.owner, r.title))
        return found

    async def _workshops(self, today: date, mine: Scope) -> dict[int, list[Any]]:
        soon = today + timedelta(days=2)
        rows = await self.session.execute(
            select(Workshop.__table__).where(
                Workshop.held_on > today - timedelta(days=1),
                Workshop.held_on <= soon,
                mine(Workshop.coalition_id),
            )
        )
        found: dict[int, list[Any]] = defaultdict(list)
        for r in rows:
            people = tuple(a for a in r.attendees.split(",") if a)
            found[r.coalition_id].append((r.id, r.topic, r.held_on, people))
        return found

    async def _blockers(self, now: datetime, mine: Scope) -> dict[int, list[Blocker]]:
        rows = await self.session.execute(
            select(
                CheckIn.coalition_id,
                CheckIn.id,
                CheckIn.user_id,
                CheckIn.answered_at,
                CheckIn.blockers,
            ).where(
                CheckIn.answered_at >= now - BLOCKER_MEMORY,
                CheckIn.nothing_new.is_(False),
                mine(CheckIn.coalition_id),
            )
        )
        answers: dict[int, list[Any]] = defaultdict(list)
        for coalition_id, *answer in rows:
            answers[coalition_id].append(tuple(answer))
        return defaultdict(list, {c: open_blockers(a) for c, a in answers.items()})

    async def _step_since(self, mine: Scope) -> dict[int, tuple[datetime | None, datetime | None]]:
        """When each coalition last changed step, and last recorded work (joins and leaves
        are not work), in one statement."""
        query = (
            select(
                RolloutEvent.coalition_id,
                func.max(case((RolloutEvent.action == "step", RolloutEvent.at))),
                func.max(case((RolloutEvent.action.not_in(sorted(PERSONAL)), RolloutEvent.at))),
            )
            .where(mine(RolloutEvent.coalition_id))
            .group_by(RolloutEvent.coalition_id)
        )
        return {cid: (step, work) for cid, step, work in await self.session.execute(query)}

    async def mark_planned(self, until: datetime, broken: Iterable[int] = ()) -> None:
        """Advance every coalition's planning watermark to `until` (one statement).

        Coalitions in `broken` keep theirs, so they catch up once their data is fixed.
        """
        table = Coalition.__table__
        assert isinstance(table, Table)
        skipped = list(broken)
        keep: ColumnElement[bool] = table.c.id.not_in(skipped) if skipped else true()
        await self.session.execute(
            update(table)
            .where(or_(table.c.planned_through.is_(None), table.c.planned_through < until), keep)
            .values(planned_through=until),
            execution_options={UNSEEN: True},  # bookkeeping no reply shows: moves no stamp
        )

    async def plotted(self, day: date) -> set[int]:
        """The coalitions (every workspace) that have their progress point for `day`."""
        query = select(ProgressSnapshot.coalition_id).where(ProgressSnapshot.day == day)
        return set(await self.session.scalars(query))

    async def plot(self, points: Iterable[tuple[Coalition, date, dict[str, int]]]) -> int:
        """Keep each coalition's progress figures for its day (the first of a day stays)."""
        rows = [
            {"team_id": c.team_id, "coalition_id": c.id, "day": day, **values}
            for c, day, values in points
        ]
        return await insert_missing(self.session, ProgressSnapshot, rows)

    async def close_day(self, points: Iterable[tuple[Coalition, date, dict[str, int]]]) -> None:
        """Bring an existing point for `day` up to the figures given (taken at the start of the
        next day): a day's point ends up as where the day ended, so work done on a
        coalition's first day is not drawn as a jump from 0% the day after. One statement,
        executed for every point (executemany)."""
        rows = [
            {"b_team": c.team_id, "b_coalition": c.id, "b_day": day}
            | {f"v_{name}": value for name, value in values.items()}
            for c, day, values in points
        ]
        if not rows:
            return
        table = ProgressSnapshot.__table__
        assert isinstance(table, Table)
        names = [key[2:] for key in rows[0] if key.startswith("v_")]
        await self.session.execute(
            update(table)
            .where(
                table.c.team_id == bindparam("b_team"),
                table.c.coalition_id == bindparam("b_coalition"),
                table.c.day == bindparam("b_day"),
            )
            .values({name: bindparam(f"v_{name}") for name in names}),
            rows,
        )

    async def points(self, coalition: Coalition) -> list[ProgressSnapshot]:
        """The coalition's daily progress figures, oldest first."""
        return await self._rows(ProgressSnapshot, coalition, order=ProgressSnapshot.day)
