"""SLOs as code: OpenSLO v1, Sloth (prometheus/v1 files and the CRD) and Pyrra, field by field.

Read per format (all targets become percent, all windows whole days from 1 to 365):
- OpenSLO `openslo/v1`, `kind: SLO`: `metadata.name` (the SLI), `spec.service`,
  `spec.objectives[].target` (0-1) or `.targetPercent` (0-100), `spec.timeWindow[0].duration`
  (m h d w M Q Y; M = 30, Q = 90, Y = 365 days; 28d when there is no timeWindow), `.isRolling`.
  Several objectives become several SLOs, `name/displayName` (or `name/2`).
- Sloth `version: prometheus/v1`: `service`, `slos[].name`, `slos[].objective` (percent);
  the CRD `sloth.slok.dev/v1` `PrometheusServiceLevel`: the same under `spec`. Window 30d,
  Sloth's default.
- Pyrra `pyrra.dev/v1alpha1` `ServiceLevelObjective`: `metadata.name` (the SLI), `spec.target`
  (percent, a string like "99.5" or a number), `spec.window` (h d w y). The service is the
  label `pyrra.dev/service`, else the label `service`, else the object's name.
Other documents are ignored. A file with any error imports nothing; every error is named as
`file:document N: field: what is wrong`. An SLO defined twice for one service keeps neither.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import ParamSpec, TypeVar

from bot.catalog.documents import (
    MAX_FILES,
    Document,
    FieldProblem,
    Problem,
    mapping,
    parse_documents,
    read_documents,
    shown_path,
    string,
    yaml_files,
)
from bot.domain.catalog import MAX_SLI, SERVICE_NAME, CodeSlo, SloFormat, SloOrigin

OPENSLO_WINDOW_DAYS = 28
SLOTH_WINDOW_DAYS = 30
MAX_WINDOW_DAYS = 365
_MINUTES = {
    "m": 1,
    "h": 60,
    "d": 1440,
    "w": 10080,
    "M": 43200,
    "Q": 129600,
    "Y": 525600,
    "y": 525600,
}
OPENSLO_UNITS = "mhdwMQY"
PYRRA_UNITS = "mhdwy"
_DURATION = re.compile(r"^([1-9][0-9]{0,6})([A-Za-z])$")
_PERCENT = re.compile(r"^[0-9]{1,3}(?:\.[0-9]{1,6})?$")
P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True)
class SloRead:
    """The SLOs read, the problems met, and how many YAML files were looked at."""

    slos: tuple[CodeSlo, ...]
    problems: tuple[Problem, ...] = ()
    files: int = 0

    @property
    def whole(self) -> bool:
        """True when nothing failed, so an SLO not read is really gone from code."""
        return not self.problems


def read_slo_folder(path: Path) -> SloRead:
    """Every SLO in the YAML files under a folder (or in one file)."""
    if not path.exists():
        return SloRead((), (Problem(str(path), "no such file or folder"),))
    top = (path if path.is_dir() else path.parent).resolve()
    files, problems = yaml_files(top) if path.is_dir() else ([path.resolve()], [])
    slos: list[CodeSlo] = []
    if len(files) > MAX_FILES:
        problems.append(Problem(top.name, f"more than {MAX_FILES} YAML files; read the first"))
    for file in files[:MAX_FILES]:
        shown = shown_path(file, top)
        documents, problem = read_documents(file, shown)
        found, trouble = _file_slos(documents, [problem] if problem else [])
        slos += found
        problems += trouble
    kept, doubles = unique_slos(slos)
    return SloRead(tuple(kept), (*problems, *doubles), files=min(len(files), MAX_FILES))


def read_slo_text(text: str, shown: str) -> tuple[list[CodeSlo], list[Problem]]:
    """The SLOs of one file's text, or every problem that keeps it out."""
    documents, problem = parse_documents(text, shown)
    return _file_slos(documents, [problem] if problem else [])


def unique_slos(slos: list[CodeSlo]) -> tuple[list[CodeSlo], list[Problem]]:
    """SLOs whose (service, name) is theirs alone; one defined twice keeps neither."""
    by_key: dict[tuple[str, str], list[CodeSlo]] = {}
    for slo in slos:
        by_key.setdefault((slo.service.lower(), slo.sli.lower()), []).append(slo)
    kept = [same[0] for same in by_key.values() if len(same) == 1]
    problems = [
        Problem(
            first.origin.path,
            f"SLO {first.sli!r} of service {first.service!r} is also defined at "
            f"{other.origin}; neither is imported",
            first.origin.document,
            first.origin.field,
        )
        for first, *others in by_key.values()
        for other in others
    ]
    return kept, problems


def _file_slos(
    documents: list[Document], problems: list[Problem]
) -> tuple[list[CodeSlo], list[Problem]]:
    slos: list[CodeSlo] = []
    for document in documents:
        errors = _Errors()
        slos += _document_slos(document, errors)
        problems += [document.problem(e) for e in errors.found]
    return ([], problems) if problems else (slos, [])


class _Errors:
    """Collects every field problem of a document instead of stopping at the first."""

    def __init__(self) -> None:
        self.found: list[FieldProblem] = []

    def take(self, read: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T | None:
        try:
            return read(*args, **kwargs)
        except FieldProblem as error:
            self.found.append(error)
            return None


def _document_slos(document: Document, errors: _Errors) -> list[CodeSlo]:
    body = document.body
    slo_format = errors.take(_format_of, body)
    if slo_format is None or not isinstance(body, dict):
        return []
    parse = _PARSERS[slo_format]
    return parse(body, document, errors)


def _format_of(body: object) -> SloFormat | None:
    """Which format a document is in; None for documents that are not SLOs."""
    if not isinstance(body, dict):
        return None
    api, kind = body.get("apiVersion"), body.get("kind")
    if isinstance(api, str):
        family = api.split("/", 1)[0]
        wanted = {
            ("openslo", "SLO"): ("openslo/v1", SloFormat.OPENSLO),
            ("sloth.slok.dev", "PrometheusServiceLevel"): (
                "sloth.slok.dev/v1",
                SloFormat.SLOTH_CRD,
            ),
            ("pyrra.dev", "ServiceLevelObjective"): ("pyrra.dev/v1alpha1", SloFormat.PYRRA),
        }.get((family, str(kind)))
        if wanted is None:
            return None
        if api != wanted[0]:
            raise FieldProblem("apiVersion", f"{api[:40]!r} is not read; only {wanted[0]}")
        return wanted[1]
    if "version" in body and "slos" in body:
        if body["version"] != "prometheus/v1":
            raise FieldProblem(
                "version", f"{str(body['version'])[:40]!r} is not read; only prometheus/v1"
            )
        return SloFormat.SLOTH
    return None


def _openslo(body: Mapping[str, object], document: Document, errors: _Errors) -> list[CodeSlo]:
    metadata = errors.take(mapping, body.get("metadata"), "metadata")
    name = errors.take(_sli, metadata, "name", "metadata.name") if metadata is not None else None
    spec = errors.take(mapping, body.get("spec"), "spec")
    if spec is None:
        return []
    service = errors.take(_service, spec, "service", "spec.service")
    window = _openslo_window(spec.get("timeWindow"), errors)
    objectives = errors.take(_items, spec.get("objectives"), "spec.objectives")
    targets = [
        errors.take(_openslo_target, item, f"spec.objectives[{n}]")
        for n, item in enumerate(objectives or [])
    ]
    if name is None or service is None or window is None or not targets or None in targets:
        return []
    slos = []
    for n, (target, label) in enumerate(t for t in targets if t is not None):
        several = len(targets) > 1
        sli = f"{name}/{label or n + 1}" if several else name
        field = f"spec.objectives[{n}]" if several else "metadata.name"
        if len(sli) > MAX_SLI:
            errors.found.append(FieldProblem(field, f"the SLO name is over {MAX_SLI} characters"))
            continue
        origin = SloOrigin(SloFormat.OPENSLO, document.path, document.index, name, field)
        slos.append(CodeSlo(service, sli, target, window, origin))
    return slos


def _openslo_window(value: object, errors: _Errors) -> int | None:
    if value is None:
        return OPENSLO_WINDOW_DAYS
    if not isinstance(value, list) or len(value) != 1:
        errors.found.append(FieldProblem("spec.timeWindow", "must be a list of one window"))
        return None
    window = errors.take(mapping, value[0], "spec.timeWindow[0]")
    if window is None:
        return None
    rolling = window.get("isRolling")
    if rolling is not None and not isinstance(rolling, bool):
        errors.found.append(FieldProblem("spec.timeWindow[0].isRolling", "must be true or false"))
    field = "spec.timeWindow[0].duration"
    return errors.take(_days, window.get("duration"), field, OPENSLO_UNITS)


def _openslo_target(value: object, field: str) -> tuple[float, str | None]:
    objective = mapping(value, field)
    fraction, percent = objective.get("target"), objective.get("targetPercent")
    if fraction is not None and percent is not None:
        raise FieldProblem(field, "give target or targetPercent, not both")
    if fraction is not None:
        share = _number(
            fraction, f"{field}.target", 0, 1, "a number between 0 and 1 (0.999 is 99.9%)"
        )
        target = round(share * 100, 4)
    elif percent is not None:
        target = _number(percent, f"{field}.targetPercent", 0, 100, "a number between 0 and 100")
    else:
        raise FieldProblem(field, "target (0-1) or targetPercent (0-100) is missing")
    label = objective.get("displayName")
    return target, label.strip()[:40] if isinstance(label, str) and label.strip() else None


def _sloth(body: Mapping[str, object], document: Document, errors: _Errors) -> list[CodeSlo]:
    return _sloth_slos(body, "", SloFormat.SLOTH, document, errors)


def _sloth_crd(body: Mapping[str, object], document: Document, errors: _Errors) -> list[CodeSlo]:
    spec = errors.take(mapping, body.get("spec"), "spec")
    return [] if spec is None else _sloth_slos(spec, "spec.", SloFormat.SLOTH_CRD, document, errors)


def _sloth_slos(
    spec: Mapping[str, object], at: str, slo_format: SloFormat, document: Document, errors: _Errors
) -> list[CodeSlo]:
    service = errors.take(_service, spec, "service", f"{at}service")
    items = errors.take(_items, spec.get("slos"), f"{at}slos") or []
    slos = []
    for n, item in enumerate(items):
        field = f"{at}slos[{n}]"
        slo = errors.take(mapping, item, field)
        if slo is None:
            continue
        name = errors.take(_sli, slo, "name", f"{field}.name")
        target = errors.take(
            _number,
            slo.get("objective"),
            f"{field}.objective",
            0,
            100,
            "a number between 0 and 100",
        )
        if service is not None and name is not None and target is not None:
            origin = SloOrigin(slo_format, document.path, document.index, name, f"{field}.name")
            slos.append(CodeSlo(service, name, target, SLOTH_WINDOW_DAYS, origin))
    return slos


def _pyrra(body: Mapping[str, object], document: Document, errors: _Errors) -> list[CodeSlo]:
    metadata = errors.take(mapping, body.get("metadata"), "metadata")
    name = errors.take(_sli, metadata, "name", "metadata.name") if metadata is not None else None
    service = errors.take(_pyrra_service, metadata, name) if metadata is not None else None
    spec = errors.take(mapping, body.get("spec"), "spec")
    if spec is None:
        return []
    target = errors.take(_pyrra_target, spec.get("target"))
    window = errors.take(_days, spec.get("window"), "spec.window", PYRRA_UNITS)
    if name is None or service is None or target is None or window is None:
        return []
    origin = SloOrigin(SloFormat.PYRRA, document.path, document.index, name)
    return [CodeSlo(service, name, target, window, origin)]


def _pyrra_service(metadata: Mapping[str, object], name: str | None) -> str | None:
    labels = mapping(metadata.get("labels") or {}, "metadata.labels")
    for key in ("pyrra.dev/service", "service"):
        if key in labels:
            return _service(labels, key, f"metadata.labels.{key}")
    return None if name is None else _service({"name": name}, "name", "metadata.name")


def _pyrra_target(value: object) -> float:
    if isinstance(value, str) and _PERCENT.match(value.strip()):
        value = float(value)
    return _number(value, "spec.target", 0, 100, 'a percent between 0 and 100 like "99.5"')


_PARSERS: dict[SloFormat, Callable[[Mapping[str, object], Document, _Errors], list[CodeSlo]]] = {
    SloFormat.OPENSLO: _openslo,
    SloFormat.SLOTH: _sloth,
    SloFormat.SLOTH_CRD: _sloth_crd,
    SloFormat.PYRRA: _pyrra,
}


def _service(body: Mapping[str, object], key: str, field: str) -> str:
    name = string(body, key, field) or ""
    if not SERVICE_NAME.match(name):
        raise FieldProblem(
            field, f"{name[:40]!r} is not a service name: letters, digits, . _ - (max 64)"
        )
    return name


def _sli(body: Mapping[str, object], key: str, field: str) -> str:
    name = string(body, key, field) or ""
    if len(name) > MAX_SLI:
        raise FieldProblem(field, f"must be at most {MAX_SLI} characters")
    return name


def _items(value: object, field: str) -> list[object]:
    if value is None:
        raise FieldProblem(field, "missing")
    if not isinstance(value, list) or not value:
        raise FieldProblem(field, "must be a non-empty list")
    return value


def _number(value: object, field: str, low: float, high: float, rule: str) -> float:
    """A number strictly between low and high, kept to 4 decimals."""
    if value is None:
        raise FieldProblem(field, "missing")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FieldProblem(field, f"must be {rule}, not {str(value)[:40]!r}")
    if not (math.isfinite(value) and low < value < high):
        raise FieldProblem(field, f"must be {rule}, not {value}")
    return round(float(value), 4)


def _days(value: object, field: str, units: str) -> int:
    """A duration like 28d or 4w as whole days, 1 to 365."""
    if value is None:
        raise FieldProblem(field, "missing")
    match = _DURATION.match(value.strip()) if isinstance(value, str) else None
    if match is None or match.group(2) not in units:
        raise FieldProblem(
            field,
            f"must be a duration like 28d or 4w (units {' '.join(units)}), not {str(value)[:24]!r}",
        )
    minutes = int(match.group(1)) * _MINUTES[match.group(2)]
    if minutes % 1440:
        raise FieldProblem(field, f"{value!r} is not a whole number of days")
    if not 1 <= minutes // 1440 <= MAX_WINDOW_DAYS:
        raise FieldProblem(field, f"{value!r} is not between 1 and {MAX_WINDOW_DAYS} days")
    return minutes // 1440
