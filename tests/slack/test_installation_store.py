"""The encrypted installation store: tokens sealed at rest, look-ups scoped to one workspace."""

from __future__ import annotations

import time

import pytest
from slack_sdk.oauth.installation_store.models.installation import Installation
from sqlalchemy import select, text

from bot.db.installation_models import bots, installations
from bot.db.uow import Database
from bot.slack.installations import (
    EncryptedInstallationStore,
    check_token_keys,
    reencrypt_tokens,
)
from bot.slack.token_cipher import TokenCipher, TokenKeyError, new_key

KEY, OTHER_KEY = new_key(), new_key()
ROTATING = "xoxe.xoxb-1-" + "a" * 140  # a rotating bot token is about this long
REFRESH = "xoxe-1-" + "r" * 140


def _installation(team: str | None, token: str, **extra: object) -> Installation:
    return Installation(
        app_id="A0001",
        team_id=team,
        team_name=f"{team} name",
        bot_token=token,
        bot_id=f"B{team}",
        bot_user_id=f"UB{team}",
        bot_scopes="chat:write,commands",
        user_id="UINSTALLER",
        installed_at=time.time(),
        **extra,  # type: ignore[arg-type]
    )


def _store(db: Database, *keys: str) -> EncryptedInstallationStore:
    return EncryptedInstallationStore("1111.2222", db.engine, TokenCipher(keys or (KEY,)))


async def test_tokens_are_sealed_in_the_database_and_opened_on_find(db: Database) -> None:
    store = _store(db)
    await store.async_save(
        _installation("T1", ROTATING, bot_refresh_token=REFRESH, bot_token_expires_in=43200)
    )

    async with db.engine.connect() as conn:
        raw = (
            await conn.execute(text("SELECT bot_token, bot_refresh_token FROM slack_installations"))
        ).one()
        raw_bot = (
            await conn.execute(text("SELECT bot_token, bot_refresh_token FROM slack_bots"))
        ).one()
    for value in (*raw, *raw_bot):
        assert value.startswith("gAAAAA")  # a Fernet token, not the Slack one
        # Neither token appears (a random Fernet text can hold "xox" by chance: it once did).
        assert ROTATING not in value and REFRESH not in value
        assert len(value) > 200  # wider than the library's String(200)
    found = await store.async_find_installation(enterprise_id=None, team_id="T1")
    assert found is not None
    assert (found.bot_token, found.bot_refresh_token) == (ROTATING, REFRESH)
    bot = await store.async_find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None and bot.bot_token == ROTATING


async def test_each_workspace_finds_only_its_own_install(db: Database) -> None:
    store = _store(db)
    await store.async_save(_installation("T1", "xoxb-one"))
    await store.async_save(_installation("T2", "xoxb-two"))

    one = await store.async_find_installation(enterprise_id=None, team_id="T1")
    two = await store.async_find_installation(enterprise_id=None, team_id="T2")
    assert one is not None and one.bot_token == "xoxb-one"
    assert two is not None and two.bot_token == "xoxb-two"
    assert await store.async_find_installation(enterprise_id=None, team_id="T3") is None
    assert await store.async_find_bot(enterprise_id=None, team_id="T3") is None


async def test_an_org_wide_install_is_found_for_every_workspace_of_its_org(db: Database) -> None:
    store = _store(db)
    org = _installation(None, "xoxb-org", enterprise_id="E1", is_enterprise_install=True)
    await store.async_save(org)
    await store.async_save(_installation("T9", "xoxb-elsewhere", enterprise_id="E2"))

    for team in ("T5", "T6"):  # workspaces of E1 the org-wide install covers
        found = await store.async_find_installation(
            enterprise_id="E1", team_id=team, is_enterprise_install=True
        )
        assert found is not None and found.bot_token == "xoxb-org"
    # Not as a workspace-level install, and not for another org.
    assert await store.async_find_installation(enterprise_id="E1", team_id="T5") is None
    other = await store.async_find_installation(
        enterprise_id="E2", team_id="T5", is_enterprise_install=True
    )
    assert other is None


async def test_a_refresh_updates_the_install_in_place(db: Database) -> None:
    store = _store(db)
    await store.async_save(
        _installation("T1", ROTATING, bot_refresh_token=REFRESH, bot_token_expires_in=60)
    )
    found = await store.async_find_installation(enterprise_id=None, team_id="T1")
    assert found is not None
    renewed = Installation(**found.to_dict_for_copying())
    renewed.bot_token, renewed.bot_refresh_token = ROTATING + "2", REFRESH + "2"
    await store.async_save(renewed)

    async with db.sessions() as session:
        assert len((await session.execute(select(installations.c.id))).all()) == 1
        assert len((await session.execute(select(bots.c.id))).all()) == 1
    again = await store.async_find_installation(enterprise_id=None, team_id="T1")
    assert again is not None and again.bot_token == ROTATING + "2"


async def test_a_wrong_key_is_a_one_line_error_never_a_plaintext_fallback(db: Database) -> None:
    await _store(db).async_save(_installation("T1", "xoxb-one"))

    assert await check_token_keys(db.sessions, [KEY]) is None
    message = await check_token_keys(db.sessions, [OTHER_KEY])
    assert message is not None and "\n" not in message
    assert "cannot decrypt 2 of 2 stored tokens" in message and "T1" in message
    assert "xoxb" not in message
    with pytest.raises(TokenKeyError):
        await _store(db, OTHER_KEY).async_find_installation(enterprise_id=None, team_id="T1")


async def test_a_plaintext_token_in_the_table_is_refused(db: Database) -> None:
    await _store(db).async_save(_installation("T1", "xoxb-one"))
    async with db.engine.begin() as conn:
        await conn.execute(text("UPDATE slack_bots SET bot_token = 'xoxb-planted'"))

    message = await check_token_keys(db.sessions, [KEY])
    assert message is not None and "1 of 2" in message and "xoxb-planted" not in message


async def test_key_rotation_prepend_then_reencrypt_then_drop(db: Database) -> None:
    await _store(db, OTHER_KEY).async_save(_installation("T1", "xoxb-one"))

    assert await check_token_keys(db.sessions, [KEY, OTHER_KEY]) is None  # new key prepended
    assert await reencrypt_tokens(db.sessions, [KEY, OTHER_KEY]) == 2
    assert await check_token_keys(db.sessions, [KEY]) is None  # the old key can go
    found = await _store(db, KEY).async_find_installation(enterprise_id=None, team_id="T1")
    assert found is not None and found.bot_token == "xoxb-one"


async def test_missing_or_malformed_keys_are_refused(db: Database) -> None:
    assert await check_token_keys(db.sessions, []) == "SLACK_TOKEN_KEYS is empty"
    message = await check_token_keys(db.sessions, [KEY, "not-a-key"])
    assert message == "SLACK_TOKEN_KEYS: key 2 is not a Fernet key"
