"""Small builders and probes for tests (no factory framework)."""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from typing import Any

from sqlalchemy import select

from bot.clock import Clock
from bot.content import Content
from bot.db.schema import Base
from bot.db.uow import Database
from bot.doc import Doc
from bot.outcome import Outcome
from bot.ports import Messenger, OneWorkspace
from bot.render.text import render
from bot.router import Router
from bot.scheduling.due import DueWork
from bot.services.request import Asker
from bot.wiring import load_content

TEAM = "T0TEAM"
CHANNEL = "C0SRE"


@cache
def content() -> Content:
    """The shipped content, loaded once per test process (the bot loads it once at start)."""
    return load_content()


def make_router(db: Database, clock: Clock) -> Router:
    """The bot's router over `db`, as the composition root builds it."""
    return Router(db, clock, content())


def due_work(db: Database, messenger: Messenger, clock: Clock, worker: str = "test") -> DueWork:
    """The scheduled work of one replica, sending every workspace's nudges with `messenger`."""
    return DueWork(db, OneWorkspace(messenger), clock, content(), worker)


def asker(user: str, team: str = TEAM, channel: str = CHANNEL) -> Asker:
    """Someone asking from the test channel."""
    return Asker(team, channel, user)


def reply_text(outcome: Outcome) -> str:
    """The reply as the console would print it."""
    assert outcome.reply is not None, "expected a reply"
    return render(outcome.reply)


async def say(router: Router, user: str, text: str, channel: str = CHANNEL) -> str:
    """`/sre <text>` from `user` in `channel`, answered as the console prints it."""
    return reply_text(await router.command(asker(user, channel=channel), text))


async def lead_pm_member(router: Router) -> Router:
    """A lead, a PM the lead confirmed and a member, by the names the journeys use."""
    await router.command(asker("lead"), "join")
    await router.command(asker("pat"), "join pm")
    await router.command(asker("lead"), "role <@pat> pm")
    await router.command(asker("sam"), "join")
    return router


def doc_text(doc: Doc) -> str:
    """A doc as plain text."""
    return render(doc)


async def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to prove that a request changed nothing."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    async with db.sessions() as session:
        for table in Base.metadata.sorted_tables:
            result = await session.execute(select(table))
            rows[table.name] = sorted((tuple(r) for r in result), key=repr)
    return rows


async def three_members(
    router: Router, clock: Clock, zones: dict[str, tuple[str, str]] | None = None
) -> Router:
    """A lead U1, a PM U2 and a member U3, a deadline 30 days out, optional hours and zones."""
    for user, role in (("U1", "lead"), ("U2", "pm"), ("U3", "member")):
        await router.command(asker(user), f"join {role}")
        if zones:
            tz, hours = zones[user]
            await router.command(asker(user), f"hours {hours} {tz}")
    await router.command(asker("U1"), "role <@U2> pm")  # a PM is granted by a lead
    deadline = (clock.now() + timedelta(days=30)).date()
    await router.command(asker("U1"), f"deadline {deadline} Cyber Week")
    return router
