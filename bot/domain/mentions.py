"""References to people and channels inside the bot's text, made only from parsed ids.

Everything the bot says is escaped where it becomes Slack mrkdwn (`bot/render/`), so nothing a
user typed can turn into `<!channel>`, a disguised link or a mention. The only live references
(mentions, channels, links and `<!date^…>` moments) are the ones built here: a private-use
marker around an id (or a URL, or whole seconds) checked against a strict pattern. User
text cannot carry these markers: input is cleaned of private-use characters, and a marker
around anything but a plain id renders as plain text.
"""

from __future__ import annotations

import re
from datetime import datetime

OPEN, SPLIT, CLOSE = "\ue000", "\ue002", "\ue001"
_ID = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}"
_URL = r"https?://[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]{1,2000}"
ID = re.compile(_ID)
URL = re.compile(_URL)
_TEXT = f"[^{OPEN}{SPLIT}{CLOSE}]*"
# A mention `@id`, a channel `#id`, a link `url SPLIT label` (the label is escaped text), or a
# moment `!unix-seconds SPLIT fallback` (the fallback, already in the reader's zone, is text).
TOKEN = re.compile(
    f"{OPEN}(?:([@#])({_ID})|({_URL}){SPLIT}({_TEXT})|!([0-9]{{1,11}}){SPLIT}({_TEXT})){CLOSE}"
)
STRAY = re.compile(f"[{OPEN}{SPLIT}{CLOSE}]")


def person(user_id: str) -> str:
    """A mention of the user `user_id` (`<@U123>` in Slack, `@U123` in the console)."""
    return _token("@", user_id)


def channel(channel_id: str) -> str:
    """A link to the channel `channel_id` (`<#C123>` in Slack, `#C123` in the console)."""
    return _token("#", channel_id)


def link(url: str, label: str) -> str:
    """A link the bot chose (a source's address), shown as `label`."""
    if not URL.fullmatch(url):
        return label
    return f"{OPEN}{url}{SPLIT}{STRAY.sub('', label)}{CLOSE}"


def moment(at: datetime, fallback: str) -> str:
    """A point in time Slack shows in each reader's own zone (`<!date^…>`); `fallback` is how
    it reads where that is not possible (the console, notifications): say it in the reader's
    zone when the bot knows it."""
    seconds = int(at.timestamp())
    if not 0 <= seconds < 10**11:
        return fallback
    return f"{OPEN}!{seconds}{SPLIT}{STRAY.sub('', fallback)}{CLOSE}"


def people(user_ids: list[str] | tuple[str, ...]) -> str:
    """Mentions of several users, comma-separated."""
    return ", ".join(person(u) for u in user_ids)


def _token(sigil: str, ref: str) -> str:
    if not ID.fullmatch(ref):
        return ref  # not an id the bot parsed: plain text, escaped like any other
    return f"{OPEN}{sigil}{ref}{CLOSE}"
