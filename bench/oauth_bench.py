"""OAuth mode's costs on SQLite: the install flow (install page + redirect, code exchange and
welcome DM included) and the beat's sends per second with `TeamMessengers` (a token look-up per
workspace per tick) against `OneWorkspace` (one fixed client), through the fake Slack.

    .venv/bin/python -m bench.oauth_bench
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import ManualClock
from bot.db.migrate import upgrade
from bot.db.uow import Database
from bot.ports import OneWorkspace
from bot.scheduling.due import DueWork
from bot.slack.messenger import SlackMessenger
from tests.builders import content
from tests.fakeslack import FakeSlack
from tests.fakeworkspaces import FakeWorkspace
from tests.slackapp import running_oauth_app

TEAMS = 2
COALITIONS = 10  # per team


async def _setup(url: str, clock: ManualClock, teams_tokens: bool) -> tuple[float, float, int]:
    db = Database(url)
    async with FakeSlack() as fake, running_oauth_app(db, clock, fake) as driver:
        installs = []
        for t in range(TEAMS):
            team = f"T{t:04d}"
            started = time.perf_counter()
            await driver.install(FakeWorkspace(team, team, f"U{team}L"))
            installs.append(time.perf_counter() - started)
            for c in range(COALITIONS):
                channel, lead = f"C{team}{c:02d}", f"U{team}L"
                fake.workspaces.place(team, channel)
                deadline = (clock.now() + timedelta(days=30)).date()
                for line in ("join lead", f"deadline {deadline} Launch"):
                    await driver.command(team, channel, lead, line)
        await driver.settle()
        if teams_tokens:
            work = driver.beat()
        else:  # before: one client for every team (the fake checks no token then)
            fake.workspaces.grants.clear()
            client = AsyncWebClient(token="xoxb-one", base_url=fake.base_url, retry_handlers=[])
            work = DueWork(db, OneWorkspace(SlackMessenger(client)), clock, content(), "bench")
        fake.calls.clear()
        started = time.perf_counter()
        await work.walk(clock, clock.now() + timedelta(days=14))
        elapsed = time.perf_counter() - started
        sent = len(fake.calls_to("chat.postMessage"))
    await db.dispose()
    return statistics.median(installs), elapsed, sent


def main() -> None:
    for label, team_tokens in (("OneWorkspace", False), ("TeamMessengers", True)):
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
            upgrade(url)
            clock = ManualClock(datetime(2026, 3, 2, 9, tzinfo=UTC))
            install, elapsed, sent = asyncio.run(_setup(url, clock, team_tokens))
        print(
            f"{label:>15}: install flow p50 {install * 1000:.0f} ms; beat over 14 days: "
            f"{sent} posts in {elapsed:.2f} s = {sent / elapsed:.1f} sends/s"
        )


if __name__ == "__main__":
    main()
