"""Slack tokens encrypted at rest with `cryptography`'s Fernet, under keys from SLACK_TOKEN_KEYS.

The keys are a comma-separated list, newest first: the first encrypts, every one decrypts.
Rotating a key is prepending a new one, re-encrypting the stored tokens
(`sre-coach tokens reencrypt`), then dropping the old key once nothing needs it.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class TokenKeyError(ValueError):
    """SLACK_TOKEN_KEYS is missing, malformed, or cannot read what is stored."""


class TokenCipher:
    """Encrypts with the newest key and decrypts with any of them."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise TokenKeyError("SLACK_TOKEN_KEYS is empty")
        fernets: list[Fernet] = []
        for position, key in enumerate(keys, 1):
            try:
                fernets.append(Fernet(key))
            except ValueError:
                raise TokenKeyError(
                    f"SLACK_TOKEN_KEYS: key {position} is not a Fernet key"
                ) from None
        self._keys = MultiFernet(fernets)

    def seal(self, token: str) -> str:
        """The token encrypted with the newest key (url-safe text, about 1.4x + 80 characters)."""
        return self._keys.encrypt(token.encode()).decode("ascii")

    def open(self, sealed: str) -> str:
        """The token back; raises `TokenKeyError` when no key can decrypt it."""
        try:
            return self._keys.decrypt(sealed.encode("ascii")).decode()
        except (InvalidToken, UnicodeError):
            # Never the value itself in the message: it may be a plain-text token.
            raise TokenKeyError("no key in SLACK_TOKEN_KEYS can decrypt a stored token") from None

    def reseal(self, sealed: str) -> str:
        """The same token, encrypted again with the newest key (for key rotation)."""
        try:
            return self._keys.rotate(sealed.encode("ascii")).decode("ascii")
        except (InvalidToken, UnicodeError):
            raise TokenKeyError("no key in SLACK_TOKEN_KEYS can decrypt a stored token") from None


def new_key() -> str:
    """A fresh random Fernet key, for SLACK_TOKEN_KEYS."""
    return Fernet.generate_key().decode("ascii")
