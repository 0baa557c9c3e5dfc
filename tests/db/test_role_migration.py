"""Migration 0006: self-declared PMs and sponsors become members with the role requested."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from alembic import command
from sqlalchemy import text

from bot.db.migrate import alembic_config
from bot.db.uow import Database

ROWS = (("U1", "lead", None), ("U2", "pm", None), ("U3", "sponsor", None), ("U4", "pm", "left"))


async def _seed(url: str) -> None:
    db = Database(url)
    now = datetime(2026, 3, 2, tzinfo=UTC)
    async with db.engine.begin() as conn:
        await conn.execute(
            text("INSERT INTO workspaces (team_id, created_at) VALUES ('TM', :now)"), {"now": now}
        )
        cid = (
            await conn.execute(
                text(
                    "INSERT INTO coalitions (team_id, channel_id, created_at) "
                    "VALUES ('TM', 'CM', :now) RETURNING id"
                ),
                {"now": now},
            )
        ).scalar_one()
        for user, role, left in ROWS:
            await conn.execute(
                text(
                    "INSERT INTO members (team_id, coalition_id, user_id, role, joined_at, "
                    "left_at) VALUES ('TM', :cid, :user, :role, :now, :left)"
                ),
                {"cid": cid, "user": user, "role": role, "now": now, "left": now if left else None},
            )
    await db.dispose()


async def _read(url: str) -> tuple[dict[str, tuple[str, str | None]], list[tuple[str, str]]]:
    db = Database(url)
    async with db.engine.connect() as conn:
        roles = {
            u: (r, q)
            for u, r, q in await conn.execute(
                text("SELECT user_id, role, requested_role FROM members WHERE team_id = 'TM'")
            )
        }
        history = [
            (a, d)
            for a, d in await conn.execute(
                text("SELECT actor, detail FROM rollout_events WHERE team_id = 'TM' ORDER BY actor")
            )
        ]
        for table in ("rollout_events", "members", "coalitions", "workspaces"):
            await conn.execute(text(f"DELETE FROM {table} WHERE team_id = 'TM'"))
        await conn.commit()
    await db.dispose()
    return roles, history


def test_self_declared_signers_wait_for_a_lead_after_the_upgrade(database_url: str) -> None:
    config = alembic_config(database_url)
    command.downgrade(config, "0005")
    try:
        asyncio.run(_seed(database_url))
    finally:
        command.upgrade(config, "head")
    roles, history = asyncio.run(_read(database_url))
    assert roles == {
        "U1": ("lead", None),
        "U2": ("member", "pm"),
        "U3": ("member", "sponsor"),
        "U4": ("pm", None),  # left already: a rejoin starts afresh anyway
    }
    assert [actor for actor, _ in history] == ["U2", "U3"]
    assert "self-declared" in history[0][1] and "waiting for a lead" in history[0][1]
