"""A guide answer's latency by surface: @mention, plain DM, and a question in an assistant thread.

Run: .venv/bin/python bench/dm_latency.py [--rounds 3]

The real app (`build_app` + `web_app`) on a fresh migrated SQLite file, in one coalition
(`/sre join lead` in C1), its Web API client pointed at a local fake Slack
(`tests.fakeslack.FakeSlack`). Each question of the dev set (`bench/guide_questions.yaml`) is
sent as a signed event, one at a time, and timed from the POST until the answer's
`chat.postMessage` reaches the fake (an assistant-thread question also sets its status and title
first, as in production). The surfaces are interleaved per question, so background load falls
on all of them. Then the router alone (claim, answer, commit; no HTTP) for a mention and a DM.
Prints p50/p90/p99 per surface in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for `tests.*` as a script

from bot.clock import ManualClock
from bot.db.migrate import upgrade
from bot.db.uow import Database
from bot.services.request import Asker
from tests.fakeslack import BOT_USER_ID
from tests.slackapp import SlackDriver, running_app

QUESTIONS = Path(__file__).resolve().parent / "guide_questions.yaml"
_ts = itertools.count(1)


def _event(surface: str, question: str) -> dict[str, Any]:
    ts = f"1700{next(_ts):06d}.000100"
    if surface == "mention":
        text = f"<@{BOT_USER_ID}> {question}"
        return {"type": "app_mention", "user": "U1", "text": text, "ts": ts, "channel": "C1"}
    event = {
        "type": "message",
        "channel_type": "im",
        "channel": "D0U1",
        "user": "U1",
        "text": question,
        "ts": ts,
    }
    if surface == "assistant":
        event["thread_ts"] = "1699999999.000100"
    return event


async def _time(slack: SlackDriver, surface: str, question: str) -> float:
    posted = len(slack.fake.calls_to("chat.postMessage"))
    started = time.perf_counter()
    response = await slack.event(_event(surface, question))
    await slack.fake.wait_for("chat.postMessage", posted + 1)
    elapsed = time.perf_counter() - started
    assert response.status == 200
    await slack.settle()
    return elapsed * 1000


async def _route(slack: SlackDriver, surface: str, question: str) -> float:
    """The router alone (claim, answer, commit; no HTTP, no Slack) for the mention or DM."""
    event = _event(surface, question)
    router = slack.deps.router
    asker = Asker("T0001", event["channel"], "U1")
    call = router.mention if surface == "mention" else router.direct
    started = time.perf_counter()
    outcome = await call(asker, event["text"], event["ts"], f"Ev{event['ts']}")
    elapsed = time.perf_counter() - started
    assert outcome.posts
    return elapsed * 1000


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


async def main(rounds: int, url: str) -> None:
    questions = [item["q"] for item in yaml.safe_load(QUESTIONS.read_text())]
    surfaces = ("mention", "dm", "assistant")
    timings: dict[str, list[float]] = {s: [] for s in (*surfaces, "mention/router", "dm/router")}
    db = Database(url)
    clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    async with running_app(db, clock) as slack:
        await slack.command("join lead", user="U1")
        for question in questions[:10]:  # warm-up
            for surface in surfaces:
                await _time(slack, surface, question)
        for _ in range(rounds):
            for question in questions:
                for surface in surfaces:
                    timings[surface].append(await _time(slack, surface, question))
                for surface in ("mention", "dm"):
                    timings[f"{surface}/router"].append(await _route(slack, surface, question))
            slack.fake.reset()
    await db.dispose()
    print(f"{len(questions)} questions x {rounds} rounds per surface, SQLite, loopback")
    print(f"{'surface':<15} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'mean ms':>8}")
    for surface, values in timings.items():
        print(
            f"{surface:<15} {_percentile(values, 0.5):8.2f} {_percentile(values, 0.9):8.2f} "
            f"{_percentile(values, 0.99):8.2f} {statistics.fmean(values):8.2f}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    with tempfile.TemporaryDirectory() as folder:
        database = f"sqlite+aiosqlite:///{folder}/bench.db"
        upgrade(database)  # Alembic runs its own loop: before ours starts
        asyncio.run(main(parser.parse_args().rounds, database))
