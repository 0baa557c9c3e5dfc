"""A bot replica for fault tests: runs the beat at each time read from stdin, says "done".

Usage: python -m tests.beat_worker <database url> <slack api base url> <worker name> [budget]
Each input line is an ISO timestamp; the worker sets its clock there, runs one tick of due
work (through `Timer.tick`, as `sre-coach run` does) against the (fake) Slack Web API, and
prints `done <sent>` so the test can go on. Its token is `xoxb-<worker name>`.

On SIGTERM it prints `stopping`, stops as `sre-coach run` does (`Timer.stop` with `budget`
seconds, 20 by default, for the tick in flight), prints `stopped <finished in time>` and exits 0.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from datetime import datetime

from pydantic import SecretStr

from bot.clock import ManualClock
from bot.db.uow import Database
from bot.scheduling.timer import Timer
from bot.settings import Settings
from bot.slack.app import make_client
from bot.slack.messenger import SlackMessenger
from tests.builders import due_work


async def main(url: str, base_url: str, worker: str, budget: str = "20") -> None:
    settings = Settings(
        _env_file=None,
        database_url=url,
        slack_bot_token=SecretStr(f"xoxb-{worker}"),
        slack_api_base_url=base_url,
    )  # type: ignore[call-arg]
    db = Database(url)
    clock = ManualClock(datetime.fromisoformat("2000-01-01T00:00:00+00:00"))
    work = due_work(db, SlackMessenger(make_client(settings, retries=False)), clock, worker)
    timer = Timer(work)  # ticked by the test's lines, not by APScheduler
    loop = asyncio.get_running_loop()
    terminated = asyncio.Event()

    def on_sigterm() -> None:
        print("stopping", flush=True)
        terminated.set()

    loop.add_signal_handler(signal.SIGTERM, on_sigterm)
    stdin = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
    stop = asyncio.ensure_future(terminated.wait())
    while True:
        reading = asyncio.ensure_future(stdin.readline())
        await asyncio.wait({reading, stop}, return_when=asyncio.FIRST_COMPLETED)
        if stop.done() or not (line := (await reading).strip()):
            reading.cancel()
            break
        clock.set(datetime.fromisoformat(line.decode()))
        ticking = asyncio.ensure_future(timer.tick())
        await asyncio.wait({ticking, stop}, return_when=asyncio.FIRST_COMPLETED)
        if stop.done():  # SIGTERM mid-tick: Timer.stop below waits for it or cuts it off
            break
        report = ticking.result()
        print(f"done {report.sent if report else 0}", flush=True)
    if terminated.is_set():
        finished = await timer.stop(float(budget))
        print(f"stopped {finished}", flush=True)
    await db.dispose()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))
