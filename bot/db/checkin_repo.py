"""Check-ins asked of members and their answers, and the commitments members make."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update

from bot.db.beat_models import CheckIn, Commitment
from bot.db.inserts import changed, insert_if_absent, upsert
from bot.db.models import Coalition, Member
from bot.db.planning_repo import BLOCKER_MEMORY
from bot.db.scoped import Scoped
from bot.domain.beat import Blocker, open_blockers


class CheckinRepo(Scoped):
    """Check-ins: per coalition for requests, across workspaces for the scheduler."""

    async def open_for(self, coalition: Coalition, user_id: str) -> CheckIn | None:
        """The member's latest unanswered check-in in this coalition."""
        return await self._first(
            CheckIn,
            coalition,
            CheckIn.user_id == user_id,
            CheckIn.answered_at.is_(None),
            CheckIn.missed.is_(False),
            order=CheckIn.asked_at.desc(),
        )

    async def answer(
        self, coalition: Coalition, user_id: str, slot: str, at: datetime, values: dict[str, Any]
    ) -> bool:
        """Record `user_id`'s answer for `slot`: a new row, or the slot's row updated (asked by
        the scheduler, or answered earlier that day). One `INSERT ... ON CONFLICT DO UPDATE`,
        so two answers racing for one slot never collide. True when it replaced an answer."""
        earlier = await self.session.scalar(
            select(CheckIn.answered_at).where(
                CheckIn.team_id == self.team_id,
                CheckIn.coalition_id == coalition.id,
                CheckIn.user_id == user_id,
                CheckIn.slot == slot,
            )
        )
        answer = {"answered_at": at, "missed": False, **values}
        row = {"team_id": self.team_id, "coalition_id": coalition.id, "user_id": user_id,
               "slot": slot, "asked_at": at, **answer}  # fmt: skip
        await upsert(self.session, CheckIn, row, ("coalition_id", "user_id", "slot"), answer)
        return earlier is not None

    async def of(self, coalition: Coalition) -> list[CheckIn]:
        """Every check-in of the coalition."""
        return await self._rows(CheckIn, coalition)

    async def blockers(self, coalition: Coalition, now: datetime) -> list[Blocker]:
        """The coalition's open blockers (of members still in it), as the planner sees them."""
        rows = await self.session.execute(
            select(CheckIn.id, CheckIn.user_id, CheckIn.answered_at, CheckIn.blockers)
            .join(
                Member,
                (Member.coalition_id == CheckIn.coalition_id) & (Member.user_id == CheckIn.user_id),
            )
            .where(
                CheckIn.team_id == self.team_id,
                CheckIn.coalition_id == coalition.id,
                CheckIn.answered_at >= now - BLOCKER_MEMORY,
                CheckIn.nothing_new.is_(False),
                Member.left_at.is_(None),
            )
        )
        return open_blockers((r.id, r.user_id, r.answered_at, r.blockers) for r in rows)

    async def since(self, coalition: Coalition, since: datetime) -> list[CheckIn]:
        """Check-ins asked of the coalition since `since`."""
        return await self._rows(CheckIn, coalition, CheckIn.asked_at >= since)

    async def asked(
        self, team_id: str, coalition_id: int, user_id: str, slot: str, at: datetime
    ) -> None:
        """Record (once) that the scheduler asked `user_id` to check in (any workspace)."""
        row = {"team_id": team_id, "coalition_id": coalition_id, "user_id": user_id,
               "slot": slot, "asked_at": at, "missed": False, "nothing_new": False}  # fmt: skip
        await insert_if_absent(self.session, CheckIn, row)

    async def mark_missed(self, before: datetime) -> int:
        """Check-ins asked before `before` and never answered count as missed (every
        workspace)."""
        result = await self.session.execute(
            update(CheckIn)
            .where(
                CheckIn.answered_at.is_(None), CheckIn.missed.is_(False), CheckIn.asked_at < before
            )
            .values(missed=True)
        )
        return changed(result)


class CommitmentRepo(Scoped):
    """Commitments of the coalitions in one workspace."""

    async def make(
        self, coalition: Coalition, owner: str, title: str, due: date, by: str, at: datetime
    ) -> Commitment:
        """A new commitment, with its number."""
        row = Commitment(team_id=self.team_id, coalition_id=coalition.id, owner=owner,
                         title=title, due_on=due, created_by=by, created_at=at)  # fmt: skip
        self.add(row)
        await self.session.flush()
        return row

    async def open(self, coalition: Coalition) -> list[Commitment]:
        """Open commitments, soonest due first."""
        return await self._rows(
            Commitment, coalition, Commitment.done_at.is_(None), order=Commitment.due_on
        )

    async def numbered(self, coalition: Coalition, number: int) -> Commitment | None:
        """Commitment number `number` of this coalition."""
        return await self._first(Commitment, coalition, Commitment.id == number)
