"""The one place that builds the engine and session factory."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


def is_sqlite(url: str) -> bool:
    """True for a SQLite database URL."""
    return url.startswith("sqlite")


def make_engine(url: str) -> AsyncEngine:
    """An async engine; SQLite gets foreign keys, WAL and a busy timeout.

    Statement parameters hold check-in and deadline text: `hide_parameters` keeps them out of
    SQLAlchemy's DEBUG log and out of the messages of the errors it raises.
    """
    if not is_sqlite(url):
        return create_async_engine(url, pool_pre_ping=True, hide_parameters=True)
    # aiosqlite logs every call it runs, parameters and all, at DEBUG.
    logging.getLogger("aiosqlite").setLevel(logging.INFO)
    engine = create_async_engine(url, connect_args={"timeout": 15}, hide_parameters=True)

    @event.listens_for(engine.sync_engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()

    return engine


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


async def ping(engine: AsyncEngine) -> bool:
    """True when the database answers a trivial query."""
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception:  # any failure means "not healthy"; the caller reports it
        return False
    return True
