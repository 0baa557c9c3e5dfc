"""The sealed tokens as stored, for the start-up key check and for re-encryption after a key
rotation (the installation store itself reads them through slack_sdk)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Table, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.installation_models import TOKEN_COLUMNS, bots, installations


@dataclass(frozen=True)
class SealedToken:
    """One stored token: where it is, and its ciphertext."""

    table: str
    row_id: int
    team_id: str | None
    enterprise_id: str | None
    column: str
    sealed: str


def _tables() -> tuple[Table, ...]:
    return (installations, bots)


async def sealed_tokens(session: AsyncSession) -> list[SealedToken]:
    """Every stored token (every workspace's: a system job, not a request)."""
    found: list[SealedToken] = []
    for table in _tables():
        names = [n for n in TOKEN_COLUMNS if n in table.c]
        columns = [table.c.id, table.c.team_id, table.c.enterprise_id, *(table.c[n] for n in names)]
        for row in await session.execute(select(*columns).order_by(table.c.id)):
            for name, value in zip(names, row[3:], strict=True):
                if value is not None:
                    found.append(SealedToken(table.name, row[0], row[1], row[2], name, value))
    return found


async def reseal_all(session: AsyncSession, reseal: Callable[[str], str]) -> int:
    """Replace every stored token by `reseal(token)` (the caller commits); how many."""
    tables = {table.name: table for table in _tables()}
    tokens = await sealed_tokens(session)
    for token in tokens:
        table = tables[token.table]
        await session.execute(
            update(table)
            .where(table.c.id == token.row_id, table.c[token.column] == token.sealed)
            .values({token.column: reseal(token.sealed)})
        )
    return len(tokens)
