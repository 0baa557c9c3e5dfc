"""The semantic side of the guide: entry cards embedded once, questions compared by cosine."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bot.guide.encoder import Encoder
from bot.guide.entries import Entry
from bot.guide.index import Vector
from bot.guide.library import Library
from bot.guide.precedents import Precedents, Shipped
from bot.guide.vectors import encode_cached


def card(entry: Entry) -> str:
    """What an entry stands for to the encoder: its title and its summary.

    The encoder was fine-tuned to pull each question towards the card of the entry that answers
    it (tools/finetune_encoder.py), so the cards are what it compares against at run time too.
    Comparing against every title, summary, alias and phrasing separately and keeping the best
    (as the general encoder needed) ranked the trained model's favourite lower: on v5, which it
    was trained on, first-place answers were 0.851 that way against 0.966 by the card alone.
    An entry's `asked` phrasings count as its precedents (`precedents.py`), and the lexical
    side's coverage holds their words; a new phrasing takes effect once `tools/ship_vectors.py`
    has run (a test says when it must), and trains the encoder at its next round.
    """
    return f"{entry.title}: {entry.summary}"


def library_cards(library: Library) -> list[str]:
    """Every entry's card, in the order the index encodes them."""
    return [card(entry) for entry in library.entries.values()]


class SemanticIndex:
    """Every entry's card as a unit vector, made at start (or read back); a question: one encode.

    With precedents (`precedents`), each entry's cosine is blended with its nearest precedent's.
    """

    def __init__(
        self, entries: Sequence[Entry], encoder: Encoder, precedents: Shipped | None = None
    ) -> None:
        self._encoder = encoder
        self._vectors = encode_cached(encoder.encode, [card(e) for e in entries])
        ids = [e.id for e in entries]
        self._precedents = Precedents(precedents, ids) if precedents else None

    def similarity(self, question: str) -> Vector:
        """Per entry, the cosine between the question and its card (and its precedents)."""
        (vector,) = self._encoder.encode([question])
        cosines: Vector = (self._vectors @ vector).astype(np.float64)
        if self._precedents is None:
            return cosines
        return self._precedents.blend(cosines, vector)
