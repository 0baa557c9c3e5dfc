"""Counted nouns in words: `1 week`, `2 weeks`, `1 rollout history entry`, `3 entries`."""

from __future__ import annotations


def counted(n: int, one: str, many: str = "") -> str:
    """`n` and the noun, singular for exactly one (`many` when the plural is not `one` + s)."""
    return f"{n} {one if n == 1 else many or one + 's'}"
