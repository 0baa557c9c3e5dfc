"""The semantic side of the guide: entry texts embedded once, questions compared by cosine."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bot.guide.encoder import Encoder
from bot.guide.entries import Entry
from bot.guide.index import Vector
from bot.guide.library import Library
from bot.guide.text import terms, tokenize
from bot.guide.vectors import encode_cached

MIN_VIEW_WORDS = 2


def views(entry: Entry) -> list[str]:
    """The short texts that say what an entry answers: title, summary, aliases, phrasings.

    The body is left out: its many specific lines match loosely related questions (on the
    dev set they cost more answers than they found). So are texts of one content word ("who
    should join" is `join`): any question holding that word would sit close to it, and naming
    an entry is the lexical side's job.
    """
    texts = [entry.title, entry.summary, *entry.aliases, *entry.asked]
    return [t for t in texts if len(terms(tokenize(t))) >= MIN_VIEW_WORDS]


def library_views(library: Library) -> list[str]:
    """Every view text of every entry, in the order the index encodes them."""
    return [text for entry in library.entries.values() for text in views(entry)]


class SemanticIndex:
    """Every entry's views as unit vectors, made at start (or read back); a question: one encode."""

    def __init__(self, entries: Sequence[Entry], encoder: Encoder) -> None:
        texts: list[str] = []
        owners: list[int] = []
        for number, entry in enumerate(entries):
            for text in views(entry):
                texts.append(text)
                owners.append(number)
        self._encoder = encoder
        self._size = len(entries)
        self._owners = np.asarray(owners, dtype=np.int64)
        self._vectors = encode_cached(encoder.encode, texts)

    def similarity(self, question: str) -> Vector:
        """Per entry, the best cosine between the question and one of its views."""
        (vector,) = self._encoder.encode([question])
        cosines = (self._vectors @ vector).astype(np.float64)
        best = np.full(self._size, -1.0)
        np.maximum.at(best, self._owners, cosines)
        return best
