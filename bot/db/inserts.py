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
