"""The one command router: `/sre` text and @mentions become service calls, for Slack and console.

It opens one unit of work per request, commits once, and turns domain errors into short replies.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from bot.clock import Clock
from bot.commandline import quoted, user_id, words
from bot.db.uow import Database, UnitOfWork
from bot.domain.coalition import parse_role
from bot.domain.errors import DomainError, UsageError
from bot.messages import Doc, Outcome, Post, ToChannel
from bot.services import membership
from bot.services.asker import Asker
from bot.views.help import help_doc, mention_doc, usage_doc

Handler = Callable[[UnitOfWork, Asker, list[str], datetime], Awaitable[Outcome]]


@dataclass(frozen=True)
class Subcommand:
    """One `/sre` subcommand: its grammar, what it does, and the handler."""

    name: str
    args: str
    summary: str
    handler: Handler
    max_args: int = 0
    min_args: int = 0

    @property
    def usage(self) -> str:
        """`/sre name args`."""
        return f"/sre {self.name} {self.args}".strip()


async def _help(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    return Outcome(reply=help_doc(COMMANDS))


async def _status(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    return await membership.status(uow, asker)


async def _join(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    role = parse_role(args[0]) if args else None
    return await membership.join(uow, asker, role, now)


async def _leave(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    return await membership.leave(uow, asker, now)


async def _role(uow: UnitOfWork, asker: Asker, args: list[str], now: datetime) -> Outcome:
    return await membership.change_role(uow, asker, user_id(args[0]), parse_role(args[1]), now)


COMMANDS: tuple[Subcommand, ...] = (
    Subcommand("help", "", "what I can do", _help),
    Subcommand("status", "", "who is in the coalition and where the rollout stands", _status),
    Subcommand("join", "[lead|member|sponsor|pm]", "join this channel's coalition", _join, 1),
    Subcommand("leave", "", "leave the coalition", _leave),
    Subcommand("role", "@user <role>", "a lead changes someone's role", _role, 2, 2),
)
BY_NAME = {c.name: c for c in COMMANDS}


class Router:
    """Routes requests to services inside one unit of work each."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def command(self, asker: Asker, text: str) -> Outcome:
        """Handle the text after `/sre`."""
        try:
            said = words(text)
            if not said:
                return Outcome(reply=help_doc(COMMANDS))
            sub = BY_NAME.get(said[0].lower())
            if sub is None:
                raise UsageError(f"I don't know `{quoted(said[0])}`.")
            args = said[1:]
            if not sub.min_args <= len(args) <= sub.max_args:
                raise UsageError(f"Usage: `{sub.usage}`")
            return await self._run(sub.handler, asker, args)
        except UsageError as error:
            return Outcome(reply=usage_doc(error.message, COMMANDS))
        except DomainError as error:
            return Outcome(reply=Doc.text(error.message))

    async def mention(self, asker: Asker, text: str, thread_ts: str) -> Outcome:
        """Answer an @mention in its thread."""
        reply = mention_doc()
        return Outcome(posts=(Post(ToChannel(asker.channel_id, thread_ts), reply),))

    async def channel_change(self, team_id: str, channel_id: str, user: str, change: str) -> None:
        """Record a join or leave of the channel."""
        async with self.db.unit_of_work(team_id) as uow:
            now = self.clock.now()
            await membership.record_channel_change(uow, channel_id, user, change, now)
            await uow.commit()

    async def _run(self, handler: Handler, asker: Asker, args: list[str]) -> Outcome:
        async with self.db.unit_of_work(asker.team_id) as uow:
            outcome = await handler(uow, asker, args, self.clock.now())
            await uow.commit()
        return outcome


def error_doc() -> Doc:
    """What a user sees when something failed on our side."""
    return Doc.text("Sorry, something went wrong on my side and nothing was changed. Try again.")
