"""Why someone stepped back: the few reasons we offer, and free text read as the closest one."""

from __future__ import annotations

import re

from bot.domain.nearest import closest

REASONS = ("time", "priorities", "tired", "moved-on", "rather-not-say")
# Words people use for each reason; only the reason is kept, never the words typed.
_SAID = {
    "time": "time busy bandwidth capacity workload schedule hours deadlines",
    "priorities": "priorities priority focus manager team project role roadmap product",
    "tired": "tired burnout burned burnt exhausted stress stressed on-call oncall pager pages",
    "moved-on": "moved moving new job change changed quit left leaving elsewhere",
    "rather-not-say": "private personal rather prefer skip",
}
_WORD = re.compile(r"[a-z-]+")
# A lone word is read as a reason only when it is a misspelling of one (`tird`, `timme`): the
# reason is kept, so a guess must be safe (`bored` is as close to `tired` as difflib's default
# allows, yet it says nothing about strain).
TYPO_CUTOFF = 0.8


def reason_for(text: str) -> str | None:
    """The reason `text` names or comes closest to (`too much on-call` -> tired), or None."""
    typed = text.strip().lower()
    if typed in REASONS:
        return typed
    said = _WORD.findall(typed)
    for reason, words in _SAID.items():
        if any(word in words.split() for word in said):
            return reason
    return closest(typed, REASONS, TYPO_CUTOFF) if len(said) == 1 else None
