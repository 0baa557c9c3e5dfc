"""Settings, read from the environment or `.env` (the only place secrets come from)."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./sre-coach.db"


class Settings(BaseSettings):
    """Every setting the bot reads; `.env.example` documents each one."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_base_url: str = "https://slack.com/api/"
    port: int = Field(default=3000, ge=1, le=65535)
    log_level: str = "INFO"
    backstage_base_url: str | None = None
    backstage_token: SecretStr | None = None

    @field_validator("slack_api_base_url")
    @classmethod
    def _keep_trailing_slash(cls, value: str) -> str:
        # slack_sdk joins method names with urljoin: without the slash, "/api" would be dropped.
        return value if value.endswith("/") else value + "/"

    @field_validator("backstage_base_url", mode="before")
    @classmethod
    def _backstage_url(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        url = value.strip().rstrip("/")
        if url and not url.startswith(("http://", "https://")):
            raise ValueError("BACKSTAGE_BASE_URL must start with http:// or https://")
        return url or None

    @field_validator(
        "slack_bot_token",
        "slack_signing_secret",
        "slack_app_token",
        "backstage_token",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def socket_mode(self) -> bool:
        """Socket Mode when an app-level token is set, else the HTTP endpoint."""
        return self.slack_app_token is not None

    def missing_for_slack(self) -> list[str]:
        """Names of the settings `sre-coach run` needs but does not have."""
        needed = {"SLACK_BOT_TOKEN": self.slack_bot_token}
        if self.socket_mode:
            needed["SLACK_APP_TOKEN"] = self.slack_app_token
        else:
            needed["SLACK_SIGNING_SECRET"] = self.slack_signing_secret
        return [name for name, value in needed.items() if value is None]

    @property
    def has_slack_tokens(self) -> bool:
        """True when `.env` or the environment holds what a Slack connection needs."""
        return self.slack_bot_token is not None and not self.missing_for_slack()
