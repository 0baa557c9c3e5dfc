"""An import's input gathered from where it lives: a path, Backstage's API, uploaded texts.

Each side is read only when it is there: a folder with no catalog-info file and no Component
reads no catalog (so an SLO repository's import marks no service vanished), and one without
SLO documents reads no SLOs. A side with problems is not whole, so nothing vanishes on its
account; whether anything is applied then is the importer's call (bot/services/imports.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bot.catalog.backstage import (
    CATALOG_FILES,
    BackstageClient,
    BackstageError,
    read_catalog_folder,
)
from bot.catalog.documents import FieldProblem, Problem, parse_documents
from bot.catalog.entities import component_of, looks_like_component, unique
from bot.catalog.slo_files import read_slo_folder, read_slo_text, unique_slos
from bot.domain.catalog import CodeSlo, Component, Gathered, Reading


def gather_path(path: Path, catalog: bool = True) -> Gathered:
    """Catalog files and SLO files under `path` (a folder or one file); `catalog=False` reads
    the SLOs only (the components come from Backstage)."""
    components: tuple[Component, ...] | None = None
    problems: list[Problem] = []
    files, whole = 0, True
    if catalog:
        read = read_catalog_folder(path)
        files, whole = read.files, read.whole
        named = path.is_file() and path.name in CATALOG_FILES
        # In a folder only catalog-info files are read: any read means the catalog is there.
        if read.components or read.problems or named or (path.is_dir() and read.files):
            components = read.components
            problems += read.problems
    slo_read = read_slo_folder(path)
    slos = slo_read.slos if (slo_read.slos or slo_read.problems) else None
    problems += [p for p in slo_read.problems if p not in problems]
    reading = Reading(components, slos, whole, slo_read.whole)
    return Gathered(reading, tuple(map(str, problems)), max(files, slo_read.files), str(path))


async def gather_backstage(client: BackstageClient, path: Path | None) -> Gathered:
    """Components from Backstage's API, SLOs from `path` when given."""
    slos = gather_path(path, catalog=False) if path is not None else Gathered(Reading())
    try:
        read = await client.components()
    except BackstageError as error:
        reading = Reading(None, slos.reading.slos, True, slos.reading.slos_whole)
        return Gathered(reading, (str(error), *slos.problems), slos.files, client.host)
    reading = Reading(read.components, slos.reading.slos, read.whole, slos.reading.slos_whole)
    problems = (*map(str, read.problems), *slos.problems)
    where = f"Backstage at {client.host}" + (f" and {path}" if path is not None else "")
    return Gathered(reading, problems, read.pages + slos.files, where)


def gather_texts(files: Sequence[tuple[str, str]], where: str) -> Gathered:
    """Uploaded files (name, text): Component entities and SLO documents of each; Location
    targets are not followed (an upload has no folder around it)."""
    components: list[Component] = []
    slos: list[CodeSlo] = []
    problems: list[Problem] = []
    for name, text in files:
        found, trouble = _catalog_text(text, name)
        components += found
        problems += trouble
        code, slo_trouble = read_slo_text(text, name)
        slos += code
        problems += [p for p in slo_trouble if p not in trouble]
    kept, doubles = unique(components)
    kept_slos, slo_doubles = unique_slos(slos)
    problems += doubles + slo_doubles
    reading = Reading(
        tuple(kept) if components or doubles else None,
        tuple(kept_slos) if slos or slo_doubles else None,
        not problems,
        not problems,
    )
    return Gathered(reading, tuple(map(str, problems)), len(files), where)


def _catalog_text(text: str, shown: str) -> tuple[list[Component], list[Problem]]:
    documents, problem = parse_documents(text, shown)
    if problem is not None:
        return [], [problem]
    components: list[Component] = []
    malformed: list[Problem] = []
    for document in documents:
        if not looks_like_component(document.body):
            continue
        try:
            components.append(component_of(document.body, f"{shown}:document {document.index}"))
        except FieldProblem as error:
            malformed.append(document.problem(error))
    return ([], malformed) if malformed else (components, [])
