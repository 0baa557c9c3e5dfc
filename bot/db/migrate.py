"""Applying Alembic migrations from code (`sre-coach db upgrade`, and before `run`/`console`)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

import migrations

SCRIPTS = Path(migrations.__file__).resolve().parent


def alembic_config(database_url: str) -> Config:
    """Alembic's config for the packaged `migrations/` and the given database."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.attributes["database_url"] = database_url
    config.attributes["configure_logger"] = False
    return config


def upgrade(database_url: str) -> None:
    """Bring the database to the newest schema (must be called outside a running event loop)."""
    command.upgrade(alembic_config(database_url), "head")
