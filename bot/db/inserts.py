"""The statements that differ between SQLite and PostgreSQL, written once: `INSERT ... ON
CONFLICT`, and how many rows a statement changed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Result, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Base

CHUNK = 500  # rows per multi-row insert, well under either database's parameter limit


def insert(session: AsyncSession, model: type[Base] | Table) -> Any:
    """The dialect's INSERT for `model` (or its table, for a Core executemany), which has
    `on_conflict_do_nothing` / `_do_update`."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def changed(result: Result[Any]) -> int:
    """Rows an INSERT, UPDATE or DELETE changed (0 when the driver cannot say)."""
    return int(getattr(result, "rowcount", 0) or 0)


async def insert_if_absent(
    session: AsyncSession, model: type[Base], values: dict[str, Any]
) -> bool:
    """Insert one row unless a unique key already holds it; True when this call inserted it."""
    statement = insert(session, model).values(**values).on_conflict_do_nothing()
    return changed(await session.execute(statement)) == 1


async def insert_missing(
    session: AsyncSession, model: type[Base], rows: Sequence[dict[str, Any]]
) -> int:
    """Insert the rows no unique key holds yet, in chunks; returns how many were new."""
    added = 0
    for start in range(0, len(rows), CHUNK):
        statement = insert(session, model).values(list(rows[start : start + CHUNK]))
        added += changed(await session.execute(statement.on_conflict_do_nothing()))
    return added


async def upsert(
    session: AsyncSession,
    model: type[Base],
    values: dict[str, Any],
    key: Sequence[str],
    update: dict[str, Any],
    where: ColumnElement[bool] | None = None,
) -> bool:
    """Insert a row, or update the one holding `key` (only `where` it holds); True if written."""
    statement = insert(session, model).values(**values)
    statement = statement.on_conflict_do_update(index_elements=list(key), set_=update, where=where)
    return changed(await session.execute(statement)) > 0


async def add_counts(
    session: AsyncSession, model: type[Base], key: dict[str, Any], counts: dict[str, int]
) -> None:
    """Insert a row of counters, or add `counts` to the row already holding `key` (atomic)."""
    statement = insert(session, model).values(**key, **counts)
    table = model.__table__
    statement = statement.on_conflict_do_update(
        index_elements=[c for c in key if c != "team_id"],
        set_={name: table.c[name] + statement.excluded[name] for name in counts},
    )
    await session.execute(statement)
