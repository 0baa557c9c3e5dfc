"""A bot replica for fault tests: runs the beat at each time read from stdin, says "done".

Usage: python -m tests.beat_worker <database url> <slack api base url> <worker name>
Each input line is an ISO timestamp; the worker sets its clock there, runs one tick of due
work against the (fake) Slack Web API, and prints `done <sent>` so the test can go on.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime

from pydantic import SecretStr

from bot.clock import ManualClock
from bot.db.uow import Database
from bot.settings import Settings
from bot.slack.app import make_client
from bot.slack.messenger import SlackMessenger
from tests.builders import due_work


async def main(url: str, base_url: str, worker: str) -> None:
    settings = Settings(
        _env_file=None,
        database_url=url,
        slack_bot_token=SecretStr("xoxb-test"),
        slack_api_base_url=base_url,
    )  # type: ignore[call-arg]
    db = Database(url)
    clock = ManualClock(datetime.fromisoformat("2000-01-01T00:00:00+00:00"))
    work = due_work(db, SlackMessenger(make_client(settings, retries=False)), clock, worker)
    loop = asyncio.get_running_loop()
    while line := (await loop.run_in_executor(None, sys.stdin.readline)).strip():
        clock.set(datetime.fromisoformat(line))
        report = await work.run()
        print(f"done {report.sent}", flush=True)
    await db.dispose()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
