"""The bot's HTTP front door in its own process, for the event fault test.

Usage: python -m tests.event_worker <database url> <slack api base url> [stall]
It serves the real app on a free local port, prints `listening <port>`, and runs until stdin
closes. With `stall`, counting a message stops halfway: the worker prints `counting` and waits
there for good, so the test can SIGKILL it in the middle of an event.
"""

from __future__ import annotations

import asyncio
import socket
import sys
from typing import Any

from aiohttp import web
from pydantic import SecretStr

from bot.clock import SystemClock
from bot.db.uow import Database
from bot.services import activity
from bot.settings import Settings
from bot.slack.app import build_app
from bot.slack.server import web_app
from tests.builders import make_router
from tests.slackapp import SIGNING_SECRET


async def _stall(*_: Any) -> bool:
    print("counting", flush=True)
    await asyncio.Event().wait()
    return False


async def main(url: str, base_url: str, stall: bool) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=url,
        slack_bot_token=SecretStr("xoxb-test"),
        slack_signing_secret=SecretStr(SIGNING_SECRET),
        slack_api_base_url=base_url,
    )
    if stall:
        activity.count = _stall  # type: ignore[assignment]
    db = Database(url)
    app, _ = build_app(settings, make_router(db, SystemClock()))
    runner = web.AppRunner(web_app(app, db, SIGNING_SECRET), access_log=None)
    await runner.setup()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    await web.SockSite(runner, sock).start()
    print(f"listening {sock.getsockname()[1]}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await runner.cleanup()
    await db.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3:] == ["stall"]))
