"""YAML files read safely into documents, and problems that name the file, document and field.

PyYAML's safe loader (libyaml's when installed) builds plain values only: no tags that run
code. On top of it: a file over `MAX_FILE_BYTES` or with more than `MAX_DOCUMENTS` documents is
refused before parsing; anchors and aliases are refused (an alias bomb needs them), and so are
duplicate keys, which YAML would otherwise settle silently by keeping the last one. libyaml stops
nesting past 1,000 levels; the pure-Python loader's recursion limit is caught the same way.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # PyYAML built without libyaml: the same rules, slower
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

MAX_FILE_BYTES = 1024 * 1024  # 1 MiB: a thousand components take about a third of that
MAX_DOCUMENTS = 5_000
MAX_FILES = 5_000
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Problem:
    """Why something read was not imported: `file:document N: field: what is wrong`."""

    where: str
    message: str
    document: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        place = self.where if self.document is None else f"{self.where}:document {self.document}"
        return ": ".join(p for p in (place, self.field, self.message) if p)


class FieldProblem(Exception):
    """A document's field is wrong; the reader adds the file and document."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Document:
    """One YAML document of a file, numbered from 1."""

    path: str
    index: int
    body: object

    def problem(self, error: FieldProblem) -> Problem:
        """The error, placed in this document."""
        return Problem(self.path, error.message, self.index, error.field)


class _StrictLoader(_SafeLoader):
    """The safe loader, refusing aliases and duplicate keys."""

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        # A node constructed twice in one document is an alias (or a merge key, which uses one).
        if node in self.constructed_objects or node in self.recursive_objects:
            raise yaml.constructor.ConstructorError(
                None, None, "anchors and aliases (&name, *name) are not accepted", node.start_mark
            )
        return super().construct_object(node, deep)

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[tuple[str, str]] = set()
        for key, _ in node.value:
            if isinstance(key, ScalarNode):
                if (key.tag, key.value) in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key.value[:60]!r}", key.start_mark
                    )
                seen.add((key.tag, key.value))
        return super().construct_mapping(node, deep)


def read_documents(path: Path, shown: str) -> tuple[list[Document], Problem | None]:
    """Every document of a YAML file, or the one problem that keeps the whole file out."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        return [], Problem(shown, f"cannot be read ({error.strerror or 'error'})")
    if len(data) > MAX_FILE_BYTES:
        return [], Problem(shown, f"is larger than {MAX_FILE_BYTES // 1024} KiB; split it")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], Problem(shown, "is not UTF-8 text")
    return parse_documents(text, shown)


def parse_documents(text: str, shown: str) -> tuple[list[Document], Problem | None]:
    """The documents of YAML text (see `read_documents`)."""
    bodies: list[object] = []
    try:
        for body in yaml.load_all(text, Loader=_StrictLoader):
            bodies.append(body)
            if len(bodies) > MAX_DOCUMENTS:
                return [], Problem(shown, f"has more than {MAX_DOCUMENTS} documents; split it")
    except yaml.MarkedYAMLError as error:
        return [], _yaml_problem(shown, len(bodies) + 1, error)
    except yaml.YAMLError as error:
        return [], Problem(shown, f"not valid YAML: {str(error)[:120]}", len(bodies) + 1)
    except RecursionError:
        return [], Problem(shown, "not valid YAML: nested too deeply", len(bodies) + 1)
    return [Document(shown, n, body) for n, body in enumerate(bodies, 1)], None


def _yaml_problem(shown: str, document: int, error: yaml.MarkedYAMLError) -> Problem:
    mark = error.problem_mark or error.context_mark
    where = f"line {mark.line + 1}: " if mark is not None else ""
    what = error.problem or error.context or "not valid YAML"
    return Problem(shown, f"{where}not valid YAML: {what}", document)


def yaml_files(root: Path) -> tuple[list[Path], list[Problem]]:
    """The YAML files under a folder, sorted, skipping hidden folders; links out are refused."""
    top = root.resolve()
    found: list[Path] = []
    refused: list[Problem] = []
    for folder, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(folder, name)
            if path.suffix not in YAML_SUFFIXES:
                continue
            if inside(path, top):
                found.append(path)
            else:
                shown = path.relative_to(top).as_posix()
                refused.append(Problem(shown, "not read: it links outside the folder"))
    return found, refused


def inside(path: Path, top: Path) -> bool:
    """True when the path, links followed, is within the folder `top` (already resolved)."""
    return path.resolve().is_relative_to(top)


def shown_path(path: Path, top: Path) -> str:
    """The path as problems show it: relative to the folder read, with `/`."""
    try:
        return path.resolve().relative_to(top).as_posix()
    except ValueError:
        return path.name


# Small typed readers for the parsers: each raises FieldProblem naming the field.


def mapping(value: object, field: str) -> Mapping[str, object]:
    """A mapping with string keys."""
    if value is None:
        raise FieldProblem(field, "missing")
    if not isinstance(value, dict):
        raise FieldProblem(field, f"must be a mapping, not {_kind(value)}")
    for key in value:
        if not isinstance(key, str):
            raise FieldProblem(field, f"key {key!r} must be a string")
    return value


def string(
    body: Mapping[str, object], key: str, field: str, *, required: bool = True
) -> str | None:
    """A non-empty string field, or None when it is optional and absent."""
    value = body.get(key)
    if value is None:
        if required:
            raise FieldProblem(field, "missing")
        return None
    if not isinstance(value, str) or not value.strip():
        raise FieldProblem(field, f"must be a non-empty string, not {_kind(value)}")
    return value.strip()


def _kind(value: object) -> str:
    if isinstance(value, str):
        return f"{value[:40]!r}" if value.strip() else "an empty string"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    return {dict: "a mapping", list: "a list", type(None): "empty"}.get(type(value), "a value")
