"""Applying Alembic migrations from code (`sre-coach db upgrade`, and before `run`/`console`)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

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


def revisions() -> tuple[str, frozenset[str]]:
    """This build's head revision and every revision it knows (read once, at start-up)."""
    scripts = ScriptDirectory.from_config(alembic_config(""))
    head = scripts.get_current_head()
    assert head is not None
    return head, frozenset(r.revision for r in scripts.walk_revisions())
