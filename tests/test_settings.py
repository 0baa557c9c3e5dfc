"""Settings from the environment: defaults, trailing slash, what Slack mode needs."""

from __future__ import annotations

import pytest

from bot.settings import DEFAULT_DATABASE_URL, Settings


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "DATABASE_URL",
                 "SLACK_API_BASE_URL", "PORT"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)


def _settings(**env: str) -> Settings:
    return Settings(_env_file=None, **env)  # type: ignore[call-arg]


def test_defaults() -> None:
    settings = _settings()
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.port == 3000
    assert not settings.has_slack_tokens


def test_base_url_keeps_its_trailing_slash() -> None:
    assert _settings(slack_api_base_url="http://127.0.0.1:9/api").slack_api_base_url.endswith(
        "/api/"
    )


def test_http_mode_needs_a_signing_secret() -> None:
    assert _settings(slack_bot_token="xoxb-1").missing_for_slack() == ["SLACK_SIGNING_SECRET"]


def test_socket_mode_needs_no_signing_secret() -> None:
    settings = _settings(slack_bot_token="xoxb-1", slack_app_token="xapp-1")
    assert settings.socket_mode and settings.missing_for_slack() == []


def test_blank_tokens_count_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "  ")
    assert Settings(_env_file=None).slack_bot_token is None  # type: ignore[call-arg]


def test_tokens_never_show_in_repr() -> None:
    settings = _settings(slack_bot_token="xoxb-very-secret")
    assert "xoxb-very-secret" not in repr(settings)
