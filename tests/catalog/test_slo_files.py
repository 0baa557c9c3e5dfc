"""SLO files in each format: valid, malformed (exact errors), duplicate names, a changed target."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from bot.catalog.slo_files import read_slo_folder, read_slo_text
from bot.domain.catalog import ChangeKind, CodeSlo, KnownService, Reading, SloFormat, SloOrigin
from bot.domain.import_plan import apply_plan, plan_import

SLO = Path(__file__).resolve().parents[1] / "fixtures" / "catalog" / "slo"
FORMATS = ("openslo", "sloth", "sloth-crd", "pyrra")


def _terms(slos: tuple[CodeSlo, ...] | list[CodeSlo]) -> list[tuple[str, str, float, int]]:
    return [(s.service, s.sli, s.target, s.window_days) for s in slos]


def _problems(path: Path) -> list[str]:
    read = read_slo_folder(path)
    assert read.slos == () and not read.whole
    return [str(p) for p in read.problems]


def test_openslo_valid() -> None:
    read = read_slo_folder(SLO / "openslo" / "valid.yaml")
    assert read.whole
    assert _terms(read.slos) == [
        ("checkout", "checkout-availability", 99.9, 28),
        ("search", "search-latency/p95", 99.0, 28),  # 4w
        ("search", "search-latency/p99", 95.0, 28),
        ("ledger", "ledger-freshness", 99.0, 30),  # a calendar month, 1M
    ]
    assert read.slos[0].origin == SloOrigin(
        SloFormat.OPENSLO, "valid.yaml", 2, "checkout-availability", "metadata.name"
    )


def test_sloth_valid() -> None:
    read = read_slo_folder(SLO / "sloth" / "valid.yaml")
    assert _terms(read.slos) == [
        ("payments", "requests-availability", 99.9, 30),
        ("payments", "requests-latency", 99.0, 30),
    ]
    assert str(read.slos[1].origin) == "valid.yaml:document 1: slos[1].name"


def test_sloth_crd_valid() -> None:
    read = read_slo_folder(SLO / "sloth-crd" / "valid.yaml")
    assert _terms(read.slos) == [("ledger", "http-availability", 99.5, 30)]
    assert read.slos[0].origin.format is SloFormat.SLOTH_CRD


def test_pyrra_valid() -> None:
    read = read_slo_folder(SLO / "pyrra" / "valid.yaml")
    assert _terms(read.slos) == [
        ("search", "search-errors", 99.5, 28),  # label pyrra.dev/service
        ("checkout", "checkout-latency", 99.0, 14),  # label service
    ]


def test_openslo_malformed_names_every_error_and_imports_nothing() -> None:
    assert _problems(SLO / "openslo" / "malformed.yaml") == [
        "malformed.yaml:document 2: spec.service: missing",
        "malformed.yaml:document 2: spec.timeWindow[0].isRolling: must be true or false",
        "malformed.yaml:document 2: spec.timeWindow[0].duration: '36h' is not a whole number of "
        "days",
        "malformed.yaml:document 2: spec.objectives[0].target: must be a number between 0 and 1 "
        "(0.999 is 99.9%), not 1.5",
        "malformed.yaml:document 2: spec.objectives[1]: give target or targetPercent, not both",
    ]  # document 1 is valid, and is not imported either: the file is all or nothing


def test_sloth_malformed() -> None:
    assert _problems(SLO / "sloth" / "malformed.yaml") == [
        "malformed.yaml:document 1: slos[0].objective: must be a number between 0 and 100, not "
        "'high'",
        "malformed.yaml:document 1: slos[1].name: missing",
        "malformed.yaml:document 1: slos[2].objective: must be a number between 0 and 100, not 100",
    ]


def test_sloth_crd_malformed() -> None:
    assert _problems(SLO / "sloth-crd" / "malformed.yaml") == [
        "malformed.yaml:document 1: spec.service: 'ledger service' is not a service name: "
        "letters, digits, . _ - (max 64)",
        "malformed.yaml:document 1: spec.slos: must be a non-empty list",
    ]


def test_pyrra_malformed() -> None:
    assert _problems(SLO / "pyrra" / "malformed.yaml") == [
        "malformed.yaml:document 1: spec.target: must be a percent between 0 and 100 like "
        "\"99.5\", not 'ninety-nine'",
        "malformed.yaml:document 1: spec.window: must be a duration like 28d or 4w (units m h d w "
        "y), not '1mo'",
        "malformed.yaml:document 2: apiVersion: 'pyrra.dev/v1' is not read; only "
        "pyrra.dev/v1alpha1",
    ]


@pytest.mark.parametrize(
    ("slo_format", "error"),
    [
        ("openslo", "duplicate.yaml:document 1: metadata.name: SLO 'checkout-availability' of "
                    "service 'checkout' is also defined at duplicate.yaml:document 2: "
                    "metadata.name; neither is imported"),
        ("sloth", "duplicate.yaml:document 1: slos[0].name: SLO 'requests-availability' of "
                  "service 'payments' is also defined at duplicate.yaml:document 1: slos[1].name; "
                  "neither is imported"),
        ("sloth-crd", "duplicate.yaml:document 1: spec.slos[0].name: SLO 'http-availability' of "
                      "service 'ledger' is also defined at duplicate.yaml:document 2: "
                      "spec.slos[0].name; neither is imported"),
        ("pyrra", "duplicate.yaml:document 1: metadata.name: SLO 'search-errors' of service "
                  "'search' is also defined at duplicate.yaml:document 2: metadata.name; neither "
                  "is imported"),
    ],
)  # fmt: skip
def test_a_duplicate_name_names_both_places(slo_format: str, error: str) -> None:
    assert _problems(SLO / slo_format / "duplicate.yaml") == [error]


def test_a_duplicate_across_files_and_formats(tmp_path: Path) -> None:
    shutil.copy(SLO / "openslo" / "valid.yaml", tmp_path / "openslo.yaml")
    (tmp_path / "pyrra").mkdir()
    shutil.copy(SLO / "cross" / "checkout-availability.yaml", tmp_path / "pyrra" / "copy.yaml")
    read = read_slo_folder(tmp_path)
    assert [str(p) for p in read.problems] == [
        "openslo.yaml:document 2: metadata.name: SLO 'checkout-availability' of service "
        "'checkout' is also defined at pyrra/copy.yaml:document 1: metadata.name; neither is "
        "imported"
    ]
    assert ("checkout", "checkout-availability") not in {(s.service, s.sli) for s in read.slos}
    assert len(read.slos) == 3 and read.files == 2


@pytest.mark.parametrize(
    ("slo_format", "service", "sli", "before", "after"),
    [
        ("openslo", "checkout", "checkout-availability", 99.9, 99.95),
        ("sloth", "payments", "requests-availability", 99.9, 99.95),
        ("sloth-crd", "ledger", "http-availability", 99.5, 99.0),
        ("pyrra", "search", "search-errors", 99.5, 99.9),
    ],
)
def test_a_changed_target_updates_and_resets_the_signoff(
    slo_format: str, service: str, sli: str, before: float, after: float
) -> None:
    first = read_slo_folder(SLO / slo_format / "valid.yaml").slos
    names = {s.service for s in first}
    known = [KnownService(n, critical=True) for n in sorted(names)]
    state = apply_plan(known, plan_import(known, Reading(slos=first), None))
    signed = tuple(_signed(s) for s in state)

    changed = read_slo_folder(SLO / slo_format / "changed.yaml").slos
    plan = plan_import(signed, Reading(slos=changed), None)
    [change] = [c for c in plan.slos if any(f.field == "target" for f in c.fields)]
    assert (change.kind, change.service, change.sli) == (ChangeKind.UPDATE, service, sli)
    assert [(f.field, f.old, f.new) for f in change.fields if f.field == "target"] == [
        ("target", before, after)
    ]
    assert change.resets_signoff
    unsigned = {(s.name, k.sli) for s in apply_plan(signed, plan) for k in s.slos if not k.signed}
    assert unsigned == {(service, sli)}


def _signed(service: KnownService) -> KnownService:
    return replace(service, slos=tuple(replace(k, signed=True) for k in service.slos))


def test_openslo_defaults_and_versions() -> None:
    slos, problems = read_slo_text(
        "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: a}\n"
        "spec: {service: s, objectives: [{targetPercent: 99.99}]}\n"
        "---\napiVersion: openslo/v1\nkind: SLI\nmetadata: {name: ignored}\n",
        "a.yaml",
    )
    assert problems == [] and _terms(slos) == [("s", "a", 99.99, 28)]
    _, problems = read_slo_text("apiVersion: openslo/v1alpha\nkind: SLO\n", "old.yaml")
    assert [str(p) for p in problems] == [
        "old.yaml:document 1: apiVersion: 'openslo/v1alpha' is not read; only openslo/v1"
    ]
    _, problems = read_slo_text("version: prometheus/v2\nservice: s\nslos: []\n", "v2.yaml")
    assert [str(p) for p in problems] == [
        "v2.yaml:document 1: version: 'prometheus/v2' is not read; only prometheus/v1"
    ]


def test_pyrra_service_falls_back_to_the_name() -> None:
    slos, _ = read_slo_text(
        "apiVersion: pyrra.dev/v1alpha1\nkind: ServiceLevelObjective\nmetadata: {name: api}\n"
        "spec: {target: 99.9, window: 720h}\n",
        "p.yaml",
    )
    assert _terms(slos) == [("api", "api", 99.9, 30)]


@pytest.mark.parametrize(
    ("duration", "days", "error"),
    [
        ("7d", 7, None),
        ("4w", 28, None),
        ("1Q", 90, None),
        ("1Y", 365, None),
        ("48h", 2, None),
        ("2880m", 2, None),
        ("0d", None, "must be a duration like 28d or 4w (units m h d w M Q Y), not '0d'"),
        ("2Y", None, "'2Y' is not between 1 and 365 days"),
        ("12h", None, "'12h' is not a whole number of days"),
        ("28 d", None, "must be a duration like 28d or 4w (units m h d w M Q Y), not '28 d'"),
        ("1y", None, "must be a duration like 28d or 4w (units m h d w M Q Y), not '1y'"),
    ],
)
def test_openslo_durations(duration: str, days: int | None, error: str | None) -> None:
    text = (
        "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: a}\nspec:\n  service: s\n"
        f"  timeWindow: [{{duration: '{duration}', isRolling: true}}]\n"
        "  objectives: [{target: 0.99}]\n"
    )
    slos, problems = read_slo_text(text, "w.yaml")
    if error is None:
        assert [s.window_days for s in slos] == [days]
    else:
        assert [str(p) for p in problems] == [
            f"w.yaml:document 1: spec.timeWindow[0].duration: {error}"
        ]


def test_targets_must_be_numbers_not_booleans() -> None:
    _, problems = read_slo_text(
        "version: prometheus/v1\nservice: s\nslos: [{name: a, objective: true}]\n", "b.yaml"
    )
    assert [str(p) for p in problems] == [
        "b.yaml:document 1: slos[0].objective: must be a number between 0 and 100, not 'True'"
    ]


def test_a_folder_reads_every_format_and_ignores_other_yaml(tmp_path: Path) -> None:
    for slo_format in FORMATS:
        shutil.copy(SLO / slo_format / "valid.yaml", tmp_path / f"{slo_format}.yaml")
    (tmp_path / "deployment.yaml").write_text("apiVersion: apps/v1\nkind: Deployment\n")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "broken.yaml").write_text("a: [\n")
    read = read_slo_folder(tmp_path)
    assert read.whole and read.files == 5
    assert {s.origin.format for s in read.slos} == set(SloFormat)
    assert len(read.slos) == 4 + 2 + 1 + 2
