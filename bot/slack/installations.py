"""Where each workspace's install lives: slack_sdk's SQLAlchemy stores on our tables and engine,
with every token encrypted before it is written and decrypted after it is read.

The library's queries are scoped by client id, enterprise id and team id, so a workspace's
lookup never finds another's row; an Enterprise Grid org-wide install is found with
`is_enterprise_install=True` (team id left out), for every workspace of its org.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from logging import Logger

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, Table
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.db import installation_models
from bot.db.token_rows import reseal_all, sealed_tokens
from bot.db.uow import Database
from bot.slack.token_cipher import TokenCipher, TokenKeyError

log = logging.getLogger(__name__)

STATE_LIFETIME = 600  # seconds between the install page and Slack's redirect back (Bolt's default)


class _InstallationRows(AsyncSQLAlchemyInstallationStore):
    """The library's store, on the tables Alembic created (never `create_tables()`)."""

    @classmethod
    def build_installations_table(cls, metadata: MetaData, table_name: str) -> Table:
        return installation_models.installations

    @classmethod
    def build_bots_table(cls, metadata: MetaData, table_name: str) -> Table:
        return installation_models.bots


class OAuthStates(AsyncSQLAlchemyOAuthStateStore):
    """The library's state store (one-time `state` values with an expiry), on our table."""

    @classmethod
    def build_oauth_states_table(cls, metadata: MetaData, table_name: str) -> Table:
        return installation_models.oauth_states


class EncryptedInstallationStore(AsyncInstallationStore):
    """An `AsyncInstallationStore` that seals tokens on save and opens them on find."""

    def __init__(
        self,
        client_id: str,
        engine: AsyncEngine,
        cipher: TokenCipher,
        logger: Logger = log,
    ) -> None:
        self.rows = _InstallationRows(client_id=client_id, engine=engine, logger=logger)
        self.cipher = cipher
        self._logger = logger

    @property
    def logger(self) -> Logger:
        """The logger Bolt uses for this store."""
        return self._logger

    async def async_save(self, installation: Installation) -> None:
        """Save an install (and its bot row), tokens sealed."""
        await self.rows.async_save(self._sealed(installation))

    async def async_save_bot(self, bot: Bot) -> None:
        """Save a bot row (after a token refresh), tokens sealed."""
        sealed = Bot(**bot.to_dict_for_copying())
        self._convert(sealed, self.cipher.seal)
        await self.rows.async_save_bot(sealed)

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        """The newest bot of the workspace (or org), tokens opened."""
        bot = await self.rows.async_find_bot(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )
        if bot is not None:
            self._convert(bot, self.cipher.open)
        return bot

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        """The newest install of the workspace (or org, or user), tokens opened."""
        installation = await self.rows.async_find_installation(
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=is_enterprise_install,
        )
        if installation is not None:
            self._convert(installation, self.cipher.open)
        return installation

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        """Delete the workspace's (or org's) bot rows."""
        await self.rows.async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        """Delete the workspace's (or one user's) install rows."""
        await self.rows.async_delete_installation(
            enterprise_id=enterprise_id, team_id=team_id, user_id=user_id
        )

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        """Delete every install and bot row of the workspace (or org)."""
        await self.rows.async_delete_all(enterprise_id=enterprise_id, team_id=team_id)

    def _sealed(self, installation: Installation) -> Installation:
        # A copy: Bolt goes on using the installation it saved, with its tokens in the clear.
        sealed = Installation(**installation.to_dict_for_copying())
        self._convert(sealed, self.cipher.seal)
        return sealed

    @staticmethod
    def _convert(entity: Installation | Bot, convert: Callable[[str], str]) -> None:
        for name in installation_models.TOKEN_COLUMNS:
            value = getattr(entity, name, None)
            if value is not None:
                setattr(entity, name, convert(value))


async def check_token_keys(
    sessions: async_sessionmaker[AsyncSession], keys: list[str]
) -> str | None:
    """None when SLACK_TOKEN_KEYS can open every stored token; else a one-line error naming
    how many cannot be opened and whose (never a token), for `sre-coach run` to print."""
    try:
        cipher = TokenCipher(keys)
    except TokenKeyError as error:
        return str(error)
    async with sessions() as session:
        stored = await sealed_tokens(session)
    unreadable = []
    for token in stored:
        try:
            cipher.open(token.sealed)
        except TokenKeyError:
            unreadable.append(token)
    if not unreadable:
        return None
    first = unreadable[0]
    whose = first.team_id or first.enterprise_id or "an unknown workspace"
    return (
        f"SLACK_TOKEN_KEYS cannot decrypt {len(unreadable)} of {len(stored)} stored tokens "
        f"(the first is {whose}'s): add back the key they were written with"
    )


async def check_keys(db: Database, keys: list[str]) -> str | None:
    """`check_token_keys` on the bot's database."""
    return await check_token_keys(db.sessions, keys)


async def reencrypt(db: Database, keys: list[str]) -> int:
    """`reencrypt_tokens` on the bot's database."""
    return await reencrypt_tokens(db.sessions, keys)


async def reencrypt_tokens(sessions: async_sessionmaker[AsyncSession], keys: list[str]) -> int:
    """Encrypt every stored token again with the newest key (step two of a key rotation);
    raises `TokenKeyError`, changing nothing, when a token cannot be opened."""
    cipher = TokenCipher(keys)
    async with sessions() as session:
        count = await reseal_all(session, cipher.reseal)
        await session.commit()
    return count
