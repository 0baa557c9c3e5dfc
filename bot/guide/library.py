"""Loads and checks the whole library directory: per-file checks plus ids and links across files."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.content import content_directory
from bot.guide.entries import Entry, Problem
from bot.guide.parsing import parse_file

__all__ = ["Library", "LibraryError", "Problem", "check_library", "load_library"]


class LibraryError(Exception):
    """The library has problems; the message lists each one as `file: message`."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"- {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) in the coaching library:\n{lines}")


@dataclass(frozen=True)
class Library:
    """Every entry of the library by id, in file-name order."""

    entries: dict[str, Entry] = field(default_factory=dict)

    def get(self, entry_id: str) -> Entry | None:
        """The entry with this id, if any."""
        return self.entries.get(entry_id)

    def by_kind(self, kind: str) -> tuple[Entry, ...]:
        """The entries of one kind, in file-name order."""
        return tuple(e for e in self.entries.values() if e.kind == kind)

    @staticmethod
    def default_directory() -> Path:
        """The packaged `content/` (see `bot.content`)."""
        return content_directory()


def load_library(directory: Path) -> Library:
    """All entries in `directory`; raises `LibraryError` listing every problem if any exists."""
    entries, problems = _scan(directory)
    if problems:
        raise LibraryError(problems)
    return Library({e.id: e for e in entries})


def check_library(directory: Path) -> list[Problem]:
    """Every problem in the library: per file, duplicate ids and unresolved `related` ids."""
    return _scan(directory)[1]


def _scan(directory: Path) -> tuple[list[Entry], list[Problem]]:
    if not directory.is_dir():
        return [], [Problem(directory, "the library directory does not exist")]
    paths = sorted(directory.glob("*.md"))
    if not paths:
        return [], [Problem(directory, "the library directory has no .md entries")]
    entries: list[Entry] = []
    problems: list[Problem] = []
    for path in paths:
        entry, found = parse_file(path)
        problems += found
        if entry is not None:
            entries.append(entry)
    problems += _duplicates(entries) + _unresolved(entries)
    return entries, problems


def _duplicates(entries: list[Entry]) -> list[Problem]:
    first: dict[str, Entry] = {}
    problems = []
    for entry in entries:
        if entry.id in first:
            other = first[entry.id].path.name
            problems.append(Problem(entry.path, f"duplicate id '{entry.id}' (also in {other})"))
        first.setdefault(entry.id, entry)
    return problems


def _unresolved(entries: list[Entry]) -> list[Problem]:
    ids = {e.id for e in entries}
    return [
        Problem(e.path, f"related id '{r}' does not resolve to any entry")
        for e in entries
        for r in e.related
        if r not in ids
    ]
