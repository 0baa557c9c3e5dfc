"""Judges how well each entry fits a question: the lexical bar, the semantic one, and fusion.

Lexically an entry answers a question only if, before any context boost, either
  its BM25 score (alias boost included) reaches MIN_SCORE, it holds MIN_COVERAGE of the
  question's content (each word weighted by idf; a word no entry has weighs UNKNOWN_WEIGHT),
  and some of that content (MIN_HEAD) is in its title, aliases or tags; or
  its score reaches STRONG_SCORE and it holds STRONG_COVERAGE (no head match needed); or
  one of its `asked` phrasings matches (PHRASE_MATCH); or
  the question names one of its aliases and it holds ALIAS_COVERAGE of the content.
With the encoder, a lexical match must also be semantically plausible (SEMANTIC_SUPPORT); an
alias or phrasing matched amid other unmatched words ("Atlassian's stock price") stands only
if the encoder is sure of it too (SEMANTIC_SURE). The encoder's favourite answers on its own
when it is that sure and the entry holds some of the question's words (SURE_COVERAGE), or
when it is surer still (SEMANTIC_CERTAIN); an entry both rankings put near the top
(AGREE_RANKS) is accepted on a lower lexical bar when the encoder is fairly sure (AGREE_COSINE).
Entries are then ordered by a weighted sum of both scores, each scaled by the question's best;
and the fused favourite also answers when its support (its cosine plus a share of its coverage
and of its log BM25 score, SUPPORT_*) clears SUPPORT_BAR: the two rankers half-sure of the same
entry make one sure answer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.guide.index import Flags, Scores, Vector

MIN_SCORE = 1.5
MIN_COVERAGE = 0.5
MIN_HEAD = 0.05
STRONG_SCORE = 8.0
STRONG_COVERAGE = 0.8
ALIAS_COVERAGE = 0.15
MIN_QUESTION_WEIGHT = 1.0  # a question carrying less content must name an entry's alias
PHRASE_MATCH = 0.3  # weighted Jaccard with one of the entry's `asked` phrasings
NEAR_SCORE = 1.0  # a declined question still points at entries this relevant...
NEAR_COVERAGE = 0.3  # ...that hold this share of its content

# Cosines of all-MiniLM-L6-v2 between a question and an entry's views: on the dev set an
# off-topic question's best is 0.33 at the median, an answerable one's 0.70.
SEMANTIC_WEIGHT = 0.55  # share of the semantic score in the fused order
SEMANTIC_SUPPORT = 0.4  # cosine a lexical match needs to stand
SEMANTIC_SURE = 0.6  # the encoder's favourite at this cosine answers without the lexical bar...
SURE_COVERAGE = 0.2  # ...if the entry holds this share of the question's content...
SEMANTIC_CERTAIN = 0.75  # ...or at this cosine whatever it holds
AGREE_RANKS = 3  # both rankings put the entry in their top AGREE_RANKS...
AGREE_SCORE = 1.5  # ...with at least this BM25 score...
AGREE_COVERAGE = 0.3  # ...and this share of the question's content...
AGREE_COSINE = 0.55  # ...and this cosine
SEMANTIC_NEAR = 0.45  # a decline also points at the semantic top entries this close
PARTIAL_COVERAGE = 0.4  # below this share of the question matched, a match is partial
# The fused favourite's support: cosine + SUPPORT_COVERAGE * coverage + SUPPORT_SCORE *
# ln(1 + BM25). A logistic fit of answerable against off-topic favourites over the three
# question sets weighs coverage at about a third and ln(1 + BM25) at about an eighth of the
# cosine; off-topic favourites mostly stay below 0.8, answerable ones mostly reach 0.9.
SUPPORT_COVERAGE = 0.25
SUPPORT_SCORE = 0.15
SUPPORT_BAR = 0.88


@dataclass(frozen=True)
class Judgement:
    """Per entry, in library order: how to rank it, and whether it may answer or be pointed at."""

    relevance: Vector  # the order of entries: BM25, or BM25 fused with cosine similarity
    confident: Flags  # entries the question is confidently about
    near: Flags  # entries a decline may still name as the closest topics


@dataclass(frozen=True)
class LexicalBar:
    """Per entry, which lexical rule it passes: words, an `asked` phrasing, or an alias."""

    worded: Flags  # BM25 score, coverage and a head match (or a strong score and coverage)
    phrased: Flags  # one of its `asked` phrasings matches
    named: Flags  # the question names one of its aliases

    def any(self) -> Flags:
        """Entries that pass at least one rule."""
        return self.worded | self.phrased | self.named


def lexical_bar(scores: Scores) -> LexicalBar:
    """Which entries pass on words alone, before any context boost."""
    relevance, coverage = scores.relevance, scores.coverage
    named = scores.alias & (coverage >= ALIAS_COVERAGE)
    none = np.zeros_like(named)
    if scores.weight < MIN_QUESTION_WEIGHT:  # "team", "slo": too vague unless it names one
        return LexicalBar(none, none, named)
    ranked = (relevance >= MIN_SCORE) & (coverage >= MIN_COVERAGE) & (scores.head >= MIN_HEAD)
    strong = (relevance >= STRONG_SCORE) & (coverage >= STRONG_COVERAGE)
    return LexicalBar(ranked | strong, scores.phrase >= PHRASE_MATCH, named)


def ranks(values: Vector) -> Vector:
    """Each value's 0-based position in descending order (ties keep library order)."""
    order = np.argsort(-values, kind="stable")
    positions = np.empty(len(values), dtype=np.float64)
    positions[order] = np.arange(len(values))
    return positions


def judge(scores: Scores, semantic: Vector | None) -> Judgement:
    """The lexical judgement alone, or fused with per-entry cosine similarities."""
    bar = lexical_bar(scores)
    near = (scores.relevance >= NEAR_SCORE) & (scores.coverage >= NEAR_COVERAGE)
    if semantic is None:
        return Judgement(scores.relevance, bar.any(), near)
    lexical_rank, semantic_rank = ranks(scores.relevance), ranks(semantic)
    plausible = semantic >= SEMANTIC_SUPPORT
    # A shared phrase pulls a sentence's vector ("the error budget for our team offsite"): the
    # encoder alone answers only when the entry holds some of the question's words too.
    sure = (semantic >= SEMANTIC_SURE) & (
        (scores.coverage >= SURE_COVERAGE) | (semantic >= SEMANTIC_CERTAIN)
    )
    # A phrasing or an alias matched while most of the question went unmatched ("best
    # Spotify playlist") stands only if the encoder is sure of that entry too.
    backed = (scores.coverage >= PARTIAL_COVERAGE) | sure
    lexical = bar.worded | ((bar.phrased | bar.named) & backed)
    agree = (
        (lexical_rank < AGREE_RANKS)
        & (semantic_rank < AGREE_RANKS)
        & (scores.coverage >= AGREE_COVERAGE)
        & (scores.relevance >= AGREE_SCORE)
        & (semantic >= AGREE_COSINE)
        & (backed | ~scores.alias)  # a name pulls a sentence's vector towards its entry
    )
    fused = (1 - SEMANTIC_WEIGHT) * _scaled(scores.relevance) + SEMANTIC_WEIGHT * _scaled(semantic)
    favourite = np.zeros_like(agree)
    favourite[int(np.argmax(fused))] = True
    supported = favourite & (support(scores, semantic) >= SUPPORT_BAR) & (backed | ~scores.alias)
    confident = (lexical & plausible) | (sure & (semantic_rank == 0)) | agree | supported
    close = (semantic_rank < AGREE_RANKS) & (semantic >= SEMANTIC_NEAR)
    return Judgement(fused, confident, near | close)


def support(scores: Scores, semantic: Vector) -> Vector:
    """How well both rankers together back each entry, on the cosine's scale."""
    coverage = np.minimum(scores.coverage, 1.0)
    lexical = np.log1p(np.clip(scores.relevance, 0.0, None))
    return semantic + SUPPORT_COVERAGE * coverage + SUPPORT_SCORE * lexical


def _scaled(values: Vector) -> Vector:
    """Non-negative values divided by the largest, so two rankings share one scale."""
    clipped = np.clip(values, 0.0, None)
    top = float(clipped.max()) if len(clipped) else 0.0
    return clipped / top if top > 0 else clipped
