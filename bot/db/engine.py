"""The one place that builds the engine and session factory."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import event, make_url, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session

RECYCLE_SECONDS = 1800


def is_sqlite(url: str) -> bool:
    """True for a SQLite database URL."""
    return url.startswith("sqlite")


def make_engine(url: str) -> AsyncEngine:
    """An async engine; SQLite gets foreign keys, WAL and a busy timeout.

    Statement parameters hold check-in and deadline text: `hide_parameters` keeps them out of
    SQLAlchemy's DEBUG log and out of the messages of the errors it raises.

    No `pool_pre_ping` on PostgreSQL: it cost a round trip on every checkout, so on every
    request. A connection the server dropped fails one request (answered with the short error
    reply, nothing changed) and SQLAlchemy then replaces the pool's stale connections;
    `pool_recycle` retires connections before a server or proxy idle limit cuts them.
    """
    if not is_sqlite(url):
        return create_async_engine(url, pool_recycle=RECYCLE_SECONDS, hide_parameters=True)
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


def make_sessionmaker(
    engine: AsyncEngine, session_class: type[Session] = Session
) -> async_sessionmaker[AsyncSession]:
    """Sessions (of `session_class`) that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False, sync_session_class=session_class)


async def ping(engine: AsyncEngine) -> bool:
    """True when the database answers a trivial query."""
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception:  # any failure means "not healthy"; the caller reports it
        return False
    return True


UNREACHABLE = "unreachable"
Revision = str | None
"""The database's Alembic revision: None when it has none (never migrated), `UNREACHABLE`
when the database did not answer."""


async def schema_revision(engine: AsyncEngine) -> Revision:
    """The revision in `alembic_version`, None without one, `UNREACHABLE` when nothing answers."""
    reached = False
    try:
        async with engine.connect() as conn:
            reached = True
            found = await conn.scalar(text("SELECT version_num FROM alembic_version"))
    except Exception:  # before `reached`: refused, DNS, auth, timeout: not answering; after:
        # no such table (never migrated), or the connection died: not ready either way
        return None if reached else UNREACHABLE
    return str(found) if found else None


def shown_url(url: str) -> str:
    """The database URL with its password masked, fit for a log line or an error message."""
    return make_url(url).render_as_string(hide_password=True)


class DatabaseUnreachable(Exception):
    """The database did not answer within the start-up wait."""

    def __init__(self, url: str, tries: int, waited: float, reason: str) -> None:
        super().__init__(
            f"database unreachable at {shown_url(url)} after {tries} "
            f"{'try' if tries == 1 else 'tries'} in {waited:.0f} s "
            f"({reason})"
        )


FIRST_RETRY, LONGEST_RETRY = 0.5, 8.0  # seconds: the back-off doubles from one to the other


async def wait_for_database(
    url: str,
    budget: float,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    now: Callable[[], float] = time.monotonic,
) -> None:
    """Return once the database answers; retry with back-off for `budget` seconds, then raise
    `DatabaseUnreachable` (a database started alongside the bot may take a while to accept)."""
    engine = make_engine(url)
    started, delay, tries = now(), FIRST_RETRY, 0
    try:
        while True:
            tries += 1
            try:
                async with engine.connect() as conn:
                    await conn.execute(text("SELECT 1"))
                return
            except Exception as error:  # refused, DNS, auth, timeout: all mean "not yet usable"
                reason = type(getattr(error, "orig", None) or error).__name__
            left = budget - (now() - started)
            if left <= 0:
                raise DatabaseUnreachable(url, tries, now() - started, reason)
            await sleep(min(delay, left))
            delay = min(delay * 2, LONGEST_RETRY)
    finally:
        await engine.dispose()
