"""What a subcommand is: its grammar, its typed parser and the use case it runs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from bot.outcome import Outcome
from bot.services.request import Request

A = TypeVar("A")
Parser = Callable[[list[str], date], A]
Service = Callable[[Request, A], Awaitable[Outcome]]


@dataclass(frozen=True)
class Subcommand(Generic[A]):
    """One `/sre` subcommand: its words, what it does, where help shows it, how its words
    become typed arguments (`parse`, given today for date windows) and the use case (`run`)."""

    name: str
    args: str
    summary: str
    group: str
    parse: Parser[A]
    run: Service[A]
    min_args: int = 0
    max_args: int = 0
    reads_only: bool = False
    """A plain read (`/sre status`): its reply may be kept and reused while nothing it read
    changed (`bot.services.replies`)."""

    @property
    def usage(self) -> str:
        """`/sre name args`."""
        return f"/sre {self.name} {self.args}".strip()


def nothing(said: list[str], today: date) -> None:
    """The parser of a subcommand that takes no words."""
    return None


def bare(
    name: str,
    summary: str,
    group: str,
    service: Callable[[Request], Awaitable[Outcome]],
    *,
    reads_only: bool = False,
) -> Subcommand[None]:
    """A subcommand without words: its use case takes the request alone."""

    async def run(req: Request, _: None) -> Outcome:
        return await service(req)

    return Subcommand(name, "", summary, group, nothing, run, reads_only=reads_only)


def one(said: list[str], today: date) -> str:
    """The one word a subcommand takes, as typed."""
    return said[0]


def lowered(said: list[str], today: date) -> str:
    """The one word a subcommand takes, in lower case."""
    return said[0].lower()


def text(said: list[str], today: date) -> str:
    """All the words, as one text."""
    return " ".join(said)


Commands = tuple[Subcommand[Any], ...]
