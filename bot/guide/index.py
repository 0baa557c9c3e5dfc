"""The BM25 index over the library, with every per-term score vector computed at build time."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rank_bm25 import BM25Okapi  # type: ignore[import-untyped]

from bot.guide.entries import Entry
from bot.guide.text import TypoFixer, analyze, stems, terms, tokenize, words

Vector = npt.NDArray[np.float64]
Flags = npt.NDArray[np.bool_]
Phrase = tuple[str, ...]
ByWord = dict[str, list[tuple[frozenset[str], int]]]
Verbatim = dict[Phrase, list[int]]
PhraseTable = tuple[
    dict[str, list[tuple[int, int]]], npt.NDArray[np.float64], npt.NDArray[np.int64]
]

TITLE_WEIGHT = 3  # the title counts as if written three times
ALIAS_WEIGHT = 2
TAG_WEIGHT = 2
ALIAS_BOOST = 1.6  # a question that names an entry's alias strongly prefers that entry
SPECIFIC_ALIAS = 1.0  # a one-word alias counts as named only if its idf reaches this
UNKNOWN_WEIGHT = 2.0  # the weight of a question word that no entry contains
MIN_PHRASE_TERMS = 2  # shorter phrasings are too vague to match on their own
MAX_VERBATIM = 6  # longest alias, in words, matched word for word
INLINE_CODE = re.compile(r"`[^`]*`")


@dataclass(frozen=True)
class Scores:
    """How well each entry fits one question, in library order."""

    relevance: Vector  # BM25 score, raised for entries whose alias the question names
    coverage: Vector  # share of the question's content (idf-weighted) found in the entry
    head: Vector  # the same share, counting only the entry's title, aliases and tags
    alias: Flags  # the question names one of the entry's aliases
    phrase: Vector  # best weighted Jaccard between the question and one of the entry's `asked`
    weight: float  # how much content the question carries (idf sum of its content words)


def head_text(entry: Entry) -> list[str]:
    """The short texts that say what an entry is about: title, aliases and tags."""
    tags = (t.replace("-", " ") for t in entry.tags)
    return [entry.title, *entry.aliases, *tags]


def document_text(entry: Entry) -> list[str]:
    """The texts indexed for an entry, the title, aliases and tags repeated for weight."""
    tags = [t.replace("-", " ") for t in entry.tags]
    return (
        [entry.title] * TITLE_WEIGHT
        + list(entry.aliases) * ALIAS_WEIGHT
        + tags * TAG_WEIGHT
        + list(entry.asked)
        + [entry.summary, INLINE_CODE.sub(" ", entry.body)]
    )


class Index:
    """BM25 (Okapi, via `rank_bm25`) over the entries; queries only add precomputed vectors."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        texts = [document_text(e) for e in entries]
        docs = [[t for text in doc for t in analyze(text)] for doc in texts]
        bm25 = BM25Okapi(docs)
        vocabulary = sorted({t for doc in docs for t in doc})
        doc_sets = [set(doc) for doc in docs]
        heads = [{t for text in head_text(e) for t in analyze(text)} for e in entries]
        self.size = len(entries)
        self._scores = {t: np.asarray(bm25.get_scores([t]), dtype=np.float64) for t in vocabulary}
        self._present = {t: np.array([t in d for d in doc_sets]) for t in vocabulary}
        self._in_head = {t: np.array([t in h for h in heads]) for t in vocabulary}
        self._weight = {t: float(bm25.idf[t]) for t in vocabulary}
        self._by_word, self._verbatim = self._alias_tables(entries)
        self._phrases = self._phrase_table(entries)
        head_words = {w for e in entries for text in head_text(e) for w in words(text)}
        self.typos = TypoFixer(head_words, set(vocabulary))

    def score(self, tokens: Sequence[str]) -> Scores:
        """Relevance and coverage of every entry for a question's synonym-applied words."""
        content = terms(tokens)
        relevance = np.zeros(self.size)
        covered = np.zeros(self.size)
        head = np.zeros(self.size)
        total = 1e-9
        for term in dict.fromkeys(content):
            weight = self._weight.get(term, UNKNOWN_WEIGHT)
            total += weight
            if term in self._scores:
                relevance += self._scores[term]
                covered += weight * self._present[term]
                head += weight * self._in_head[term]
        alias = self._named(content, stems(tokens))
        relevance = np.where(alias, relevance * ALIAS_BOOST, relevance)
        phrase = self._phrase_match(content, total)
        return Scores(relevance, covered / total, head / total, alias, phrase, total)

    def _phrase_table(self, entries: Sequence[Entry]) -> PhraseTable:
        """For each term, the (entry, phrase) pairs of `asked` phrasings holding it."""
        by_term: dict[str, list[tuple[int, int]]] = {}
        weights: list[float] = []
        owners: list[int] = []
        for doc, entry in enumerate(entries):
            for text in entry.asked:
                content = set(terms(tokenize(text)))
                if len(content) < MIN_PHRASE_TERMS:
                    continue
                number = len(weights)
                weights.append(sum(self._weight.get(t, 0.0) for t in content))
                owners.append(doc)
                for term in content:
                    by_term.setdefault(term, []).append((doc, number))
        return by_term, np.asarray(weights), np.asarray(owners, dtype=np.int64)

    def _phrase_match(self, content: Sequence[str], question_weight: float) -> Vector:
        """Per entry, the best weighted Jaccard similarity of the question and one phrasing."""
        by_term, weights, owners = self._phrases
        shared = np.zeros(len(weights))
        for term in dict.fromkeys(content):
            weight = self._weight.get(term, 0.0)
            for _, number in by_term.get(term, ()):
                shared[number] += weight
        jaccard = shared / np.maximum(weights + question_weight - shared, 1e-9)
        best = np.zeros(self.size)
        np.maximum.at(best, owners, jaccard)
        return best

    def _named(self, content: Sequence[str], every: Sequence[str]) -> Flags:
        """Entries one of whose aliases the question names: all its content words, or verbatim."""
        hits = np.zeros(self.size, dtype=bool)
        present = set(content)
        for term in present:
            for words_, doc in self._by_word.get(term, ()):
                hits[doc] |= words_ <= present
        for start in range(len(every)):
            for size in range(2, MAX_VERBATIM + 1):
                for doc in self._verbatim.get(tuple(every[start : start + size]), ()):
                    hits[doc] = True
        return hits

    def _alias_tables(self, entries: Sequence[Entry]) -> tuple[ByWord, Verbatim]:
        """Aliases by each content word (if specific enough), and verbatim as stemmed words."""
        by_word: dict[str, list[tuple[frozenset[str], int]]] = {}
        verbatim: dict[Phrase, list[int]] = {}
        for doc, entry in enumerate(entries):
            for alias in entry.aliases:
                alias_tokens = tokenize(alias)
                content = frozenset(terms(alias_tokens))
                weight = sum(self._weight.get(t, 0.0) for t in content)
                one_word = len(alias_tokens) == 1 and weight >= SPECIFIC_ALIAS
                for term in content if len(content) > 1 or (content and one_word) else ():
                    by_word.setdefault(term, []).append((content, doc))
                if 1 < len(alias_tokens) <= MAX_VERBATIM:
                    verbatim.setdefault(tuple(stems(alias_tokens)), []).append(doc)
        return by_word, verbatim
