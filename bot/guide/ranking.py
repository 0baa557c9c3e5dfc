"""Answers a coach question from the library: BM25 ranking, context boosts, and declining."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.guide.entries import STEPS, Entry, step_number
from bot.guide.index import Index, Scores, Vector
from bot.guide.library import Library
from bot.guide.lookup import Lookup
from bot.guide.text import synonyms, words

# An entry answers a question only if, before any context boost, either
#   its BM25 score (alias boost included) reaches MIN_SCORE, it holds MIN_COVERAGE of the
#   question's content (each word weighted by idf; a word no entry has weighs UNKNOWN_WEIGHT),
#   and some of that content (MIN_HEAD) is in its title, aliases or tags; or
#   its score reaches STRONG_SCORE and it holds STRONG_COVERAGE (no head match needed); or
#   the question names one of its aliases and it holds ALIAS_COVERAGE of the content.
MIN_SCORE = 1.5
MIN_COVERAGE = 0.5
MIN_HEAD = 0.05
STRONG_SCORE = 8.0
STRONG_COVERAGE = 0.8
ALIAS_COVERAGE = 0.15
MIN_QUESTION_WEIGHT = 1.0  # a question carrying less content must name an entry's alias
PHRASE_MATCH = 0.3  # weighted Jaccard with one of the entry's `asked` phrasings
CONTEXT_BOOST = 1.15  # per applying context: the current step, an open risk
RELATED_COUNT = 2
NEAR_SCORE = 1.0  # a declined question still points at entries this relevant...
NEAR_COVERAGE = 0.3  # ...that hold this share of its content
CLOSEST_COUNT = 3
SUGGESTION_COUNT = (3, 5)


@dataclass(frozen=True)
class Context:
    """What the bot knows about where the coalition stands."""

    step: str | None = None  # current rollout step id
    risk_tags: tuple[str, ...] = ()  # tags of open risks, e.g. ("burnout",)


NO_CONTEXT = Context()


@dataclass(frozen=True)
class Match:
    """An entry that answers the question, and why it fits now (None when no context applies)."""

    entry: Entry
    score: float
    why_now: str | None


@dataclass(frozen=True)
class Answer:
    """The best entry (None: declined) with related reading, or topics to suggest instead."""

    best: Match | None
    related: tuple[Entry, ...]
    suggestions: tuple[Entry, ...]
    closest: tuple[Entry, ...] = ()  # when declining: entries the question came near, best first


class Guide:
    """Question answering and name lookup over one library; the index is built once."""

    def __init__(self, library: Library) -> None:
        self._entries = tuple(library.entries.values())
        self._position = {e.id: n for n, e in enumerate(self._entries)}
        self._index = Index(self._entries)
        self._lookup = Lookup(self._entries, self._index.typos.fix_all)
        steps = {e.steps[0]: e for e in library.by_kind("step") if e.steps}
        self._steps = {s: steps[s] for s in STEPS if s in steps}
        self._in_step = {s: np.array([s in e.steps for e in self._entries]) for s in STEPS}
        tags = {t for e in self._entries for t in e.tags}
        self._tagged = {t: np.array([t in e.tags for e in self._entries]) for t in tags}

    def answer(self, question: str, context: Context = NO_CONTEXT) -> Answer:
        """The entry that best answers `question`, or a decline with suggestions."""
        scores = self._index.score(self._tokens(question))
        eligible = self._eligible(scores)
        if not eligible.any():
            return Answer(None, (), self._suggestions(context), self._closest(scores))
        final = np.where(eligible, scores.relevance * self._boosts(context), -1.0)
        order = [int(i) for i in np.argsort(-final, kind="stable")]
        best = self._entries[order[0]]
        match = Match(best, float(final[order[0]]), _why_now(best, context))
        return Answer(match, self._related(best, order, final), ())

    def find(self, name: str) -> Entry | None:
        """The entry named by id, alias or title words (typos tolerated), for `/sre case`."""
        return self._lookup.find(name)

    def _tokens(self, question: str) -> list[str]:
        return synonyms(self._index.typos.fix_all(words(question)))

    @staticmethod
    def _eligible(scores: Scores) -> npt.NDArray[np.bool_]:
        """Entries the question is confidently about: judged before any context boost."""
        relevance, coverage = scores.relevance, scores.coverage
        ranked = (relevance >= MIN_SCORE) & (coverage >= MIN_COVERAGE) & (scores.head >= MIN_HEAD)
        strong = (relevance >= STRONG_SCORE) & (coverage >= STRONG_COVERAGE)
        named = scores.alias & (coverage >= ALIAS_COVERAGE)
        if scores.weight < MIN_QUESTION_WEIGHT:  # "team", "slo": too vague unless it names one
            return named
        phrased = scores.phrase >= PHRASE_MATCH
        return ranked | strong | named | phrased

    def _boosts(self, context: Context) -> Vector:
        """CONTEXT_BOOST for entries of the current step, and again for those on an open risk."""
        none = np.zeros(len(self._entries), dtype=bool)
        in_step = self._in_step.get(context.step or "", none)
        at_risk = np.logical_or.reduce(
            [none, *(self._tagged.get(t, none) for t in context.risk_tags)]
        )
        return np.where(in_step, CONTEXT_BOOST, 1.0) * np.where(at_risk, CONTEXT_BOOST, 1.0)

    def _related(self, best: Entry, order: list[int], final: Vector) -> tuple[Entry, ...]:
        """Up to two of the entry's own related entries, else the next-ranked matches."""
        listed = [self._position[r] for r in best.related if r in self._position]
        listed = [n for n in listed if self._entries[n] is not best]
        if listed:  # the entry's own related list, most relevant to the question first
            listed.sort(key=lambda n: -max(float(final[n]), 0.0))
            return tuple(self._entries[n] for n in listed[:RELATED_COUNT])
        ranked = [n for n in order[1:] if final[n] > 0]
        return tuple(self._entries[n] for n in ranked[:RELATED_COUNT])

    def _closest(self, scores: Scores) -> tuple[Entry, ...]:
        """Entries below the confidence bar that still share much of the question's content."""
        near = (scores.relevance >= NEAR_SCORE) & (scores.coverage >= NEAR_COVERAGE)
        order = [int(i) for i in np.argsort(-scores.relevance, kind="stable") if near[i]]
        return tuple(self._entries[i] for i in order[:CLOSEST_COUNT])

    def _suggestions(self, context: Context) -> tuple[Entry, ...]:
        """Entries on open risks, the current step, then the five steps in order."""
        risks = set(context.risk_tags)
        at_risk = [e for e in self._entries if risks.intersection(e.tags) and e.kind != "step"]
        current = [self._steps[context.step]] if context.step in self._steps else []
        picks = [*at_risk[:2], *current, *self._steps.values(), *self._entries]
        chosen = list(dict.fromkeys(picks))
        return tuple(chosen[: SUGGESTION_COUNT[1]])


def _why_now(entry: Entry, context: Context) -> str | None:
    reasons = []
    if context.step in STEPS and context.step in entry.steps:
        reasons.append(f"You are in step {step_number(context.step)} ({context.step})")
    risks = [t for t in entry.tags if t in context.risk_tags]
    if risks:
        reasons.append("Open risk: " + ", ".join(r.replace("-", " ") for r in risks))
    return ". ".join(reasons) or None
