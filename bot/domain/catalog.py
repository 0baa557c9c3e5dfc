"""The import's vocabulary: what was read, what a coalition holds, and the plan between them.

Components and SLOs as code come from `bot.catalog`; the rules that make and apply a plan are
in `bot.domain.import_plan`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

# The bot's own service name rule (see bot/services/primitives.py).
SERVICE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
MAX_SLI = 120
DEFAULT_NAMESPACE = "default"
Value = str | bool | int | float | None


class Source(StrEnum):
    """Where a service's or SLO's definition comes from."""

    HAND = "hand"  # typed in the bot
    CATALOG = "catalog"  # a Backstage component
    CODE = "code"  # an SLO file


class SloFormat(StrEnum):
    """The SLO-as-code formats read."""

    OPENSLO = "openslo"
    SLOTH = "sloth"
    SLOTH_CRD = "sloth-crd"
    PYRRA = "pyrra"


class Drift(StrEnum):
    """How a service's SLOs in the bot compare with its SLOs in code."""

    SAME = "same"
    DIFFERS = "differs"
    CODE_ONLY = "code only"
    BOT_ONLY = "bot only"


class ChangeKind(StrEnum):
    """What a change does to a service or an SLO."""

    ADD = "add"
    UPDATE = "update"
    VANISH = "vanish"  # gone from the catalog or the code: marked, kept
    RETURN = "return"  # marked vanished before, back now


@dataclass(frozen=True)
class Component:
    """A Backstage Component entity, as far as the rollout cares."""

    name: str
    owner: str
    lifecycle: str
    system: str | None = None
    namespace: str = DEFAULT_NAMESPACE
    tags: tuple[str, ...] = ()
    annotations: Mapping[str, str] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    where: str = ""  # where it was read: `file:document N` or the Backstage page

    @property
    def ref(self) -> str:
        """Backstage's entity reference, `component:namespace/name`."""
        return f"component:{self.namespace}/{self.name}"


@dataclass(frozen=True)
class SloOrigin:
    """Where an SLO in code is defined: format, file, document (from 1), object and field."""

    format: SloFormat
    path: str
    document: int
    name: str
    field: str = "metadata.name"

    def __str__(self) -> str:
        return f"{self.path}:document {self.document}: {self.field}"


@dataclass(frozen=True)
class CodeSlo:
    """An SLO read from a file: target in percent (0-100 exclusive), window in days."""

    service: str
    sli: str
    target: float
    window_days: int
    origin: SloOrigin


@dataclass(frozen=True)
class KnownSlo:
    """An SLO the coalition holds."""

    sli: str
    target: float
    window_days: int
    signed: bool = False
    source: Source = Source.HAND
    origin: SloOrigin | None = None
    vanished: bool = False


@dataclass(frozen=True)
class KnownService:
    """A service the coalition holds; `typed` names the fields whose value a person typed."""

    name: str
    critical: bool
    owner_team: str | None = None
    lifecycle: str | None = None
    system: str | None = None
    source: Source = Source.HAND
    origin: str | None = None  # the entity ref when it came from the catalog
    vanished: bool = False
    typed: frozenset[str] = frozenset()
    slos: tuple[KnownSlo, ...] = ()


@dataclass(frozen=True)
class Reading:
    """What one import read; None when that side was not read, `whole` when nothing failed."""

    components: tuple[Component, ...] | None = None
    slos: tuple[CodeSlo, ...] | None = None
    components_whole: bool = True
    slos_whole: bool = True


@dataclass(frozen=True)
class FieldChange:
    """One field's value before and after."""

    field: str
    old: Value
    new: Value


@dataclass(frozen=True)
class ServiceChange:
    """A service to add, update, mark vanished or unmark."""

    kind: ChangeKind
    name: str
    ref: str | None = None
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class SloChange:
    """An SLO to add, update, mark vanished or unmark; `resets_signoff` when a sign-off is lost."""

    kind: ChangeKind
    service: str
    sli: str
    target: float
    window_days: int
    origin: SloOrigin | None = None
    fields: tuple[FieldChange, ...] = ()
    resets_signoff: bool = False


@dataclass(frozen=True)
class Conflict:
    """A typed value the catalog or the code would replace; `overwritten` when the plan does."""

    service: str
    field: str
    typed: Value
    incoming: Value
    origin: str
    sli: str | None = None
    overwritten: bool = False


@dataclass(frozen=True)
class ImportPlan:
    """Every change an import would make, and what it found but leaves alone."""

    services: tuple[ServiceChange, ...] = ()
    slos: tuple[SloChange, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    unmatched: tuple[CodeSlo, ...] = ()
    drift: Mapping[str, Drift] = field(default_factory=dict)
    vanish_held: bool = False  # a reading was not whole, so nothing was marked vanished

    @property
    def changes_nothing(self) -> bool:
        """True when applying it would change no stored value."""
        return not self.services and not self.slos


def same_target(a: float, b: float) -> bool:
    """Targets are kept to 4 decimals of a percent (99.9995%)."""
    return round(a, 4) == round(b, 4)


@dataclass(frozen=True)
class Gathered:
    """One import's input: what was read, every problem met (`file:document N: field: why`),
    how many files or pages were looked at, and where it came from (for the summary)."""

    reading: Reading
    problems: tuple[str, ...] = ()
    files: int = 0
    where: str = ""

    @property
    def clean(self) -> bool:
        """True when nothing failed to read."""
        return not self.problems
