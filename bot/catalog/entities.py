"""Backstage entities -> Components: the fields the rollout reads, each one checked.

Read: `metadata.name`, `.namespace`, `.tags`, `.annotations`, `.labels`, `spec.owner`,
`spec.lifecycle`, `spec.system`. Owner and lifecycle are required (Backstage requires them of
a Component too); annotation and label values must be strings, as Backstage's validator
demands. Entity references in `spec.owner` and `spec.system` are shortened to what a person
would type: `group:default/payments` -> `payments`, `group:shop/payments` -> `shop/payments`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bot.catalog.documents import FieldProblem, Problem, mapping, string
from bot.domain.catalog import DEFAULT_NAMESPACE, SERVICE_NAME, Component

API_PREFIX = "backstage.io/"
MAX_WORD = 64  # owner, lifecycle and system fit the services table's 64 characters
MAX_TAGS = 100


def is_entity(body: object) -> bool:
    """True for a Backstage entity document (its apiVersion is `backstage.io/...`)."""
    return isinstance(body, dict) and str(body.get("apiVersion", "")).startswith(API_PREFIX)


def kind_of(body: object) -> str:
    """The entity's kind in lower case ('' when absent); Backstage matches kinds that way."""
    kind = body.get("kind") if isinstance(body, dict) else None
    return kind.lower() if isinstance(kind, str) else ""


def looks_like_component(body: object) -> bool:
    """A `kind: Component` mapping, with or without a proper apiVersion."""
    return isinstance(body, dict) and kind_of(body) == "component"


def component_of(body: object, where: str) -> Component:
    """A Component entity's fields, or FieldProblem naming the first wrong one."""
    entity = mapping(body, "entity")
    if not is_entity(entity):
        raise FieldProblem("apiVersion", f"must start with {API_PREFIX}")
    metadata = mapping(entity.get("metadata"), "metadata")
    name = string(metadata, "name", "metadata.name") or ""
    if not SERVICE_NAME.match(name):
        raise FieldProblem("metadata.name", f"{name[:40]!r}: letters, digits, . _ - (max 64)")
    spec = mapping(entity.get("spec"), "spec")
    return Component(
        name=name,
        namespace=string(metadata, "namespace", "metadata.namespace", required=False)
        or DEFAULT_NAMESPACE,
        owner=_word(string(spec, "owner", "spec.owner"), "spec.owner") or "",
        lifecycle=_word(string(spec, "lifecycle", "spec.lifecycle"), "spec.lifecycle") or "",
        system=_word(string(spec, "system", "spec.system", required=False), "spec.system"),
        tags=_tags(metadata.get("tags")),
        annotations=_pairs(metadata.get("annotations"), "metadata.annotations"),
        labels=_pairs(metadata.get("labels"), "metadata.labels"),
        where=where,
    )


def ref_of(body: object) -> str | None:
    """`component:namespace/name` of an entity, when its name can be read at all."""
    metadata = body.get("metadata") if isinstance(body, dict) else None
    name = metadata.get("name") if isinstance(metadata, dict) else None
    if not isinstance(name, str):
        return None
    namespace = metadata.get("namespace") if isinstance(metadata, dict) else None
    space = namespace if isinstance(namespace, str) else DEFAULT_NAMESPACE
    return f"{kind_of(body) or 'entity'}:{space}/{name}"[:160]


def unique(components: Iterable[Component]) -> tuple[list[Component], list[Problem]]:
    """Components whose name is theirs alone; a name read twice keeps neither and says where."""
    by_name: dict[str, list[Component]] = {}
    for component in components:
        by_name.setdefault(component.name.lower(), []).append(component)
    kept: list[Component] = []
    problems: list[Problem] = []
    for same in by_name.values():
        if len(same) == 1:
            kept.append(same[0])
            continue
        first, *others = same
        for other in others:
            problems.append(
                Problem(
                    first.where,
                    f"component {first.name!r} is also defined at {other.where}; "
                    "neither is imported",
                    field="metadata.name",
                )
            )
    return kept, problems


def _word(value: str | None, field: str) -> str | None:
    if value is None:
        return None
    if ":" in value and not value.startswith(("http:", "https:")):
        value = value.split(":", 1)[1]  # drop the kind of an entity reference
    if value.startswith(f"{DEFAULT_NAMESPACE}/"):
        value = value[len(DEFAULT_NAMESPACE) + 1 :]
    if not value or len(value) > MAX_WORD:
        raise FieldProblem(field, f"must be 1 to {MAX_WORD} characters")
    return value


def _tags(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) > MAX_TAGS:
        raise FieldProblem("metadata.tags", f"must be a list of at most {MAX_TAGS} strings")
    for n, tag in enumerate(value):
        if not isinstance(tag, str):
            raise FieldProblem(f"metadata.tags[{n}]", "must be a string")
    return tuple(t.lower() for t in value)


def _pairs(value: object, field: str) -> Mapping[str, str]:
    if value is None:
        return {}
    pairs = mapping(value, field)
    for key, item in pairs.items():
        if not isinstance(item, str):
            raise FieldProblem(f"{field}.{key}", f"must be a string (quote it: '{str(item)[:40]}')")
    return {k: str(v) for k, v in pairs.items()}
