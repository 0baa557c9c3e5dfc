"""The catalog import's reads and writes: what a coalition holds, and a plan applied in bulk.

`holdings` reads a coalition's services with their SLOs in one statement. `apply` writes a
plan (bot/domain/import_plan.py) in batched statements: multi-row inserts for what is new,
one executemany UPDATE per table for what changed, one UPDATE for what vanished, and one more
for what the code says of SLOs typed by hand (kept for drift). Nothing is deleted. A plan
that changes nothing, read against the same input, writes nothing at all.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, select, update

from bot.db.inserts import CHUNK, insert, insert_missing
from bot.db.models import Base, Coalition
from bot.db.rollout_models import PendingFile, ServiceRow, SloRow
from bot.db.scoped import Scoped
from bot.domain.catalog import (
    ChangeKind,
    CodeSlo,
    ImportPlan,
    KnownService,
    KnownSlo,
    SloFormat,
    SloOrigin,
    Source,
)
from bot.domain.import_plan import apply_plan


@dataclass(frozen=True)
class HeldSlo:
    """An SLO row's id and the values an update keeps."""

    id: int
    defined_by: str
    defined_at: datetime
    signed_off_by: str | None
    signed_off_at: datetime | None
    vanished_at: datetime | None
    code_target: float | None
    code_window_days: int | None


@dataclass(frozen=True)
class Holdings:
    """A coalition's services as the plan sees them, and the row ids behind them."""

    services: tuple[KnownService, ...]
    service_ids: Mapping[str, int] = field(default_factory=dict)  # lower-case name -> id
    vanished_at: Mapping[str, datetime | None] = field(default_factory=dict)
    slos: Mapping[tuple[str, str], HeldSlo] = field(default_factory=dict)  # (service, sli)


@dataclass(frozen=True)
class Applied:
    """How many rows an apply wrote."""

    services_added: int = 0
    services_updated: int = 0
    slos_added: int = 0
    slos_updated: int = 0
    code_noted: int = 0

    @property
    def rows(self) -> int:
        """Every row written."""
        return (
            self.services_added
            + self.services_updated
            + self.slos_added
            + self.slos_updated
            + self.code_noted
        )


def encode_origin(origin: SloOrigin | None) -> str | None:
    """An SLO's origin as stored."""
    if origin is None:
        return None
    return json.dumps(
        [origin.format.value, origin.path, origin.document, origin.name, origin.field]
    )


def decode_origin(text: str | None) -> SloOrigin | None:
    """A stored origin back (None when absent or unreadable)."""
    if not text:
        return None
    try:
        fmt, path, document, name, place = json.loads(text)
        return SloOrigin(SloFormat(fmt), str(path), int(document), str(name), str(place))
    except (ValueError, TypeError):
        return None


def typed_fields(text: str) -> frozenset[str]:
    """The stored `typed` column as field names."""
    return frozenset(t for t in text.split(",") if t)


def _typed_text(fields: Iterable[str]) -> str:
    return ",".join(sorted(fields))


class CatalogRepo(Scoped):
    """The import's side of services and SLOs, for one workspace."""

    async def holdings(self, coalition: Coalition) -> Holdings:
        """The coalition's services with their SLOs (one statement)."""
        query = (
            select(ServiceRow, SloRow)
            .outerjoin(SloRow, SloRow.service_id == ServiceRow.id)
            .where(ServiceRow.team_id == self.team_id, ServiceRow.coalition_id == coalition.id)
            .order_by(ServiceRow.id, SloRow.id)
        )
        rows: dict[int, tuple[ServiceRow, list[SloRow]]] = {}
        for service, slo in await self.session.execute(query):
            entry = rows.setdefault(service.id, (service, []))
            if slo is not None:
                entry[1].append(slo)
        services: list[KnownService] = []
        ids: dict[str, int] = {}
        vanished: dict[str, datetime | None] = {}
        held: dict[tuple[str, str], HeldSlo] = {}
        for service, slos in rows.values():
            key = service.name.lower()
            ids[key], vanished[key] = service.id, service.vanished_at
            for s in slos:
                held[(key, s.sli.lower())] = HeldSlo(
                    s.id,
                    s.defined_by,
                    s.defined_at,
                    s.signed_off_by,
                    s.signed_off_at,
                    s.vanished_at,
                    s.code_target,
                    s.code_window_days,
                )
            services.append(_known(service, slos))
        return Holdings(tuple(services), ids, vanished, held)

    async def apply(
        self,
        coalition: Coalition,
        held: Holdings,
        plan: ImportPlan,
        code: Sequence[CodeSlo] | None,
        code_whole: bool,
        actor: str,
        now: datetime,
    ) -> Applied:
        """Write the plan in batched statements; `code` (the SLOs read, when they were) also
        notes what the code says of every SLO held, for drift."""
        after = {s.name.lower(): s for s in apply_plan(held.services, plan)}
        added_services = await self._add_services(coalition, plan, after, actor, now)
        updated_services = await self._update_services(held, plan, after, now)
        ids = dict(held.service_ids)
        if any(c.kind is ChangeKind.ADD for c in plan.services):
            ids = await self._service_ids(coalition)
        added_slos = await self._add_slos(plan, ids, actor, now)
        updated_slos = await self._update_slos(held, plan, actor, now)
        noted = 0
        if code is not None:
            noted = await self._note_code(held, plan, code, code_whole)
        return Applied(added_services, updated_services, added_slos, updated_slos, noted)

    async def _add_services(
        self,
        coalition: Coalition,
        plan: ImportPlan,
        after: Mapping[str, KnownService],
        actor: str,
        now: datetime,
    ) -> int:
        rows = []
        for change in plan.services:
            if change.kind is not ChangeKind.ADD:
                continue
            s = after[change.name.lower()]
            rows.append(
                {
                    "team_id": self.team_id,
                    "coalition_id": coalition.id,
                    "name": s.name,
                    "critical": s.critical,
                    "owner_team": s.owner_team,
                    "lifecycle": s.lifecycle,
                    "system": s.system,
                    "source": s.source.value,
                    "origin": s.origin,
                    "typed": "",
                    "added_by": actor,
                    "added_at": now,
                }
            )
        return await self._insert_all(ServiceRow, rows)

    async def _update_services(
        self,
        held: Holdings,
        plan: ImportPlan,
        after: Mapping[str, KnownService],
        now: datetime,
    ) -> int:
        params = []
        for change in plan.services:
            if change.kind is ChangeKind.ADD:
                continue
            key = change.name.lower()
            s = after[key]
            was = held.vanished_at.get(key)
            params.append(
                {
                    "b_id": held.service_ids[key],
                    "b_critical": s.critical,
                    "b_owner_team": s.owner_team,
                    "b_lifecycle": s.lifecycle,
                    "b_system": s.system,
                    "b_source": s.source.value,
                    "b_origin": s.origin,
                    "b_typed": _typed_text(s.typed),
                    "b_vanished_at": (was or now) if s.vanished else None,
                }
            )
        columns = {name: f"b_{name}" for name in SERVICE_WRITTEN}
        return await self._update_by_id(ServiceRow, columns, params)

    async def _service_ids(self, coalition: Coalition) -> dict[str, int]:
        query = select(ServiceRow.id, ServiceRow.name).where(
            ServiceRow.team_id == self.team_id, ServiceRow.coalition_id == coalition.id
        )
        return {name.lower(): id_ for id_, name in await self.session.execute(query)}

    async def _add_slos(
        self, plan: ImportPlan, ids: Mapping[str, int], actor: str, now: datetime
    ) -> int:
        rows = [
            {
                "team_id": self.team_id,
                "service_id": ids[change.service.lower()],
                "sli": change.sli,
                "target": change.target,
                "window_days": change.window_days,
                "defined_by": actor,
                "defined_at": now,
                "source": Source.CODE.value,
                "origin": encode_origin(change.origin),
                "code_target": change.target,
                "code_window_days": change.window_days,
            }
            for change in plan.slos
            if change.kind is ChangeKind.ADD
        ]
        return await self._insert_all(SloRow, rows)

    async def _update_slos(
        self, held: Holdings, plan: ImportPlan, actor: str, now: datetime
    ) -> int:
        params = []
        for change in plan.slos:
            if change.kind is ChangeKind.ADD:
                continue
            row = held.slos[(change.service.lower(), change.sli.lower())]
            if change.kind is ChangeKind.VANISH:  # gone from the code: marked, kept
                gone = {"vanished_at": row.vanished_at or now, "code_target": None}
                params.append(
                    _slo_params(
                        row,
                        target=change.target,
                        window_days=change.window_days,
                        source=Source.CODE.value,
                        origin=encode_origin(change.origin),
                        code_window_days=None,
                        **gone,
                    )
                )
                continue
            terms = {f.field for f in change.fields} & {"target", "window_days"}
            values: dict[str, Any] = {
                "target": change.target,
                "window_days": change.window_days,
                "source": Source.CODE.value,
                "origin": encode_origin(change.origin),
                "vanished_at": None,
                "code_target": change.target,
                "code_window_days": change.window_days,
            }
            if terms:  # a redefinition, as `/sre slo` makes one: the sign-off starts over
                values.update(defined_by=actor, defined_at=now)
                values.update(signed_off_by=None, signed_off_at=None)
            params.append(_slo_params(row, **values))
        return await self._update_by_id(SloRow, {n: f"b_{n}" for n in SLO_WRITTEN}, params)

    async def _note_code(
        self, held: Holdings, plan: ImportPlan, code: Sequence[CodeSlo], whole: bool
    ) -> int:
        """What the code says of SLOs the plan leaves alone (typed by hand): kept for drift."""
        planned = {(c.service.lower(), c.sli.lower()) for c in plan.slos}
        said = {(s.service.lower(), s.sli.lower()): s for s in code}
        params = []
        for key, row in held.slos.items():
            if key in planned:
                continue
            slo = said.get(key)
            if slo is None and not whole:
                continue  # the code was not read whole: what it said before stands
            target = None if slo is None else slo.target
            window = None if slo is None else slo.window_days
            if (row.code_target, row.code_window_days) != (target, window):
                params.append({"b_id": row.id, "b_target": target, "b_window": window})
        columns = {"code_target": "b_target", "code_window_days": "b_window"}
        return await self._update_by_id(SloRow, columns, params)

    async def _insert_all(self, model: type[Base], rows: list[dict[str, Any]]) -> int:
        """One INSERT ... ON CONFLICT DO NOTHING, executed for many rows (the driver batches
        them: no statement is compiled per row or per chunk of rows); returns the rows sent."""
        if not rows:
            return 0
        await self._many(insert(self.session, _table(model)).on_conflict_do_nothing(), rows)
        return len(rows)

    async def _update_by_id(
        self, model: type[Base], columns: Mapping[str, str], params: list[dict[str, Any]]
    ) -> int:
        """One UPDATE of this workspace's row `b_id`, executed for many rows; `columns` names
        the parameter each column is set from. Returns the rows sent."""
        if not params:
            return 0
        table = _table(model)
        statement = (
            update(table)
            .where(table.c.id == bindparam("b_id"), table.c.team_id == self.team_id)
            .values({column: bindparam(name) for column, name in columns.items()})
        )
        await self._many(statement, params)
        return len(params)

    async def _many(self, statement: Any, params: list[dict[str, Any]]) -> None:
        for start in range(0, len(params), CHUNK):
            await self.session.execute(statement, params[start : start + CHUNK])

    # Files shared in the channel, waiting for `/sre import`.

    async def note_file(
        self, coalition: Coalition, file_id: str, user_id: str, now: datetime
    ) -> bool:
        """Remember a shared file's id; False when it was already noted."""
        row = {
            "team_id": self.team_id,
            "coalition_id": coalition.id,
            "file_id": file_id,
            "user_id": user_id,
            "shared_at": now,
        }
        return await insert_missing(self.session, PendingFile, [row]) == 1

    async def pending_files(
        self, coalition: Coalition, user_id: str, since: datetime, limit: int
    ) -> list[str]:
        """Ids of the files `user_id` shared since `since`, oldest first, at most `limit`."""
        query = (
            select(PendingFile.file_id)
            .where(
                PendingFile.team_id == self.team_id,
                PendingFile.coalition_id == coalition.id,
                PendingFile.user_id == user_id,
                PendingFile.shared_at >= since,
            )
            .order_by(PendingFile.shared_at, PendingFile.id)
            .limit(limit)
        )
        return list(await self.session.scalars(query))

    async def forget_files_before(self, coalition: Coalition, before: datetime) -> None:
        """Drop shared files no import picked up in time."""
        table = _table(PendingFile)
        await self.session.execute(
            table.delete().where(
                table.c.team_id == self.team_id,
                table.c.coalition_id == coalition.id,
                table.c.shared_at < before,
            )
        )

    async def forget_files(self, coalition: Coalition, file_ids: Sequence[str]) -> None:
        """Drop files once read (or refused)."""
        if not file_ids:
            return
        table = _table(PendingFile)
        await self.session.execute(
            table.delete().where(
                table.c.team_id == self.team_id,
                table.c.coalition_id == coalition.id,
                table.c.file_id.in_(list(file_ids)),
            )
        )


SERVICE_WRITTEN = (
    "critical",
    "owner_team",
    "lifecycle",
    "system",
    "source",
    "origin",
    "typed",
    "vanished_at",
)
"""The service columns an import writes (each from the parameter `b_<column>`)."""
SLO_WRITTEN = (
    "target",
    "window_days",
    "source",
    "origin",
    "vanished_at",
    "code_target",
    "code_window_days",
    "defined_by",
    "defined_at",
    "signed_off_by",
    "signed_off_at",
)


def _table(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _slo_params(row: HeldSlo, **values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "defined_by": row.defined_by,
        "defined_at": row.defined_at,
        "signed_off_by": row.signed_off_by,
        "signed_off_at": row.signed_off_at,
    }
    base.update(values)
    missing = set(SLO_WRITTEN) - base.keys()
    assert not missing, missing  # every update writes the same columns: one executemany
    return {"b_id": row.id, **{f"b_{k}": v for k, v in base.items()}}


def _known(service: ServiceRow, slos: list[SloRow]) -> KnownService:
    return KnownService(
        name=service.name,
        critical=service.critical,
        owner_team=service.owner_team,
        lifecycle=service.lifecycle,
        system=service.system,
        source=Source(service.source),
        origin=service.origin,
        vanished=service.vanished_at is not None,
        typed=typed_fields(service.typed),
        slos=tuple(
            KnownSlo(
                s.sli,
                s.target,
                s.window_days,
                s.signed_off_at is not None,
                Source(s.source),
                decode_origin(s.origin),
                s.vanished_at is not None,
            )
            for s in slos
        ),
    )
