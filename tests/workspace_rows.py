"""A row of one workspace in every table, and a count of its rows per table (any table added
later is covered without a change here)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import DateTime, Integer, Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.schema import Base
from bot.db.types import UTCDateTime
from bot.db.uow import Database
from bot.db.workspace_lifecycle import workspace_tables


def _value(table: Table, column: Any, team: str, now: datetime, ids: dict[str, int]) -> Any:
    """A value for any column, tied to `team` (parents are the team's own rows)."""
    for key in column.foreign_keys:
        return team if key.column.name == "team_id" else ids[key.column.table.name]
    if isinstance(column.type, UTCDateTime):
        return now
    if isinstance(column.type, DateTime):
        return now.replace(tzinfo=None)  # slack_sdk's tables are naive UTC
    python = column.type.python_type
    if python is str:
        length = getattr(column.type, "length", None) or 64
        return f"{team}-{column.name}"[-length:]
    return {int: 1, bool: False, float: 0.5, date: now.date()}[python]


async def fill_workspace(conn: AsyncConnection, team: str, now: datetime) -> None:
    """One row for `team` in every table that carries team_id, parents first (required columns
    only: a workspace so filled stands clear)."""
    ids: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        if "team_id" not in table.c:
            continue
        row = {
            c.name: team if c.name == "team_id" else _value(table, c, team, now, ids)
            for c in table.columns
            if c.name == "team_id"
            or not (c.nullable or (c.primary_key and isinstance(c.type, Integer)))
        }
        statement = insert(table).values(row)
        if "id" in table.c:
            ids[table.name] = (await conn.execute(statement.returning(table.c.id))).scalar_one()
        else:
            await conn.execute(statement)


async def rows_of_team(db: Database, team: str) -> dict[str, int]:
    """How many rows carry `team` as team_id, per table."""
    async with db.engine.connect() as conn:
        return {
            t.name: (
                await conn.execute(select(func.count()).select_from(t).where(t.c.team_id == team))
            ).scalar_one()
            for t in workspace_tables()
        }
