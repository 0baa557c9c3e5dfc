"""What the Slack listeners need, handed to each `register()`."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.db.uow import Database
from bot.messages import Outcome, send_all
from bot.router import Router
from bot.slack.background import BackgroundTasks
from bot.slack.messenger import SlackMessenger


@dataclass(frozen=True)
class SlackDeps:
    """The bot's parts as the Slack adapter sees them."""

    db: Database
    clock: Clock
    router: Router
    messenger: SlackMessenger
    tasks: BackgroundTasks

    def send_later(self, outcome: Outcome) -> None:
        """Send the outcome's posts after the response, off the ack path."""
        if outcome.posts:
            self.tasks.spawn(send_all(self.messenger, outcome.posts))
