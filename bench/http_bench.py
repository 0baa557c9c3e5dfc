"""HTTP benchmark of the `/sre` slash command: the real bot against bare Bolt apps, over loopback.

Run: .venv/bin/python bench/http_bench.py [--requests 1000] [--concurrency 20] [--warmup 100]
                                          [--rounds 4] [--servers process|inproc] [--profile]

Targets, each on its own 127.0.0.1 port (aiohttp `AppRunner`/`TCPSite`, access log off as in
`bot/slack/runtime.py`), all sent the same form-encoded slash-command bodies, HMAC-signed per
request:

  a. floor         plain aiohttp handler: reads the body, verifies nothing, returns fixed JSON
  b. bolt-pbr      bare Bolt `AsyncApp(process_before_response=True)`, `/sre` acks a fixed text
  c. bolt-default  bare Bolt `AsyncApp()` (process_before_response=False), same listener
  d. bot-sqlite    `build_app` + `web_app`, fresh migrated SQLite file: `/sre help`, `/sre status`
  e. bot-pg        the same on a fresh PostgreSQL database `coach_http_bench_<pid>`: `/sre status`

Bolt apps and the bot talk to a local `tests.fakeslack.FakeSlack`; nothing leaves 127.0.0.1.
By default the servers run in one child process and the client in this one (`--servers
process`): the client's own work (0.4-1 ms of CPU per request, as measured here) then does not
run on the servers' event loop, so req/s is the server's and its CPU time per request can be
read apart from the client's. `--servers inproc` runs everything on one loop (sequential
latency is a little lower there, without the wake-up across processes; throughput of the Bolt
and bot targets is lower, as the client competes for the loop).

Per target: `--warmup` sequential and `--warmup` concurrent requests, then `--requests`
sequential ones (latency p50/p90/p99) and `--requests` over `--concurrency` workers (req/s),
split into `--rounds` rounds that interleave the targets, so a change in background load falls
on all of them. Afterwards the server times the bot's layers without HTTP (Bolt dispatch, router,
rendering, a bare unit of work) and, with `--profile`, profiles itself (cProfile) while it answers
sequential `/sre status` on SQLite. The default of 1,000 requests keeps a run near 4 minutes on
2 CPUs; `/sre status` answers only ~30-40 per second there.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import io
import multiprocessing
import os
import platform
import pstats
import sqlite3
import statistics
import sys
import tempfile
import time
import traceback
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from multiprocessing.connection import Connection
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for `tests.*` when run as a script

import aiohttp
import asyncpg  # type: ignore[import-untyped]
from aiohttp import web
from pydantic import SecretStr
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import event
from sqlalchemy import text as sql_text

from bot.clock import SystemClock
from bot.db.migrate import upgrade
from bot.db.uow import Database
from bot.doc import Doc
from bot.render.blocks import blocks, fallback
from bot.router import Router
from bot.services.request import Asker
from bot.settings import Settings
from bot.slack.app import build_app
from bot.slack.deps import SlackDeps
from bot.slack.server import EVENTS_PATH, web_app
from bot.wiring import load_content
from tests.fakeslack import TEAM_ID, FakeSlack
from tests.slackapp import SIGNING_SECRET, signature_headers

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
PG_SERVER = "postgres@127.0.0.1:5432"
BOT_TOKEN = "xoxb-bench-token"
FORM = "application/x-www-form-urlencoded"
BARE_REPLY = "bare bolt ack"
FLOOR_REPLY = {"response_type": "ephemeral", "text": "fixed floor reply"}
USER, CHANNEL = "U1", "C1"
WHERE = {"process": "one child process, client in this one", "inproc": "on the client's loop"}
PROFILED_REQUESTS = 500
BREAKDOWN_CALLS = 300  # per step of the in-server breakdown
REPLY_TIMEOUT = 300.0  # seconds the client waits for the server process to answer a command

FLOOR, BOLT_PBR, BOLT_DEFAULT, BOT_SQLITE, BOT_PG = (
    "floor",
    "bolt-pbr",
    "bolt-default",
    "bot-sqlite",
    "bot-pg",
)


@dataclass(frozen=True)
class Case:
    """One row of the table: a server and the `/sre` text sent to it."""

    label: str
    server: str
    text: str
    expect: bytes
    """Every 200 answer must contain this, or it counts as an error."""


CASES = (
    Case("a. floor: plain aiohttp, fixed JSON", FLOOR, "status", b"fixed floor reply"),
    Case("b. bare Bolt, process_before_response=True", BOLT_PBR, "status", BARE_REPLY.encode()),
    Case("c. bare Bolt, default (pbr=False)", BOLT_DEFAULT, "status", BARE_REPLY.encode()),
    Case("d. bot, SQLite: /sre help", BOT_SQLITE, "help", b"/sre status"),
    Case("d. bot, SQLite: /sre status", BOT_SQLITE, "status", b"<@U1> (lead)"),
    Case("e. bot, PostgreSQL: /sre status", BOT_PG, "status", b"<@U1> (lead)"),
)


def command_body(text: str, response_url: str) -> str:
    """A `/sre` slash command, form-encoded the way Slack posts it."""
    return urlencode(
        {
            "token": "legacy",
            "team_id": TEAM_ID,
            "team_domain": "acme",
            "channel_id": CHANNEL,
            "channel_name": "sre",
            "user_id": USER,
            "user_name": USER.lower(),
            "command": "/sre",
            "text": text,
            "api_app_id": "A0001",
            "response_url": response_url,
            "trigger_id": "1337.42.abcd",
        }
    )


def signed(body: str) -> dict[str, str]:
    """Headers for `body`, signed now."""
    headers = signature_headers(body, int(time.time()), SIGNING_SECRET)
    headers["Content-Type"] = FORM
    return headers


# ---------------------------------------------------------------------------------- servers


def bare_bolt(fake: FakeSlack, *, process_before_response: bool) -> AsyncApp:
    """A Bolt app with nothing but a `/sre` listener that acks a fixed text."""
    app = AsyncApp(
        client=AsyncWebClient(token=BOT_TOKEN, base_url=fake.base_url),
        signing_secret=SIGNING_SECRET,
        process_before_response=process_before_response,
    )

    @app.command("/sre")
    async def sre(ack: AsyncAck) -> None:
        await ack(text=BARE_REPLY)

    return app


def bolt_web_app(app: AsyncApp) -> web.Application:
    """The same aiohttp front door as `bot.slack.server.web_app`, without the health check."""

    async def slack_events(request: web.Request) -> web.Response:
        bolt_response = await app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    server = web.Application()
    server.router.add_post(EVENTS_PATH, slack_events)
    return server


def floor_web_app() -> web.Application:
    """The floor: read the body, check nothing, answer a fixed JSON."""

    async def handle(request: web.Request) -> web.Response:
        await request.read()
        return web.json_response(FLOOR_REPLY)

    server = web.Application()
    server.router.add_post(EVENTS_PATH, handle)
    return server


async def p50_ms(step: Callable[[], Awaitable[object]], n: int) -> float:
    """Median wall time of `step` in ms, after a short warm-up."""
    for _ in range(min(50, n)):
        await step()
    times: list[float] = []
    for _ in range(n):
        start = time.perf_counter()
        await step()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def package_of(filename: str) -> str:
    """`sqlalchemy`, `bot`, `asyncio`, ... for a profiled function's file."""
    path = Path(filename)
    if "site-packages" in path.parts:
        return path.parts[path.parts.index("site-packages") + 1].removesuffix(".py")
    if ROOT in path.parents:
        return path.relative_to(ROOT).parts[0]
    if filename == "~":
        return "builtins (C)"
    parent = path.parent.name
    return f"stdlib {parent if parent.startswith(('asyncio', 'json', 'http')) else path.stem}"


def render(doc: Doc) -> Callable[[], Awaitable[object]]:
    """A step: the Block Kit and fallback text of `doc`, as the `/sre` listener renders them."""

    async def step() -> object:
        return (blocks(doc), fallback(doc))

    return step


class Servers:
    """Every target on its own loopback port, the fake Slack, and the bots' databases."""

    def __init__(self, sqlite_url: str, pg_url: str | None) -> None:
        self.sqlite_url, self.pg_url = sqlite_url, pg_url
        self.ports: dict[str, int] = {}
        self.response_url = ""
        self.bolt: dict[str, AsyncApp] = {}
        self.bots: dict[str, tuple[AsyncApp, SlackDeps, Database]] = {}
        self._stack = contextlib.AsyncExitStack()
        self._profile: cProfile.Profile | None = None

    async def __aenter__(self) -> Servers:
        try:
            await self._start()
        except BaseException:
            await self._stack.aclose()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._stack.aclose()

    async def _start(self) -> None:
        fake = await self._stack.enter_async_context(FakeSlack())
        self.fake, self.response_url = fake, fake.response_url
        self.bolt[BOLT_PBR] = bare_bolt(fake, process_before_response=True)
        self.bolt[BOLT_DEFAULT] = bare_bolt(fake, process_before_response=False)
        apps = {
            FLOOR: floor_web_app(),
            BOLT_PBR: bolt_web_app(self.bolt[BOLT_PBR]),
            BOLT_DEFAULT: bolt_web_app(self.bolt[BOLT_DEFAULT]),
        }
        content = await asyncio.to_thread(load_content)  # once, as `sre-coach run` does
        urls = {BOT_SQLITE: self.sqlite_url}
        if self.pg_url:
            urls[BOT_PG] = self.pg_url
        for name, url in urls.items():
            await asyncio.to_thread(upgrade, url)  # Alembic runs its own loop: not on this one
            db = Database(url)
            self._stack.push_async_callback(db.dispose)
            await db.changes.listen()  # as `sre-coach run` does (PostgreSQL: other replicas)
            settings = Settings(
                _env_file=None,  # type: ignore[call-arg]
                database_url=url,
                slack_bot_token=SecretStr(BOT_TOKEN),
                slack_signing_secret=SecretStr(SIGNING_SECRET),
                slack_api_base_url=fake.base_url,
            )
            app, deps = build_app(settings, Router(db, SystemClock(), content))
            self._stack.push_async_callback(deps.tasks.drain)
            self.bots[name] = (app, deps, db)
            apps[name] = web_app(app, db, SIGNING_SECRET)
        for name, application in apps.items():
            runner = web.AppRunner(application, access_log=None)
            await runner.setup()
            self._stack.push_async_callback(runner.cleanup)
            await web.TCPSite(runner, HOST, 0).start()
            self.ports[name] = int(runner.addresses[0][1])

    async def handle(self, command: str) -> Any:
        """A command from the client (directly, or over the pipe from the other process)."""
        if command == "setup":
            return {"ports": self.ports, "response_url": self.response_url}
        if command == "cpu":
            return time.process_time()  # every thread of this process (aiosqlite's too)
        if command == "settle":
            for _, deps, _ in self.bots.values():
                await deps.tasks.drain()
            return None
        if command == "profile_start":
            self._profile = cProfile.Profile()
            self._profile.enable()
            return None
        if command == "profile_stop":
            return self._profile_report()
        if command == "breakdown":
            return await self._breakdown()
        if command == "report":
            return {
                "web_api_calls": [c.method for c in self.fake.calls],
                "violations": list(self.fake.violations),
                "response_url_posts": len(self.fake.responses),
            }
        raise ValueError(f"unknown command {command!r}")

    def _profile_report(self) -> str:
        assert self._profile is not None
        self._profile.disable()
        out = io.StringIO()
        stats = pstats.Stats(self._profile, stream=out)
        self._profile = None
        raw: dict[tuple[str, int, str], tuple[int, int, float, float, Any]]
        raw = stats.stats  # type: ignore[attr-defined]
        by_package: dict[str, float] = {}
        for (filename, _, function), (_, _, self_time, _, _) in raw.items():
            owner = package_of(filename)
            if function == "<method 'poll' of 'select.epoll' objects>":
                owner = "idle: waiting in epoll (not CPU)"
            elif owner == "builtins (C)":
                owner = f"C: {function}"
            by_package[owner] = by_package.get(owner, 0.0) + self_time
        total = sum(by_package.values()) or 1.0
        out.write("Self time by package, C functions on their own (where the time went):\n\n")
        out.write("| package | self s | share |\n|---|---:|---:|\n")
        for owner, seconds in sorted(by_package.items(), key=lambda kv: -kv[1])[:18]:
            out.write(f"| {owner} | {seconds:.3f} | {seconds / total:.0%} |\n")
        out.write(
            "\nTop 25 functions by self time (cumulative times are unreliable for coroutines):\n"
        )
        stats.strip_dirs().sort_stats("tottime").print_stats(25)
        return out.getvalue()

    async def _breakdown(self, n: int = BREAKDOWN_CALLS) -> list[tuple[str, float | str]]:
        """The layers timed inside the server, without HTTP or the client (p50 ms)."""
        rows: list[tuple[str, float | str]] = []
        for name in (BOLT_PBR, BOLT_DEFAULT):
            step = self._dispatch(self.bolt[name], "status")
            rows.append((f"{name}: Bolt async_dispatch", await p50_ms(step, n)))
        for name, (app, deps, db) in self.bots.items():
            rows.extend(await self._bot_breakdown(name, app, deps, db, n))
        return rows

    def _dispatch(self, app: AsyncApp, text: str) -> Callable[[], Awaitable[object]]:
        """A step: one signed `/sre text` through Bolt, as the aiohttp adapter hands it over."""
        body = command_body(text, self.response_url)

        async def step() -> object:
            headers: dict[str, str | Sequence[str]] = dict(signed(body))
            response = await app.async_dispatch(AsyncBoltRequest(body=body, headers=headers))
            assert response.status == 200, response.body
            return response

        return step

    async def _bot_breakdown(
        self, name: str, app: AsyncApp, deps: SlackDeps, db: Database, n: int
    ) -> list[tuple[str, float | str]]:
        asker = Asker(TEAM_ID, CHANNEL, USER)
        rows: list[tuple[str, float | str]] = []
        for text in ("help", "status"):
            dispatched = await p50_ms(self._dispatch(app, text), n)
            rows.append((f"{name}: Bolt async_dispatch /sre {text}", dispatched))
        dispatch = self._dispatch(app, "status")

        async def dispatch_afresh() -> object:
            db.changes.changed([TEAM_ID])  # as after a write: the kept reply is not reused
            return await dispatch()

        afresh = await p50_ms(dispatch_afresh, n)
        rows.append((f"{name}: Bolt async_dispatch /sre status, worked out afresh", afresh))

        def route(text: str, moved: bool = False) -> Callable[[], Awaitable[object]]:
            async def step() -> object:
                if moved:
                    db.changes.changed([TEAM_ID])
                return await deps.router.command(asker, text)

            return step

        for text in ("help", "status"):
            rows.append((f"{name}: Router.command({text!r})", await p50_ms(route(text), n)))
        fresh = await p50_ms(route("status", moved=True), n)
        rows.append((f"{name}: Router.command('status'), worked out afresh", fresh))
        for text in ("help", "status"):
            doc = (await deps.router.command(asker, text)).reply
            assert doc is not None
            rows.append(
                (f"{name}: blocks()+fallback() of the {text} reply", await p50_ms(render(doc), n))
            )
        rows.extend(await self._sql_share(name, deps, db, n))

        async def empty_uow() -> object:
            async with db.unit_of_work(TEAM_ID) as uow:
                await uow.commit()
            return None

        async def select_one() -> object:
            async with db.unit_of_work(TEAM_ID) as uow:
                await uow.session.execute(sql_text("SELECT 1"))
                await uow.commit()
            return None

        rows.append((f"{name}: unit of work, no query, commit", await p50_ms(empty_uow, n)))
        rows.append((f"{name}: unit of work, SELECT 1, commit", await p50_ms(select_one, n)))
        return rows

    async def _sql_share(
        self, name: str, deps: SlackDeps, db: Database, n: int
    ) -> list[tuple[str, float | str]]:
        """Per `Router.command('status')` worked out afresh: its statements, and the time spent
        inside the driver's `cursor.execute` (DB work plus, for aiosqlite, the hop to its
        thread)."""
        asker = Asker(TEAM_ID, CHANNEL, USER)
        engine = db.engine.sync_engine
        statements, in_driver, started = 0, 0.0, 0.0

        kinds: dict[str, int] = {}

        def before(_conn: object, _cursor: object, sql: str, *_: object) -> None:
            nonlocal statements, started
            statements += 1
            verb = sql.split(None, 1)[0].upper()
            kinds[verb] = kinds.get(verb, 0) + 1
            started = time.perf_counter()

        def after(*_: object) -> None:
            nonlocal in_driver
            in_driver += time.perf_counter() - started

        totals: list[float] = []
        drivers: list[float] = []
        counts: set[str] = set()
        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)
        try:
            for _ in range(n):
                statements, in_driver = 0, 0.0
                kinds.clear()
                db.changes.changed([TEAM_ID])  # the statements of a reply worked out afresh
                begin = time.perf_counter()
                await deps.router.command(asker, "status")
                totals.append(time.perf_counter() - begin)
                drivers.append(in_driver)
                mix = ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
                counts.add(f"{statements} ({mix})")
        finally:
            event.remove(engine, "before_cursor_execute", before)
            event.remove(engine, "after_cursor_execute", after)
        total, driver = statistics.median(totals) * 1000, statistics.median(drivers) * 1000
        outside = statistics.median(t - d for t, d in zip(totals, drivers, strict=True)) * 1000
        return [
            (f"{name}: SQL statements per Router.command('status')", " or ".join(sorted(counts))),
            (f"{name}: Router.command('status'), timed with SQL events on", total),
            (f"{name}:   of which inside cursor.execute (driver + database)", driver),
            (f"{name}:   of which outside it (ORM, service, view, commit)", outside),
        ]


class Control(Protocol):
    """How the client talks to the servers."""

    async def call(self, command: str) -> Any: ...


@dataclass
class InProcess:
    """The servers on the client's own event loop."""

    servers: Servers

    async def call(self, command: str) -> Any:
        return await self.servers.handle(command)


def server_process(conn: Connection, sqlite_url: str, pg_url: str | None) -> None:
    """Child process: serve until told to stop; answer each command with (ok, value)."""

    async def serve() -> None:
        async with Servers(sqlite_url, pg_url) as servers:
            conn.send((True, None))
            while True:
                command = await asyncio.to_thread(conn.recv)
                if command == "stop":
                    break
                try:
                    conn.send((True, await servers.handle(command)))
                except Exception:
                    conn.send((False, traceback.format_exc()))

    try:
        asyncio.run(serve())
    except Exception:
        conn.send((False, traceback.format_exc()))
    finally:
        conn.close()


@dataclass
class OtherProcess:
    """The servers in a child process, reached over a pipe."""

    conn: Connection
    process: multiprocessing.process.BaseProcess

    async def receive(self) -> Any:
        def wait() -> tuple[bool, Any]:
            if not self.conn.poll(REPLY_TIMEOUT):
                raise TimeoutError("the server process did not answer")
            reply: tuple[bool, Any] = self.conn.recv()
            return reply

        ok, value = await asyncio.to_thread(wait)
        if not ok:
            raise RuntimeError(f"server process failed:\n{value}")
        return value

    async def call(self, command: str) -> Any:
        self.conn.send(command)
        return await self.receive()

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.send("stop")
        self.process.join(30)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(5)


# ----------------------------------------------------------------------------------- client


@dataclass
class Result:
    case: Case
    latencies_ms: list[float] = field(default_factory=list)
    concurrent_ms: list[float] = field(default_factory=list)
    rps: float = 0.0
    server_cpu: float = 0.0
    """CPU seconds of the server process over the measured requests (both modes)."""
    client_cpu: float = 0.0
    errors: int = 0
    first_error: str = ""


def percentile(values: list[float], q: int) -> float:
    """The q-th percentile (inclusive method) of `values`."""
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


async def send(session: aiohttp.ClientSession, url: str, body: str, result: Result) -> float:
    """One signed request; its latency in ms. A wrong answer counts in `result.errors`."""
    headers = signed(body)  # fresh timestamp and HMAC, outside the timed part
    data = body.encode()
    start = time.perf_counter()
    async with session.post(url, data=data, headers=headers) as response:
        answer = await response.read()
        status = response.status
    elapsed = (time.perf_counter() - start) * 1000
    if status != 200 or result.case.expect not in answer:
        result.errors += 1
        result.first_error = result.first_error or f"{status}: {answer[:200]!r}"
    return elapsed


class Target:
    """The client side of one case: its own session, its body, and what it measured so far."""

    def __init__(self, case: Case, url: str, body: str, concurrency: int) -> None:
        self.url, self.body, self.concurrency = url, body, concurrency
        self.result = Result(case)
        self.busy_seconds = 0.0  # wall time of the measured concurrent chunks
        self.session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=30),
            connector=aiohttp.TCPConnector(limit=concurrency),
        )

    async def sequential(self, count: int, into: list[float] | None) -> None:
        """`count` requests one after another (latency); kept unless `into` is None."""
        for _ in range(count):
            elapsed = await send(self.session, self.url, self.body, self.result)
            if into is not None:
                into.append(elapsed)

    async def concurrent(self, count: int, into: list[float] | None) -> None:
        """`count` requests over `concurrency` workers; timed unless `into` is None."""
        remaining = count
        latencies: list[float] = []

        async def worker() -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                latencies.append(await send(self.session, self.url, self.body, self.result))

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(self.concurrency)))
        if into is not None:
            self.busy_seconds += time.perf_counter() - start
            into.extend(latencies)


def chunks(total: int, rounds: int) -> list[int]:
    """`total` split into `rounds` nearly equal parts."""
    return [total // rounds + (1 if i < total % rounds else 0) for i in range(rounds)]


async def measure(targets: list[Target], args: argparse.Namespace, control: Control) -> None:
    """Warm every target up, then interleave them round by round, so that a change in the
    machine's background load during the run falls on every target alike. CPU time is read
    from both processes around each measured chunk."""
    for target in targets:
        await target.sequential(args.warmup, None)
        await target.concurrent(args.warmup, None)

    async def cpu_of(target: Target, work: Awaitable[None]) -> None:
        server, client = await control.call("cpu"), time.process_time()
        await work
        target.result.client_cpu += time.process_time() - client
        target.result.server_cpu += await control.call("cpu") - server

    for round_no, (seq, conc) in enumerate(
        zip(chunks(args.requests, args.rounds), chunks(args.requests, args.rounds), strict=True),
        start=1,
    ):
        began = time.perf_counter()
        for target in targets:
            await cpu_of(target, target.sequential(seq, target.result.latencies_ms))
        for target in targets:
            await cpu_of(target, target.concurrent(conc, target.result.concurrent_ms))
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        took = time.perf_counter() - began
        print(f"round {round_no}/{args.rounds}: {took:.1f} s, load average {load}", flush=True)
    for target in targets:
        target.result.rps = len(target.result.concurrent_ms) / target.busy_seconds


async def post_once(port: int, text: str, response_url: str) -> bytes:
    """One signed `/sre` command (setup); its answer body."""
    body = command_body(text, response_url)
    async with (
        aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session,
        session.post(f"http://{HOST}:{port}{EVENTS_PATH}", data=body, headers=signed(body)) as r,
    ):
        answer = await r.read()
        if r.status != 200:
            raise RuntimeError(f"/sre {text} answered {r.status}: {answer[:300]!r}")
        return answer


# ------------------------------------------------------------------------------------ report


def table(results: list[Result], concurrency: int, inproc: bool) -> str:
    """The markdown table, with ratios against bare Bolt (b) and bare Bolt default (c)."""
    by_server = {r.case.server: r for r in results}
    b, c = by_server.get(BOLT_PBR), by_server.get(BOLT_DEFAULT)

    def ratio(value: float, ref: float | None) -> str:
        return f"{value / ref:.2f}" if ref else "-"

    cpu = "process CPU ms/req" if inproc else "server CPU ms/req | client CPU ms/req"
    lines = [
        f"| target | p50 ms | p90 ms | p99 ms | p50 ms @C={concurrency} "
        f"| req/s @C={concurrency} | p50 / b | p50 / c | req/s / b | req/s / c | {cpu} "
        "| errors |",
        "|---|" + "---:|" * (11 if inproc else 12),
    ]
    for r in results:
        p50 = percentile(r.latencies_ms, 50)
        b50 = percentile(b.latencies_ms, 50) if b else None
        c50 = percentile(c.latencies_ms, 50) if c else None
        count = len(r.latencies_ms) + len(r.concurrent_ms)
        if inproc:
            used = f"{r.client_cpu * 1000 / count:.2f}"
        else:
            used = f"{r.server_cpu * 1000 / count:.2f} | {r.client_cpu * 1000 / count:.2f}"
        lines.append(
            f"| {r.case.label} | {p50:.2f} | {percentile(r.latencies_ms, 90):.2f} "
            f"| {percentile(r.latencies_ms, 99):.2f} | {percentile(r.concurrent_ms, 50):.2f} "
            f"| {r.rps:,.0f} | {ratio(p50, b50)} | {ratio(p50, c50)} "
            f"| {ratio(r.rps, b.rps if b else None)} | {ratio(r.rps, c.rps if c else None)} "
            f"| {used} | {r.errors} |"
        )
    return "\n".join(lines)


def versions(pg_version: str | None) -> str:
    names = ("aiohttp", "slack-bolt", "slack-sdk", "SQLAlchemy", "aiosqlite", "asyncpg", "pydantic")
    libs = ", ".join(f"{name} {version(name)}" for name in names)
    return (
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.machine()}, os.cpu_count()={os.cpu_count()}\n"
        f"{libs}, sqlite {sqlite3.sqlite_version}, "
        f"PostgreSQL {pg_version or 'not used'}, event loop: asyncio default"
    )


# -------------------------------------------------------------------------------------- main


async def pg_admin(sql: str) -> str:
    """Run `sql` on the `test` database; the server's version."""
    conn = await asyncpg.connect(f"postgresql://{PG_SERVER}/test", timeout=10)
    try:
        await conn.execute(sql)
        return str(await conn.fetchval("SHOW server_version"))
    finally:
        await conn.close()


async def benchmark(args: argparse.Namespace, control: Control, pg: bool) -> None:
    setup = await control.call("setup")
    ports: dict[str, int] = setup["ports"]
    response_url: str = setup["response_url"]
    for server in (BOT_SQLITE, BOT_PG):
        if server in ports:  # a coalition with a member, for `/sre status`
            await post_once(ports[server], "join lead", response_url)
    await control.call("settle")

    targets: list[Target] = []
    for case in CASES:
        if case.server not in ports:
            print(f"skipped: {case.label} (no PostgreSQL)")
            continue
        url = f"http://{HOST}:{ports[case.server]}{EVENTS_PATH}"
        body = command_body(case.text, response_url)
        targets.append(Target(case, url, body, args.concurrency))
    try:
        await measure(targets, args, control)
    finally:
        for target in targets:
            await target.session.close()
    results = [target.result for target in targets]
    for result in results:
        if result.errors:
            print(
                f"{result.case.label}: {result.errors} wrong answers, first: {result.first_error}"
            )
    await control.call("settle")

    print()
    print(table(results, args.concurrency, args.servers == "inproc"))
    print()
    print(
        "p50/p90/p99: sequential requests, one keep-alive connection; req/s: "
        f"{args.requests} requests over {args.concurrency} workers and connections. "
        "Ratios are target / reference (latency >1 = slower, req/s <1 = fewer). "
        "CPU ms/req: process CPU time (all threads) over both modes' measured requests."
    )

    print(f"\nIn the server, without HTTP (p50 ms over {BREAKDOWN_CALLS} calls each):\n")
    print("| step | p50 ms |\n|---|---:|")
    for step, ms in await control.call("breakdown"):
        print(f"| {step} | {ms:.3f} |" if isinstance(ms, float) else f"| {step} | {ms} |")

    if args.profile:
        body = command_body("status", response_url)
        probe = Result(CASES[4])
        url = f"http://{HOST}:{ports[BOT_SQLITE]}{EVENTS_PATH}"
        count = min(args.requests, PROFILED_REQUESTS)
        async with aiohttp.ClientSession() as session:
            await control.call("profile_start")
            for _ in range(count):
                await send(session, url, body, probe)
            where = "server process only" if args.servers == "process" else "client + server"
            print(f"\ncProfile ({where}), {count} sequential /sre status on SQLite\n")
            print(await control.call("profile_stop"))

    report = await control.call("report")
    calls = report["web_api_calls"]
    print(
        f"\nFake Slack: {len(calls)} Web API calls in all ({', '.join(sorted(set(calls)))}), "
        f"{report['response_url_posts']} response_url posts, violations: {report['violations']}"
    )
    if not pg:
        print("PostgreSQL target skipped: the server was not reachable")


async def main_async(args: argparse.Namespace) -> int:
    began = time.perf_counter()
    pg_name = f"coach_http_bench_{os.getpid()}"
    pg_version: str | None = None
    try:
        await pg_admin(f"DROP DATABASE IF EXISTS {pg_name}")
        pg_version = await pg_admin(f"CREATE DATABASE {pg_name}")
    except (OSError, asyncpg.PostgresError) as error:
        print(f"PostgreSQL unavailable ({type(error).__name__}: {error}); target e skipped")
    pg_url = f"postgresql+asyncpg://{PG_SERVER}/{pg_name}" if pg_version else None
    print("# /sre over HTTP: the bot vs bare Bolt\n")
    print(versions(pg_version))
    print(
        f"requests={args.requests} warmup={args.warmup} concurrency={args.concurrency} "
        f"rounds={args.rounds} servers={WHERE[args.servers]}\n"
        f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n"
    )
    try:
        with tempfile.TemporaryDirectory(prefix="coach-http-bench-") as tmp:
            sqlite_url = f"sqlite+aiosqlite:///{Path(tmp) / 'coach.db'}"
            if args.servers == "inproc":
                async with Servers(sqlite_url, pg_url) as servers:
                    await benchmark(args, InProcess(servers), pg_url is not None)
            else:
                context = multiprocessing.get_context("spawn")
                mine, theirs = context.Pipe()
                process = context.Process(
                    target=server_process, args=(theirs, sqlite_url, pg_url), daemon=True
                )
                process.start()
                other = OtherProcess(mine, process)
                try:
                    await other.receive()  # started
                    await benchmark(args, other, pg_url is not None)
                finally:
                    await asyncio.to_thread(other.stop)
    finally:
        if pg_version:
            await pg_admin(f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)")
    print(f"\ntotal run time {time.perf_counter() - began:.0f} s")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=1000, help="measured requests per mode")
    parser.add_argument("--concurrency", type=int, default=20, help="workers in throughput mode")
    parser.add_argument("--warmup", type=int, default=100, help="unmeasured requests per mode")
    parser.add_argument("--rounds", type=int, default=4, help="interleaved rounds over targets")
    parser.add_argument(
        "--servers",
        choices=("process", "inproc"),
        default="process",
        help="servers in one child process (default) or on the client's event loop",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the bot's status path")
    args = parser.parse_args()
    if args.concurrency < 1 or args.warmup < 0 or not 1 <= args.rounds <= args.requests // 2:
        parser.error("need --concurrency >= 1, --warmup >= 0, 1 <= --rounds <= --requests / 2")
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
