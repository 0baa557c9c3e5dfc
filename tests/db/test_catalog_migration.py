"""Migration 0010 keeps every row: services typed by hand stay hand-typed, and no table is
recreated (on SQLite a recreated `coalitions` would cascade-delete members and services)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from alembic import command
from sqlalchemy import text

from bot.db.migrate import alembic_config
from bot.db.uow import Database

NOW = datetime(2026, 3, 2, tzinfo=UTC)


async def _seed(url: str) -> None:
    db = Database(url)
    async with db.engine.begin() as conn:
        await conn.execute(
            text("INSERT INTO workspaces (team_id, created_at) VALUES ('TC', :now)"), {"now": NOW}
        )
        cid = (
            await conn.execute(
                text(
                    "INSERT INTO coalitions (team_id, channel_id, created_at) "
                    "VALUES ('TC', 'CC', :now) RETURNING id"
                ),
                {"now": NOW},
            )
        ).scalar_one()
        await conn.execute(
            text(
                "INSERT INTO members (team_id, coalition_id, user_id, role, joined_at) "
                "VALUES ('TC', :cid, 'U1', 'lead', :now)"
            ),
            {"cid": cid, "now": NOW},
        )
        for name, team in (("checkout", "payments"), ("search", None)):
            await conn.execute(
                text(
                    "INSERT INTO services (team_id, coalition_id, name, critical, owner_team, "
                    "added_by, added_at) VALUES ('TC', :cid, :name, true, :team, 'U1', :now)"
                ),
                {"cid": cid, "name": name, "team": team, "now": NOW},
            )
    await db.dispose()


async def _read(url: str) -> tuple[int, dict[str, tuple[str, str]]]:
    db = Database(url)
    async with db.engine.connect() as conn:
        members = (
            await conn.execute(text("SELECT count(*) FROM members WHERE team_id = 'TC'"))
        ).scalar_one()
        services = {
            n: (s, t)
            for n, s, t in await conn.execute(
                text("SELECT name, source, typed FROM services WHERE team_id = 'TC'")
            )
        }
        for table in ("services", "members", "coalitions", "workspaces"):
            await conn.execute(text(f"DELETE FROM {table} WHERE team_id = 'TC'"))
        await conn.commit()
    await db.dispose()
    return members, services


def test_the_upgrade_and_downgrade_keep_every_row(database_url: str) -> None:
    config = alembic_config(database_url)
    command.downgrade(config, "0009")
    try:
        asyncio.run(_seed(database_url))
        command.upgrade(config, "0010")
        command.downgrade(config, "0009")
    finally:
        command.upgrade(config, "head")
    members, services = asyncio.run(_read(database_url))
    assert members == 1
    assert services == {
        "checkout": ("hand", "critical,owner_team"),
        "search": ("hand", "critical"),
    }
