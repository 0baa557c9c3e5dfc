"""What the Slack listeners need, handed to each `register()`."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.catalog.documents import YAML_SUFFIXES
from bot.catalog.gather import gather_texts
from bot.outcome import Ephemeral, FetchFiles, Outcome, Post
from bot.ports import DeliveryError, Messenger, send_all
from bot.router import Router
from bot.services.imports import ImportRun
from bot.services.request import Asker
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
        if outcome.fetch is not None:
            self.tasks.spawn(self._import_shared(outcome.fetch))
        if outcome.posts or outcome.uploads:
            self.tasks.spawn(self._deliver(outcome))

    async def _deliver(self, outcome: Outcome) -> None:
        await send_all(self.messenger, outcome.posts)
        for upload in outcome.uploads:
            await self.messenger.upload(upload.to, upload.filename, upload.content, upload.title)

    async def _import_shared(self, fetch: FetchFiles) -> None:
        """Download the shared files, hand them to the importer, answer the asker."""
        texts: list[tuple[str, str]] = []
        problems: list[str] = []
        skipped = 0
        for file_id in fetch.file_ids:
            try:
                shared = await self.messenger.fetch_file(file_id, fetch.max_bytes)
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
            await self.messenger.send(
                Post(Ephemeral(asker.channel_id, asker.user_id), outcome.reply)
            )
