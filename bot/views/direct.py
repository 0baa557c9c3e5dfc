"""Docs for questions asked in a DM: which coalition they are about, suggested prompts, the
thread's title."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.action_ids import ActionId, button_value
from bot.doc import Actions, Bullets, Button, Doc, Note, Paragraph
from bot.domain.mentions import channel
from bot.domain.programme import Programme
from bot.domain.risks import Risk
from bot.guide.entries import Entry
from bot.guide.library import Library
from bot.outcome import Prompt

MAX_PROMPTS = 4  # what Slack shows in an assistant thread
TITLE_CHARS = 60
MAX_CHOICES = 10  # buttons in one row (Slack allows 25); more: `/sre dm-here` in the channel
_SLACK_REF = re.compile(r"<[^<>]*>")
_KIND_PREFIX = re.compile(r"^(failure mode|step \d+):\s*", re.I)


def which_coalition(channels: Sequence[str], question: str) -> Doc:
    """Ask which coalition a DM is about: one button per coalition, remembered once chosen.

    Each button carries the question back (Slack holds it, the bot stores nothing), so the
    click answers it without asking again.
    """
    channels = channels[:MAX_CHOICES]
    listed = tuple(f"{n}. {channel(c)}" for n, c in enumerate(channels, 1))
    carried = without_refs(question)
    buttons = tuple(
        Button(f"Coalition {n}", ActionId.DM_HERE, button_value(c, carried))
        for n, c in enumerate(channels, 1)
    )
    text = "You are in more than one coalition. Which one is this about? I will remember."
    return Doc(
        fallback=text,
        parts=(
            Paragraph(text),
            Bullets(listed),
            Actions(buttons),
            Note("Change it later with `/sre dm-here` in the other coalition's channel."),
        ),
    )


def home_chosen(channel_id: str, answer: Doc | None = None) -> Doc:
    """Confirm the coalition DMs are about, above the answer to the question that asked."""
    note = f"Got it: your questions in a DM are about {channel(channel_id)} from now on."
    if answer is None:
        return Doc.text(note)
    return Doc(fallback=answer.fallback, parts=(Note(note), *answer.parts))


def _short(title: str) -> str:
    short = _KIND_PREFIX.sub("", title)
    return short[:1].upper() + short[1:]


def prompts(
    programme: Programme, library: Library, step: str | None, risks: Sequence[Risk]
) -> tuple[Prompt, ...]:
    """Questions that fit now: the open risks' guidance first, then the current step's, then
    the basics. Each message is the entry's title, which the guide answers with that entry."""
    found: list[Prompt] = []
    seen: set[str] = set()

    def add(entry_id: str, label: str | None = None) -> None:
        entry: Entry | None = library.get(entry_id)
        if entry is None or entry.id in seen or len(found) >= MAX_PROMPTS:
            return
        seen.add(entry.id)
        title = label or f"Open risk: {_short(entry.title)}"
        found.append(Prompt(title[:TITLE_CHARS], entry.title))

    for risk in risks:
        add(risk.guide)
    if step is not None:
        current = programme.step(step)
        add(current.guide, f"Step {programme.index(current.id) + 1}: {current.title}")
    else:
        first = programme.steps[0]
        add(first.guide, f"Step 1: {first.title}")
    add("slo-basics", "SLIs, SLOs and error budgets")
    add("pitch-outline", "Outline the pitch")
    return tuple(found)


def without_refs(question: str) -> str:
    """The question on one line without Slack's `<...>` references (mentions, links)."""
    return " ".join(_SLACK_REF.sub(" ", question).split())


def thread_title(question: str) -> str:
    """A thread's title from its first question: Slack references dropped, one line, short."""
    words = without_refs(question)
    return words if len(words) <= TITLE_CHARS else words[: TITLE_CHARS - 1] + "…"
