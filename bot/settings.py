"""Settings, read from the environment or `.env` (the only place secrets come from)."""

from __future__ import annotations

from typing import Self

from cryptography.fernet import Fernet
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./sre-coach.db"
# The bot scopes of manifest.json (tests/test_manifest.py keeps the two the same).
DEFAULT_INSTALL_SCOPES = (
    "app_mentions:read,assistant:write,channels:history,channels:read,chat:write,commands,"
    "files:read,files:write,im:history,im:write,reactions:read,users:read"
)


class Settings(BaseSettings):
    """Every setting the bot reads; `.env.example` documents each one."""

    # hide_input_in_errors: a refused setting's error would otherwise quote every input, tokens too.
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", hide_input_in_errors=True
    )

    database_url: str = DEFAULT_DATABASE_URL
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_base_url: str = "https://slack.com/api/"
    port: int = Field(default=3000, ge=1, le=65535)
    log_level: str = "INFO"
    log_format: str = "text"  # or "json"
    metrics_port: int = Field(default=3001, ge=0, le=65535)  # Socket Mode only; 0: none
    shutdown_timeout: int = Field(default=20, ge=1, le=600)  # seconds a SIGTERM may take
    backstage_base_url: str | None = None
    backstage_token: SecretStr | None = None
    # OAuth (many workspaces): set the client id and secret instead of SLACK_BOT_TOKEN.
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_token_keys: SecretStr | None = None  # Fernet keys, comma-separated, newest first
    slack_redirect_uri: str | None = None
    slack_install_scopes: str = DEFAULT_INSTALL_SCOPES
    uninstall_grace_days: int = Field(default=30, ge=0, le=3650)

    @field_validator("slack_api_base_url")
    @classmethod
    def _keep_trailing_slash(cls, value: str) -> str:
        # slack_sdk joins method names with urljoin: without the slash, "/api" would be dropped.
        return value if value.endswith("/") else value + "/"

    @field_validator("log_format", mode="before")
    @classmethod
    def _known_log_format(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        form = value.strip().lower() or "text"
        if form not in ("text", "json"):
            raise ValueError('LOG_FORMAT must be "text" or "json"')
        return form

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
        "slack_client_id",
        "slack_client_secret",
        "slack_token_keys",
        "slack_redirect_uri",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("slack_install_scopes", mode="before")
    @classmethod
    def _blank_is_the_manifests(cls, value: object) -> object:
        # An install asking for no scope at all would leave a bot that can do nothing.
        return DEFAULT_INSTALL_SCOPES if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _one_mode_with_its_keys(self) -> Self:
        # Refused here, so a half-configured OAuth bot fails at start in one line, never later
        # with a token stored in plain text.
        if (self.slack_client_id is None) != (self.slack_client_secret is None):
            raise ValueError(
                "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are set together or not at all"
            )
        if self.oauth_mode and self.slack_bot_token is not None:
            raise ValueError(
                "set SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET "
                "(OAuth, many workspaces), not both"
            )
        if self.oauth_mode and not self.token_keys:
            raise ValueError(
                "OAuth mode needs SLACK_TOKEN_KEYS to encrypt the stored tokens "
                "(make a key with `sre-coach tokens new-key`)"
            )
        for position, key in enumerate(self.token_keys, 1):
            try:
                Fernet(key)
            except ValueError:
                raise ValueError(
                    f"SLACK_TOKEN_KEYS: key {position} is not a Fernet key "
                    "(44 characters of url-safe base64)"
                ) from None
        return self

    @property
    def oauth_mode(self) -> bool:
        """Many workspaces through the OAuth install flow, rather than one `SLACK_BOT_TOKEN`."""
        return self.slack_client_id is not None and self.slack_client_secret is not None

    @property
    def token_keys(self) -> list[str]:
        """The Fernet keys of `SLACK_TOKEN_KEYS`, newest (the one that encrypts) first."""
        text = self.slack_token_keys.get_secret_value() if self.slack_token_keys else ""
        return [key.strip() for key in text.split(",") if key.strip()]

    @property
    def install_scopes(self) -> list[str]:
        """The bot scopes asked for at install."""
        return [scope.strip() for scope in self.slack_install_scopes.split(",") if scope.strip()]

    @property
    def socket_mode(self) -> bool:
        """Socket Mode when an app-level token is set, else the HTTP endpoint."""
        return self.slack_app_token is not None

    def missing_for_slack(self) -> list[str]:
        """Names of the settings `sre-coach run` needs but does not have."""
        if self.oauth_mode:
            return self.missing_for_oauth()
        needed = {"SLACK_BOT_TOKEN": self.slack_bot_token}
        if self.socket_mode:
            needed["SLACK_APP_TOKEN"] = self.slack_app_token
        else:
            needed["SLACK_SIGNING_SECRET"] = self.slack_signing_secret
        return [name for name, value in needed.items() if value is None]

    def missing_for_oauth(self) -> list[str]:
        """Names of the settings OAuth mode needs (its install pages are served over HTTP)."""
        return [] if self.slack_signing_secret is not None else ["SLACK_SIGNING_SECRET"]

    @property
    def has_slack_tokens(self) -> bool:
        """True when `.env` or the environment holds what a Slack connection needs (one bot
        token, or OAuth's client id and secret)."""
        chosen = self.slack_bot_token is not None or self.oauth_mode
        return chosen and not self.missing_for_slack()
