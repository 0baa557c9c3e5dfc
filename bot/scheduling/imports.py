"""The daily catalog import: each coalition whose lead turned it on imports the configured
Backstage catalog once a day, from 06:00 in the coalition's time zone.

The day is claimed per coalition with a compare-and-set (one replica imports it); the catalog
is read once per tick for every coalition due; each coalition's import runs in its own
workspace's unit of work, and one that fails is recorded (`Faults`) while the others go on.
A read that failed imports nothing and says so in the coalition's history.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, time

from bot.content import Content
from bot.db.uow import Database
from bot.domain.catalog import Gathered
from bot.domain.hours import local_day, zone
from bot.scheduling.faults import Faults
from bot.services import imports

STAGE = "catalog import"
IMPORT_TIME = time(6)
CatalogReader = Callable[[], Awaitable[Gathered]]


async def import_due(
    db: Database, content: Content, read: CatalogReader, now: datetime, faults: Faults
) -> int:
    """Import into every coalition whose day is due; returns how many imported."""
    async with db.batch() as uow:
        due = {
            c.id: local_day(now, c.tz)
            for c in await uow.every.every()
            if c.import_daily
            and (c.imported_on is None or c.imported_on < local_day(now, c.tz))
            and now.astimezone(zone(c.tz)).time() >= IMPORT_TIME
        }
        taken = await uow.every.claim_imports(due) if due else set()
        coalitions = await uow.every.by_ids(taken) if taken else {}
        await uow.commit()  # the day is this replica's whatever the import does
    if not coalitions:
        return 0
    try:
        gathered = await read()
    except Exception as error:  # the catalog could not be read at all: nobody imports today
        faults.record(STAGE, "read", error, now, scope="every coalition due")
        return 0
    done = 0
    for coalition in sorted(coalitions.values(), key=lambda c: c.id):
        try:
            async with db.unit_of_work(coalition.team_id) as uow:
                await imports.scheduled(uow, content, coalition, gathered, now)
                await uow.commit()
        except Exception as error:  # this coalition's data; the others go on
            ids = {"team": coalition.team_id, "coalition": coalition.id}
            faults.record(STAGE, coalition.id, error, now, **ids)
            continue
        faults.cleared(STAGE, coalition.id)
        done += 1
    return done
