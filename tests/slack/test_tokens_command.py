"""`python -m bot.tokens`: a new key, the keys checked against the store, a re-encryption."""

from __future__ import annotations

import asyncio
import time

import pytest
from slack_sdk.oauth.installation_store.models.installation import Installation

from bot.db.uow import Database
from bot.slack.installations import EncryptedInstallationStore
from bot.slack.token_cipher import TokenCipher, new_key
from bot.slack.workspaces import SingleWorkspace
from bot.tokens import main

OLD, NEW = new_key(), new_key()


def _env(monkeypatch: pytest.MonkeyPatch, url: str, keys: str) -> None:
    values = {"DATABASE_URL": url, "SLACK_CLIENT_ID": "1111.2222",
              "SLACK_CLIENT_SECRET": "shh", "SLACK_TOKEN_KEYS": keys}  # fmt: skip
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.chdir("/")  # no .env


async def _one_install(db: Database) -> None:
    store = EncryptedInstallationStore("1111.2222", db.engine, TokenCipher([OLD]))
    installation = Installation(
        app_id="A1", team_id="T1", bot_token="xoxb-one", bot_id="B1", bot_user_id="UB1",
        user_id="U1", installed_at=time.time(),
    )  # fmt: skip
    await store.async_save(installation)


async def test_a_key_rotation_from_the_command_line(
    db: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    await _one_install(db)

    _env(monkeypatch, db.url, NEW)
    assert await _in_thread(["check"]) == 1
    assert "cannot decrypt 2 of 2" in capsys.readouterr().err
    assert await _in_thread(["reencrypt"]) == 1  # nothing it can open: nothing changed

    _env(monkeypatch, db.url, f"{NEW},{OLD}")
    assert await _in_thread(["reencrypt"]) == 0
    _env(monkeypatch, db.url, NEW)
    assert await _in_thread(["check"]) == 0
    assert "opens every stored token" in capsys.readouterr().out


async def _in_thread(argv: list[str]) -> int:
    return await asyncio.to_thread(main, argv)  # the command runs its own event loop


def test_new_key_prints_a_usable_key(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new-key"]) == 0
    TokenCipher([capsys.readouterr().out.strip()])


async def test_single_workspace_mode_gives_its_token_to_its_own_team_only() -> None:
    single = SingleWorkspace("xoxb-the-one", "T0HOME")
    assert (await single.token_for("T0HOME")).token == "xoxb-the-one"
    other = await single.token_for("T0ELSE")
    assert other.token is None and other.reason == "not the configured workspace"
    assert "xoxb-the-one" not in repr(await single.token_for("T0HOME"))
