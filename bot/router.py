"""The one command router: `/sre` text, @mentions, button clicks and form submissions become
service calls, for Slack and the console alike.

It opens one unit of work per request, commits once, and turns domain errors into short replies.
"""

from __future__ import annotations

import re
from datetime import datetime

from bot.action_ids import ActionId, parse_button_value
from bot.clock import Clock
from bot.commandline import clean, quoted, words
from bot.commands import BY_NAME, COMMANDS, Subcommand
from bot.db.uow import Database
from bot.doc import Doc
from bot.domain.errors import DomainError, UsageError
from bot.outcome import Outcome, Post, ToChannel
from bot.services import activity, coaching, home, membership
from bot.services.asker import Asker
from bot.views.forms import FORMS, as_command
from bot.views.help import help_doc, usage_doc

_MENTIONS = re.compile(r"<@[A-Z0-9a-z_.-]+(?:\|[^>]*)?>")
BUTTONS = {
    ActionId.VOTE_SHAPE: "vote",
    ActionId.SIGN_OFF: "signoff",
    ActionId.SHOW_STATUS: "status",
    ActionId.OPEN_SLO_FORM: "slo",
    ActionId.OPEN_READINESS_FORM: "readiness",
    ActionId.READ_ENTRY: "guide",
    ActionId.OPEN_CHECKIN_FORM: "checkin",
    ActionId.NOTHING_NEW: "checkin",
    ActionId.ALL_GOOD: "all-good",
    ActionId.ASK_LEAD: "ask-lead",
    ActionId.HAND_OFF: "offer hand-off",
    ActionId.MOVE_DATES: "offer move-dates",
    ActionId.PAIR: "offer pair",
    ActionId.SNOOZE: "snooze",
    ActionId.LEAVE_REASON: "left-because",
    ActionId.CONFIRM_ROLE: "confirm-role",
}


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
                raise UsageError("Tell me what to do, e.g. `/sre status` or `/sre join`.")
            if said[0].lower() == "help":
                return Outcome(reply=help_doc(COMMANDS))
            sub = BY_NAME.get(said[0].lower())
            if sub is None:
                raise UsageError(f"I don't know `{quoted(said[0])}`.")
            return await self._run(sub, asker, said[1:])
        except UsageError as error:
            return Outcome(reply=usage_doc(error.message, COMMANDS), refused=True)
        except DomainError as error:
            return Outcome(reply=Doc.text(error.message), refused=True)

    async def click(self, team_id: str, user_id: str, action_id: str, value: str) -> Outcome:
        """A button: the same path as the command it stands for, in the button's channel."""
        channel, argument = parse_button_value(value)
        name = BUTTONS.get(ActionId(action_id)) if action_id in set(ActionId) else None
        if name is None or not channel:
            return Outcome(reply=Doc.text("That button is no longer in use."), refused=True)
        return await self.command(Asker(team_id, channel, user_id), f"{name} {argument}".strip())

    async def home(self, team_id: str, user_id: str) -> Doc:
        """The App Home dashboard of `user_id`."""
        async with self.db.unit_of_work(team_id) as uow:
            return await home.dashboard(uow, user_id, self.clock.now())

    async def submit(self, asker: Asker, callback_id: str, values: dict[str, str]) -> Outcome:
        """A submitted form: the same path as its one-line command."""
        make = FORMS.get(callback_id)  # type: ignore[call-overload]
        if make is None:
            return Outcome(reply=Doc.text("That form is no longer in use."), refused=True)
        return await self.command(asker, as_command(make(asker.channel_id), values))

    async def mention(
        self, asker: Asker, text: str, thread_ts: str, event_id: str | None = None
    ) -> Outcome:
        """Answer an @mention's question in its thread (nothing when `event_id` was handled)."""
        question = _MENTIONS.sub(" ", clean(text)).strip()
        async with self.db.unit_of_work(asker.team_id) as uow:
            if not await uow.claim_event(event_id, self.clock.now()):
                return Outcome()
            try:
                reply = await coaching.answer(uow, asker, question, self.clock.now())
            except DomainError as error:
                reply = Doc.text(error.message)
            # The claim commits before the answer is posted: a reply is never posted twice.
            await uow.commit()
        return Outcome(posts=(Post(ToChannel(asker.channel_id, thread_ts), reply),))

    async def channel_change(
        self, team_id: str, channel_id: str, user: str, change: str, event_id: str | None = None
    ) -> Outcome:
        """Record a join or leave of the channel (leaving it leaves the coalition too)."""
        async with self.db.unit_of_work(team_id) as uow:
            now = self.clock.now()
            if not await uow.claim_event(event_id, now):
                return Outcome()
            outcome = await membership.record_channel_change(uow, channel_id, user, change, now)
            await uow.commit()
        return outcome

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
            if await activity.count(uow, channel_id, user, at or now, kind):
                await uow.commit()

    async def _run(self, sub: Subcommand, asker: Asker, args: list[str]) -> Outcome:
        if not sub.min_args <= len(args) <= sub.max_args:
            raise UsageError(f"Usage: `{sub.usage}`")
        async with self.db.unit_of_work(asker.team_id) as uow:
            outcome = await sub.handler(uow, asker, args, self.clock.now())
            await uow.commit()
        return outcome


def error_doc() -> Doc:
    """What a user sees when something failed on our side."""
    return Doc.text("Sorry, something went wrong on my side and nothing was changed. Try again.")
