"""The retention limit: personal signals older than 90 days are deleted, daily.

What each table keeps and loses is `bot.db.retention_repo`'s; this job runs it table by table.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.db.retention_repo import TABLES
from bot.db.uow import Database
from bot.scheduling.faults import Faults

RETENTION = timedelta(days=90)


async def purge(db: Database, now: datetime, faults: Faults | None = None) -> int:
    """Delete personal rows past the retention limit (every workspace); returns how many.

    Each table is purged in its own transaction, so one that fails leaves the others done.
    Raises `PurgeIncomplete` (after trying them all) when one failed, so it is tried again.
    """
    faults = faults or Faults()
    cutoff = now - RETENTION
    removed, failed = 0, []
    for table in TABLES:
        try:
            async with db.batch() as uow:
                gone = await uow.retention.purge(table, cutoff)
                await uow.commit()
        except Exception as error:  # this table; the others are still purged
            faults.record("purge", table, error, now, table=table)
            failed.append(table)
            continue
        removed += gone
    try:  # "all good" marks are scrubbed, not counted as removed rows
        async with db.batch() as uow:
            await uow.retention.scrub_all_good(cutoff)
            await uow.commit()
    except Exception as error:
        faults.record("purge", "members", error, now, table="members")
        failed.append("members")
    if failed:
        raise PurgeIncomplete(failed)
    return removed


class PurgeIncomplete(Exception):
    """Some tables could not be purged this time (each was logged)."""

    def __init__(self, tables: list[str]) -> None:
        super().__init__(", ".join(tables))
        self.tables = tables
