"""What the Slack listeners need, handed to each `register()`, and what each takes from Bolt."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.db.workspace_lifecycle import WorkspaceLifecycle
from bot.outcome import Outcome
from bot.ports import Messenger, send_all
from bot.router import Router
from bot.slack.background import BackgroundTasks
from bot.slack.messenger import SlackMessenger
from bot.slack.oauth import OAuth


@dataclass(frozen=True)
class SlackDeps:
    """The bot's parts as the Slack adapter sees them."""

    router: Router
    tasks: BackgroundTasks
    lifecycle: WorkspaceLifecycle
    client: AsyncWebClient  # the app's own: SLACK_BOT_TOKEN's, or none in OAuth mode
    oauth: OAuth | None = None  # OAuth mode: the store, the states and the token directory

    def send_later(
        self, messenger: Messenger, outcome: Outcome, trigger_id: str | None = None
    ) -> None:
        """Open the outcome's form and send its posts with `messenger`, off the ack path."""
        if outcome.form is not None and trigger_id:
            # trigger_id lives 3 s: the modal opens right away, concurrently with the response.
            self.tasks.spawn(messenger.open_form(trigger_id, outcome.form))
        if outcome.posts:
            self.tasks.spawn(send_all(messenger, outcome.posts))


def messenger_of(context: AsyncBoltContext) -> SlackMessenger:
    """The request's messenger: Bolt's client for this request, which holds the token of the
    workspace that asked (from `SLACK_BOT_TOKEN`, or from its install in OAuth mode)."""
    client = context.client
    assert client is not None, "Bolt gives every request a client"
    return SlackMessenger(client)


def team_of(context: AsyncBoltContext, body: dict[str, Any]) -> str:
    """The workspace a request's unit of work is scoped to: Bolt's `team_id` (the installed
    workspace, right for channels shared between workspaces), else the payload's own (an
    org-wide install's events name no team in their authorization)."""
    if context.team_id:
        return context.team_id
    team = body.get("team")
    return str(
        body.get("team_id")
        or (team.get("id") if isinstance(team, dict) else team)
        or (body.get("user") or {}).get("team_id")
        or ""
    )
