"""Shared fixtures: every database test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text

from bot.clock import ManualClock
from bot.db.migrate import upgrade
from bot.db.schema import Base
from bot.db.uow import Database
from tests.postgres import REQUIRED, Postgres, backend_summary, find_postgres

BACKENDS = ("sqlite", "postgresql")
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday morning
_postgres: list[Postgres] = []  # the session's server, found once (see tests/postgres.py)
_workers_postgres: list[Postgres] = []  # under pytest-xdist: what each worker found


def _pg_admin(sql: str) -> None:
    """Run one statement on the session's PostgreSQL admin database."""
    dsn = _postgres[0].admin_dsn

    async def run() -> None:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run())


def postgres_database_url(name: str) -> str:
    """The URL of database `name` on the session's PostgreSQL."""
    return _postgres[0].database_url(name)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Find PostgreSQL once, if a selected test needs it; without one, deselect those tests."""
    needing = [item for item in items if _needs_postgres(item)]
    if not needing:
        return
    found = find_postgres(throwaway=not REQUIRED)
    _postgres.append(found)
    if found.admin_dsn is not None:
        return
    if REQUIRED:
        pytest.exit(f"TEST_POSTGRES_REQUIRED=1, but {found.note}", returncode=1)
    # Deselected rather than skipped one by one: the reason is said once, in the summary line.
    config.hook.pytest_deselected(items=needing)
    items[:] = [item for item in items if not _needs_postgres(item)]


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Stop the throwaway PostgreSQL, if one was started; a worker tells the controller how it
    found PostgreSQL (or why not), so the summary line can say it once."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None and _postgres:
        workeroutput["postgres"] = (_postgres[0].admin_dsn is not None, _postgres[0].note)
    for found in _postgres:
        found.stop()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    """Under pytest-xdist, on the controller: keep what a finished worker found."""
    found = getattr(node, "workeroutput", {}).get("postgres")
    if found is not None:
        reachable, note = found
        _workers_postgres.append(Postgres("reachable" if reachable else None, note))


def _needs_postgres(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    parametrized = callspec is not None and callspec.params.get("database_url") == "postgresql"
    return parametrized or "postgres_url" in getattr(item, "fixturenames", ())


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped afterwards."""
    name = f"coach_test_{os.getpid()}"
    _pg_admin(f"DROP DATABASE IF EXISTS {name}")
    _pg_admin(f"CREATE DATABASE {name}")
    yield postgres_database_url(name)
    _pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database URL, once per backend."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'coach.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    upgrade(url)
    return url


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """The database, emptied after each test."""
    database = Database(database_url)
    yield database
    async with database.engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            await conn.execute(text(f"DELETE FROM {table.name}"))
    await database.dispose()


@pytest.fixture
def clock() -> ManualClock:
    """A clock that moves only when the test says so."""
    return ManualClock(START)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The checkout's root folder."""
    return Path(__file__).resolve().parents[1]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say how many database tests ran on each backend (and why PostgreSQL did not, if so)."""
    counts = dict.fromkeys(BACKENDS, 0)
    for report in terminalreporter.stats.get("passed", []):
        for backend in BACKENDS:
            if f"[{backend}" in report.nodeid or f"-{backend}]" in report.nodeid:
                counts[backend] += 1
    found = (_postgres or _workers_postgres or [None])[0]
    terminalreporter.write_line(backend_summary(counts, found))
