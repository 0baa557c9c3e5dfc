"""The one place the bot's text becomes Slack markup: everything escaped, the bot's refs live.

Slack reads `<...>` as a mention, a broadcast (`<!channel>`) or a link, and `&` as an entity.
Every character of every text is escaped here (so no user text can ping the channel or
disguise a link); only the references built by `bot.domain.mentions` from parsed ids become
`<@U…>`, `<#C…>`, `<url|label>` or `<!date^…|fallback>` (a moment in the reader's zone).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.domain.mentions import STRAY, TOKEN

ELLIPSIS = "…"


def escape(text: str) -> str:
    """`&`, `<` and `>` as the entities Slack expects."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


DATE_FORMAT = "{date_short_pretty} {time}"  # Slack fills these in, in the reader's zone


def _live(match: re.Match[str]) -> str:
    sigil, ref, url, label, seconds, said = match.groups()
    if sigil:
        return f"<{sigil}{ref}>"
    if seconds:
        return f"<!date^{seconds}^{DATE_FORMAT}|{escape(said)}>"
    return f"<{url.replace('&', '&amp;')}|{escape(label)}>"


def _atoms(text: str) -> list[str]:
    """The rendered text in pieces that must not be split: a reference, or one character."""
    atoms: list[str] = []
    position = 0
    for match in TOKEN.finditer(text):
        atoms += [escape(ch) for ch in STRAY.sub("", text[position : match.start()])]
        atoms.append(_live(match))
        position = match.end()
    atoms += [escape(ch) for ch in STRAY.sub("", text[position:])]
    return atoms


def mrkdwn(text: str, limit: int | None = None) -> str:
    """`text` as Slack mrkdwn, cut to at most `limit` characters without breaking an entity."""
    atoms = _atoms(text)
    rendered = "".join(atoms)
    if limit is None or len(rendered) <= limit:
        return rendered
    kept, size = [], len(ELLIPSIS)
    for atom in atoms:
        if size + len(atom) > limit:
            break
        kept.append(atom)
        size += len(atom)
    return "".join(kept) + ELLIPSIS


def _readable(match: re.Match[str], channels: Mapping[str, str]) -> str:
    sigil, ref, url, label, seconds, said = match.groups()
    if seconds:
        return str(said)
    if sigil == "#":
        return f"#{channels.get(ref, ref)}"
    return f"{sigil}{ref}" if sigil else f"{label} ({url})"


def plain(text: str, limit: int | None = None, channels: Mapping[str, str] | None = None) -> str:
    """`text` for plain-text surfaces (headers, buttons, the console): refs as @id or #id (a
    channel as `#name` where `channels` names it, as the console does)."""
    names = channels or {}
    readable = STRAY.sub("", TOKEN.sub(lambda m: _readable(m, names), text))
    if limit is None or len(readable) <= limit:
        return readable
    return readable[: limit - len(ELLIPSIS)] + ELLIPSIS
