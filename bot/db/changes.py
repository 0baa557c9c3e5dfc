"""Which workspaces' rows may have changed: the freshness check behind cached replies.

A `Stamp` is taken before a reply is worked out and compared when it is about to be reused: a
different stamp means some commit may have changed what the reply read, so it is worked out
again. Three things move the stamp:

- **This process's commits.** Every session of the `Database` is watched: a flush, or any
  statement other than a SELECT that changed a row (or cannot tell), marks the session as
  having written (the planner's idle UPDATEs that match nothing do not); its commit then moves
  its workspace's number (a session of no single workspace, such as the scheduler's batch,
  moves every workspace's).
- **Other processes on a SQLite file.** `PRAGMA data_version` on a connection of our own
  changes whenever any other connection commits: the console, the CLI, a second bot.
- **Other replicas on PostgreSQL.** A writing transaction sends `NOTIFY coach_changes` with
  its workspace; each replica listens on one connection of its own and moves that workspace's
  number when the notification arrives (PostgreSQL delivers it on commit only). The payload
  names the sending process too, so a replica skips its own notifications: it counted those
  commits already, and hearing them a moment later would drop replies kept since. While the
  listener is not connected there is no stamp, so nothing is reused.

Without any of these (an in-memory SQLite database, PostgreSQL before `listen()`), `stamp`
is None and callers work every reply out afresh.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import sqlite3
from collections.abc import Iterable
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

log = logging.getLogger(__name__)

EVERYWHERE = "*"
"""The workspace of a change whose workspace is not known: every workspace's replies go."""
CHANNEL = "coach_changes"
TEAM_KEY, WROTE_KEY = "team_id", "coach_wrote"  # keys in `Session.info`
UNSEEN = "coach_unseen"
"""An execution option for a write that no reply shows (the planner's watermark): it moves
no stamp. Give it only to a statement whose columns no read-only use case reads."""
FIRST_RETRY, LONGEST_RETRY = 0.5, 8.0  # seconds between the listener's reconnects

Stamp = tuple[int, int, int]
"""(changes everywhere, changes of the workspace, the outside marker) at one moment."""


class Changes:
    """Counts commits per workspace, from this process and from outside it."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._everywhere = 0
        self._teams: dict[str, int] = {}
        url = engine.url
        self._postgres = url.get_backend_name() == "postgresql"
        self._sqlite = _SqliteMarker(url.database) if url.get_backend_name() == "sqlite" else None
        self._listener: _Listener | None = None
        self._engine = engine
        self._waiting: list[asyncio.Future[None]] = []
        self.origin = secrets.token_hex(8)
        """Who this process is in its notifications' payloads (`payload`, `heard`)."""

    def session_class(self) -> type[Session]:
        """A `Session` class whose sessions report their commits here."""
        watched: type[Session] = type("WatchedSession", (Session,), {})
        _watch(watched, self)
        return watched

    def stamp(self, team_id: str) -> Stamp | None:
        """Where `team_id`'s changes stand now; None when changes from outside this process
        cannot be seen (then nothing may be reused)."""
        if self._sqlite is not None:
            outside = self._sqlite.version()
        elif self._listener is not None:
            outside = self._listener.connections
        else:
            outside = None
        if outside is None:
            return None
        return self._everywhere, self._teams.get(team_id, 0), outside

    def changed(self, teams: Iterable[str]) -> None:
        """Commits changed `teams` (`EVERYWHERE`: any workspace)."""
        for team in teams:
            if team == EVERYWHERE or not team:
                self._everywhere += 1
            else:
                self._teams[team] = self._teams.get(team, 0) + 1
        self.wake()

    def payload(self, team_id: str) -> str:
        """What a commit of `team_id`'s rows tells the other replicas."""
        return f"{self.origin} {team_id}"

    def heard(self, payload: str) -> None:
        """A notification arrived: another replica's commit moves its workspace's number; this
        process's own was counted when it committed. A payload without an origin (an older
        version of the bot) counts as another replica's."""
        origin, _, team = payload.rpartition(" ")
        if origin != self.origin:
            self.changed([team])

    def wake(self) -> None:
        """Let `moved` look again (a change, the listener connecting or dropping)."""
        waiting, self._waiting = self._waiting, []
        for waiter in waiting:
            if not waiter.done():
                waiter.set_result(None)

    async def moved(self, team_id: str, since: Stamp | None) -> None:
        """Return once `team_id`'s stamp is no longer `since`: how a test or a benchmark waits
        for another replica's notification without sleeping."""
        while self.stamp(team_id) == since:
            waiter = asyncio.get_running_loop().create_future()
            self._waiting.append(waiter)
            await waiter

    @property
    def announces(self) -> bool:
        """True when a writing transaction must tell other replicas (PostgreSQL)."""
        return self._postgres

    async def listen(self) -> None:
        """Hear other replicas' commits (PostgreSQL; nothing to do on SQLite)."""
        if self._postgres and self._listener is None:
            self._listener = _Listener(self._engine, self)
            await self._listener.start()

    async def close(self) -> None:
        """Stop listening and let go of the marker's connection."""
        if self._listener is not None:
            await self._listener.stop()
            self._listener = None
        if self._sqlite is not None:
            self._sqlite.close()


def _team_of(session: Session) -> str:
    team = session.info.get(TEAM_KEY)
    return team if isinstance(team, str) and team else EVERYWHERE


def _watch(session_class: type[Session], changes: Changes) -> None:
    """Mark a session that wrote; count its commit, and announce it on PostgreSQL."""

    def flushed(session: Session, _context: Any) -> None:
        session.info[WROTE_KEY] = True

    def executed(state: ORMExecuteState) -> Any:
        if state.is_select or state.execution_options.get(UNSEEN):
            return None  # run as usual
        result = state.invoke_statement()
        if getattr(result, "rowcount", -1) != 0:  # -1: unknown (executemany), so a write
            state.session.info[WROTE_KEY] = True
        return result

    def committing(session: Session) -> None:
        pending = session.new or session.dirty or session.deleted
        if changes.announces and (pending or session.info.get(WROTE_KEY)):
            session.execute(
                text("SELECT pg_notify(:channel, :team)"),
                {"channel": CHANNEL, "team": changes.payload(_team_of(session))},
            )

    def committed(session: Session) -> None:
        if session.info.pop(WROTE_KEY, False):
            changes.changed([_team_of(session)])

    def ended(session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None:
            session.info.pop(WROTE_KEY, None)

    event.listen(session_class, "after_flush", flushed)
    event.listen(session_class, "do_orm_execute", executed)
    event.listen(session_class, "before_commit", committing)
    event.listen(session_class, "after_commit", committed)
    event.listen(session_class, "after_transaction_end", ended)


class _SqliteMarker:
    """`PRAGMA data_version` of a connection that only asks it: a number that changes after
    any other connection's commit (a few microseconds, and it never waits on a writer)."""

    def __init__(self, path: str | None) -> None:
        self._path = path if path and path != ":memory:" else None
        self._connection: sqlite3.Connection | None = None

    def version(self) -> int | None:
        if self._path is None:
            return None
        try:
            if self._connection is None:
                self._connection = sqlite3.connect(self._path)
            found = self._connection.execute("PRAGMA data_version").fetchone()
        except sqlite3.Error:
            self.close()
            return None
        return int(found[0])

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class _Listener:
    """One connection of the engine's, held to LISTEN for other replicas' commits; reconnects
    with back-off when it drops. `connections` counts the connections made (so a reconnect,
    which may have missed notifications, is a change), None while there is none."""

    def __init__(self, engine: AsyncEngine, changes: Changes) -> None:
        self._engine, self._changes = engine, changes
        self._connection: AsyncConnection | None = None
        self._made = 0
        self._live = False
        self._lost = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def connections(self) -> int | None:
        return self._made if self._live else None

    async def start(self) -> None:
        """Connect (or, when that fails, keep trying in the background)."""
        try:
            await self._connect()
        except Exception as error:  # the database may come later: nothing is reused until then
            log.warning("change listener: %s; retrying", type(error).__name__)
            self._lost.set()
        self._task = asyncio.create_task(self._keep())

    async def _connect(self) -> None:
        connection = await self._engine.connect()
        raw = (await connection.get_raw_connection()).driver_connection
        assert raw is not None
        await raw.add_listener(CHANNEL, self._heard)
        raw.add_termination_listener(self._terminated)
        self._connection, self._lost = connection, asyncio.Event()
        self._made += 1
        self._live = True
        self._changes.wake()
        log.info("listening for other replicas' changes on %s", CHANNEL)

    def _heard(self, _connection: Any, _pid: int, _channel: str, payload: str) -> None:
        self._changes.heard(payload)

    def _terminated(self, _connection: Any) -> None:
        self._live = False
        self._lost.set()
        self._changes.wake()

    async def _keep(self) -> None:
        delay = FIRST_RETRY
        while True:
            await self._lost.wait()
            await self._drop()
            try:
                await self._connect()
                delay = FIRST_RETRY
            except Exception as error:  # refused, DNS, auth: try again later, reuse nothing
                log.warning("change listener: %s; retrying in %.1f s", type(error).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, LONGEST_RETRY)

    async def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                await connection.invalidate()

    async def stop(self) -> None:
        self._live = False
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                await connection.close()
