"""The semantic side of the guide: entry cards embedded once, questions compared by cosine."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bot.guide.encoder import Encoder
from bot.guide.entries import Entry
from bot.guide.index import Vector
from bot.guide.library import Library
from bot.guide.vectors import encode_cached


def card(entry: Entry) -> str:
    """What an entry stands for to the encoder: its title and its summary.

    The encoder was fine-tuned to pull each question towards the card of the entry that answers
    it (tools/finetune_encoder.py), so the cards are what it compares against at run time too.
    Comparing against every title, summary, alias and phrasing separately and keeping the best
    (as the general encoder needed) ranked the trained model's favourite lower: on v5, which it
    was trained on, first-place answers were 0.851 that way against 0.966 by the card alone.
    An entry's `asked` phrasings still count: the encoder is trained on them, and the lexical
    side's coverage holds their words. A new phrasing takes its full effect after the next
    training run (tools/finetune_encoder.py); an edited title or summary, at the next start.
    """
    return f"{entry.title}: {entry.summary}"


def library_cards(library: Library) -> list[str]:
    """Every entry's card, in the order the index encodes them."""
    return [card(entry) for entry in library.entries.values()]


class SemanticIndex:
    """Every entry's card as a unit vector, made at start (or read back); a question: one encode."""

    def __init__(self, entries: Sequence[Entry], encoder: Encoder) -> None:
        self._encoder = encoder
        self._vectors = encode_cached(encoder.encode, [card(e) for e in entries])

    def similarity(self, question: str) -> Vector:
        """Per entry, the cosine between the question and its card."""
        (vector,) = self._encoder.encode([question])
        cosines: Vector = (self._vectors @ vector).astype(np.float64)
        return cosines
