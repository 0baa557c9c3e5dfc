"""Errors a user can cause and read: each carries the short message they will see."""

from __future__ import annotations


class DomainError(Exception):
    """A request the rules refuse; `message` is shown to the user as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(DomainError):
    """The command's words are off: the message says how to say it."""


class NotAllowed(DomainError):
    """The rules forbid this for this user; the message says who can do it."""


class NotFound(DomainError):
    """The thing asked about does not exist (yet)."""
