"""Docs for coaching answers, declines, whole entries and the case-study list."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.action_ids import ActionId, button_value
from bot.doc import Actions, Bullets, Button, Doc, Heading, Note, Paragraph, Part, quoted
from bot.domain.mentions import link
from bot.guide.entries import Entry
from bot.guide.pointers import Pointer

MAX_BODY_PARTS = 30
_HEADING = re.compile(r"^#{1,6}\s+(.*)$", re.M)
_BOLD = re.compile(r"\*\*([^*]+)\*\*")
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_BULLET = re.compile(r"^(\s*)[-*]\s+", re.M)


def mrkdwn(markdown: str) -> str:
    """Markdown in the bot's markup: bold headings, single-star bold, bullets, links."""
    text = _HEADING.sub(r"*\1*", markdown)
    text = _BOLD.sub(r"*\1*", text)
    text = _LINK.sub(lambda m: link(m.group(2), m.group(1)), text)
    return _BULLET.sub(r"\1• ", text)


def _read_more(entry: Entry, channel: str) -> Part:
    return Actions(
        (Button("Read the full entry", ActionId.READ_ENTRY, button_value(channel, entry.id)),)
    )


def answer(entry: Entry, why_now: str | None, related: Sequence[Entry], channel: str) -> Doc:
    """The best entry's summary, why it fits now, how to read more, and related reading."""
    parts: list[Part] = [Paragraph(f"*{entry.title}*\n{entry.summary}")]
    if why_now:
        parts.append(Note(f"Why this now: {why_now}"))
    parts.append(_read_more(entry, channel))
    if related:
        see = " · ".join(f"{e.title} (`/sre guide {e.id}`)" for e in related)
        parts.append(Note(f"Related: {see}"))
    parts.append(Note(_sources(entry)))
    parts.append(Note(f"Full text any time: `/sre guide {entry.id}`"))
    return Doc(fallback=f"{entry.title}: {entry.summary}", parts=tuple(parts))


CODE_DECLINE = "Writing or reviewing code is not something I do: I coach the rollout."


def decline(
    closest: Sequence[Entry], suggestions: Sequence[Entry], writes_code: bool = False
) -> Doc:
    """An honest decline: the nearest topics when the question came close, else what I coach.

    A request to write code is told so; the entries it came near hold the reasoning behind it.
    """
    if writes_code and closest:
        text, lead, picks = CODE_DECLINE, "The reasoning behind it:", closest
    elif writes_code:
        text, lead, picks = CODE_DECLINE, "I can help with, for example:", suggestions
    elif closest:
        text = "I am not sure I have an answer to that, and I would rather not guess."
        lead, picks = "The closest topics I know:", closest
    else:
        text = "That is not something I coach on, and I would rather not guess."
        lead, picks = "I can help with, for example:", suggestions
    topics = tuple(f"{e.title}: `/sre guide {e.id}`" for e in picks)
    return Doc(fallback=text, parts=(Paragraph(text), Paragraph(lead), Bullets(topics)))


def pointed(command: Pointer) -> Doc:
    """A question about this coalition itself: the command that answers it, not an entry."""
    text = (
        "That is about this coalition, not something my library covers: "
        f"`{command.command}` answers it (`/sre help {command.name}` shows how)."
    )
    return Doc(fallback=text, parts=(Paragraph(text),))


def _sources(entry: Entry) -> str:
    """The entry's front-matter sources, each with its link where it has one."""
    cited = []
    for s in entry.sources:
        where = f" {link(s.url, 'link')}" if s.url else ""
        cited.append(f"{s.title}, {s.publisher}, {s.date}{where}")
    return "Sources: " + "; ".join(cited)


def full_entry(entry: Entry) -> Doc:
    """The whole entry, section by section, with its sources."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", entry.body) if b.strip()]
    parts: list[Part] = [Heading(entry.title)]
    parts += [Paragraph(mrkdwn(b)) for b in blocks[:MAX_BODY_PARTS]]
    parts.append(Note(_sources(entry)))
    return Doc(fallback=f"{entry.title}: {entry.summary}", parts=tuple(parts))


def case_list(cases: Sequence[Entry]) -> Doc:
    """Every case study, with how to read one."""
    lines = tuple(f"{e.title}: `/sre case {e.aliases[0] if e.aliases else e.id}`" for e in cases)
    return Doc(fallback="Case studies", parts=(Heading("Case studies"), Bullets(lines)))


def case_choices(name: str, cases: Sequence[Entry]) -> Doc:
    """The case studies a name fits equally well, each with the command that tells it."""
    text = f"More than one case fits `{quoted(name, 30)}`. Which one?"
    lines = tuple(f"{e.title}: `/sre case {e.id}`" for e in cases)
    return Doc(fallback=text, parts=(Paragraph(text), Bullets(lines)))
