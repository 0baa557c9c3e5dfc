"""`INSERT ... ON CONFLICT DO NOTHING` on both SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Base


async def insert_if_absent(
    session: AsyncSession, model: type[Base], values: dict[str, Any]
) -> bool:
    """Insert one row unless a unique key already holds it; True when this call inserted it."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    result = await session.execute(insert(model).values(**values).on_conflict_do_nothing())
    return bool(getattr(result, "rowcount", 0) == 1)


async def add_counts(
    session: AsyncSession, model: type[Base], key: dict[str, Any], counts: dict[str, int]
) -> None:
    """Insert a row of counters, or add `counts` to the row already holding `key` (atomic)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(model).values(**key, **counts)
    table = model.__table__
    statement = statement.on_conflict_do_update(
        index_elements=[c for c in key if c != "team_id"],
        set_={name: table.c[name] + statement.excluded[name] for name in counts},
    )
    await session.execute(statement)
