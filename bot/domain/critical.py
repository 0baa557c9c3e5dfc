"""Which catalog components are critical: the selector a lead sets, parsed and matched.

Syntax: terms joined by `,`, any one matching makes a component critical (OR).
  tag:NAME              the component carries this tag (`metadata.tags`)
  annotation:KEY=VALUE  `metadata.annotations[KEY]` equals VALUE; `annotation:KEY` only needs it set
  label:KEY=VALUE       `metadata.labels[KEY]` equals VALUE; `label:KEY` only needs it set
e.g. `tag:tier-1,annotation:company.com/tier=1,label:tier=critical`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.errors import UsageError

MAX_TERMS = 20
MAX_VALUE = 253
# Backstage's tag rule (lowercase words joined by dashes) and the Kubernetes-style key of
# labels and annotations: an optional DNS prefix and `/`, then a name of up to 63 characters.
_TAG = re.compile(r"^[a-z0-9:+#]{1,63}(?:-[a-z0-9:+#]{1,63})*$")
_KEY = re.compile(
    r"^(?:[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9](?:[-_.A-Za-z0-9]{0,61}[A-Za-z0-9])?$"
)
_VALUE = re.compile(r"^[^,\x00-\x1f\x7f]+$")
_HOW = "write tag:NAME, annotation:KEY=VALUE or label:KEY=VALUE, several joined by commas"


class Facet(StrEnum):
    """What part of a component a term looks at."""

    TAG = "tag"
    ANNOTATION = "annotation"
    LABEL = "label"


@dataclass(frozen=True)
class Term:
    """One `facet:key[=value]` condition."""

    facet: Facet
    key: str
    value: str | None = None  # None: the key only has to be present (never for tags)

    def matches(
        self, tags: Collection[str], annotations: Mapping[str, str], labels: Mapping[str, str]
    ) -> bool:
        """True when the component meets this condition."""
        if self.facet is Facet.TAG:
            return self.key in {t.lower() for t in tags}
        pairs = annotations if self.facet is Facet.ANNOTATION else labels
        return self.key in pairs and (self.value is None or pairs[self.key] == self.value)

    def __str__(self) -> str:
        suffix = "" if self.value is None else f"={self.value}"
        return f"{self.facet.value}:{self.key}{suffix}"


@dataclass(frozen=True)
class CriticalSelector:
    """Terms of which any one marks a component critical."""

    terms: tuple[Term, ...]

    def matches(
        self, tags: Collection[str], annotations: Mapping[str, str], labels: Mapping[str, str]
    ) -> bool:
        """True when any term matches."""
        return any(t.matches(tags, annotations, labels) for t in self.terms)

    def __str__(self) -> str:
        return ",".join(str(t) for t in self.terms)


def parse_selector(text: str) -> CriticalSelector:
    """`tag:tier-1,label:tier=critical` -> a selector, or a usage error saying the syntax."""
    parts = [p.strip() for p in text.split(",")]
    if not any(parts):
        raise UsageError(f"The critical selector is empty: {_HOW}.")
    if len(parts) > MAX_TERMS:
        raise UsageError(f"A critical selector takes at most {MAX_TERMS} terms.")
    return CriticalSelector(tuple(_term(p) for p in parts))


def _term(text: str) -> Term:
    facet_word, colon, rest = text.partition(":")
    try:
        facet = Facet(facet_word.strip().lower())
    except ValueError:
        facet = None
    if not colon or facet is None or not rest:
        raise UsageError(f"`{text[:40]}` is not a selector term: {_HOW}.")
    if facet is Facet.TAG:
        tag = rest.strip().lower()
        if not _TAG.match(tag):
            raise UsageError(f"`{text[:40]}`: a tag is lowercase letters, digits and dashes.")
        return Term(facet, tag)
    key, equals, value = (s.strip() for s in rest.partition("="))
    if not _KEY.match(key):
        raise UsageError(f"`{text[:40]}`: `{key[:40]}` is not a {facet.value} key.")
    if equals and not (_VALUE.match(value) and len(value) <= MAX_VALUE):
        raise UsageError(f"`{text[:40]}`: write {facet.value}:KEY=VALUE or {facet.value}:KEY.")
    return Term(facet, key, value if equals else None)
