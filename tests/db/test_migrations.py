"""The models and the migrations agree, on both databases (Alembic's own drift check)."""

from __future__ import annotations

import asyncio

from alembic import command

from bot.db.migrate import alembic_config


async def test_no_drift_between_models_and_migrations(database_url: str) -> None:
    # Alembic's env runs its own event loop, so it goes to a worker thread.
    await asyncio.to_thread(command.check, alembic_config(database_url))


async def test_upgrade_is_idempotent(database_url: str) -> None:
    await asyncio.to_thread(command.upgrade, alembic_config(database_url), "head")
