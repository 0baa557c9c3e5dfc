"""A local fake of Slack's Web API, for tests.

``FakeSlack`` runs an aiohttp server on 127.0.0.1 (random port) that speaks the Web API the
way ``slack_sdk``'s ``AsyncWebClient`` expects: ``POST``/``GET /api/<method>`` with the
arguments in the query string, a form body or a JSON body, and the token in an
``Authorization: Bearer`` header (or a ``token`` argument).

Every request is checked against Slack's own OpenAPI 2.0 description of the Web API
(``shared/slack-specs/slack_web_openapi_v2_without_examples.json``): the method must exist
(or be one of the few newer methods listed in ``NEWER_METHODS``, and not retired since:
``RETIRED_METHODS``), every parameter the spec
marks as required must be present, and a token must be supplied. A request that breaks the
spec is answered with an error, like Slack would, and described in ``FakeSlack.violations``,
so a test can assert ``fake.violations == []``.

Accepted calls are recorded in ``FakeSlack.calls`` (as ``SlackCall``) and answered with
realistic default payloads (``auth.test``, ``chat.postMessage``, ``users.info``, ``views.*``,
the ``files.getUploadURLExternal`` -> upload -> ``files.completeUploadExternal`` flow, ...).
``FakeSlack.fail_next`` injects rate limits, HTTP errors, Slack errors and slow answers;
``FakeSlack.hold`` keeps calls in flight until the test lets each one be answered (slowness
under the test's control, without waiting real seconds).
``FakeSlack.workspaces`` (``tests/fakeworkspaces.py``) installs workspaces over OAuth
(``oauth.v2.access``: code exchange and token refresh) and, once it has issued a token, checks
every call's token: unknown, expired or another team's are refused as Slack would.

Usage::

    async with FakeSlack() as fake:
        client = AsyncWebClient(token="xoxb-test", base_url=fake.base_url)
        await client.chat_postMessage(channel="C1", text="hi")
        assert fake.calls_to("chat.postMessage")[0].params["text"] == "hi"
        assert fake.violations == []
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
import json
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Final

from aiohttp import web

from tests.fakeworkspaces import FakeWorkspaces

__all__ = [
    "DEFAULT_SPEC_PATH",
    "NEWER_METHODS",
    "RETIRED_METHODS",
    "FakeSlack",
    "Held",
    "MethodSpec",
    "SlackCall",
    "load_spec",
]

#: ``<repo>/../shared/slack-specs/slack_web_openapi_v2_without_examples.json``
DEFAULT_SPEC_PATH: Final[Path] = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "slack-specs"
    / "slack_web_openapi_v2_without_examples.json"
)

TEAM_ID: Final = "T0001"
BOT_USER_ID: Final = "UBOT"
BOT_ID: Final = "BBOT"
APP_ID: Final = "A0001"


@dataclass(frozen=True)
class SlackCall:
    """One request to the fake Web API."""

    method: str
    """Web API method, e.g. ``"chat.postMessage"``."""
    params: dict[str, Any]
    """Arguments merged from the query string and the form or JSON body (body wins).

    Form and query values are strings (``slack_sdk`` turns booleans into ``"1"``/``"0"``);
    JSON bodies keep their types. Values are left as sent: ``blocks`` posted as a form field
    stays a JSON-encoded string, ``blocks`` posted in a JSON body is a list. A ``token``
    argument is moved to ``token`` and is not kept here.
    """
    token: str | None
    """From ``Authorization: Bearer ...``, else from a ``token`` argument."""


@dataclass(frozen=True)
class MethodSpec:
    """What the fake checks for one Web API method."""

    name: str
    required: frozenset[str]
    """Parameters (``in`` formData or query, other than ``token``) that must be present."""
    needs_token: bool
    accepts_json: bool
    """Whether the spec lists ``application/json`` in ``consumes``."""


#: Methods added after the 2020 OpenAPI spec, with the arguments Slack's docs mark required.
NEWER_METHODS: Final[Mapping[str, MethodSpec]] = {
    spec.name: spec
    for spec in (
        MethodSpec(
            "files.getUploadURLExternal",
            frozenset({"filename", "length"}),
            needs_token=True,
            accepts_json=False,
        ),
        MethodSpec(
            "files.completeUploadExternal",
            frozenset({"files"}),
            needs_token=True,
            accepts_json=True,
        ),
        MethodSpec("apps.connections.open", frozenset(), needs_token=True, accepts_json=False),
        # Agent messaging (assistant threads, 2024): docs.slack.dev/reference/methods/assistant.*
        MethodSpec(
            "assistant.threads.setStatus",
            frozenset({"channel_id", "thread_ts", "status"}),
            needs_token=True,
            accepts_json=True,
        ),
        MethodSpec(
            "assistant.threads.setTitle",
            frozenset({"channel_id", "thread_ts", "title"}),
            needs_token=True,
            accepts_json=True,
        ),
        MethodSpec(
            "assistant.threads.setSuggestedPrompts",
            frozenset({"channel_id", "prompts"}),
            needs_token=True,
            accepts_json=True,
        ),
    )
}

#: Required arguments that Slack's docs allow to be empty: an empty status clears it.
_MAY_BE_EMPTY: Final = frozenset({("assistant.threads.setStatus", "status")})

#: What Slack's docs allow in `assistant.threads.setSuggestedPrompts`.
MAX_SUGGESTED_PROMPTS: Final = 4

#: Methods in the 2020 spec that Slack has since retired, with what to use instead.
RETIRED_METHODS: Final[Mapping[str, str]] = {
    "files.upload": (
        "files.getUploadURLExternal + upload + files.completeUploadExternal "
        "(slack_sdk: files_upload_v2)"
    ),
}

#: Arguments that Slack's current method docs mark required but the 2020 spec does not.
_DOC_REQUIRED: Final[Mapping[str, frozenset[str]]] = {
    "users.info": frozenset({"user"}),
    "conversations.info": frozenset({"channel"}),
    "conversations.members": frozenset({"channel"}),
    "views.update": frozenset({"view"}),
}


@functools.cache
def _load_spec_cached(path: Path) -> Mapping[str, MethodSpec]:
    with path.open(encoding="utf-8") as fh:
        spec: dict[str, Any] = json.load(fh)
    methods: dict[str, MethodSpec] = {}
    for route, operations in spec["paths"].items():
        name = route.lstrip("/")
        required: set[str] = set(_DOC_REQUIRED.get(name, frozenset()))
        needs_token = False
        accepts_json = False
        for operation in operations.values():
            if "application/json" in operation.get("consumes", []):
                accepts_json = True
            for param in operation.get("parameters", []):
                if param["name"] == "token":
                    # Slack answers not_authed without a token for every method that takes
                    # one, even where the 2020 spec marks it optional (conversations.*).
                    needs_token = True
                elif param.get("required") and param.get("in") in ("formData", "query"):
                    required.add(param["name"])
        methods[name] = MethodSpec(name, frozenset(required), needs_token, accepts_json)
    for name, method_spec in NEWER_METHODS.items():
        methods.setdefault(name, method_spec)
    return methods


def load_spec(path: Path | None = None) -> Mapping[str, MethodSpec]:
    """Parse the OpenAPI spec into ``{method: MethodSpec}`` (cached per path)."""
    return _load_spec_cached((path or DEFAULT_SPEC_PATH).resolve())


@dataclass
class _Failure:
    status: int
    retry_after: int | None
    error: str | None
    delay: float
    remaining: int
    delivered: bool = False


class Held:
    """Calls kept in flight: each is recorded (Slack has it), then answered when released."""

    def __init__(self, method: str, token: str | None, stopping: asyncio.Event) -> None:
        self.method, self.token = method, token
        self._stopping = stopping
        self._arrived: asyncio.Queue[SlackCall] = asyncio.Queue()
        self._gates: deque[asyncio.Event] = deque()

    def matches(self, call: SlackCall) -> bool:
        """True for the calls this hold keeps (its method, and its token when one was given)."""
        return call.method == self.method and self.token in (None, call.token)

    async def keep(self, call: SlackCall) -> None:
        """Hold `call` until released (or the fake stops)."""
        gate = asyncio.Event()
        self._gates.append(gate)
        self._arrived.put_nowait(call)
        stopping = asyncio.ensure_future(self._stopping.wait())
        opened = asyncio.ensure_future(gate.wait())
        await asyncio.wait({stopping, opened}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        opened.cancel()

    async def next(self) -> SlackCall:
        """The next held call, once it has arrived."""
        return await self._arrived.get()

    def release(self) -> None:
        """Answer the oldest held call."""
        self._gates.popleft().set()


def _missing(value: Any) -> bool:
    return value is None or value == ""


def block_kit_problems(method: str, params: Mapping[str, Any]) -> list[str]:
    """What slack_sdk's Block Kit models refuse in a call's `blocks` or `view` (the bot builds
    them with those models and leaves validating to the tests: not on every reply)."""
    from slack_sdk.errors import SlackObjectFormationError
    from slack_sdk.models.blocks import Block
    from slack_sdk.models.views import View

    blocks, view = _maybe_json(params.get("blocks")), _maybe_json(params.get("view"))
    try:
        for block in blocks if isinstance(blocks, list) else []:
            parsed = Block.parse(block)
            if parsed is None:
                return [f"{method}: Block Kit: unknown block {block!r:.80}"]
            parsed.validate_json()
        if isinstance(view, dict):
            View(**view).validate_json()
    except (SlackObjectFormationError, TypeError, KeyError, ValueError) as error:
        return [f"{method}: Block Kit: {error}"]
    return []


def _maybe_json(value: Any) -> Any:
    """Decode a JSON-encoded string argument (form posts); leave anything else as is."""
    if isinstance(value, str) and value[:1] in ("{", "["):
        with contextlib.suppress(ValueError):
            return json.loads(value)
    return value


class FakeSlack:
    """A fake Slack Web API server; see the module docstring."""

    def __init__(self, spec_path: Path | None = None) -> None:
        self.spec: Mapping[str, MethodSpec] = load_spec(spec_path)
        self.base_url: str = ""
        """``http://127.0.0.1:<port>/api/`` once started (trailing slash: slack_sdk urljoins)."""
        self.response_url: str = ""
        """A URL to use as a slash command's ``response_url``; posts land in ``responses``."""
        self.calls: list[SlackCall] = []
        self.failed_calls: list[SlackCall] = []
        self.rejected_calls: list[SlackCall] = []
        self.violations: list[str] = []
        self.block_kit = True
        """Check every `blocks` and `view` with slack_sdk's models (off for the fake's own tests
        of the spec, which send synthetic payloads)."""
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.members: dict[str, list[str]] = {}
        self.uploads: dict[str, int] = {}
        self.responses: list[dict[str, Any]] = []
        self._failures: dict[str, deque[_Failure]] = {}
        self._holds: list[Held] = []
        self._files: dict[str, dict[str, Any]] = {}
        self.workspaces = FakeWorkspaces(self.violations)
        """Installs and tokens per team (OAuth mode): see ``tests/fakeworkspaces.py``."""
        self._ts_counter = itertools.count(1)
        self._id_counter = itertools.count(1)
        self._origin = ""
        self._runner: web.AppRunner | None = None
        self._stopping = asyncio.Event()
        self._arrived = asyncio.Condition()
        self._answers: dict[str, Callable[[SlackCall], dict[str, Any]]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "conversations.open": self._conversations_open,
            "conversations.info": self._conversations_info,
            "conversations.members": self._conversations_members,
            "conversations.history": self._conversations_history,
            "users.info": self._users_info,
            "views.open": self._view,
            "views.publish": self._view,
            "views.update": self._view,
            "views.push": self._view,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
            "apps.connections.open": self._apps_connections_open,
        }

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Start listening on 127.0.0.1 at a free port and set ``base_url``."""
        if self._runner is not None:
            return
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_post("/upload/{file_id}", self._handle_upload)
        app.router.add_post("/response/{hook_id}", self._handle_response_url)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        self._stopping.clear()
        host, port = runner.addresses[0][:2]
        self._origin = f"http://{host}:{port}"
        self.base_url = f"{self._origin}/api/"
        self.response_url = f"{self._origin}/response/1"

    async def stop(self) -> None:
        """Stop the server; slow answers still pending are cut short."""
        if self._runner is None:
            return
        self._stopping.set()
        runner, self._runner = self._runner, None
        await runner.cleanup()

    async def __aenter__(self) -> FakeSlack:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # ------------------------------------------------------------------ test helpers

    async def wait_for(self, method: str, count: int) -> None:
        """Return once `count` accepted calls to `method` have arrived (no polling)."""
        async with self._arrived:
            await self._arrived.wait_for(lambda: len(self.calls_to(method)) >= count)

    async def _notify(self) -> None:
        async with self._arrived:
            self._arrived.notify_all()

    def calls_to(self, method: str) -> list[SlackCall]:
        """Accepted calls to ``method``, in order."""
        return [call for call in self.calls if call.method == method]

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int | None = 1,
        times: int = 1,
        error: str | None = "ratelimited",
        delay: float = 0.0,
        delivered: bool = False,
    ) -> None:
        """Make the next ``times`` valid calls to ``method`` fail.

        They are answered with HTTP ``status`` and ``{"ok": false, "error": error}``; a 429
        carries ``Retry-After: retry_after`` (unless None). With ``status=200`` Slack's usual
        ``ok: false`` answer is produced. ``delay`` seconds pass before the answer (to drive a
        client timeout). Such calls go to ``failed_calls``, not ``calls``. With ``status=200``
        and ``error=None`` the call is only slowed down and then answered normally (it is
        then recorded in ``calls``). With ``delivered`` the call takes effect (it is recorded in
        ``calls``, so a posted message exists) before the failure is answered: Slack got it, the
        client never heard. Calls that break the spec don't use up a failure.
        """
        if times < 1:
            raise ValueError("times must be >= 1")
        self._failures.setdefault(method, deque()).append(
            _Failure(status, retry_after, error, delay, times, delivered)
        )

    def hold(self, method: str, *, token: str | None = None) -> Held:
        """Keep every later valid call to `method` (with `token`, if given) in flight.

        Each held call is recorded in ``calls`` on arrival, as Slack would have it, and is
        answered only when the test calls ``release()``: a slow Slack whose every answer the
        test controls, so lease arithmetic can follow an injected clock.
        """
        held = Held(method, token, self._stopping)
        self._holds.append(held)
        return held

    def heal(self) -> None:
        """Drop the failures still waiting to be injected (recorded calls stay)."""
        self._failures.clear()

    def reset(self) -> None:
        """Forget calls, violations, injected failures, uploads and configured users."""
        self.calls.clear()
        self.failed_calls.clear()
        self.rejected_calls.clear()
        self.violations.clear()
        self.users.clear()
        self.channels.clear()
        self.members.clear()
        self.uploads.clear()
        self.responses.clear()
        self._failures.clear()
        self._holds.clear()
        self._files.clear()

    def user(self, user_id: str) -> dict[str, Any]:
        """The user object ``users.info`` answers for ``user_id``."""
        default: dict[str, Any] = {
            "id": user_id,
            "name": user_id,
            "tz": "UTC",
            "tz_offset": 0,
            "is_bot": False,
        }
        return {**default, **self.users.get(user_id, {})}

    # ------------------------------------------------------------------ HTTP handlers

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        params, problems = await self._read_params(request)
        token = _bearer(request.headers.get("Authorization"))
        form_token = params.pop("token", None)
        if token is None and isinstance(form_token, str) and form_token:
            if request.content_type == "application/json" and "token" not in request.query:
                problems.append(
                    f"{method}: token sent inside a JSON body, which Slack ignores; "
                    "send it as 'Authorization: Bearer <token>'"
                )
            else:
                token = form_token
        call = SlackCall(method=method, params=params, token=token)

        spec = self.spec.get(method)
        if spec is None:
            self._reject(call, [f"{method}: unknown method (not in Slack's Web API spec)"])
            return web.json_response({"ok": False, "error": "unknown_method"})
        if method in RETIRED_METHODS:
            self._reject(call, [f"{method}: retired by Slack; use {RETIRED_METHODS[method]}"])
            return web.json_response({"ok": False, "error": "method_deprecated"})
        problems.extend(self._check(spec, call, request))
        if problems:
            self._reject(call, problems)
            if spec.needs_token and call.token is None:
                return web.json_response({"ok": False, "error": "not_authed"})
            return web.json_response(
                {
                    "ok": False,
                    "error": "invalid_arguments",
                    "response_metadata": {"messages": [f"[ERROR] {p}" for p in problems]},
                }
            )

        refusal = self.workspaces.refusal(method, call.token, params)
        if refusal is not None:  # a token Slack would not take, or another team's
            self.failed_calls.append(call)
            await self._notify()
            return web.json_response({"ok": False, "error": refusal})
        if method == "oauth.v2.access":  # needs the Basic credentials, not just the params
            self.calls.append(call)
            await self._notify()
            return web.json_response(
                self.workspaces.access(params, request.headers.get("Authorization"))
            )

        failure = self._take_failure(method)
        if failure is not None:
            if failure.status == 200 and failure.error is None:
                self.calls.append(call)
                await self._notify()
                await self._sleep(failure.delay)
                return web.json_response(self._answer(call))
            (self.calls if failure.delivered else self.failed_calls).append(call)
            await self._notify()
            await self._sleep(failure.delay)
            headers: dict[str, str] = {}
            if failure.status == 429 and failure.retry_after is not None:
                headers["Retry-After"] = str(failure.retry_after)
            return web.json_response(
                {"ok": False, "error": failure.error or "fatal_error"},
                status=failure.status,
                headers=headers,
            )

        self.calls.append(call)
        await self._notify()
        for held in self._holds:
            if held.matches(call):
                await held.keep(call)
                break
        return web.json_response(self._answer(call))

    async def _handle_upload(self, request: web.Request) -> web.StreamResponse:
        file_id = request.match_info["file_id"]
        data = await request.read()
        pending = self._files.get(file_id)
        if pending is None:
            self.violations.append(f"upload: POST to an upload URL never issued ({file_id})")
            return web.Response(status=404, text="Not Found", content_type="text/plain")
        declared = pending.get("length")
        if declared is not None and str(declared) != str(len(data)):
            self.violations.append(
                f"upload: {file_id} got {len(data)} bytes but files.getUploadURLExternal "
                f"declared length={declared}"
            )
        self.uploads[file_id] = len(data)
        return web.Response(text=f"OK - {len(data)}", content_type="text/plain")

    async def _handle_response_url(self, request: web.Request) -> web.StreamResponse:
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            self.violations.append("response_url: body is not a JSON object")
            return web.Response(status=400, text="invalid_payload", content_type="text/plain")
        self.responses.append(body)
        return web.Response(text="ok", content_type="text/plain")

    # ------------------------------------------------------------------ request handling

    async def _read_params(self, request: web.Request) -> tuple[dict[str, Any], list[str]]:
        method = request.match_info["method"]
        params: dict[str, Any] = dict(request.query.items())
        problems: list[str] = []
        if not request.body_exists:
            return params, problems
        content_type = request.content_type
        if content_type == "application/json":
            raw = await request.read()
            try:
                body = json.loads(raw) if raw else {}
            except ValueError:
                return params, [f"{method}: body is not valid JSON"]
            if not isinstance(body, dict):
                return params, [f"{method}: JSON body must be an object"]
            params.update(body)
        elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    params[key] = value.file.read()
                else:
                    params[key] = value
        else:
            raw = await request.read()
            if raw:
                problems.append(f"{method}: unsupported Content-Type {content_type!r}")
        return params, problems

    def _check(self, spec: MethodSpec, call: SlackCall, request: web.Request) -> list[str]:
        problems: list[str] = []
        if spec.needs_token and call.token is None:
            problems.append(
                f"{call.method}: missing token (no 'Authorization: Bearer' header or token param)"
            )
        if (
            call.method == "apps.connections.open"
            and call.token is not None
            and not call.token.startswith("xapp-")
        ):
            problems.append(f"{call.method}: needs an app-level token (xapp-...)")
        if request.content_type == "application/json" and not spec.accepts_json:
            problems.append(f"{call.method}: does not accept application/json bodies per spec")
        required = spec.required
        if call.method == "oauth.v2.access" and call.params.get("grant_type") == "refresh_token":
            # Token rotation (2021) renews with a refresh token instead of a code.
            required = (required - {"code"}) | {"refresh_token"}
        for name in sorted(required):
            if (call.method, name) in _MAY_BE_EMPTY and call.params.get(name) == "":
                continue
            if _missing(call.params.get(name)):
                problems.append(f"{call.method}: missing required parameter '{name}'")
        if self.block_kit:
            problems += block_kit_problems(call.method, call.params)
        if call.method == "assistant.threads.setSuggestedPrompts":
            problems += _prompt_problems(call.params.get("prompts"))
        if call.method == "conversations.open" and all(
            _missing(call.params.get(name)) for name in ("users", "channel")
        ):
            problems.append(f"{call.method}: needs 'users' or 'channel'")
        return problems

    def _reject(self, call: SlackCall, problems: list[str]) -> None:
        self.rejected_calls.append(call)
        self.violations.extend(problems)

    def _take_failure(self, method: str) -> _Failure | None:
        queue = self._failures.get(method)
        if not queue:
            return None
        failure = queue[0]
        failure.remaining -= 1
        if failure.remaining <= 0:
            queue.popleft()
        return failure

    async def _sleep(self, delay: float) -> None:
        if delay > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=delay)

    # ------------------------------------------------------------------ default answers

    def _answer(self, call: SlackCall) -> dict[str, Any]:
        builder = self._answers.get(call.method)
        if builder is None:
            return {"ok": True}
        return builder(call)

    def _next_ts(self) -> str:
        micros = 100 * next(self._ts_counter)
        return f"{1_700_000_000 + micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._id_counter):010d}"

    @staticmethod
    def _channel_id(channel: Any) -> str:
        """Posting to a user id lands in the DM with that user, as on Slack."""
        text = str(channel)
        if text[:1] in ("U", "W"):
            return "D" + text
        return text

    def _message(self, call: SlackCall, ts: str) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "team": self.workspaces.team_of(call.token) or TEAM_ID,
            "text": call.params.get("text", ""),
            "ts": ts,
        }
        for name in ("blocks", "attachments", "metadata"):
            if name in call.params:
                message[name] = _maybe_json(call.params[name])
        if "thread_ts" in call.params:
            message["thread_ts"] = call.params["thread_ts"]
        return message

    def _auth_test(self, call: SlackCall) -> dict[str, Any]:
        issued = self.workspaces.auth_test(call.token)
        if issued is not None:
            return issued
        return {
            "ok": True,
            "url": "https://sre-coalition.slack.com/",
            "team": "SRE Coalition",
            "user": "coach",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "is_enterprise_install": False,
        }

    def _chat_post_message(self, call: SlackCall) -> dict[str, Any]:
        ts = self._next_ts()
        return {
            "ok": True,
            "channel": self._channel_id(call.params["channel"]),
            "ts": ts,
            "message": self._message(call, ts),
        }

    def _chat_post_ephemeral(self, call: SlackCall) -> dict[str, Any]:
        return {"ok": True, "message_ts": self._next_ts()}

    def _chat_update(self, call: SlackCall) -> dict[str, Any]:
        ts = str(call.params["ts"])
        return {
            "ok": True,
            "channel": self._channel_id(call.params["channel"]),
            "ts": ts,
            "text": call.params.get("text", ""),
            "message": self._message(call, ts),
        }

    def _conversations_open(self, call: SlackCall) -> dict[str, Any]:
        channel = call.params.get("channel")
        if not _missing(channel):
            return {"ok": True, "channel": {"id": str(channel)}}
        users = [u.strip() for u in str(call.params["users"]).split(",") if u.strip()]
        if len(users) == 1:
            channel_id = "D" + users[0]
            info: dict[str, Any] = {"id": channel_id, "is_im": True, "user": users[0]}
        else:
            channel_id = "G" + "".join(sorted(users))
            info = {"id": channel_id, "is_mpim": True}
        return {"ok": True, "no_op": False, "already_open": False, "channel": info}

    def _conversations_info(self, call: SlackCall) -> dict[str, Any]:
        channel_id = str(call.params["channel"])
        default: dict[str, Any] = {
            "id": channel_id,
            "name": channel_id.lower(),
            "is_channel": channel_id.startswith("C"),
            "is_im": channel_id.startswith("D"),
            "is_private": not channel_id.startswith("C"),
            "is_archived": False,
            "is_member": True,
            "num_members": len(self.members.get(channel_id, [])),
        }
        return {"ok": True, "channel": {**default, **self.channels.get(channel_id, {})}}

    def _conversations_members(self, call: SlackCall) -> dict[str, Any]:
        members = list(self.members.get(str(call.params["channel"]), []))
        return {"ok": True, "members": members, "response_metadata": {"next_cursor": ""}}

    def _conversations_history(self, call: SlackCall) -> dict[str, Any]:
        """Messages this fake accepted for the channel, newest first, metadata included."""
        channel = str(call.params["channel"])
        messages = [
            self._message(c, str(i))
            for i, c in enumerate(self.calls)
            if c.method == "chat.postMessage"
            and self._channel_id(c.params.get("channel")) == channel
        ]
        return {"ok": True, "messages": list(reversed(messages)), "has_more": False}

    def posts_to(self, channel: str) -> list[SlackCall]:
        """Accepted chat.postMessage calls to a channel (a user id means their DM)."""
        return [c for c in self.calls_to("chat.postMessage") if c.params.get("channel") == channel]

    def _users_info(self, call: SlackCall) -> dict[str, Any]:
        return {"ok": True, "user": self.user(str(call.params["user"]))}

    def _view(self, call: SlackCall) -> dict[str, Any]:
        posted = _maybe_json(call.params.get("view"))
        view: dict[str, Any] = dict(posted) if isinstance(posted, dict) else {}
        view_id = call.params.get("view_id")
        view.update(
            {
                "id": str(view_id) if not _missing(view_id) else self._next_id("V"),
                "team_id": TEAM_ID,
                "app_id": APP_ID,
                "bot_id": BOT_ID,
                "hash": self._next_ts().replace(".", ""),
                "state": {"values": {}},
            }
        )
        if "external_id" in call.params:
            view["external_id"] = call.params["external_id"]
        return {"ok": True, "view": view}

    def _files_get_upload_url(self, call: SlackCall) -> dict[str, Any]:
        file_id = self._next_id("F")
        self._files[file_id] = {
            "filename": call.params.get("filename"),
            "length": call.params.get("length"),
        }
        return {"ok": True, "upload_url": f"{self._origin}/upload/{file_id}", "file_id": file_id}

    def _files_complete_upload(self, call: SlackCall) -> dict[str, Any]:
        entries = _maybe_json(call.params["files"])
        if not isinstance(entries, list) or not all(
            isinstance(entry, dict) and "id" in entry for entry in entries
        ):
            self.violations.append(
                f"{call.method}: 'files' must be a JSON array of objects with an 'id'"
            )
            return {"ok": False, "error": "invalid_arguments"}
        files: list[dict[str, Any]] = []
        for entry in entries:
            file_id = str(entry["id"])
            if file_id not in self.uploads:
                self.violations.append(
                    f"{call.method}: file {file_id} was never uploaded to its upload_url"
                )
                return {"ok": False, "error": "file_not_found"}
            name = self._files.get(file_id, {}).get("filename") or file_id
            files.append(
                {
                    "id": file_id,
                    "title": entry.get("title") or name,
                    "name": name,
                    "size": self.uploads[file_id],
                }
            )
        return {"ok": True, "files": files}

    def _apps_connections_open(self, call: SlackCall) -> dict[str, Any]:
        return {"ok": True, "url": f"ws://{self._origin.removeprefix('http://')}/socket"}


def _prompt_problems(prompts: Any) -> list[str]:
    """`prompts` must be 1 to 4 objects, each with a non-empty `title` and `message`."""
    where = "assistant.threads.setSuggestedPrompts"
    prompts = _maybe_json(prompts)
    if not isinstance(prompts, list) or not 1 <= len(prompts) <= MAX_SUGGESTED_PROMPTS:
        return [f"{where}: 'prompts' must be a list of 1 to {MAX_SUGGESTED_PROMPTS} prompts"]
    return [
        f"{where}: prompt {n} needs a non-empty 'title' and 'message'"
        for n, prompt in enumerate(prompts)
        if not (isinstance(prompt, dict) and prompt.get("title") and prompt.get("message"))
    ]


def _bearer(header: str | None) -> str | None:
    if header is None:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()
