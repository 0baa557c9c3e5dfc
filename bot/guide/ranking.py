"""Answers a coach question from the library: hybrid ranking, context boosts, and declining."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.guide.encoder import Encoder
from bot.guide.entries import STEPS, Entry
from bot.guide.fusion import Judgement, judge
from bot.guide.index import Index, Vector
from bot.guide.library import Library
from bot.guide.lookup import Lookup
from bot.guide.pointers import Pointer, asks_for_code, pointer
from bot.guide.precedents import Shipped
from bot.guide.semantic import SemanticIndex
from bot.guide.text import synonyms, words

CONTEXT_BOOST = 1.15  # per applying context: the current step, an open risk
RELATED_COUNT = 2
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
    """An entry that answers the question, with its fused score after context boosts."""

    entry: Entry
    score: float


@dataclass(frozen=True)
class Answer:
    """The best entry (None: declined) with related reading, or topics to suggest instead."""

    best: Match | None
    related: tuple[Entry, ...]
    suggestions: tuple[Entry, ...]
    closest: tuple[Entry, ...] = ()  # when declining: entries the question came near, best first
    command: Pointer | None = None  # when the question is about this coalition: where to ask
    writes_code: bool = False  # declined because it asks me to write code or configuration


class Guide:
    """Question answering and name lookup over one library; the indexes are built once.

    With an encoder, ranking is hybrid (BM25 fused with sentence similarity, and with the
    precedents when given); without one it is BM25 alone, as before the encoder existed.
    """

    def __init__(
        self, library: Library, encoder: Encoder | None, precedents: Shipped | None = None
    ) -> None:
        self._entries = tuple(library.entries.values())
        self._position = {e.id: n for n, e in enumerate(self._entries)}
        self._index = Index(self._entries)
        self._semantic = SemanticIndex(self._entries, encoder, precedents) if encoder else None
        self._lookup = Lookup(self._entries, self._index.typos.fix_all)
        steps = {e.steps[0]: e for e in library.by_kind("step") if e.steps}
        self._steps = {s: steps[s] for s in STEPS if s in steps}
        self._in_step = {s: np.array([s in e.steps for e in self._entries]) for s in STEPS}
        tags = {t for e in self._entries for t in e.tags}
        self._tagged = {t: np.array([t in e.tags for e in self._entries]) for t in tags}

    def answer(self, question: str, context: Context = NO_CONTEXT) -> Answer:
        """The entry that best answers `question`, or a decline with suggestions.

        A question about this coalition's own state, or asking me to act, is declined with the
        command that answers it (`pointers`): no library entry knows where this rollout stands.
        A request to write code is declined too, naming the entries it came near.
        """
        said = words(question)
        command = pointer(said)
        if command is not None:
            return Answer(None, (), (), command=command)
        judgement = self._judge(said)
        if asks_for_code(said):
            closest = self._closest(judgement)
            return Answer(None, (), self._suggestions(context), closest, writes_code=True)
        eligible = judgement.confident
        if not eligible.any():
            return Answer(None, (), self._suggestions(context), self._closest(judgement))
        final = np.where(eligible, judgement.relevance * self._boosts(context), -1.0)
        order = [int(i) for i in np.argsort(-final, kind="stable")]
        best = self._entries[order[0]]
        match = Match(best, float(final[order[0]]))
        return Answer(match, self._related(best, order, final), ())

    def find(self, name: str) -> Entry | None:
        """The entry named by id, alias or title words (typos tolerated)."""
        return self._lookup.find(name)

    def find_all(self, name: str) -> tuple[Entry, ...]:
        """Every entry `name` fits equally well, best first (one when the name is exact)."""
        return self._lookup.find_all(name)

    def _judge(self, said: list[str]) -> Judgement:
        """Both rankings of the typo-repaired question, judged before any context boost."""
        fixed = self._index.typos.fix_all(said)
        scores = self._index.score(synonyms(fixed))
        semantic = self._semantic.similarity(" ".join(fixed)) if self._semantic else None
        return judge(scores, semantic)

    def _boosts(self, context: Context) -> Vector:
        """CONTEXT_BOOST for entries of the current step, and again for those on an open risk."""
        none = np.zeros(len(self._entries), dtype=bool)
        in_step = self._in_step.get(context.step or "", none)
        at_risk = np.logical_or.reduce(
            [none, *(self._tagged.get(t, none) for t in context.risk_tags)]
        )
        return np.where(in_step, CONTEXT_BOOST, 1.0) * np.where(at_risk, CONTEXT_BOOST, 1.0)

    def _related(self, best: Entry, order: list[int], final: Vector) -> tuple[Entry, ...]:
        """Up to two more entries: others that also answer the question, then the entry's own.

        Another entry clearing the bar answers this question too, so it is named before the
        entry's own related list (most relevant to the question first). On fresh set v7 this
        named an expected entry among three for 0.944 of the questions, against 0.900 when the
        entry's own list came first.
        """
        also = [n for n in order[1:] if final[n] > 0]
        own = [self._position[r] for r in best.related if r in self._position]
        own.sort(key=lambda n: -max(float(final[n]), 0.0))
        picks = [self._entries[n] for n in dict.fromkeys([*also, *own])]
        return tuple(e for e in picks if e is not best)[:RELATED_COUNT]

    def _closest(self, judgement: Judgement) -> tuple[Entry, ...]:
        """Entries below the confidence bar that still come close to the question."""
        near = judgement.near
        order = [int(i) for i in np.argsort(-judgement.relevance, kind="stable") if near[i]]
        return tuple(self._entries[i] for i in order[:CLOSEST_COUNT])

    def _suggestions(self, context: Context) -> tuple[Entry, ...]:
        """Entries on open risks, the current step, then the five steps in order."""
        risks = set(context.risk_tags)
        at_risk = [e for e in self._entries if risks.intersection(e.tags) and e.kind != "step"]
        current = [self._steps[context.step]] if context.step in self._steps else []
        picks = [*at_risk[:2], *current, *self._steps.values(), *self._entries]
        chosen = list(dict.fromkeys(picks))
        return tuple(chosen[: SUGGESTION_COUNT[1]])
