"""What the Slack listeners need, handed to each `register()`, and what each takes from Bolt."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from slack_bolt.async_app import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.catalog.documents import YAML_SUFFIXES
from bot.catalog.gather import gather_texts
from bot.db.workspace_lifecycle import WorkspaceLifecycle
from bot.outcome import Ephemeral, FetchFiles, Outcome, Post
from bot.ports import DeliveryError, Messenger, send_all
from bot.router import Router
from bot.services.imports import ImportRun
from bot.services.request import Asker
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
        if outcome.fetch is not None:
            self.tasks.spawn(self._import_shared(messenger, outcome.fetch))
        if outcome.posts or outcome.uploads:
            self.tasks.spawn(_deliver(messenger, outcome))

    async def _import_shared(self, messenger: Messenger, fetch: FetchFiles) -> None:
        """Download the shared files with the asking workspace's `messenger`, hand them to the
        importer, answer the asker."""
        texts: list[tuple[str, str]] = []
        problems: list[str] = []
        skipped = 0
        for file_id in fetch.file_ids:
            try:
                shared = await messenger.fetch_file(file_id, fetch.max_bytes)
            except DeliveryError as error:
                problems.append(f"{file_id}: {error.reason}")
                continue
            if not shared.name.lower().endswith(YAML_SUFFIXES):
                skipped += 1  # a picture or a log shared in the channel: not ours to read
                continue
            try:
                texts.append((shared.name, shared.content.decode("utf-8-sig")))
            except UnicodeDecodeError:
                problems.append(f"{shared.name}: is not UTF-8 text")
        where = f"{len(texts)} shared YAML file(s)"
        gathered = gather_texts(texts, where + (f", {skipped} other(s) skipped" if skipped else ""))
        gathered = replace(gathered, problems=(*problems, *gathered.problems))
        asker = Asker(fetch.team_id, fetch.channel_id, fetch.user_id)
        run = ImportRun(gathered, dry_run=fetch.dry_run, file_ids=fetch.file_ids)
        outcome = await self.router.imported(asker, run)
        if outcome.reply is not None:
            await messenger.send(Post(Ephemeral(asker.channel_id, asker.user_id), outcome.reply))


async def _deliver(messenger: Messenger, outcome: Outcome) -> None:
    """Send the outcome's posts, then share its files."""
    await send_all(messenger, outcome.posts)
    for upload in outcome.uploads:
        await messenger.upload(upload.to, upload.filename, upload.content, upload.title)


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
