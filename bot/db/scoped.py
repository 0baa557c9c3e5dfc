"""What every workspace-bound repository shares: its session, its `team_id`, scoped reads."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Base, Coalition

Row = TypeVar("Row", bound=Base)


class Scoped:
    """A repository bound to one workspace: every read filters by `team_id` and coalition."""

    def __init__(self, session: AsyncSession, team_id: str) -> None:
        self.session, self.team_id = session, team_id

    async def _rows(
        self, model: type[Row], coalition: Coalition, *where: ColumnElement[bool], order: Any = None
    ) -> list[Row]:
        table = model.__table__.c
        query = select(model).where(
            table.team_id == self.team_id, table.coalition_id == coalition.id, *where
        )
        if order is not None:
            query = query.order_by(order)
        return list(await self.session.scalars(query))

    async def _first(
        self, model: type[Row], coalition: Coalition, *where: ColumnElement[bool], order: Any = None
    ) -> Row | None:
        rows = await self._rows(model, coalition, *where, order=order)
        return rows[0] if rows else None

    def add(self, row: Base) -> None:
        """Stage a row of this workspace (a row of another is refused)."""
        if getattr(row, "team_id", None) != self.team_id:
            raise ValueError("row belongs to another workspace")
        self.session.add(row)
