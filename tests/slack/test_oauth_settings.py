"""OAuth mode's settings: told apart from one workspace, refused without a key, keys checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import Settings
from bot.slack.token_cipher import TokenCipher, TokenKeyError, new_key

OAUTH = {"slack_client_id": "1111.2222", "slack_client_secret": "shh-client-secret"}


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SLACK_BOT_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_TOKEN_KEYS",
                 "SLACK_REDIRECT_URI", "SLACK_INSTALL_SCOPES", "UNINSTALL_GRACE_DAYS"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)


def _settings(**env: str) -> Settings:
    return Settings(_env_file=None, **env)  # type: ignore[call-arg]


def _refusal(**env: str) -> str:
    with pytest.raises(ValidationError) as caught:
        _settings(**env)
    (error,) = caught.value.errors()
    return str(error["msg"])


def test_a_bot_token_alone_is_single_workspace_mode() -> None:
    settings = _settings(slack_bot_token="xoxb-1")
    assert not settings.oauth_mode
    assert settings.uninstall_grace_days == 30


def test_client_id_and_secret_with_a_key_is_oauth_mode() -> None:
    settings = _settings(**OAUTH, slack_token_keys=f"{new_key()}, {new_key()}")
    assert settings.oauth_mode and len(settings.token_keys) == 2
    assert settings.missing_for_oauth() == ["SLACK_SIGNING_SECRET"]
    assert "shh-client-secret" not in repr(settings)


def test_oauth_mode_without_a_key_is_refused_in_one_line() -> None:
    message = _refusal(**OAUTH)
    assert "SLACK_TOKEN_KEYS" in message and "\n" not in message
    assert "SLACK_TOKEN_KEYS" in _refusal(**OAUTH, slack_token_keys=" , ")


def test_a_malformed_key_is_refused_without_showing_it() -> None:
    message = _refusal(**OAUTH, slack_token_keys=f"{new_key()},not-a-fernet-key")
    assert "key 2 is not a Fernet key" in message and "not-a-fernet-key" not in message
    with pytest.raises(ValidationError) as caught:
        _settings(**OAUTH, slack_token_keys="not-a-fernet-key")
    assert "shh-client-secret" not in str(caught.value)  # inputs are not quoted back


def test_half_an_oauth_app_or_both_modes_are_refused() -> None:
    assert "together" in _refusal(slack_client_id="1111.2222")
    assert "not both" in _refusal(**OAUTH, slack_token_keys=new_key(), slack_bot_token="xoxb-1")


def test_install_scopes_default_to_the_manifests(repo_root: Path) -> None:
    manifest = json.loads((repo_root / "manifest.json").read_text())
    assert _settings().install_scopes == manifest["oauth_config"]["scopes"]["bot"]


def test_the_cipher_opens_what_it_sealed_with_any_of_its_keys() -> None:
    old, new = new_key(), new_key()
    sealed_by_old = TokenCipher([old]).seal("xoxb-secret")
    both = TokenCipher([new, old])
    assert both.open(sealed_by_old) == "xoxb-secret"
    resealed = both.reseal(sealed_by_old)
    assert TokenCipher([new]).open(resealed) == "xoxb-secret"
    with pytest.raises(TokenKeyError) as caught:
        TokenCipher([new]).open(sealed_by_old)
    assert "xoxb" not in str(caught.value)
    with pytest.raises(TokenKeyError):
        TokenCipher([new]).open("xoxb-plain-text-token")


def test_a_blank_scope_list_is_the_manifests() -> None:
    assert _settings(slack_install_scopes=" ").install_scopes == _settings().install_scopes


def test_every_setting_is_in_env_example(repo_root: Path) -> None:
    example = (repo_root / ".env.example").read_text()
    missing = [name for name in Settings.model_fields if f"{name.upper()}=" not in example]
    assert missing == []
