"""Logging set-up: one readable line per record, or (`LOG_FORMAT=json`) one JSON object per line
carrying the ids of the request or job at hand.

The standard library's `logging` with a formatter of our own, not structlog: every module already
logs through `logging.getLogger(__name__)`, and so do Bolt, slack_sdk, SQLAlchemy and APScheduler;
a formatter turns all of their records into JSON at once, with no second logging API to learn,
no new dependency, and nothing to configure twice. The ids travel in a `ContextVar` (`bound`),
which asyncio copies into each task, so a request's background work keeps its request's ids.

Never logged: tokens (`Redact` masks anything shaped like one, in either format, as a last line
of defence) and message text (no log call passes it; Bolt's and slack_sdk's DEBUG output, which
would, is held at INFO).
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

HANDLER = "sre-coach"
TEXT_FORMAT = "%(levelname)s %(name)s: %(message)s"
_ids: ContextVar[dict[str, str]] = ContextVar("sre_coach_log_ids", default={})  # noqa: B039
_TOKEN = re.compile(r"\b(xox[a-z]|xapp)-[A-Za-z0-9-]+")
CHATTY = ("slack_bolt", "slack_sdk")
"""Libraries whose DEBUG records carry request bodies (message text) and headers (tokens)."""


@contextmanager
def bound(**ids: object) -> Iterator[None]:
    """Attach these ids (team_id, event_id, nudge_id, ...) to every record logged inside."""
    token = _ids.set({**_ids.get(), **{k: str(v) for k, v in ids.items() if v is not None}})
    try:
        yield
    finally:
        _ids.reset(token)


def request_id() -> str:
    """A short random id for one incoming request."""
    return secrets.token_hex(6)


def current_ids() -> dict[str, str]:
    """The ids bound here."""
    return dict(_ids.get())


class Redact(logging.Filter):
    """Masks token-shaped strings in a record's message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Always keep the record; mask what looks like a Slack token."""
        message = record.getMessage()
        masked = _TOKEN.sub(r"\1-…", message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, the bound ids, and the error's
    kind and stack (not its message) when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON."""
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **_ids.get(),
        }
        if record.exc_info and record.exc_info[1] is not None:
            # The frames and the error's kind, not its message: a message may quote input.
            error = record.exc_info[1]
            line["error"] = type(error).__name__
            line["traceback"] = "".join(traceback.format_tb(error.__traceback__))
        return json.dumps(line, ensure_ascii=False)


def configure(level: str, form: str = "text") -> None:
    """Set up the root logger once, at start-up (`sre-coach` does)."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if form == "json" else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(Redact())
    handler.set_name(HANDLER)
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == HANDLER]:
        root.removeHandler(old)  # configured twice in one process (tests): replace, not add
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in (*CHATTY, "alembic"):
        logging.getLogger(name).setLevel(max(logging.INFO, root.level))
    logging.getLogger("alembic").setLevel(max(logging.WARNING, root.level))
