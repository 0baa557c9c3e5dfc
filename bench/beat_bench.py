"""Throughput and query counts of the beat: the planner (`plan_due`) and the dispatcher.

Run: .venv/bin/python bench/beat_bench.py [--coalitions 10000] [--backend sqlite|postgresql|both]
     [--hours 24]   (a shorter simulated day for a quick run; the full default takes ~30 min)

For each backend it builds a fresh, migrated database (SQLite in a temp dir; PostgreSQL as
`coach_bench_<pid>` on 127.0.0.1:5432, dropped at the end), seeds N synthetic coalitions with
bulk inserts, and with a manual clock from Tuesday 2026-03-03 07:00 UTC measures:

  (a) the first planner tick after seeding, (b) a steady-state planner tick 20 s later,
  (c) dispatcher ticks at that same moment until one handles nothing, and
  (d) a simulated day in 15-minute steps: plan, then dispatch until drained, at every step.

Every SQL statement sent to the driver is counted (`before_cursor_execute`). Finally phase (b)
runs again on a fresh database with N/10 coalitions: a batched planner issues the same number
of statements whatever N is.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import itertools
import os
import platform
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import sqlalchemy
from sqlalchemy import event, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import ManualClock
from bot.db.beat_models import Nudge
from bot.db.migrate import upgrade
from bot.db.models import Coalition, Member, Workspace
from bot.db.uow import Database
from bot.outcome import Post, ToUser
from bot.ports import Messenger, OneWorkspace
from bot.scheduling.dispatch import BATCH, Dispatcher, TickReport
from bot.scheduling.plan import plan_due
from bot.wiring import load_content

CONTENT = functools.cache(load_content)  # the programme and guide, loaded once
PG_SERVER = os.environ.get("BENCH_POSTGRES", "postgres@127.0.0.1:5432")
START = datetime(2026, 3, 3, 7, 0, tzinfo=UTC)  # a Tuesday morning
SEED = 20260303
PER_WORKSPACE = 100
ZONES = ("Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC")
HOURS = "09:00-17:00"
ROWS_PER_INSERT = 1000
STEADY_GAP = timedelta(seconds=20)  # the timer's tick
DAY_STEP = timedelta(minutes=15)
DAY_HOURS = 24
MAX_TICKS = 10_000  # a drain that never ends is a bug, not a benchmark


# ---------------------------------------------------------------------------------------------
# Instruments: a statement counter and a messenger that only counts


class StatementCounter:
    """Counts the statements an engine sends to its driver, with a label per statement."""

    def __init__(self, db: Database) -> None:
        self.engine = db.engine.sync_engine
        self.count = 0
        self.labels: Counter[str] = Counter()
        event.listen(self.engine, "before_cursor_execute", self._seen)

    def _seen(
        self,
        _conn: Any,
        _cursor: Any,
        statement: str,
        _parameters: Any,
        _context: Any,
        _executemany: bool,
    ) -> None:
        self.count += 1
        self.labels[label(statement)] += 1

    def reset(self) -> None:
        """Start counting from zero."""
        self.count = 0
        self.labels = Counter()

    def close(self) -> None:
        """Stop listening."""
        event.remove(self.engine, "before_cursor_execute", self._seen)


def label(statement: str) -> str:
    """`UPDATE coalitions`, `SELECT members`...: the verb and the first table named."""
    words = statement.replace("(", " ").replace(",", " ").split()
    if not words:
        return "?"
    verb = words[0].upper()
    for before, after in itertools.pairwise(words):
        if before.upper() in ("FROM", "INTO", "UPDATE"):
            return f"{verb} {after.strip(chr(34)).lower()}"
    return verb


class CountingMessenger:
    """The `Messenger` port doing nothing but counting."""

    def __init__(self) -> None:
        self.sent = 0
        self.direct = 0
        self.uploads = 0
        self.uploaded_bytes = 0

    async def send(self, post: Post) -> str | None:
        """Count the post; a fake Slack `ts`."""
        self.sent += 1
        self.direct += isinstance(post.to, ToUser)
        return f"{1_772_500_000 + self.sent}.000100"

    async def upload(self, channel_id: str, filename: str, content: bytes, title: str) -> str:
        """Count the file and its bytes."""
        self.uploads += 1
        self.uploaded_bytes += len(content)
        return f"F{self.uploads:08d}"

    async def timezone(self, user_id: str) -> str | None:
        """Unknown."""
        return None

    async def was_posted(self, channel_id: str, tag: str, since: float) -> bool | None:
        """Cannot tell."""
        return None


# ---------------------------------------------------------------------------------------------
# Databases


async def _pg_admin(sql: str) -> None:
    conn = await asyncpg.connect(f"postgresql://{PG_SERVER}/test")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextmanager
def fresh_database(backend: str, suffix: str = "") -> Iterator[str]:
    """The URL of an empty, migrated database, removed afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="coach_bench_") as folder:
            url = f"sqlite+aiosqlite:///{Path(folder) / 'coach.db'}"
            upgrade(url)
            yield url
        return
    name = f"coach_bench_{os.getpid()}{suffix}"
    asyncio.run(_pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    asyncio.run(_pg_admin(f"CREATE DATABASE {name}"))
    try:
        url = f"postgresql+asyncpg://{PG_SERVER}/{name}"
        upgrade(url)
        yield url
    finally:
        asyncio.run(_pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@dataclass(frozen=True)
class Seeded:
    """What the seed put in the database."""

    workspaces: int
    coalitions: int
    members: int
    seconds: float


async def _insert_chunks(conn: AsyncConnection, model: Any, rows: Sequence[dict[str, Any]]) -> None:
    for start in range(0, len(rows), ROWS_PER_INSERT):
        await conn.execute(insert(model).values(list(rows[start : start + ROWS_PER_INSERT])))


async def seed(db: Database, coalitions: int) -> Seeded:
    """N coalitions (100 per workspace) of 3-5 active members, deadlines 5-90 days ahead."""
    began = time.perf_counter()
    rng = random.Random(SEED)
    created = START - timedelta(hours=1)
    workspaces = [
        {"team_id": f"T{w:06d}", "created_at": created}
        for w in range((coalitions + PER_WORKSPACE - 1) // PER_WORKSPACE)
    ]
    coalition_rows: list[dict[str, Any]] = []
    member_rows: list[dict[str, Any]] = []
    for number in range(1, coalitions + 1):
        team = f"T{(number - 1) // PER_WORKSPACE:06d}"
        coalition_rows.append(
            {
                "id": number,
                "team_id": team,
                "channel_id": f"C{number:08d}",
                "created_at": created,
                "current_step": "coalition",
                "deadline_on": START.date() + timedelta(days=rng.randint(5, 90)),
                "deadline_event": "Peak",
                "tz": "UTC",
                "muted": False,
                "checkin_day": 1,
                "digest_day": 0,
                "near_weeks": 6,
                "final_weeks": 2,
                "planned_through": created,
            }
        )
        size = rng.randint(3, 5)
        roles = ["lead", "pm"] + ["member"] * (size - 2)
        for seat, role in enumerate(roles):
            member_rows.append(
                {
                    "team_id": team,
                    "coalition_id": number,
                    "user_id": f"U{number:08d}{seat}",
                    "role": role,
                    "tz": rng.choice(ZONES),
                    "hours": HOURS,
                    "tz_checked": True,
                    "joined_at": created,
                }
            )
    async with db.engine.begin() as conn:
        await _insert_chunks(conn, Workspace, workspaces)
        await _insert_chunks(conn, Coalition, coalition_rows)
        await _insert_chunks(conn, Member, member_rows)
        if conn.dialect.name == "postgresql":  # explicit ids: move the sequence past them
            await conn.execute(
                text("SELECT setval(pg_get_serial_sequence('coalitions', 'id'), :n)"),
                {"n": coalitions},
            )
    if db.engine.dialect.name == "postgresql":  # as autovacuum would soon after a bulk load
        async with db.engine.connect() as conn:
            await (await conn.execution_options(isolation_level="AUTOCOMMIT")).execute(
                text("ANALYZE")
            )
    return Seeded(len(workspaces), coalitions, len(member_rows), time.perf_counter() - began)


async def outbox_statuses(db: Database) -> dict[str, int]:
    """How many nudges stand in each status."""
    async with db.sessions() as session:
        rows = await session.execute(select(Nudge.status, func.count()).group_by(Nudge.status))
        return {status: int(n) for status, n in rows}


# ---------------------------------------------------------------------------------------------
# Phases


@dataclass(frozen=True)
class PlannerTick:
    """One `plan_due` call."""

    seconds: float
    statements: int
    added: int
    labels: Counter[str]


@dataclass
class Drain:
    """Dispatcher ticks at one moment until a tick handles nothing."""

    ticks: int = 0
    seconds: float = 0.0
    statements: int = 0
    sent: int = 0
    deferred: int = 0
    skipped: int = 0
    largest: int = 0  # the most nudges one tick handled (a claim takes at most BATCH)

    def add(self, other: Drain) -> None:
        """Accumulate another drain."""
        self.largest = max(self.largest, other.largest)
        self.ticks += other.ticks
        self.seconds += other.seconds
        self.statements += other.statements
        self.sent += other.sent
        self.deferred += other.deferred
        self.skipped += other.skipped

    @property
    def statements_per_tick(self) -> float:
        """Mean statements per tick."""
        return self.statements / max(self.ticks, 1)

    @property
    def rate(self) -> float:
        """Messages sent per second of dispatcher time."""
        return self.sent / self.seconds if self.seconds else 0.0


@dataclass
class Day:
    """The simulated day."""

    steps: int = 0
    seconds: float = 0.0
    planner_seconds: list[float] = field(default_factory=list)
    planner_statements: list[int] = field(default_factory=list)
    planned: int = 0
    dispatch: Drain = field(default_factory=Drain)
    busiest: tuple[str, int, float] = ("", 0, 0.0)  # step time, sent, dispatcher seconds


def _handled(report: TickReport) -> int:
    return (
        report.sent
        + report.deferred
        + report.skipped
        + report.failed
        + report.ambiguous
        + report.reconciled
    )


async def planner_tick(db: Database, counter: StatementCounter, now: datetime) -> PlannerTick:
    """Time and count one planner tick."""
    counter.reset()
    began = time.perf_counter()
    added = await plan_due(db, CONTENT(), now)
    seconds = time.perf_counter() - began
    return PlannerTick(seconds, counter.count, added, counter.labels)


async def drain(dispatcher: Dispatcher, counter: StatementCounter) -> Drain:
    """Tick at the clock's current time until a tick handles nothing (that tick counts too)."""
    result = Drain()
    while result.ticks < MAX_TICKS:
        counter.reset()
        began = time.perf_counter()
        report = await dispatcher.tick()
        result.seconds += time.perf_counter() - began
        result.statements += counter.count
        result.ticks += 1
        result.sent += report.sent
        result.deferred += report.deferred
        result.skipped += report.skipped
        result.largest = max(result.largest, _handled(report))
        if _handled(report) == 0:
            return result
    raise RuntimeError(f"the dispatcher was still busy after {MAX_TICKS} ticks")


async def simulate_day(
    db: Database,
    dispatcher: Dispatcher,
    clock: ManualClock,
    counter: StatementCounter,
    hours: int,
) -> Day:
    """Every 15 minutes for `hours` hours: plan, then dispatch until drained."""
    day = Day()
    began = time.perf_counter()
    for _ in range(hours * 4):
        clock.advance(DAY_STEP)
        tick = await planner_tick(db, counter, clock.now())
        day.planner_seconds.append(tick.seconds)
        day.planner_statements.append(tick.statements)
        day.planned += tick.added
        step = await drain(dispatcher, counter)
        day.dispatch.add(step)
        if step.sent > day.busiest[1]:
            day.busiest = (clock.now().strftime("%a %H:%M"), step.sent, step.seconds)
        day.steps += 1
        if day.steps % 4 == 0:  # progress on stderr, once per simulated hour
            print(
                f"  {clock.now():%a %H:%M} UTC: planner {_ms(tick.seconds)},"
                f" {day.dispatch.sent:,} sent so far, {_ms(time.perf_counter() - began)} elapsed",
                file=sys.stderr,
                flush=True,
            )
    day.seconds = time.perf_counter() - began
    return day


@dataclass
class BackendRun:
    """Everything measured on one backend."""

    backend: str
    server: str
    seeded: Seeded
    first: PlannerTick
    steady: PlannerTick
    dispatch: Drain
    day: Day
    outbox: dict[str, int]
    messenger: CountingMessenger
    seconds: float
    small: PlannerTick | None = None
    small_n: int = 0


async def _server_version(db: Database) -> str:
    async with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            version = await conn.scalar(text("SHOW server_version"))
            return f"PostgreSQL {version}"
        return f"SQLite {sqlite3.sqlite_version}"


async def measure(url: str, backend: str, coalitions: int, hours: int) -> BackendRun:
    """Seed, then phases (a) to (d)."""
    began = time.perf_counter()
    db = Database(url)
    try:
        server = await _server_version(db)  # also opens the pooled connection before counting
        seeded = await seed(db, coalitions)
        clock = ManualClock(START)
        messenger = CountingMessenger()
        port: Messenger = messenger
        dispatcher = Dispatcher(db, OneWorkspace(port), clock, CONTENT(), "bench-worker")
        counter = StatementCounter(db)
        first = await planner_tick(db, counter, clock.now())
        clock.advance(STEADY_GAP)
        steady = await planner_tick(db, counter, clock.now())
        dispatch = await drain(dispatcher, counter)
        day = await simulate_day(db, dispatcher, clock, counter, hours)
        counter.close()
        outbox = await outbox_statuses(db)
    finally:
        await db.dispose()
    return BackendRun(
        backend,
        server,
        seeded,
        first,
        steady,
        dispatch,
        day,
        outbox,
        messenger,
        time.perf_counter() - began,
    )


async def steady_only(url: str, coalitions: int) -> PlannerTick:
    """Phase (b) alone: seed, a first planner tick, and the measured one 20 s later."""
    db = Database(url)
    try:
        await _server_version(db)
        await seed(db, coalitions)
        counter = StatementCounter(db)
        await plan_due(db, CONTENT(), START)
        steady = await planner_tick(db, counter, START + STEADY_GAP)
        counter.close()
    finally:
        await db.dispose()
    return steady


def run_backend(backend: str, coalitions: int, hours: int) -> BackendRun:
    """All phases at N, then phase (b) at N/10, each on its own fresh database."""
    print(f"[{backend}] seeding {coalitions:,} coalitions and measuring...", file=sys.stderr)
    with fresh_database(backend) as url:
        run = asyncio.run(measure(url, backend, coalitions, hours))
    small_n = max(coalitions // 10, 1)
    print(f"[{backend}] steady planner tick at {small_n:,} coalitions...", file=sys.stderr)
    with fresh_database(backend, f"_n{small_n}") as url:
        run.small = asyncio.run(steady_only(url, small_n))
    run.small_n = small_n
    return run


# ---------------------------------------------------------------------------------------------
# Report


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def _commit() -> str:
    try:
        found = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return found.stdout.strip()


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def _labels(counts: Counter[str]) -> str:
    return ", ".join(f"{n} x {name}" for name, n in sorted(counts.items()))


def report(run: BackendRun, coalitions: int) -> str:
    """A markdown table of one backend's figures."""
    s, d = run.seeded, run.day
    mean_plan = statistics.fmean(d.planner_seconds)
    plan_statements = statistics.fmean(d.planner_statements)
    lines = [
        f"### {run.backend} ({run.server}), N = {coalitions:,} coalitions",
        "",
        "| Phase | Time | SQL statements | Nudges | Notes |",
        "|---|---:|---:|---:|---|",
        f"| seed | {_ms(s.seconds)} | | | {s.workspaces:,} workspaces, {s.coalitions:,}"
        f" coalitions, {s.members:,} members |",
        f"| (a) first planner tick | {_ms(run.first.seconds)} | {run.first.statements}"
        f" | {run.first.added:,} added | window 06:00-07:00 UTC |",
        f"| (b) steady planner tick (+20 s) | {_ms(run.steady.seconds)}"
        f" | {run.steady.statements} | {run.steady.added:,} added"
        f" | {_labels(run.steady.labels)} |",
        f"| (c) dispatcher drain at same now | {_ms(run.dispatch.seconds)}"
        f" | {run.dispatch.statements_per_tick:,.1f} / tick | {run.dispatch.sent:,} sent"
        f" | {run.dispatch.ticks} ticks, {run.dispatch.rate:,.0f} sends/s,"
        f" largest tick {run.dispatch.largest:,} (BATCH {BATCH}) |",
        f"| (d) simulated {d.steps / 4:g} h, {d.steps} x 15 min | {_ms(d.seconds)} wall"
        f" | {plan_statements:,.1f} / planner tick | {d.dispatch.sent:,} sent"
        f" | planner {_ms(mean_plan)} mean, {_ms(max(d.planner_seconds))} max per step;"
        f" {d.planned:,} planned |",
        f"| (d) … its dispatcher ticks | {_ms(d.dispatch.seconds)}"
        f" | {d.dispatch.statements_per_tick:,.1f} / tick | {d.dispatch.sent:,} sent"
        f" | {d.dispatch.ticks:,} ticks, {d.dispatch.rate:,.0f} sends/s,"
        f" largest tick {d.dispatch.largest:,} (BATCH {BATCH}),"
        f" {d.dispatch.deferred:,} deferred, {d.dispatch.skipped:,} skipped;"
        f" busiest step {d.busiest[0]} UTC: {d.busiest[1]:,} sent in {_ms(d.busiest[2])} |",
        "",
        f"Outbox after the day: {', '.join(f'{k} {v:,}' for k, v in sorted(run.outbox.items()))};"
        f" messenger: {run.messenger.sent:,} sends ({run.messenger.direct:,} DMs),"
        f" {run.messenger.uploads} uploads ({run.messenger.uploaded_bytes:,} bytes)."
        f" Backend total {_ms(run.seconds)}.",
    ]
    return "\n".join(lines)


def independence(run: BackendRun, coalitions: int) -> str:
    """Whether the steady planner tick's statement count is the same at N and N/10."""
    assert run.small is not None
    big, small = run.steady.statements, run.small.statements
    if big == small:
        return (
            f"{run.backend}: planner statements per tick are independent of N"
            f" ({big} at N={coalitions:,} and at N={run.small_n:,}): batched, not per coalition."
        )
    grew = {
        name: (run.small.labels.get(name, 0), n)
        for name, n in run.steady.labels.items()
        if n != run.small.labels.get(name, 0)
    }
    detail = "; ".join(f"{name}: {a} -> {b}" for name, (a, b) in sorted(grew.items()))
    return (
        f"{run.backend}: planner statements per tick DEPEND on N: {small} at N={run.small_n:,}"
        f" vs {big} at N={coalitions:,} ({detail})."
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--coalitions", type=int, default=10_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--hours", type=int, default=DAY_HOURS, help="length of the simulated day (phase d)"
    )
    args = parser.parse_args(argv)
    coalitions: int = args.coalitions
    hours: int = args.hours
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    # SIGTERM unwinds like Ctrl-C, so the temp dir and the PostgreSQL database are removed
    signal.signal(signal.SIGTERM, _terminated)
    began = time.perf_counter()
    print("## Beat benchmark")
    print()
    print(
        f"Machine: {os.cpu_count()} CPUs, {platform.platform()};"
        f" Python {platform.python_version()};"
        f" SQLAlchemy {sqlalchemy.__version__}; clock from {START:%a %Y-%m-%d %H:%M} UTC;"
        f" seed {SEED}; code at commit {_commit()}."
        f" Load average (1/5/15 min) at the start: {_load()}"
        " (other work on the machine slows every figure).",
        flush=True,
    )
    runs = []
    for backend in backends:  # each table is printed as soon as its backend is done
        run = run_backend(backend, coalitions, hours)
        runs.append(run)
        print()
        print(report(run, coalitions), flush=True)
    print()
    for run in runs:
        print(independence(run, coalitions))
    print()
    print(f"Total run time: {_ms(time.perf_counter() - began)}; load average at the end {_load()}.")
    return 0


def _terminated(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    sys.exit(main())
