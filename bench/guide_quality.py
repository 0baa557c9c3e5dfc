"""Quality and latency of coaching answers over the labelled question set.

Run: .venv/bin/python bench/guide_quality.py [--misses]
Prints top-1 accuracy (the confident answer is an expected entry), top-3 accuracy (an expected
entry is among the up-to-3 entries the reply names: the answer and its related reading, or the
closest topics of a decline), the share of no-match questions declined, and p50/p99 latency.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import yaml

from bot.guide.library import Library, load_library
from bot.guide.ranking import Guide

QUESTIONS = Path(__file__).with_name(
    sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else "guide_questions.yaml"
)
ROUNDS = 20


def offered(guide: Guide, question: str) -> tuple[str | None, list[str]]:
    """The confident answer (or None), and the up-to-3 entries the reply names.

    An answer names its entry and one or two related ones; a decline names the closest topics.
    """
    answer = guide.answer(question)
    if answer.best is None:
        return None, [e.id for e in answer.closest][:3]
    return answer.best.entry.id, [answer.best.entry.id, *(e.id for e in answer.related)][:3]


def main() -> int:
    """Print the figures; exit 1 when below the aims."""
    guide = Guide(load_library(Library.default_directory()))
    items = yaml.safe_load(QUESTIONS.read_text())
    answerable = [i for i in items if i["expect"]]
    declines = [i for i in items if not i["expect"]]
    hit1 = hit3 = declined = 0
    misses = []
    for item in answerable:
        best, named = offered(guide, item["q"])
        hit1 += best in item["expect"]
        hit3 += any(g in item["expect"] for g in named)
        if best not in item["expect"]:
            misses.append((item["q"], item["expect"], [best, *named]))
    for item in declines:
        best, named = offered(guide, item["q"])
        declined += best is None
        if best is not None:
            misses.append((item["q"], [], [best, *named]))
    timings = []
    for _ in range(ROUNDS):
        for item in items:
            start = time.perf_counter()
            guide.answer(item["q"])
            timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p50 = statistics.median(timings)
    p99 = timings[int(len(timings) * 0.99) - 1]
    top1_rate, top3_rate = hit1 / len(answerable), hit3 / len(answerable)
    decline_rate = declined / len(declines)
    print(f"questions: {len(items)} ({len(answerable)} answerable, {len(declines)} no-match)")
    print(f"top-1 accuracy: {top1_rate:.3f}   (aim >= 0.85)")
    print(f"top-3 accuracy: {top3_rate:.3f}   (aim >= 0.95)")
    print(f"no-match declined: {decline_rate:.3f}")
    print(f"latency over {len(timings)} answers: p50 {p50:.2f} ms, p99 {p99:.2f} ms (aim < 5)")
    if "--misses" in sys.argv:
        for question, expected, got in misses:
            print(f"  MISS {question!r}: expected {expected}, got {got}")
    return 0 if top1_rate >= 0.85 and top3_rate >= 0.95 and p99 < 5 else 1


if __name__ == "__main__":
    raise SystemExit(main())
