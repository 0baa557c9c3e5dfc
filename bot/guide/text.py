"""Turns text into index terms: normalising, domain synonyms, stopwords, stemming, typo fixes."""

from __future__ import annotations

import difflib
import re
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache

import snowballstemmer  # type: ignore[import-untyped]
from spellchecker import SpellChecker

from bot.guide.vocabulary import SPELLINGS, STEM_MERGES, STOPWORDS, SYNONYMS

WORD = re.compile(r"[^\W_]+")
NOISE = re.compile(r"<[@#!][^>]*>|@\w+|https?://\S+")
APOSTROPHES = "'\u2019"
APOSTROPHE_S = re.compile(rf"[{APOSTROPHES}]s\b")
BRITISH_IZE = re.compile(r"(?<=\w{3})iz(?=e|a|i)")
TYPO_MIN_LENGTH = 5
TYPO_CUTOFF = 0.85
# pyspellchecker's English counts come from subtitles, where a common misspelling can turn up
# a few dozen times ("calender"); a word seen this often is taken as correctly spelled.
ENGLISH_MIN_COUNT = 100

_STEMMER = snowballstemmer.stemmer("english")
_STEM_LOCK = threading.Lock()


@lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """The Snowball English stem of one lowercase word (cached; the stemmer is not reentrant)."""
    with _STEM_LOCK:
        stemmed = str(_STEMMER.stemWord(word))
    return STEM_MERGES.get(stemmed, stemmed)


def english_words() -> frozenset[str]:
    """Correctly spelled English words (pyspellchecker's dictionary); each guide loads it
    once, as it is built at start."""
    frequency = SpellChecker(language="en").word_frequency
    return frozenset(w for w, n in frequency.items() if n >= ENGLISH_MIN_COUNT)


def words(text: str) -> list[str]:
    """Lowercase NFKC words without punctuation, Slack mentions or URLs."""
    text = NOISE.sub(" ", unicodedata.normalize("NFKC", text)).lower()
    text = APOSTROPHE_S.sub("", text).translate({ord(a): None for a in APOSTROPHES})
    found = WORD.findall(text)
    return [_spelling(w) for w in found if len(w) > 1 or w.isdigit()]


def _spelling(word: str) -> str:
    word = SPELLINGS.get(word, word)
    return BRITISH_IZE.sub("is", word) if "iz" in word else word


def synonyms(tokens: Sequence[str]) -> list[str]:
    """Replaces each listed phrase (longest first) by its canonical words."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for size in (3, 2, 1):
            replacement = SYNONYMS.get(tuple(tokens[i : i + size]))
            if replacement is not None:
                out.extend(replacement)
                i += size
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def terms(tokens: Iterable[str]) -> list[str]:
    """Index terms of synonym-applied tokens: stopwords dropped, the rest stemmed."""
    return [stem(w) for w in tokens if w not in STOPWORDS]


def stems(tokens: Iterable[str]) -> list[str]:
    """Every synonym-applied token stemmed, stopwords kept (for matching whole phrases)."""
    return [stem(w) for w in tokens]


def tokenize(text: str) -> list[str]:
    """The words of a text with domain synonyms applied."""
    return synonyms(words(text))


def analyze(text: str) -> list[str]:
    """The index terms of a text."""
    return terms(tokenize(text))


class TypoFixer:
    """Maps an unknown query word to the closest title, alias or tag word with its first letter.

    A correctly spelled English word is left alone even when a library word is one letter
    away: "lunch" is not a typo for "launch".
    """

    def __init__(self, corpus_words: Iterable[str], known_terms: set[str]) -> None:
        self._known = known_terms
        self._english = english_words()
        buckets: defaultdict[str, set[str]] = defaultdict(set)
        for word in corpus_words:
            if len(word) >= TYPO_MIN_LENGTH - 1 and word not in STOPWORDS:
                buckets[word[0]].add(word)
        self._buckets = {letter: sorted(ws) for letter, ws in buckets.items()}
        self._phrase_words = {w for phrase in SYNONYMS for w in phrase}
        self.fix = lru_cache(maxsize=4096)(self._fix)

    def _fix(self, word: str) -> str:
        if (
            len(word) < TYPO_MIN_LENGTH
            or word.isdigit()
            or word in STOPWORDS
            or word in self._phrase_words
            or stem(word) in self._known
            or word in self._english
        ):
            return word
        close = difflib.get_close_matches(word, self._buckets.get(word[0], []), 1, TYPO_CUTOFF)
        return close[0] if close else word

    def fix_all(self, tokens: Iterable[str]) -> list[str]:
        """Every word, with unknown ones replaced by their closest corpus word."""
        return [self.fix(w) for w in tokens]
