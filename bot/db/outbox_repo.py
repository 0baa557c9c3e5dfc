"""The outbox of nudges: planned once, claimed under a lease, settled once.

Request methods are scoped to the unit of work's workspace (a coalition's schedule); the
scheduler's methods work across workspaces by nudge id, and every row carries its `team_id`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, true, update

from bot.db.beat_models import Nudge
from bot.db.inserts import changed, insert_missing, upsert
from bot.db.models import Coalition
from bot.db.planning_repo import Planning
from bot.db.scoped import Scoped
from bot.db.workspace_lifecycle import served
from bot.domain.beat import Planned

PLANNING = "planning"  # the outbox kind that parks a coalition's planning failure


@dataclass(frozen=True)
class Owed:
    """A planned nudge for a coalition (any workspace), with the status it starts in."""

    team_id: str
    coalition_id: int
    planned: Planned
    status: str = "pending"


def _settled(nudge_id: int, worker: str) -> ColumnElement[bool]:
    """Only while this worker still holds the nudge."""
    return (Nudge.id == nudge_id) & (Nudge.status == "claimed") & (Nudge.claimed_by == worker)


class OutboxRepo(Scoped):
    """Nudges owed, claimed and sent."""

    async def owe(self, owed: Iterable[Owed]) -> int:
        """Put planned nudges in the outbox unless already there; returns how many were new."""
        rows = [
            {
                "team_id": o.team_id,
                "coalition_id": o.coalition_id,
                "kind": o.planned.kind,
                "recipient": o.planned.recipient,
                "slot": o.planned.slot,
                "due_at": o.planned.due_at,
                "payload": json.dumps(o.planned.payload, sort_keys=True),
                "status": o.status,
                "attempts": 0,
            }
            for o in owed
        ]
        return await insert_missing(self.session, Nudge, rows)

    async def owe_by_kind(self, owed: Iterable[Owed]) -> dict[tuple[str, str], int]:
        """`owe`, one statement per kind and starting status: how many of each were new."""
        groups: dict[tuple[str, str], list[Owed]] = {}
        for one in owed:
            groups.setdefault((one.planned.kind, one.status), []).append(one)
        added = {key: await self.owe(group) for key, group in sorted(groups.items())}
        return {key: count for key, count in added.items() if count}

    async def latest(self, kind: str, coalition_ids: Iterable[int]) -> dict[int, Nudge]:
        """The most recent nudge of `kind` owed by each coalition (every workspace), skipped
        ones included (shadow mode records without sending): what was last said, and when."""
        ids = list(coalition_ids)
        if not ids:
            return {}
        rows = await self.session.scalars(
            select(Nudge)
            .where(Nudge.kind == kind, Nudge.coalition_id.in_(ids))
            .order_by(Nudge.coalition_id, Nudge.due_at)
        )
        return {row.coalition_id: row for row in rows}

    async def park_planning(self, coalition: Planning, what: str, now: datetime) -> bool:
        """Record that planning `coalition` fails with `what` (shown to its leads); True if new."""
        note = f"planning its nudges failed ({what}); the data needs fixing"[:200]
        row = {"team_id": coalition.team_id, "coalition_id": coalition.id, "kind": PLANNING,
               "recipient": coalition.channel_id, "slot": what[:48], "due_at": now,
               "payload": "{}", "status": "failed", "attempts": 0, "note": note}  # fmt: skip
        key = ("coalition_id", "kind", "recipient", "slot")
        again = {"status": "failed", "due_at": now, "note": note}
        return await upsert(self.session, Nudge, row, key, again, Nudge.status != "failed")

    async def unpark_planning(self, broken: Iterable[int]) -> None:
        """Planning failures of coalitions not in `broken` are over (every workspace)."""
        still = list(broken)
        await self.session.execute(
            update(Nudge)
            .where(
                Nudge.status == "failed",
                Nudge.kind == PLANNING,
                Nudge.coalition_id.not_in(still) if still else true(),
            )
            .values(status="skipped", note="planning works again")
        )

    async def claim(self, worker: str, now: datetime, lease: timedelta, limit: int) -> list[Nudge]:
        """Atomically take up to `limit` due nudges for this worker (compare-and-set on status).

        Two statements in one transaction: the SELECT locks its rows on PostgreSQL (others skip
        them), the UPDATE only takes rows still pending. One `UPDATE ... WHERE id IN (SELECT ...
        LIMIT n)` is not safe here: PostgreSQL may run the subquery more than once and take far
        more than `n` rows, more than one lease can cover (seen at 10,000 coalitions).
        """
        due = (
            select(Nudge.id)
            # A workspace uninstalled or parked meanwhile (its nudges stopped as it happened, but
            # a replica may have planned one just before): nothing of it is taken.
            .where(Nudge.status == "pending", Nudge.due_at <= now, served(Nudge.team_id))
            .order_by(Nudge.due_at, Nudge.id)
            .limit(limit)
            .with_for_update(skip_locked=True)  # PostgreSQL; SQLite has one writer anyway
        )
        ids = list(await self.session.scalars(due))
        if not ids:
            return []
        statement = (
            update(Nudge)
            .where(Nudge.id.in_(ids), Nudge.status == "pending")
            .values(
                status="claimed",
                claimed_by=worker,
                lease_until=now + lease,
                attempts=Nudge.attempts + 1,
            )
            .returning(Nudge)
        )
        return list(await self._returning(statement))

    async def renew(
        self, worker: str, ids: Iterable[int], now: datetime, lease: timedelta
    ) -> set[int]:
        """Extend this worker's lease on `ids` (compare-and-set on status and claimer).

        Returns the ids it still holds: a nudge missing from them was taken over and must not be
        sent. A recovering worker cannot slip in between: its update waits for or skips this one.
        """
        statement = (
            update(Nudge)
            .where(Nudge.id.in_(list(ids)), Nudge.status == "claimed", Nudge.claimed_by == worker)
            .values(lease_until=now + lease)
            .returning(Nudge.id)
        )
        return set(await self._returning(statement))

    async def expire_claims(self, now: datetime) -> list[Nudge]:
        """Nudges whose worker vanished mid-send become ambiguous: they may have gone out.

        Rows locked by a worker renewing its lease right now are skipped (PostgreSQL), and the
        update checks the lease again, so a claim that is being renewed is never taken.
        """
        expired = (
            select(Nudge.id)
            .where(Nudge.status == "claimed", Nudge.lease_until < now)
            .with_for_update(skip_locked=True)
        )
        ids = list(await self.session.scalars(expired))
        if not ids:
            return []
        statement = (
            update(Nudge)
            .where(Nudge.id.in_(ids), Nudge.status == "claimed", Nudge.lease_until < now)
            .values(status="ambiguous", note="worker stopped while sending")
            .returning(Nudge)
        )
        return list(await self._returning(statement))

    async def unsure(self) -> list[Nudge]:
        """Ambiguous nudges that may still be looked up (every workspace)."""
        query = select(Nudge).where(
            Nudge.status == "ambiguous",
            or_(Nudge.note.is_(None), Nudge.note != "unverifiable"),
            served(Nudge.team_id),
        )
        return list(await self.session.scalars(query))

    async def release(self, nudge: Nudge, worker: str, due: datetime) -> None:
        """Give a claimed nudge back, due at `due` (it surely was not sent)."""
        await self.session.execute(
            update(Nudge)
            .where(_settled(nudge.id, worker))
            .values(status="pending", due_at=due, claimed_by=None, lease_until=None)
        )

    async def give_back(self, worker: str, ids: Iterable[int]) -> None:
        """Give claimed nudges back unsent, due when they were (a worker shutting down)."""
        await self.session.execute(
            update(Nudge)
            .where(Nudge.id.in_(list(ids)), Nudge.status == "claimed", Nudge.claimed_by == worker)
            .values(status="pending", claimed_by=None, lease_until=None)
        )

    async def let_go(self, worker: str, in_flight: int | None) -> int:
        """Every claim `worker` still holds ends: `in_flight` (its post may have gone out)
        becomes ambiguous, the rest pending again; returns how many were let go."""
        held = (Nudge.status == "claimed") & (Nudge.claimed_by == worker)
        count = 0
        if in_flight is not None:
            result = await self.session.execute(
                update(Nudge)
                .where(held, Nudge.id == in_flight)
                .values(status="ambiguous", lease_until=None, note="worker stopped while sending")
            )
            count += changed(result)
        result = await self.session.execute(
            update(Nudge).where(held).values(status="pending", claimed_by=None, lease_until=None)
        )
        return count + changed(result)

    async def settle(self, nudge: Nudge, worker: str, status: str, **values: Any) -> bool:
        """Record how a claimed nudge ended; False when this worker no longer held it."""
        result = await self.session.execute(
            update(Nudge)
            .where(_settled(nudge.id, worker))
            .values(status=status, lease_until=None, **values)
        )
        return changed(result) == 1

    async def reconciled(self, nudge: Nudge, found: bool | None) -> None:
        """What a history lookup said about an ambiguous post: sent, due again, or unknowable."""
        values = (
            {"status": "sent", "note": "found in channel history"}
            if found
            else {"status": "pending", "note": "not in channel history; sending again"}
            if found is False
            else {"note": "unverifiable"}
        )
        await self.session.execute(
            update(Nudge).where(Nudge.id == nudge.id, Nudge.status == "ambiguous").values(**values)
        )

    async def next_due(self, now: datetime) -> datetime | None:
        """When the next pending nudge falls due (every workspace)."""
        query = select(func.min(Nudge.due_at)).where(Nudge.status == "pending", Nudge.due_at > now)
        found: datetime | None = await self.session.scalar(query)
        return found

    async def counts(self, coalition: Coalition) -> dict[str, int]:
        """How many of the coalition's nudges are in each status."""
        query = (
            select(Nudge.status, func.count())
            .where(Nudge.team_id == self.team_id, Nudge.coalition_id == coalition.id)
            .group_by(Nudge.status)
        )
        return {status: int(n) for status, n in await self.session.execute(query)}

    async def done_keys(
        self, coalition: Coalition, slots: Iterable[str]
    ) -> set[tuple[str, str, str]]:
        """(kind, recipient, slot) of the coalition's nudges in `slots` that are no longer
        waiting to be sent (sent, skipped, failed or unsure): the planner never adds them
        again."""
        wanted = sorted(set(slots))
        if not wanted:
            return set()
        query = select(Nudge.kind, Nudge.recipient, Nudge.slot).where(
            Nudge.team_id == self.team_id,
            Nudge.coalition_id == coalition.id,
            Nudge.slot.in_(wanted),
            Nudge.status.not_in(("pending", "claimed")),
        )
        return {(k, r, s) for k, r, s in await self.session.execute(query)}

    async def troubles(self, coalition: Coalition, limit: int) -> list[Nudge]:
        """The coalition's failed and ambiguous nudges, most recent first."""
        query = (
            select(Nudge)
            .where(
                Nudge.team_id == self.team_id,
                Nudge.coalition_id == coalition.id,
                Nudge.status.in_(("failed", "ambiguous")),
            )
            .order_by(Nudge.due_at.desc(), Nudge.id.desc())
            .limit(limit)
        )
        return list(await self.session.scalars(query))

    async def _returning(self, statement: Any) -> Sequence[Any]:
        options = {"synchronize_session": False}
        return list(await self.session.scalars(statement, execution_options=options))
