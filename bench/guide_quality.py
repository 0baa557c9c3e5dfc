"""Quality and latency of coaching answers over labelled question sets, one Markdown row each.

Run: .venv/bin/python bench/guide_quality.py [SET.yaml ...] [--lexical|--cards] [--misses]
A SET is a path, or a file name in bench/ (default: guide_questions.yaml, the dev set).
`--lexical` ranks with BM25 alone (no encoder), `--cards` with the encoder but no precedents,
for comparison; `--misses` lists the misses. Every set but the fresh one is among the
precedents, so only the fresh set measures questions the guide has not seen.
Per set: top-1 accuracy (the confident answer is an expected entry), top-3 accuracy (an expected
entry is among the up-to-3 entries the reply names: the answer and its related reading, or the
closest topics of a decline), the share of no-match questions declined, and p50/p99 latency of
one answer. Exits 1 when a set misses an aim (top-1 0.92, top-3 0.97, declined 0.90, p99 10 ms).
The header line gives the one-minute load average: on a shared machine latency follows it.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.guide.encoder import load_encoder
from bot.guide.library import Library, load_library
from bot.guide.precedents import read_precedents
from bot.guide.ranking import Guide

BENCH = Path(__file__).resolve().parent
DEFAULT_SET = "guide_questions.yaml"
ROUNDS = 20
AIMS = {"top1": 0.92, "top3": 0.97, "declined": 0.90, "p99_ms": 10.0}
HEADER = (
    "| set | questions | top-1 | top-3 | no-match declined | p50 | p99 |\n"
    "|---|---:|---:|---:|---:|---:|---:|"
)


@dataclass(frozen=True)
class Result:
    """The figures for one question set."""

    name: str
    answerable: int
    no_match: int
    top1: float
    top3: float
    declined: float
    p50_ms: float
    p99_ms: float
    misses: list[str]

    def row(self) -> str:
        """This set as one Markdown table row."""
        total = self.answerable + self.no_match
        return (
            f"| `{self.name}` | {total} ({self.answerable} answerable, {self.no_match} no-match)"
            f" | {self.top1:.3f} | {self.top3:.3f} | {self.declined:.3f}"
            f" | {self.p50_ms:.2f} ms | {self.p99_ms:.2f} ms |"
        )

    def meets_aims(self) -> bool:
        """Whether every aim is met."""
        return (
            self.top1 >= AIMS["top1"]
            and self.top3 >= AIMS["top3"]
            and self.declined >= AIMS["declined"]
            and self.p99_ms <= AIMS["p99_ms"]
        )


def offered(guide: Guide, question: str) -> tuple[str | None, list[str]]:
    """The confident answer (or None), and the up-to-3 entries the reply names."""
    answer = guide.answer(question)
    if answer.best is None:
        return None, [e.id for e in answer.closest][:3]
    return answer.best.entry.id, [answer.best.entry.id, *(e.id for e in answer.related)][:3]


def question_set(name: str) -> Path:
    """A set given as a path, or as a file name in bench/."""
    path = Path(name)
    return path if path.exists() else BENCH / name


def measure(guide: Guide, path: Path) -> Result:
    """Accuracy over the set, then latency over ROUNDS passes of every question."""
    items: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    answerable = [i for i in items if i["expect"]]
    no_match = [i for i in items if not i["expect"]]
    hit1 = hit3 = declined = 0
    misses = []
    for item in items:
        best, named = offered(guide, item["q"])
        expected = item["expect"] or []
        if expected:
            hit1 += best in expected
            hit3 += any(g in expected for g in named)
        else:
            declined += best is None
        if best not in expected if expected else best is not None:
            misses.append(f"  MISS {item['q']!r}: expected {expected}, got {[best, *named]}")
    timings = []
    for _ in range(ROUNDS):
        for item in items:
            start = time.perf_counter()
            guide.answer(item["q"])
            timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return Result(
        path.name,
        len(answerable),
        len(no_match),
        hit1 / max(len(answerable), 1),
        hit3 / max(len(answerable), 1),
        declined / max(len(no_match), 1),
        statistics.median(timings),
        timings[max(int(len(timings) * 0.99) - 1, 0)],
        misses,
    )


def main(argv: list[str]) -> int:
    """Print one row per set; exit 1 when any set misses an aim."""
    names = [a for a in argv if not a.startswith("--")] or [DEFAULT_SET]
    start = time.perf_counter()
    encoder = None if "--lexical" in argv else load_encoder()
    precedents = None if "--lexical" in argv or "--cards" in argv else read_precedents()
    guide = Guide(load_library(Library.default_directory()), encoder, precedents)
    ready = (time.perf_counter() - start) * 1000
    mode = "BM25 only" if encoder is None else "hybrid (BM25 + fine-tuned MiniLM encoder)"
    mode += f" + {len(precedents.keys):,} precedents" if precedents else ""
    load = os.getloadavg()[0]  # latency on a shared machine depends on what else runs
    print(f"ranking: {mode}; guide ready in {ready:.0f} ms; load average {load:.1f}\n")
    print(HEADER)
    results = [measure(guide, question_set(name)) for name in names]
    for result in results:
        print(result.row())
    if "--misses" in argv:
        for result in results:
            print(f"\n{result.name}:", *result.misses, sep="\n")
    return 0 if all(r.meets_aims() for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
