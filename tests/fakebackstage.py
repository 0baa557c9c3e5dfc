"""A local fake of Backstage's catalog API: `GET /api/catalog/entities/by-query`, cursor paged.

``FakeBackstage`` runs an aiohttp server on 127.0.0.1 (random port). It serves the entities it
was given the way Backstage's catalog backend does (`items`, `totalItems`, `pageInfo` with
`nextCursor` / `prevCursor`), checks the Bearer token (401 with Backstage's error body when it
is missing or wrong), honours `filter=kind=...`, `limit` and the `fields` projection, and
records each request so tests can assert on paging. An entity can be anything, so a test can
serve a malformed one; `fail_with` answers every request with that status instead.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from aiohttp import web

QUERY_PATH = "/api/catalog/entities/by-query"
DEFAULT_LIMIT = 20


@dataclass(frozen=True)
class QueryCall:
    """One by-query request: its query parameters and whether its token was right."""

    params: Mapping[str, str]
    authorized: bool


def component(name: str, **spec: Any) -> dict[str, Any]:
    """A well-formed Component entity, with `tags`, `annotations`, `labels`, `namespace` lifted."""
    metadata: dict[str, Any] = {"name": name, "namespace": spec.pop("namespace", "default")}
    for key in ("tags", "annotations", "labels"):
        if key in spec:
            metadata[key] = spec.pop(key)
    body = {"type": "service", "owner": "platform", "lifecycle": "production", **spec}
    return {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Component",
        "metadata": {**metadata, "uid": f"uid-{name}", "etag": "e1"},
        "spec": body,
        "relations": [{"type": "ownedBy", "targetRef": f"group:default/{body['owner']}"}],
    }


class FakeBackstage:
    """The by-query endpoint over a fixed list of entities."""

    def __init__(self, entities: Sequence[object], token: str | None = "backstage-token") -> None:
        self.entities = list(entities)
        self.token = token
        self.calls: list[QueryCall] = []
        self.fail_with: int | None = None
        self.base_url = ""
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Listen on 127.0.0.1 at a free port and set ``base_url``."""
        app = web.Application()
        app.router.add_get(QUERY_PATH, self._query)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}"
        self._runner = runner

    async def stop(self) -> None:
        """Stop the server."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBackstage:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _query(self, request: web.Request) -> web.Response:
        authorized = self.token is None or (
            request.headers.get("Authorization") == f"Bearer {self.token}"
        )
        self.calls.append(QueryCall(dict(request.query), authorized))
        if not authorized:
            return _error(401, "AuthenticationError", "Missing or invalid credentials")
        if self.fail_with is not None:
            return _error(self.fail_with, "Error", "failing on purpose")
        try:
            offset, kind, limit = self._position(request.query)
        except ValueError as error:
            return _error(400, "InputError", str(error))
        matching = [e for e in self.entities if kind is None or _kind(e) == kind]
        page = matching[offset : offset + limit]
        info: dict[str, str] = {}
        if offset + limit < len(matching):
            info["nextCursor"] = _cursor(offset + limit, kind)
        if offset > 0:
            info["prevCursor"] = _cursor(max(0, offset - limit), kind)
        fields = [f for f in request.query.get("fields", "").split(",") if f]
        items = [_project(e, fields) for e in page]
        return web.json_response({"items": items, "totalItems": len(matching), "pageInfo": info})

    def _position(self, query: Mapping[str, str]) -> tuple[int, str | None, int]:
        limit = int(query.get("limit", DEFAULT_LIMIT))
        if "cursor" in query:
            if "filter" in query:
                raise ValueError("Cannot pass filter together with cursor")
            state = json.loads(base64.b64decode(query["cursor"]))
            return int(state["offset"]), state["kind"], limit
        kind = None
        if "filter" in query:
            key, _, value = query["filter"].partition("=")
            if key != "kind":
                raise ValueError("this fake filters on kind only")
            kind = value.lower()
        return 0, kind, limit


def _cursor(offset: int, kind: str | None) -> str:
    return base64.b64encode(json.dumps({"offset": offset, "kind": kind}).encode()).decode()


def _kind(entity: object) -> str | None:
    kind = entity.get("kind") if isinstance(entity, dict) else None
    return kind.lower() if isinstance(kind, str) else None


def _project(entity: object, fields: list[str]) -> object:
    """Backstage's `fields`: keep only the dotted paths asked for."""
    if not fields or not isinstance(entity, dict):
        return entity
    kept: dict[str, Any] = {}
    for path in fields:
        source: Any = entity
        parts = path.split(".")
        for part in parts:
            source = source.get(part) if isinstance(source, dict) else None
        if source is None:
            continue
        target = kept
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = source
    return kept


def _error(status: int, name: str, message: str) -> web.Response:
    body = {"error": {"name": name, "message": message}, "response": {"statusCode": status}}
    return web.json_response(body, status=status)
