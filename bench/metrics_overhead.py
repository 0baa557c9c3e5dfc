"""What `/metrics` costs the ack: the bot's HTTP door with and without `Operations`.

    .venv/bin/python bench/metrics_overhead.py            # --requests 2000 --rounds 4

Two copies of the real app (`build_app` + `web_app`, one fresh migrated SQLite file each), one
with `Operations` (acks timed into a Prometheus histogram, the request's ids bound for the
logs, refusals counted), one without, each on its own loopback port in this process. Signed
`/sre help` requests (no SQL: the reply is the help screen) go one at a time, alternating
between the two in rounds so that machine load hits both alike; then the added work alone
(`surface`, `Metrics.ack`, `bound`) is timed in a loop, and one scrape of `/metrics`.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from aiohttp import web
from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.clock import SystemClock
from bot.db.migrate import revisions, upgrade
from bot.db.uow import Database
from bot.logs import bound, request_id
from bot.metrics import Metrics
from bot.router import Router
from bot.settings import Settings
from bot.slack.app import build_app
from bot.slack.operations import Operations, Readiness, surface
from bot.slack.server import EVENTS_PATH, web_app
from bot.wiring import load_content
from tests.fakeslack import TEAM_ID, FakeSlack
from tests.slackapp import SIGNING_SECRET, signature_headers


async def start(server: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(server, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}{EVENTS_PATH}"


async def main(requests: int, rounds: int) -> None:
    content = load_content()
    async with FakeSlack() as fake:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            slack_bot_token=SecretStr("xoxb-bench"),
            slack_signing_secret=SecretStr(SIGNING_SECRET),
            slack_api_base_url=fake.base_url,
        )
        urls, runners, dbs, metrics = {}, [], [], Metrics()
        for name in ("without", "with"):
            path = Path(tempfile.mkdtemp()) / "bench.db"
            url = f"sqlite+aiosqlite:///{path}"
            await asyncio.to_thread(upgrade, url)
            db = Database(url, metrics) if name == "with" else Database(url)
            dbs.append(db)
            app, _ = build_app(settings, Router(db, SystemClock(), content))
            head, known = revisions()
            ops = Operations(metrics, Readiness(db, head, known, lambda: True))
            runner, urls[name] = await start(
                web_app(app, db, SIGNING_SECRET, ops if name == "with" else None)
            )
            runners.append(runner)
        fields = {"team_id": TEAM_ID, "channel_id": "C1", "user_id": "U1", "command": "/sre"}
        form = urlencode({**fields, "text": "help", "response_url": fake.response_url})
        times: dict[str, list[float]] = {"without": [], "with": []}
        async with aiohttp.ClientSession() as http:
            for _ in range(rounds):
                for name in ("without", "with"):
                    for _ in range(requests // rounds):
                        headers = {**signature_headers(form, int(time.time())),
                                   "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip
                        started = time.perf_counter()
                        async with http.post(urls[name], data=form, headers=headers) as answer:
                            await answer.read()
                            assert answer.status == 200
                        times[name].append(time.perf_counter() - started)
            scrape = time.perf_counter()
            async with http.get(urls["with"].replace(EVENTS_PATH, "/metrics")) as answer:
                size = len(await answer.read())
            scrape = time.perf_counter() - scrape
        for runner in runners:
            await runner.cleanup()
        for db in dbs:
            await db.dispose()
    loops, body = 20000, {"command": "/sre", "team_id": TEAM_ID}
    started = time.perf_counter()
    for _ in range(loops):
        with bound(request_id=request_id(), team_id=TEAM_ID):
            metrics.ack(surface(body), 0.001)
    added = (time.perf_counter() - started) / loops
    for name, values in times.items():
        values.sort()
        p50, p99 = statistics.median(values), values[int(len(values) * 0.99)]
        print(f"{name:>8} Operations: p50 {p50 * 1000:.3f} ms  p99 {p99 * 1000:.3f} ms  "
              f"({len(values)} requests)")  # fmt: skip
    print(f"added work per request, alone: {added * 1e6:.1f} µs")
    print(f"one scrape of /metrics: {scrape * 1000:.1f} ms, {size} bytes")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=4)
    options = parser.parse_args()
    asyncio.run(main(options.requests, options.rounds))
