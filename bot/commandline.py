"""Turning what a user typed into words: length cap, Unicode clean-up, Slack mentions."""

from __future__ import annotations

import re
import unicodedata

from bot.domain.errors import UsageError

MAX_CHARS = 1000
_MENTION = re.compile(r"^<@([A-Z0-9a-z_.-]+)(?:\|[^>]*)?>$")


def clean(text: str) -> str:
    """NFKC-normalised text without control or invisible format characters."""
    text = unicodedata.normalize("NFKC", text)
    kept = (
        ch if unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co"} or ch in "\n\t" else " "
        for ch in text
    )
    return "".join(kept).strip()


def words(text: str) -> list[str]:
    """The command's words; refuses text longer than anyone types on purpose."""
    if len(text) > MAX_CHARS:
        raise UsageError(
            f"That is {len(text):,} characters; I read commands of up to {MAX_CHARS:,}. "
            "Try `/sre help`."
        )
    return clean(text).split()


def quoted(word: str, limit: int = 24) -> str:
    """A user's word, shortened and made safe to echo inside `code`."""
    safe = word.replace("`", "'")
    return safe if len(safe) <= limit else safe[: limit - 1] + "…"


def user_id(word: str) -> str:
    """The user id in a Slack mention `<@U123|name>`, or a usage error."""
    match = _MENTION.match(word)
    if match is None:
        raise UsageError(f"`{quoted(word)}` is not a mention: write @name and pick the person.")
    return match.group(1)
