"""The one router: `/sre` text, @mentions, button clicks, form submissions and events become
use cases, for Slack and the console alike.

Each request gets one unit of work and one `Request`, is committed once, and a domain error
becomes a short reply that changed nothing.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from bot.action_ids import parse_button_value
from bot.clock import Clock
from bot.commands import BY_NAME, COMMANDS
from bot.commands.buttons import BUTTONS
from bot.commands.forms import FORMS
from bot.commands.table import Subcommand
from bot.commands.words import clean, words
from bot.content import Content
from bot.db.uow import Database, UnitOfWork
from bot.doc import Doc, quoted
from bot.domain.errors import DomainError, UsageError
from bot.domain.nearest import did_you_mean
from bot.outcome import Outcome, Post, ToChannel
from bot.services import activity, coaching, direct, home, imports, membership
from bot.services.imports import ImportRun
from bot.services.replies import Replies
from bot.services.request import Asker, Request
from bot.views.help import command_doc, help_doc, topic_doc, topics, usage_doc

_MENTIONS = re.compile(r"<@[A-Z0-9a-z_.-]+(?:\|[^>]*)?>")


class Router:
    """Routes requests to use cases inside one unit of work each."""

    def __init__(self, db: Database, clock: Clock, content: Content) -> None:
        self.db, self.clock, self.content = db, clock, content
        self.replies = Replies(db.changes.stamp, db.meter)
        self._helps: dict[str, Doc] = {}  # one per topic or command: a finite set

    def _request(self, uow: UnitOfWork, asker: Asker, now: datetime) -> Request:
        return Request(uow, asker, now, self.content)

    async def command(self, asker: Asker, text: str) -> Outcome:
        """Handle the text after `/sre`."""
        return await self._refusing(self._command(asker, text))

    async def _command(self, asker: Asker, text: str) -> Outcome:
        said = words(text)
        if not said:
            raise UsageError("Tell me what to do, e.g. `/sre status` or `/sre join`.")
        if said[0].lower() == "help":
            return Outcome(reply=self._help(said[1:]))
        sub = BY_NAME.get(said[0].lower())
        if sub is None:
            hint = did_you_mean(said[0], ["help", *BY_NAME], "/sre {}")
            raise UsageError(f"I don't know `{quoted(said[0])}`.{hint}")
        return await self._run(sub, asker, said[1:])

    def _help(self, said: list[str]) -> Doc:
        """The help asked for, built once per topic (the same `Doc` renders once, too)."""
        asked = " ".join(said).lower()
        doc = self._helps.get(asked)
        if doc is None:
            doc = self._helps[asked] = _help(said)  # raises on an unknown topic: not kept
        return doc

    async def click(self, team_id: str, user_id: str, action_id: str, value: str) -> Outcome:
        """A button: the same path as the subcommand it stands for, in the button's channel."""
        channel, argument = parse_button_value(value)
        press = BUTTONS.get(action_id)
        if press is None or not channel:
            return Outcome(reply=Doc.text("That button is no longer in use."), refused=True)
        asker = Asker(team_id, channel, user_id)

        async def run() -> Outcome:
            return await self._run(
                BY_NAME[press.subcommand], asker, [*press.words, *words(argument)]
            )

        return await self._refusing(run())

    async def submit(self, asker: Asker, callback_id: str, values: dict[str, str]) -> Outcome:
        """A submitted form: its values as the typed arguments of the subcommand it answers."""
        form = FORMS.get(callback_id)
        if form is None:
            return Outcome(reply=Doc.text("That form is no longer in use."), refused=True)

        async def run() -> Outcome:
            return await self._call(BY_NAME[form.subcommand], asker, form.parse(values))

        return await self._refusing(run())

    async def home(self, team_id: str, user_id: str) -> Outcome:
        """The App Home dashboard of `user_id`."""
        async with self.db.unit_of_work(team_id) as uow:
            return await home.dashboard(
                self._request(uow, Asker(team_id, "", user_id), self.clock.now())
            )

    async def mention(
        self, asker: Asker, text: str, thread_ts: str, event_id: str | None = None
    ) -> Outcome:
        """Answer an @mention's question in its thread (nothing when `event_id` was handled)."""
        question = _MENTIONS.sub(" ", clean(text)).strip()
        return await self._in_thread(asker, thread_ts, event_id, coaching.answer, question)

    async def direct(
        self, asker: Asker, text: str, thread_ts: str, event_id: str | None = None
    ) -> Outcome:
        """Answer a DM's question in its thread, for the asker's coalition (`asker.channel_id`
        is the DM); nothing when `event_id` was handled."""
        question = _MENTIONS.sub(" ", clean(text)).strip()
        return await self._in_thread(asker, thread_ts, event_id, direct.ask, question)

    async def prompts(
        self, asker: Asker, viewing: str | None = None, event_id: str | None = None
    ) -> Outcome:
        """Suggested questions for the asker's coalition (none when `event_id` was handled)."""
        return await self._once(asker, event_id, lambda req: direct.prompts(req, viewing))

    async def _in_thread(
        self,
        asker: Asker,
        thread_ts: str,
        event_id: str | None,
        use_case: Callable[[Request, str], Awaitable[Outcome]],
        question: str,
    ) -> Outcome:
        """The use case's reply as a post in the asker's thread, claimed once per event."""

        async def reply(req: Request) -> Outcome:
            try:
                doc = (await use_case(req, question)).reply
            except DomainError as error:
                doc = Doc.text(error.message)
            return Outcome(
                posts=(Post(ToChannel(asker.channel_id, thread_ts), doc),) if doc else ()
            )

        return await self._once(asker, event_id, reply)

    async def channel_change(
        self, team_id: str, channel_id: str, user: str, change: str, event_id: str | None = None
    ) -> Outcome:
        """Record a join or leave of the channel (leaving it leaves the coalition too)."""
        asker = Asker(team_id, channel_id, user)
        return await self._once(
            asker, event_id, lambda req: membership.record_channel_change(req, change)
        )

    async def activity(
        self,
        team_id: str,
        channel_id: str,
        user: str,
        kind: str,
        at: datetime | None = None,
        event_id: str | None = None,
    ) -> None:
        """Count a message or reaction in a coalition channel at `at` (metadata only)."""
        async with self.db.unit_of_work(team_id) as uow:
            now = self.clock.now()
            if not await uow.claim_event(event_id, now):
                return
            req = self._request(uow, Asker(team_id, channel_id, user), now)
            if await activity.count(req, at or now, kind):
                await uow.commit()

    async def imported(self, asker: Asker, run: ImportRun) -> Outcome:
        """Import gathered catalog and SLO files into the asker's channel coalition (the CLI,
        the schedule, and `/sre import` once the shared files are downloaded)."""

        async def work() -> Outcome:
            async with self.db.unit_of_work(asker.team_id) as uow:
                outcome = await imports.run_import(self._request(uow, asker, self.clock.now()), run)
                await uow.commit()
            return outcome

        return await self._refusing(work())

    async def file_shared(
        self, team_id: str, channel_id: str, user: str, file_id: str, event_id: str | None = None
    ) -> None:
        """Remember a file a member shared in a coalition channel, for `/sre import`."""

        async def note(req: Request) -> Outcome:
            await imports.note_shared_file(req, file_id)
            return Outcome()

        await self._once(Asker(team_id, channel_id, user), event_id, note)

    async def _once(
        self, asker: Asker, event_id: str | None, work: Callable[[Request], Awaitable[Outcome]]
    ) -> Outcome:
        """`work`'s outcome for a Slack event, claimed by `event_id` in the unit of work that
        holds its effect (nothing when it was handled already). The claim commits before
        anything is posted, so a redelivery never posts twice."""
        async with self.db.unit_of_work(asker.team_id) as uow:
            now = self.clock.now()
            if not await uow.claim_event(event_id, now):
                return Outcome()
            outcome = await work(self._request(uow, asker, now))
            await uow.commit()
        return outcome

    async def _refusing(self, work: Any) -> Outcome:
        """The outcome of `work`, or a short refusal when the rules or the words say no."""
        try:
            outcome: Outcome = await work
        except _AtHand as refusal:
            return Outcome(reply=usage_doc(refusal.message, refusal.command), refused=True)
        except UsageError as error:
            return Outcome(reply=usage_doc(error.message), refused=True)
        except DomainError as error:
            return Outcome(reply=Doc.text(error.message), refused=True)
        return outcome

    async def _run(self, sub: Subcommand[Any], asker: Asker, said: list[str]) -> Outcome:
        if not sub.min_args <= len(said) <= sub.max_args:
            raise _AtHand(f"Usage: `{sub.usage}`", sub)
        try:
            args = sub.parse(said, self.clock.now().date())
        except UsageError as error:
            raise _AtHand(error.message, sub) from error
        return await self._call(sub, asker, args)

    async def _call(self, sub: Subcommand[Any], asker: Asker, args: Any) -> Outcome:
        if sub.reads_only:

            async def work() -> Outcome:
                return await self._work(sub, asker, args)

            key = (asker.channel_id, sub.name, args)
            return await self.replies.reply(asker.team_id, key, self.clock.now(), work)
        return await self._work(sub, asker, args)

    async def _work(self, sub: Subcommand[Any], asker: Asker, args: Any) -> Outcome:
        async with self.db.unit_of_work(asker.team_id) as uow:
            outcome = await sub.run(self._request(uow, asker, self.clock.now()), args)
            await uow.commit()
        return outcome


class _AtHand(DomainError):
    """Words a subcommand's grammar refused: answered with that subcommand's usage only."""

    def __init__(self, message: str, command: Subcommand[Any]) -> None:
        super().__init__(message)
        self.command = command


def _help(said: list[str]) -> Doc:
    """`/sre help`, `/sre help <topic>` or `/sre help <command>`."""
    if not said:
        return help_doc(COMMANDS)
    asked = " ".join(said).lower()
    groups = topics(COMMANDS)
    by_group = {g.lower(): g for g in groups.values()}
    group = groups.get(asked) or by_group.get(asked)
    if group is not None:
        return topic_doc(group, COMMANDS)
    if asked in BY_NAME:
        return command_doc(BY_NAME[asked])
    hint = did_you_mean(asked, [*groups, *BY_NAME], "/sre help {}")
    raise UsageError(f"I have no help on `{quoted(asked[:24])}`.{hint}")


def error_doc() -> Doc:
    """What a user sees when something failed on our side."""
    return Doc.text("Sorry, something went wrong on my side and nothing was changed. Try again.")
