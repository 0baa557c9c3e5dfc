"""The composition root: builds the content, the database, the router and the due work once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from bot.catalog.backstage import BackstageClient
from bot.catalog.gather import gather_backstage
from bot.clock import Clock
from bot.content import Content, content_directory, load_programme
from bot.db.uow import Database
from bot.domain.catalog import Gathered
from bot.guide.encoder import load_encoder
from bot.guide.library import load_library
from bot.guide.precedents import read_precedents
from bot.guide.ranking import Guide
from bot.meter import NO_METER, Meter
from bot.ports import Messengers
from bot.router import Router
from bot.scheduling.due import UNINSTALL_GRACE, DueWork
from bot.scheduling.imports import CatalogReader
from bot.settings import Settings


def load_content(directory: Path | None = None) -> Content:
    """Programme, library and guide, checked (raises `LibraryError`, `EncoderError` or
    `PrecedentsError`)."""
    directory = directory or content_directory()
    library = load_library(directory)
    guide = Guide(library, load_encoder(), read_precedents())
    return Content(load_programme(directory), library, guide)


@dataclass(frozen=True)
class Bot:
    """The parts every front end shares, each built once."""

    content: Content
    db: Database
    clock: Clock
    router: Router
    meter: Meter = field(default=NO_METER)

    def due_work(
        self,
        messengers: Messengers,
        worker: str,
        grace: timedelta = UNINSTALL_GRACE,
        catalog: CatalogReader | None = None,
    ) -> DueWork:
        """The scheduled work of one replica, sending through `messengers`; an uninstalled
        workspace's data is deleted `grace` after the uninstall; coalitions that turned the
        daily import on import from `catalog`."""
        return DueWork(
            self.db, messengers, self.clock, self.content, worker, grace, catalog, meter=self.meter
        )


def backstage_reader(settings: Settings) -> CatalogReader | None:
    """The daily import's reader of the configured Backstage (None when there is none)."""
    if settings.backstage_base_url is None:
        return None
    client = BackstageClient.from_settings(settings)

    async def read() -> Gathered:
        return await gather_backstage(client, None)

    return read


def build(database_url: str, clock: Clock, content: Content, meter: Meter = NO_METER) -> Bot:
    """The bot over the database at `database_url`, counting into `meter`."""
    db = Database(database_url, meter)
    return Bot(content, db, clock, Router(db, clock, content), meter)
