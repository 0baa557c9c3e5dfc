"""`LOG_FORMAT=json`: one JSON object per line, with the request's or job's ids, and still no
token and no message text (the JSON carries an error's kind and stack, never its message)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from bot import logs
from bot.clock import ManualClock
from bot.db.uow import Database
from bot.services.request import Asker
from bot.settings import Settings
from tests.fakeslack import TEAM_ID
from tests.slackapp import running_app

SECRET_TEXT = "our launch is secretly doomed"
TOKEN = "xoxb-1234-5678-abcdEFGH"


@pytest.fixture
def configured() -> Iterator[None]:
    """Run `logs.configure` as the CLI does, and undo it after the test."""
    root = logging.getLogger()
    levels = {name: logging.getLogger(name).level for name in (*logs.CHATTY, "alembic", "")}
    yield
    for handler in [h for h in root.handlers if h.get_name() == logs.HANDLER]:
        root.removeHandler(handler)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def lines(err: str) -> list[dict[str, Any]]:
    """Each line of stderr as JSON (each must be one object)."""
    return [json.loads(line) for line in err.splitlines() if line.strip()]


def test_json_lines_carry_the_bound_ids(
    configured: None, capsys: pytest.CaptureFixture[str]
) -> None:
    logs.configure("INFO", "json")
    log = logging.getLogger("bot.test")
    with logs.bound(team_id="T0001", nudge_id=42):
        log.warning("nudge %s was taken from this worker", 42)
    log.info("outside")
    first, second = lines(capsys.readouterr().err)
    assert first["message"] == "nudge 42 was taken from this worker"
    assert first["level"] == "WARNING" and first["logger"] == "bot.test"
    assert first["team_id"] == "T0001" and first["nudge_id"] == "42"
    assert "nudge_id" not in second and second["message"] == "outside"


@pytest.mark.parametrize("form", ["json", "text"])
def test_tokens_are_masked_in_either_format(
    configured: None, capsys: pytest.CaptureFixture[str], form: str
) -> None:
    logs.configure("INFO", form)
    logging.getLogger("bot.test").error("client said %s", f"token {TOKEN} refused")
    err = capsys.readouterr().err
    assert "abcdEFGH" not in err and "xoxb-…" in err


def test_an_error_is_logged_by_kind_and_stack_not_by_message(
    configured: None, capsys: pytest.CaptureFixture[str]
) -> None:
    logs.configure("INFO", "json")
    try:
        raise ValueError(f"bad input: {SECRET_TEXT}")
    except ValueError as error:
        logging.getLogger("bot.test").error("failed: %s", type(error).__name__, exc_info=error)
    (line,) = lines(capsys.readouterr().err)
    assert line["error"] == "ValueError" and "test_logs.py" in line["traceback"]
    assert SECRET_TEXT not in json.dumps(line)


async def test_a_failed_request_logs_one_json_line_with_its_ids_and_no_text(
    configured: None,
    capsys: pytest.CaptureFixture[str],
    db: Database,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def broken(asker: Asker, text: str) -> None:
        raise RuntimeError(f"{text} with {TOKEN}")

    async with running_app(db, clock) as slack:
        monkeypatch.setattr(slack.deps.router, "command", broken)
        logs.configure("INFO", "json")
        response = await slack.command(f"guide {SECRET_TEXT}")
        assert response.status == 200  # the short apology
    err = capsys.readouterr().err
    failed = [line for line in lines(err) if line["message"] == "listener failed: RuntimeError"]
    (line,) = failed
    assert line["team_id"] == TEAM_ID and len(line["request_id"]) == 12
    assert SECRET_TEXT not in err and "abcdEFGH" not in err


def test_log_format_is_text_or_json() -> None:
    assert Settings(_env_file=None, log_format=" JSON ").log_format == "json"  # type: ignore[call-arg]
    assert Settings(_env_file=None).log_format == "text"  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="LOG_FORMAT"):
        Settings(_env_file=None, log_format="xml")  # type: ignore[call-arg]
