"""The import plan: what reading a catalog and SLO files would change in a coalition's services.

Pure values in, pure values out. `plan_import` compares what was read (components, SLOs as
code) with what the coalition holds; `apply_plan` is the plan's meaning on those values (the
store mirrors it), and planning again against the applied state changes nothing. A dry run is
the plan shown. Rules:
- new components become services; changed ones update; catalog services missing from a
  *whole* reading are marked vanished (never deleted) and unmarked when they come back;
- a value a person typed is never overwritten silently: it is a conflict, applied only with
  `overwrite_typed`, and listed either way;
- an SLO from code whose target or window changes loses its sign-off, as a redefinition in
  the bot does;
- an SLO whose service is neither in the coalition nor in the catalog is left unmatched.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from bot.domain.catalog import (
    ChangeKind,
    CodeSlo,
    Component,
    Conflict,
    Drift,
    FieldChange,
    ImportPlan,
    KnownService,
    KnownSlo,
    Reading,
    ServiceChange,
    SloChange,
    SloOrigin,
    Source,
    Value,
    same_target,
)
from bot.domain.critical import CriticalSelector


def plan_import(
    known: Sequence[KnownService],
    reading: Reading,
    selector: CriticalSelector | None,
    *,
    overwrite_typed: bool = False,
) -> ImportPlan:
    """The changes that would make the coalition match what was read."""
    by_key = {s.name.lower(): s for s in known}
    services: list[ServiceChange] = []
    conflicts: list[Conflict] = []
    held = False
    if reading.components is not None:
        planner = _ServicePlanner(selector, overwrite_typed)
        services, conflicts = planner.plan(by_key, reading.components, reading.components_whole)
        held = not reading.components_whole
    slos: list[SloChange] = []
    unmatched: list[CodeSlo] = []
    drift: dict[str, Drift] = {}
    if reading.slos is not None:
        added = {c.name.lower(): c.name for c in services if c.kind is ChangeKind.ADD}
        slos, slo_conflicts, unmatched = _plan_slos(
            by_key, added, reading.slos, reading.slos_whole, overwrite_typed
        )
        conflicts += slo_conflicts
        drift = slo_drift(known, reading.slos)
        held = held or not reading.slos_whole
    return ImportPlan(tuple(services), tuple(slos), tuple(conflicts), tuple(unmatched), drift, held)


@dataclass(frozen=True)
class _ServicePlanner:
    selector: CriticalSelector | None
    overwrite: bool

    def plan(
        self, by_key: Mapping[str, KnownService], components: Iterable[Component], whole: bool
    ) -> tuple[list[ServiceChange], list[Conflict]]:
        changes: list[ServiceChange] = []
        conflicts: list[Conflict] = []
        seen = set()
        for component in sorted(components, key=lambda c: c.name.lower()):
            seen.add(component.name.lower())
            current = by_key.get(component.name.lower())
            if current is None:
                changes.append(self._add(component))
                continue
            change, found = self._update(current, component)
            conflicts += found
            if change is not None:
                changes.append(change)
        if whole:
            changes += [
                ServiceChange(ChangeKind.VANISH, s.name, s.origin)
                for key, s in sorted(by_key.items())
                if s.source is Source.CATALOG and not s.vanished and key not in seen
            ]
        return changes, conflicts

    def wanted(self, component: Component) -> dict[str, Value]:
        """The fields the catalog decides; critical only when a selector is set."""
        values: dict[str, Value] = {
            "owner_team": component.owner,
            "lifecycle": component.lifecycle,
            "system": component.system,
        }
        if self.selector is not None:
            values["critical"] = self.selector.matches(
                component.tags, component.annotations, component.labels
            )
        return values

    def _add(self, component: Component) -> ServiceChange:
        values = {"critical": False, **self.wanted(component)}
        fields = tuple(FieldChange(k, None, v) for k, v in values.items() if v is not None)
        return ServiceChange(ChangeKind.ADD, component.name, component.ref, fields)

    def _update(
        self, current: KnownService, component: Component
    ) -> tuple[ServiceChange | None, list[Conflict]]:
        fields: list[FieldChange] = []
        conflicts: list[Conflict] = []
        if current.source is not Source.CATALOG:
            fields.append(FieldChange("source", current.source.value, Source.CATALOG.value))
        if current.origin != component.ref:
            fields.append(FieldChange("origin", current.origin, component.ref))
        for name, new in self.wanted(component).items():
            old = getattr(current, name)
            if old == new:
                continue
            if name in current.typed:
                if new is None:  # the catalog has no value: the typed one stands
                    continue
                conflicts.append(
                    Conflict(current.name, name, old, new, component.ref, None, self.overwrite)
                )
                if not self.overwrite:
                    continue
            fields.append(FieldChange(name, old, new))
        if not fields and not current.vanished:
            return None, conflicts
        kind = ChangeKind.RETURN if current.vanished else ChangeKind.UPDATE
        return ServiceChange(kind, current.name, component.ref, tuple(fields)), conflicts


def _plan_slos(
    by_key: Mapping[str, KnownService],
    added: Mapping[str, str],
    code: Iterable[CodeSlo],
    whole: bool,
    overwrite: bool,
) -> tuple[list[SloChange], list[Conflict], list[CodeSlo]]:
    changes: list[SloChange] = []
    conflicts: list[Conflict] = []
    unmatched: list[CodeSlo] = []
    seen = set()
    for slo in sorted(code, key=lambda s: (s.service.lower(), s.sli.lower())):
        key = slo.service.lower()
        seen.add((key, slo.sli.lower()))
        service = by_key.get(key)
        if service is None and key not in added:
            unmatched.append(slo)
            continue
        name = service.name if service is not None else added[key]
        current = _slo_named(service, slo.sli) if service is not None else None
        if current is None:
            changes.append(_slo_add(name, slo))
            continue
        change, found = _slo_update(name, current, slo, overwrite)
        conflicts += found
        if change is not None:
            changes.append(change)
    if whole:
        changes += [
            SloChange(ChangeKind.VANISH, s.name, k.sli, k.target, k.window_days, k.origin)
            for key, s in sorted(by_key.items())
            for k in s.slos
            if k.source is Source.CODE and not k.vanished and (key, k.sli.lower()) not in seen
        ]
    return changes, conflicts, unmatched


def _slo_named(service: KnownService, sli: str) -> KnownSlo | None:
    return next((k for k in service.slos if k.sli.lower() == sli.lower()), None)


def _slo_add(service: str, slo: CodeSlo) -> SloChange:
    fields = (
        FieldChange("target", None, slo.target),
        FieldChange("window_days", None, slo.window_days),
    )
    return SloChange(
        ChangeKind.ADD, service, slo.sli, slo.target, slo.window_days, slo.origin, fields
    )


def _slo_update(
    service: str, current: KnownSlo, slo: CodeSlo, overwrite: bool
) -> tuple[SloChange | None, list[Conflict]]:
    terms: list[FieldChange] = []
    if not same_target(current.target, slo.target):
        terms.append(FieldChange("target", current.target, slo.target))
    if current.window_days != slo.window_days:
        terms.append(FieldChange("window_days", current.window_days, slo.window_days))
    conflicts: list[Conflict] = []
    if current.source is Source.HAND and terms:
        origin = str(slo.origin)
        conflicts = [
            Conflict(service, t.field, t.old, t.new, origin, current.sli, overwrite) for t in terms
        ]
        if not overwrite:
            return None, conflicts
    fields = list(terms)
    if current.source is not Source.CODE:
        fields.append(FieldChange("source", current.source.value, Source.CODE.value))
    if current.origin != slo.origin:
        fields.append(FieldChange("origin", _shown(current.origin), str(slo.origin)))
    if not fields and not current.vanished:
        return None, conflicts
    kind = ChangeKind.RETURN if current.vanished else ChangeKind.UPDATE
    change = SloChange(
        kind,
        service,
        current.sli,
        slo.target,
        slo.window_days,
        slo.origin,
        tuple(fields),
        resets_signoff=bool(terms) and current.signed,
    )
    return change, conflicts


def _shown(origin: SloOrigin | None) -> str | None:
    return None if origin is None else str(origin)


def slo_drift(known: Iterable[KnownService], code: Iterable[CodeSlo]) -> dict[str, Drift]:
    """Per service with SLOs on either side: the same, different, only in code, only in the bot."""
    in_code: dict[str, dict[str, CodeSlo]] = {}
    for slo in code:
        in_code.setdefault(slo.service.lower(), {})[slo.sli.lower()] = slo
    drift: dict[str, Drift] = {}
    for service in known:
        bot = {k.sli.lower(): k for k in service.slos if not k.vanished}
        theirs = in_code.get(service.name.lower(), {})
        if bot or theirs:
            drift[service.name] = _compare(bot, theirs)
    return drift


def _compare(bot: Mapping[str, KnownSlo], code: Mapping[str, CodeSlo]) -> Drift:
    if not bot:
        return Drift.CODE_ONLY
    if not code:
        return Drift.BOT_ONLY
    if bot.keys() != code.keys():
        return Drift.DIFFERS
    alike = all(
        same_target(k.target, code[n].target) and k.window_days == code[n].window_days
        for n, k in bot.items()
    )
    return Drift.SAME if alike else Drift.DIFFERS


def apply_plan(known: Sequence[KnownService], plan: ImportPlan) -> tuple[KnownService, ...]:
    """The coalition's services once the plan is applied (what the store does, as values)."""
    services = {s.name.lower(): s for s in known}
    for change in plan.services:
        key = change.name.lower()
        services[key] = _applied_service(services.get(key), change)
    for slo_change in plan.slos:
        key = slo_change.service.lower()
        services[key] = _with_slo(services[key], slo_change)
    return tuple(services.values())


def _applied_service(current: KnownService | None, change: ServiceChange) -> KnownService:
    if change.kind is ChangeKind.VANISH:
        assert current is not None  # a vanish is only planned for a held service
        return replace(current, vanished=True)
    new = {c.field: c.new for c in change.fields}
    base = current or KnownService(change.name, critical=False)
    return replace(
        base,
        critical=bool(new.get("critical", base.critical)),
        owner_team=_text(new.get("owner_team", base.owner_team)),
        lifecycle=_text(new.get("lifecycle", base.lifecycle)),
        system=_text(new.get("system", base.system)),
        source=Source.CATALOG,
        origin=change.ref,
        vanished=False,
        typed=base.typed - new.keys(),  # an overwritten typed value now follows the catalog
    )


def _text(value: Value) -> str | None:
    return None if value is None else str(value)


def _with_slo(service: KnownService, change: SloChange) -> KnownService:
    current = _slo_named(service, change.sli)
    others = tuple(k for k in service.slos if k is not current)
    if change.kind is ChangeKind.VANISH:
        assert current is not None
        return replace(service, slos=(*others, replace(current, vanished=True)))
    signed = current is not None and current.signed and not change.resets_signoff
    slo = KnownSlo(
        change.sli, change.target, change.window_days, signed, Source.CODE, change.origin
    )
    return replace(service, slos=(*others, slo))
