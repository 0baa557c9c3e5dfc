"""Slack's installation and OAuth state tables, declared in our metadata so Alembic owns them.

The columns are slack_sdk's own (`AsyncSQLAlchemyInstallationStore`,
`AsyncSQLAlchemyOAuthStateStore`), copied from its table builders so its queries run unchanged
on our tables; only the token columns are widened, since they hold Fernet ciphertext (a
150-character rotating token encrypts to about 290 characters; the library has 200).
"""

from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, Table, Text

from bot.db.models import Base

TOKEN_COLUMNS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")
"""Columns that hold a secret: always encrypted (bot/slack/installations.py)."""


def _ours(theirs: Table) -> Table:
    table = theirs.to_metadata(Base.metadata)
    for name in TOKEN_COLUMNS:
        if name in table.c:
            table.c[name].type = Text()
    return table


def _scratch() -> MetaData:
    return MetaData()


installations: Table = _ours(
    SQLAlchemyInstallationStore.build_installations_table(_scratch(), "slack_installations")
)
"""One row per install (and per token refresh of it): team, enterprise, installer, tokens."""

bots: Table = _ours(SQLAlchemyInstallationStore.build_bots_table(_scratch(), "slack_bots"))
"""The bot part of each install: what sends for a workspace or an Enterprise Grid org."""

oauth_states: Table = _ours(
    SQLAlchemyOAuthStateStore.build_oauth_states_table(_scratch(), "slack_oauth_states")
)
"""Install-flow `state` values, each consumed once before it expires (not workspace data)."""
