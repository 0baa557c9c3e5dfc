"""Finds an entry by name: its id, an alias, its title, or words from those."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.guide.entries import Entry
from bot.guide.text import terms, words

Fixer = Callable[[list[str]], list[str]]


class Lookup:
    """Exact names first, then the most specific entry whose name words hold every given word."""

    def __init__(self, entries: Sequence[Entry], fix: Fixer) -> None:
        self._fix = fix
        self._entries = entries
        self._exact: dict[str, Entry] = {}
        for entry in entries:
            for name in (entry.id, entry.title, *entry.aliases):
                self._exact.setdefault(" ".join(words(name)), entry)
        self._id_terms = [set(terms(words(e.id))) for e in entries]
        self._name_terms = [
            self._id_terms[n].union(*(terms(words(x)) for x in (e.title, *e.aliases)))
            for n, e in enumerate(entries)
        ]

    def find(self, name: str) -> Entry | None:
        """The entry `name` designates, or None when no entry's name holds all its words."""
        found = self.find_all(name)
        return found[0] if found else None

    def find_all(self, name: str) -> tuple[Entry, ...]:
        """The entry an exact name designates, else every equally good fit, best first.

        "zalando" fits four entries equally (the word is in each id); "zalando 2016" one.
        """
        key = " ".join(words(name))
        if key in self._exact:
            return (self._exact[key],)
        wanted = set(terms(self._fix(words(name))))
        if not wanted:
            return ()
        rank = self._rank(wanted)
        fits = sorted((n for n, held in enumerate(self._name_terms) if wanted <= held), key=rank)
        return tuple(self._entries[n] for n in fits if rank(n)[0] == rank(fits[0])[0])

    def _rank(self, wanted: set[str]) -> Callable[[int], tuple[int, int, int]]:
        def rank(n: int) -> tuple[int, int, int]:
            in_id = len(wanted & self._id_terms[n])
            case = self._entries[n].kind == "case-study"
            return (-in_id, len(self._id_terms[n]), 0 if case else 1)

        return rank
