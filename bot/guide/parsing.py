"""Reads one library file into an `Entry`, reporting every problem the file has on its own."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import frontmatter

from bot.guide.entries import KINDS, STEPS, Entry, Problem, Source

MAX_SUMMARY_CHARS = 450
SUMMARY_SENTENCES = (2, 4)
DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
ABBREVIATIONS = ("e.g.", "i.e.", "vs.", "cf.", "ch.", "etc.", "approx.", "Mr.", "Ms.", "Dr.")
SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")

Report = Callable[[str], None]


def parse_file(path: Path) -> tuple[Entry | None, list[Problem]]:
    """The entry in `path` (None when it cannot be built) and the problems of that file alone."""
    problems: list[Problem] = []

    def report(message: str) -> None:
        problems.append(Problem(path, message))

    try:
        post = frontmatter.loads(path.read_text(encoding="utf-8"))
    except Exception as error:  # YAML and decoding errors come in many types
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        report(f"front matter does not parse ({type(error).__name__}: {first_line})")
        return None, problems
    entry = _build(path, dict(post.metadata), str(post.content), report)
    return entry, problems


def _build(path: Path, meta: dict[str, Any], body: str, report: Report) -> Entry | None:
    entry_id = _text(meta, "id", report)
    if entry_id is not None and entry_id != path.stem:
        report(f"id '{entry_id}' does not match the file name '{path.stem}'")
    kind = _known(_text(meta, "kind", report), KINDS, "kind", report)
    steps = _words(meta, "steps", report)
    for step in steps or ():
        _known(step, STEPS, "step", report)
    title = _text(meta, "title", report)
    tags = _words(meta, "tags", report)
    aliases = _words(meta, "aliases", report, required=False)
    asked = _words(meta, "asked", report, required=False)
    related = _words(meta, "related", report)
    sources = _sources(meta.get("sources"), report)
    summary = _summary(body, report)
    if entry_id is None or kind is None or steps is None or title is None or tags is None:
        return None
    if aliases is None or asked is None or related is None or sources is None or summary is None:
        return None
    return Entry(
        entry_id, title, kind, steps, tags, aliases, related, sources, summary, body, path, asked
    )


def _known(value: str | None, known: tuple[str, ...], what: str, report: Report) -> str | None:
    if value is not None and value not in known:
        report(f"unknown {what} '{value}' ({what}s: {', '.join(known)})")
    return value


def _text(meta: dict[str, Any], field: str, report: Report) -> str | None:
    value = meta.get(field)
    if value is None:
        report(f"missing field '{field}'")
        return None
    if not isinstance(value, str) or not value.strip():
        report(f"field '{field}' must be a non-empty string, not {value!r}")
        return None
    return value.strip()


def _words(
    meta: dict[str, Any], field: str, report: Report, *, required: bool = True
) -> tuple[str, ...] | None:
    value = meta.get(field)
    if value is None:
        if required:
            report(f"missing field '{field}'")
            return None
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        report(f"field '{field}' must be a list of strings, not {value!r}")
        return None
    return tuple(v.strip() for v in value)


def _sources(value: Any, report: Report) -> tuple[Source, ...] | None:
    if not value:
        report("missing field 'sources': every entry needs at least one source")
        return None
    if not isinstance(value, list):
        report(f"field 'sources' must be a list, not {value!r}")
        return None
    sources = [_source(n, item, report) for n, item in enumerate(value, start=1)]
    return tuple(s for s in sources if s is not None) if None not in sources else None


def _source(number: int, item: Any, report: Report) -> Source | None:
    if not isinstance(item, dict):
        report(f"source {number} must be a mapping with title, publisher and date")
        return None
    title, publisher = item.get("title"), item.get("publisher")
    url, note = item.get("url"), item.get("note")
    date = _date(item.get("date"))
    problems = [f"field '{k}' must be a non-empty string" for k in _bad_strings(item)]
    if date is None:
        problems.append(f"date must be YYYY, YYYY-MM or YYYY-MM-DD, not {item.get('date')!r}")
    for problem in problems:
        report(f"source {number}: {problem}")
    if problems or not isinstance(title, str) or not isinstance(publisher, str) or not date:
        return None
    return Source(title, publisher, date, _optional(url), _optional(note))


def _bad_strings(item: dict[str, Any]) -> list[str]:
    required = [k for k in ("title", "publisher") if not _filled(item.get(k))]
    optional = [k for k in ("url", "note") if item.get(k) is not None and not _filled(item[k])]
    return required + optional


def _filled(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _optional(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) else None


def _date(value: Any) -> str | None:
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value) if isinstance(value, int | str) and not isinstance(value, bool) else ""
    if not DATE.fullmatch(text):
        return None
    parts = [int(p) for p in text.split("-")] + [1, 1]
    try:
        dt.date(parts[0], parts[1], parts[2])
    except ValueError:
        return None
    return text


def _summary(body: str, report: Report) -> str | None:
    first = body.strip().split("\n\n", 1)[0].strip()
    if not first or first.startswith(("#", "-", "*", ">", "|", "```")):
        report("summary missing: the body must start with a paragraph of 2-4 sentences")
        return None
    summary = " ".join(first.split())
    count = count_sentences(summary)
    low, high = SUMMARY_SENTENCES
    if not low <= count <= high:
        report(f"summary has {count} sentences; it needs {low} to {high}")
    if len(summary) > MAX_SUMMARY_CHARS:
        report(f"summary is {len(summary)} characters; the limit is {MAX_SUMMARY_CHARS}")
    return summary


def count_sentences(text: str) -> int:
    """Sentences in `text`, not splitting after common abbreviations."""
    for n, abbreviation in enumerate(ABBREVIATIONS):
        text = text.replace(abbreviation, f"\x00{n}\x00")
    return len([s for s in SENTENCE_END.split(text) if s.strip()])
