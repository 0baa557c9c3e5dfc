"""Judges how well each entry fits a question: the lexical bar alone, or fused with the encoder.

Lexically (no encoder) an entry answers a question only if, before any context boost, either
  its BM25 score (alias boost included) reaches MIN_SCORE, it holds MIN_COVERAGE of the
  question's content (each word weighted by idf; a word no entry has weighs UNKNOWN_WEIGHT),
  and some of that content (MIN_HEAD) is in its title, aliases or tags; or
  its score reaches STRONG_SCORE and it holds STRONG_COVERAGE (no head match needed); or
  one of its `asked` phrasings matches (PHRASE_MATCH); or
  the question names one of its aliases and it holds ALIAS_COVERAGE of the content.

With the encoder (fine-tuned on the library, see tools/finetune_encoder.py) one measure both
orders and judges: an entry's support, the cosine between the question and the entry's card
(title and summary), blended with its nearest precedent's (`precedents.py`), plus a share
(SUPPORT_COVERAGE) of the lexical side's coverage, the idf-weighted part of the question's
words the entry holds. Entries whose support clears SUPPORT_BAR may answer. The fine-tuned
encoder already tells the library's questions from others (it was trained to score an
off-topic question below every entry), so the hand-set rules the general encoder needed (a
lexical match the encoder finds implausible, the encoder's sure favourite, both rankings
agreeing) each cost more answers than they saved on question sets the model never saw.
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

SEMANTIC_NEAR = 0.45  # a decline also points at the encoder's top entries this close...
NEAR_RANKS = 3  # ...among its first NEAR_RANKS
# Support: the semantic side (card and nearest precedent, `precedents.py`) + SUPPORT_COVERAGE *
# coverage. Fit by a grid on mixed sets 3 and 6 (tools/encoder_training), held out of the
# shipped model's training, each scored with every other labelled question as precedents, and
# checked on the hand-written questions of tests/guide; docs/benchmarks.md has the grid. A
# share of log BM25 as well (0.05 or more) answered more off-topic questions than it found.
SUPPORT_COVERAGE = 0.2
SUPPORT_BAR = 0.525


@dataclass(frozen=True)
class Judgement:
    """Per entry, in library order: how to rank it, and whether it may answer or be pointed at."""

    relevance: Vector  # the order of entries: BM25, or support (cosine and coverage)
    confident: Flags  # entries the question is confidently about
    near: Flags  # entries a decline may still name as the closest topics


def lexical_bar(scores: Scores) -> Flags:
    """Entries that pass on words alone, before any context boost."""
    relevance, coverage = scores.relevance, scores.coverage
    named = scores.alias & (coverage >= ALIAS_COVERAGE)
    if scores.weight < MIN_QUESTION_WEIGHT:  # "team", "slo": too vague unless it names one
        return named
    worded = (relevance >= MIN_SCORE) & (coverage >= MIN_COVERAGE) & (scores.head >= MIN_HEAD)
    strong = (relevance >= STRONG_SCORE) & (coverage >= STRONG_COVERAGE)
    return worded | strong | (scores.phrase >= PHRASE_MATCH) | named


def ranks(values: Vector) -> Vector:
    """Each value's 0-based position in descending order (ties keep library order)."""
    order = np.argsort(-values, kind="stable")
    positions = np.empty(len(values), dtype=np.float64)
    positions[order] = np.arange(len(values))
    return positions


def judge(scores: Scores, semantic: Vector | None) -> Judgement:
    """The lexical judgement alone, or each entry's support with the encoder."""
    near = (scores.relevance >= NEAR_SCORE) & (scores.coverage >= NEAR_COVERAGE)
    if semantic is None:
        return Judgement(scores.relevance, lexical_bar(scores), near)
    backing = support(scores, semantic)
    close = (ranks(semantic) < NEAR_RANKS) & (semantic >= SEMANTIC_NEAR)
    # A shared word the encoder finds unrelated is no nearness: "bucket" in a request for a
    # Terraform S3 module is not the token bucket of retry budgets.
    return Judgement(backing, backing >= SUPPORT_BAR, (near & (backing > 0)) | close)


def support(scores: Scores, semantic: Vector) -> Vector:
    """How well the encoder and the question's words together back each entry (cosine scale).

    A question with too little content ("hi team": MIN_QUESTION_WEIGHT) gets no lexical
    support: its one word is all of it, so every entry holding that word covers it whole.
    """
    if scores.weight < MIN_QUESTION_WEIGHT:
        return semantic.copy()
    return semantic + SUPPORT_COVERAGE * np.minimum(scores.coverage, 1.0)
