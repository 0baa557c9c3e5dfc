"""The import plan: idempotent, vanished services marked, typed values kept, sign-offs reset."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.catalog.backstage import read_catalog_folder
from bot.catalog.slo_files import read_slo_folder
from bot.domain.catalog import (
    ChangeKind,
    CodeSlo,
    Component,
    Conflict,
    Drift,
    FieldChange,
    KnownService,
    KnownSlo,
    Reading,
    ServiceChange,
    SloFormat,
    SloOrigin,
    Source,
)
from bot.domain.critical import parse_selector
from bot.domain.import_plan import apply_plan, plan_import

CATALOG = Path(__file__).resolve().parents[1] / "fixtures" / "catalog"
SELECTOR = parse_selector("tag:tier-1,annotation:company.com/tier=1,label:tier=critical")


def _origin(path: str = "slo.yaml", name: str = "availability") -> SloOrigin:
    return SloOrigin(SloFormat.OPENSLO, path, 1, name)


def _code(service: str, sli: str = "availability", target: float = 99.9, days: int = 28) -> CodeSlo:
    return CodeSlo(service, sli, target, days, _origin(name=sli))


def _catalog(*names: str, **fields: str) -> tuple[Component, ...]:
    values = {"owner": "platform", "lifecycle": "production", **fields}
    return tuple(
        Component(n, values["owner"], values["lifecycle"], values.get("system")) for n in names
    )


def _fixtures() -> Reading:
    components = read_catalog_folder(CATALOG / "backstage")
    slos = read_slo_folder(CATALOG / "slo" / "openslo" / "valid.yaml")
    assert components.whole and slos.whole
    return Reading(components.components, slos.slos)


def test_the_fixtures_planned_from_nothing_then_again_change_nothing() -> None:
    reading = _fixtures()
    plan = plan_import([], reading, SELECTOR)
    assert [(c.kind, c.name) for c in plan.services] == [
        (ChangeKind.ADD, n) for n in ("checkout", "ledger", "payments", "search", "search-indexer")
    ]
    critical = {c.name for c in plan.services if FieldChange("critical", None, True) in c.fields}
    assert critical == {"checkout", "payments", "search"}  # tag, annotation, label
    assert [(c.kind, c.service, c.sli) for c in plan.slos] == [
        (ChangeKind.ADD, "checkout", "checkout-availability"),
        (ChangeKind.ADD, "ledger", "ledger-freshness"),
        (ChangeKind.ADD, "search", "search-latency/p95"),
        (ChangeKind.ADD, "search", "search-latency/p99"),
    ]
    assert plan.drift == {}  # the coalition held nothing yet
    state = apply_plan([], plan)
    again = plan_import(state, reading, SELECTOR)
    assert again.changes_nothing and again.conflicts == () and not again.vanish_held
    assert set(again.drift.values()) == {Drift.SAME}


def test_changed_components_update_with_field_diffs() -> None:
    state = apply_plan([], plan_import([], Reading(_catalog("a", "b")), None))
    changed = Reading(_catalog("a", "b", owner="group:sre", lifecycle="deprecated"))
    assert changed.components is not None
    changed = replace(changed, components=(replace(changed.components[0], owner="sre"),
                                           changed.components[1]))  # fmt: skip
    plan = plan_import(state, changed, None)
    assert plan.services[0] == ServiceChange(
        ChangeKind.UPDATE,
        "a",
        "component:default/a",
        (FieldChange("owner_team", "platform", "sre"),
         FieldChange("lifecycle", "production", "deprecated")),
    )  # fmt: skip


def test_without_a_selector_criticality_is_left_as_it_is() -> None:
    known = [KnownService("a", critical=True, source=Source.CATALOG, origin="component:default/a",
                          owner_team="platform", lifecycle="production")]  # fmt: skip
    plan = plan_import(known, Reading(_catalog("a", "b")), None)
    assert [(c.kind, c.name) for c in plan.services] == [(ChangeKind.ADD, "b")]
    assert {s.name: s.critical for s in apply_plan(known, plan)} == {"a": True, "b": False}


def test_a_vanished_service_is_marked_never_deleted_and_unmarked_when_back() -> None:
    state = apply_plan([], plan_import([], Reading(_catalog("a", "b")), None))
    gone = plan_import(state, Reading(_catalog("a")), None)
    assert gone.services == (ServiceChange(ChangeKind.VANISH, "b", "component:default/b"),)
    state = apply_plan(state, gone)
    assert [(s.name, s.vanished) for s in state] == [("a", False), ("b", True)]
    assert plan_import(state, Reading(_catalog("a")), None).changes_nothing
    back = plan_import(state, Reading(_catalog("a", "b", lifecycle="experimental")), None)
    assert [(c.kind, c.name) for c in back.services] == [
        (ChangeKind.UPDATE, "a"),
        (ChangeKind.RETURN, "b"),
    ]
    assert not any(s.vanished for s in apply_plan(state, back))


def test_a_reading_that_is_not_whole_marks_nothing_vanished() -> None:
    state = apply_plan([], plan_import([], Reading(_catalog("a", "b")), None))
    partial = plan_import(state, Reading(_catalog("a"), components_whole=False), None)
    assert partial.changes_nothing and partial.vanish_held
    slos_only = plan_import(state, Reading(slos=()), None)  # the catalog was not read at all
    assert slos_only.changes_nothing and not slos_only.vanish_held


def test_hand_services_never_vanish_and_are_adopted_when_the_catalog_has_them() -> None:
    known = [KnownService("a", critical=False), KnownService("b", critical=True)]
    plan = plan_import(known, Reading(_catalog("b")), None)
    assert plan.services == (
        ServiceChange(
            ChangeKind.UPDATE,
            "b",
            "component:default/b",
            (FieldChange("source", "hand", "catalog"),
             FieldChange("origin", None, "component:default/b"),
             FieldChange("owner_team", None, "platform"),
             FieldChange("lifecycle", None, "production")),
        ),
    )  # fmt: skip


def test_typed_values_are_conflicts_not_overwritten_unless_asked() -> None:
    known = [KnownService("checkout", critical=True, owner_team="payments-crew", system="legacy",
                          typed=frozenset({"critical", "owner_team", "system"}))]  # fmt: skip
    reading = Reading(_catalog("checkout", owner="checkout-team"))  # no system, no tier-1 tag
    selector = parse_selector("tag:tier-1")
    plan = plan_import(known, reading, selector)
    assert plan.conflicts == (
        Conflict(
            "checkout", "owner_team", "payments-crew", "checkout-team", "component:default/checkout"
        ),
        Conflict("checkout", "critical", True, False, "component:default/checkout"),
    )  # fmt: skip  (the system: the catalog has none, so the typed one simply stands)
    assert {f.field for f in plan.services[0].fields} == {"source", "origin", "lifecycle"}
    kept = apply_plan(known, plan)
    assert (kept[0].owner_team, kept[0].critical, kept[0].system) == (
        "payments-crew",
        True,
        "legacy",
    )
    again = plan_import(kept, reading, selector)
    assert again.changes_nothing and again.conflicts == plan.conflicts

    forced = plan_import(known, reading, selector, overwrite_typed=True)
    assert all(c.overwritten for c in forced.conflicts) and len(forced.conflicts) == 2
    overwritten = apply_plan(known, forced)
    assert (overwritten[0].owner_team, overwritten[0].critical) == ("checkout-team", False)
    assert overwritten[0].typed == frozenset({"system"})
    final = plan_import(overwritten, reading, selector, overwrite_typed=True)
    assert final.changes_nothing and final.conflicts == ()


def _service_with(*slos: KnownSlo) -> list[KnownService]:
    return [KnownService("checkout", critical=True, slos=slos)]


def test_a_changed_target_in_code_resets_the_signoff() -> None:
    code = KnownSlo("availability", 99.9, 28, signed=True, source=Source.CODE, origin=_origin())
    plan = plan_import(_service_with(code), Reading(slos=(_code("checkout", target=99.95),)), None)
    [change] = plan.slos
    assert change.kind is ChangeKind.UPDATE and change.resets_signoff
    assert change.fields == (FieldChange("target", 99.9, 99.95),)
    [after] = apply_plan(_service_with(code), plan)[0].slos
    assert (after.target, after.signed) == (99.95, False)
    moved = plan_import(_service_with(code), Reading(slos=(replace(_code("checkout"),
                        origin=_origin("moved.yaml")),)), None)  # fmt: skip
    assert moved.slos[0].fields == (
        FieldChange("origin", str(_origin()), str(_origin("moved.yaml"))),
    )
    assert not moved.slos[0].resets_signoff  # same terms, another file: the sign-off holds


def test_a_typed_slo_is_adopted_when_equal_and_a_conflict_when_not() -> None:
    typed = KnownSlo("availability", 99.9, 28, signed=True)
    same = plan_import(_service_with(typed), Reading(slos=(_code("checkout"),)), None)
    assert same.slos[0].fields[0] == FieldChange("source", "hand", "code")
    assert not same.slos[0].resets_signoff and same.drift == {"checkout": Drift.SAME}
    other = Reading(slos=(_code("checkout", target=99.5, days=30),))
    differs = plan_import(_service_with(typed), other, None)
    assert differs.slos == () and differs.drift == {"checkout": Drift.DIFFERS}
    assert [(c.sli, c.field, c.typed, c.incoming) for c in differs.conflicts] == [
        ("availability", "target", 99.9, 99.5),
        ("availability", "window_days", 28, 30),
    ]
    forced = plan_import(_service_with(typed), other, None, overwrite_typed=True)
    assert forced.slos[0].resets_signoff
    assert not apply_plan(_service_with(typed), forced)[0].slos[0].signed


def test_slos_gone_from_code_are_marked_and_unmatched_ones_left_alone() -> None:
    code = KnownSlo("latency", 99.0, 28, source=Source.CODE, origin=_origin(name="latency"))
    hand = KnownSlo("availability", 99.9, 28)
    known = _service_with(code, hand)
    reading = Reading(slos=(_code("billing"),))
    plan = plan_import(known, reading, None)
    assert [(c.kind, c.sli) for c in plan.slos] == [(ChangeKind.VANISH, "latency")]
    assert plan.unmatched == reading.slos  # no service billing in the bot or the catalog
    assert plan.drift == {"checkout": Drift.BOT_ONLY}
    held = plan_import(known, replace(reading, slos_whole=False), None)
    assert held.slos == () and held.vanish_held


def test_drift_per_service() -> None:
    known = [
        KnownService("same", True, slos=(KnownSlo("a", 99.9, 28),)),
        KnownService("differs", True, slos=(KnownSlo("a", 99.9, 28),)),
        KnownService("more", True, slos=(KnownSlo("a", 99.9, 28), KnownSlo("b", 99.0, 7))),
        KnownService("bot", True, slos=(KnownSlo("a", 99.9, 28),)),
        KnownService("code", True),
        KnownService("none", True),
    ]
    code = (
        _code("same", "A"),
        _code("differs", "a", 99.95),
        _code("more", "a"),
        _code("code", "a"),
    )
    assert plan_import(known, Reading(slos=code), None).drift == {
        "same": Drift.SAME,  # SLI names compare without case, as `/sre slo` does
        "differs": Drift.DIFFERS,
        "more": Drift.DIFFERS,
        "bot": Drift.BOT_ONLY,
        "code": Drift.CODE_ONLY,
    }


# Property: whatever the coalition holds and whatever is read, planning the applied state again
# changes nothing, and conflicts not applied are found again.

NAMES = ["a", "B", "c", "d", "e"]
SLIS = ["availability", "Latency", "freshness"]
words = st.sampled_from(["platform", "sre", "group:default/sre", "payments"])


@st.composite
def known_services(draw: st.DrawFn) -> list[KnownService]:
    services = []
    for name in draw(st.lists(st.sampled_from(NAMES), unique=True)):
        slos = tuple(
            KnownSlo(sli, draw(st.sampled_from([99.0, 99.9])), draw(st.sampled_from([7, 28])),
                     draw(st.booleans()), draw(st.sampled_from([Source.HAND, Source.CODE])),
                     draw(st.sampled_from([None, _origin(name=sli)])), draw(st.booleans()))
            for sli in draw(st.lists(st.sampled_from(SLIS), unique=True))
        )  # fmt: skip
        services.append(
            KnownService(
                name.upper() if draw(st.booleans()) else name,
                draw(st.booleans()),
                draw(st.none() | words),
                draw(st.none() | st.just("production")),
                draw(st.none() | st.just("shop")),
                draw(st.sampled_from([Source.HAND, Source.CATALOG])),
                draw(st.none() | st.just(f"component:default/{name}")),
                draw(st.booleans()),
                frozenset(draw(st.lists(st.sampled_from(["critical", "owner_team", "system"])))),
                slos,
            )
        )
    return services


@st.composite
def readings(draw: st.DrawFn) -> Reading:
    components = tuple(
        Component(n, draw(words), draw(st.sampled_from(["production", "experimental"])),
                  draw(st.none() | st.just("shop")), tags=tuple(draw(st.lists(st.just("tier-1")))))
        for n in draw(st.lists(st.sampled_from(NAMES), unique_by=str.lower))
    )  # fmt: skip
    slos = tuple(
        CodeSlo(service, sli, draw(st.sampled_from([99.0, 99.5])), draw(st.sampled_from([7, 30])),
                _origin(draw(st.sampled_from(["x.yaml", "y.yaml"])), sli))
        for service in draw(st.lists(st.sampled_from([*NAMES, "zz"]), unique_by=str.lower))
        for sli in draw(st.lists(st.sampled_from(SLIS), unique_by=str.lower))
    )  # fmt: skip
    return Reading(
        draw(st.none() | st.just(components)),
        draw(st.none() | st.just(slos)),
        draw(st.booleans()),
        draw(st.booleans()),
    )


@settings(max_examples=100, deadline=None)
@given(known_services(), readings(), st.sampled_from([None, "tag:tier-1"]), st.booleans())
def test_planning_the_applied_state_again_changes_nothing(
    known: list[KnownService], reading: Reading, selector: str | None, overwrite: bool
) -> None:
    chosen = parse_selector(selector) if selector else None
    plan = plan_import(known, reading, chosen, overwrite_typed=overwrite)
    state = apply_plan(known, plan)
    again = plan_import(state, reading, chosen, overwrite_typed=overwrite)
    assert again.changes_nothing, again
    assert again.conflicts == (() if overwrite else tuple(c for c in plan.conflicts))
    assert len(state) == len(known) + sum(c.kind is ChangeKind.ADD for c in plan.services)
