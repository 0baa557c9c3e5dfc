"""Components from a Backstage catalog: a folder of catalog-info files, or the REST API.

Folder: every `catalog-info.yaml` (or `.yml`) under it, multi-document; `kind: Component`
documents are read, other kinds ignored, and `kind: Location` documents lead to more files
through `spec.target` / `spec.targets`: relative paths that stay inside the folder, links
followed and checked. URLs, absolute paths, globs and paths leaving the folder are not
followed, and say so. A file with a malformed entity imports nothing.

REST: `GET {BACKSTAGE_BASE_URL}/api/catalog/entities/by-query?filter=kind=component`, with a
Bearer token, following `pageInfo.nextCursor` for at most `max_pages` pages. A refused token
(401/403), an unreachable server or a page that is not a by-query answer fails the import with
one line; a malformed entity is reported with its ref and skipped.

Either way, problems make the reading not whole, so nothing is marked vanished on its account.
"""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
from pydantic import SecretStr

from bot.catalog.documents import (
    MAX_FILES,
    FieldProblem,
    Problem,
    inside,
    mapping,
    read_documents,
    shown_path,
    yaml_files,
)
from bot.catalog.entities import (
    component_of,
    is_entity,
    kind_of,
    looks_like_component,
    ref_of,
    unique,
)
from bot.domain.catalog import Component
from bot.settings import Settings

CATALOG_FILES = ("catalog-info.yaml", "catalog-info.yml")
QUERY_PATH = "/api/catalog/entities/by-query"
FIELDS = ",".join(
    (
        "apiVersion",
        "kind",
        "metadata.name",
        "metadata.namespace",
        "metadata.tags",
        "metadata.annotations",
        "metadata.labels",
        "spec.owner",
        "spec.lifecycle",
        "spec.system",
    )
)
MAX_PAGE_BYTES = 16 * 1024 * 1024
_GLOB = frozenset("*?[]{}")


@dataclass(frozen=True)
class CatalogRead:
    """The components read, and every problem met on the way."""

    components: tuple[Component, ...]
    problems: tuple[Problem, ...] = ()
    files: int = 0
    pages: int = 0

    @property
    def whole(self) -> bool:
        """True when nothing failed, so a component not read is really gone."""
        return not self.problems


def read_catalog_folder(path: Path) -> CatalogRead:
    """Components of the catalog-info files under a folder (or of one file), Locations followed."""
    if not path.exists():
        return CatalogRead((), (Problem(str(path), "no such file or folder"),))
    top = (path if path.is_dir() else path.parent).resolve()
    queue: deque[Path] = deque([path.resolve()])
    problems: list[Problem] = []
    if path.is_dir():
        files, refused = yaml_files(top)
        queue = deque(p for p in files if p.name in CATALOG_FILES)
        problems = [p for p in refused if Path(p.where).name in CATALOG_FILES]
    seen: set[Path] = set()
    components: list[Component] = []
    while queue:
        file = queue.popleft().resolve()
        if file in seen:
            continue
        if len(seen) == MAX_FILES:
            problems.append(Problem(top.name, f"more than {MAX_FILES} catalog files; stopped"))
            break
        seen.add(file)
        found, targets, trouble = _catalog_file(file, top)
        components += found
        problems += trouble
        queue.extend(targets)
    kept, doubles = unique(components)
    return CatalogRead(tuple(kept), (*problems, *doubles), files=len(seen))


def _catalog_file(file: Path, top: Path) -> tuple[list[Component], list[Path], list[Problem]]:
    """A file's components and Location targets; a malformed entity keeps the file out."""
    shown = shown_path(file, top)
    documents, problem = read_documents(file, shown)
    if problem is not None:
        return [], [], [problem]
    components: list[Component] = []
    targets: list[Path] = []
    malformed: list[Problem] = []
    refused: list[Problem] = []
    for document in documents:
        body = document.body
        try:
            if looks_like_component(body):
                where = f"{shown}:document {document.index}"
                components.append(component_of(body, where))
            elif is_entity(body) and kind_of(body) == "location":
                followed, not_followed = _targets(body, file.parent, top)
                targets += followed
                refused += [document.problem(p) for p in not_followed]
        except FieldProblem as error:
            malformed.append(document.problem(error))
    if malformed:
        return [], [], malformed
    return components, targets, refused


def _targets(body: object, base: Path, top: Path) -> tuple[list[Path], list[FieldProblem]]:
    spec = mapping(mapping(body, "entity").get("spec"), "spec")
    raw: list[tuple[str, object]] = []
    if "target" in spec:
        raw.append(("spec.target", spec["target"]))
    targets = spec.get("targets", [])
    if not isinstance(targets, list):
        raise FieldProblem("spec.targets", "must be a list of paths")
    raw += [(f"spec.targets[{n}]", t) for n, t in enumerate(targets)]
    url_type = spec.get("type") == "url"
    followed: list[Path] = []
    refused: list[FieldProblem] = []
    for field, target in raw:
        if not isinstance(target, str) or not target.strip():
            raise FieldProblem(field, "must be a non-empty path")
        why = _not_followed(target.strip(), url_type, base, top)
        if why is None:
            followed.append((base / target.strip()).resolve())
        else:
            refused.append(FieldProblem(field, f"{target[:80]!r} not followed: {why}"))
    return followed, refused


def _not_followed(target: str, url_type: bool, base: Path, top: Path) -> str | None:
    if url_type or "://" in target:
        return "only files inside the folder are read"
    if _GLOB & set(target):
        return "glob patterns are not read; name the files"
    if Path(target).is_absolute():
        return "an absolute path; write it relative to this file"
    candidate = base / target
    if not inside(candidate, top):
        return "it is outside the folder read"
    if not candidate.is_file():
        return "no such file"
    return None


class BackstageError(Exception):
    """Reading from Backstage failed as a whole; the message is one line, without the token."""


@dataclass(frozen=True)
class BackstageClient:
    """Reads Component entities from a Backstage backend's catalog API, page by page."""

    base_url: str
    token: SecretStr | None = None
    page_size: int = 200
    max_pages: int = 100
    timeout_s: float = 30.0

    @classmethod
    def from_settings(cls, settings: Settings) -> BackstageClient:
        """The client for BACKSTAGE_BASE_URL and BACKSTAGE_TOKEN."""
        if settings.backstage_base_url is None:
            raise BackstageError("BACKSTAGE_BASE_URL is not set.")
        return cls(settings.backstage_base_url, settings.backstage_token)

    @property
    def host(self) -> str:
        """The server's host, for messages."""
        return urlsplit(self.base_url).netloc or self.base_url[:60]

    async def components(self) -> CatalogRead:
        """Every Component, following cursors; malformed entities are reported and skipped."""
        headers = {"Accept": "application/json"}
        if self.token is not None:
            headers["Authorization"] = f"Bearer {self.token.get_secret_value()}"
        timeout = aiohttp.ClientTimeout(total=self.timeout_s)
        components: list[Component] = []
        problems: list[Problem] = []
        cursors: set[str] = set()
        cursor: str | None = None
        async with aiohttp.ClientSession(headers=headers, timeout=timeout) as session:
            for page in range(1, self.max_pages + 1):
                items, cursor = _page_parts(await self._page(session, cursor))
                for n, item in enumerate(items, 1):
                    _take(item, f"page {page} item {n}", components, problems)
                if cursor is None:
                    kept, doubles = unique(components)
                    return CatalogRead(tuple(kept), (*problems, *doubles), pages=page)
                if cursor in cursors:
                    raise BackstageError("Backstage sent the same page cursor twice; stopped.")
                cursors.add(cursor)
        raise BackstageError(
            f"Backstage has more than {self.max_pages} pages of {self.page_size} components; "
            "stopped without importing."
        )

    async def _page(self, session: aiohttp.ClientSession, cursor: str | None) -> object:
        # The cursor carries the query's filter; Backstage wants only limit and fields with it.
        params = {"limit": str(self.page_size), "fields": FIELDS}
        params.update({"filter": "kind=component"} if cursor is None else {"cursor": cursor})
        url = self.base_url.rstrip("/") + QUERY_PATH
        try:
            async with session.get(url, params=params, allow_redirects=False) as response:
                if response.status in (401, 403):
                    hint = "check" if self.token is not None else "set"
                    raise BackstageError(
                        f"Backstage at {self.host} refused the request ({response.status}): "
                        f"{hint} BACKSTAGE_TOKEN."
                    )
                if response.status != 200:
                    raise BackstageError(
                        f"Backstage at {self.host} answered {response.status} to {QUERY_PATH}."
                    )
                data = await _capped(response)
        except (aiohttp.ClientError, TimeoutError) as error:
            raise BackstageError(
                f"Backstage at {self.host} did not answer ({type(error).__name__})."
            ) from None
        try:
            return json.loads(data)
        except ValueError:
            raise BackstageError(f"Backstage at {self.host} did not answer JSON.") from None


def _take(item: object, place: str, components: list[Component], problems: list[Problem]) -> None:
    if isinstance(item, dict) and kind_of(item) not in ("", "component"):
        return  # the filter asks for components; anything else is not ours
    ref = ref_of(item) or place
    try:
        components.append(component_of(item, ref))
    except FieldProblem as error:
        problems.append(Problem(ref, f"{error.message}; skipped", field=error.field))


async def _capped(response: aiohttp.ClientResponse) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_chunked(64 * 1024):
        size += len(chunk)
        if size > MAX_PAGE_BYTES:
            raise BackstageError(f"A Backstage page is larger than {MAX_PAGE_BYTES >> 20} MiB.")
        chunks.append(chunk)
    return b"".join(chunks)


def _page_parts(body: object) -> tuple[list[object], str | None]:
    """`items` and `pageInfo.nextCursor` of a by-query answer."""
    items = body.get("items") if isinstance(body, dict) else None
    info = body.get("pageInfo", {}) if isinstance(body, dict) else None
    if not isinstance(items, list) or not isinstance(info, dict):
        raise BackstageError("Backstage's answer is not a by-query page (items, pageInfo).")
    cursor = info.get("nextCursor")
    if cursor is not None and not isinstance(cursor, str):
        raise BackstageError("Backstage's pageInfo.nextCursor is not a string.")
    return items, cursor or None
