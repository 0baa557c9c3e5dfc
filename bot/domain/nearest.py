"""The closest of the words we accept to one a person typed: `stauts` is `status`.

Pure and stdlib only (difflib): a guess is offered in a refusal, never acted on.
"""

from __future__ import annotations

from collections.abc import Iterable
from difflib import get_close_matches

CUTOFF = 0.6  # difflib's own default: `memeber` -> member, `stauts` -> status


def closest(word: str, choices: Iterable[str], cutoff: float = CUTOFF) -> str | None:
    """The choice nearest to `word`: the only one it begins (`on-call` for `on-call-tooling`),
    else the closest spelling (at least `cutoff` alike, difflib's ratio), else None."""
    typed = word.strip().lower()
    options = list(dict.fromkeys(choices))
    if not typed or not options:
        return None
    starting = [c for c in options if c.lower().startswith(typed)]
    if len(starting) == 1:
        return starting[0]
    lowered = {c.lower(): c for c in options}
    found = get_close_matches(typed, list(lowered), n=1, cutoff=cutoff)
    return lowered[found[0]] if found else None


def did_you_mean(word: str, choices: Iterable[str], usage: str = "{}") -> str:
    """` Did you mean `x`?` (with `x` put into `usage`), or nothing when nothing is close."""
    found = closest(word, choices)
    return f" Did you mean `{usage.format(found)}`?" if found else ""
