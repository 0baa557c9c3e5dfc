"""What the Slack listeners need, handed to each `register()`."""

from __future__ import annotations

from dataclasses import dataclass

from bot.outcome import Outcome
from bot.ports import Messenger, send_all
from bot.router import Router
from bot.slack.background import BackgroundTasks


@dataclass(frozen=True)
class SlackDeps:
    """The bot's parts as the Slack adapter sees them."""

    router: Router
    messenger: Messenger
    tasks: BackgroundTasks

    def send_later(self, outcome: Outcome, trigger_id: str | None = None) -> None:
        """Open the outcome's form and send its posts, off the ack path."""
        if outcome.form is not None and trigger_id:
            # trigger_id lives 3 s: the modal opens right away, concurrently with the response.
            self.tasks.spawn(self.messenger.open_form(trigger_id, outcome.form))
        if outcome.posts or outcome.uploads:
            self.tasks.spawn(self._deliver(outcome))

    async def _deliver(self, outcome: Outcome) -> None:
        await send_all(self.messenger, outcome.posts)
        for upload in outcome.uploads:
            await self.messenger.upload(upload.to, upload.filename, upload.content, upload.title)
