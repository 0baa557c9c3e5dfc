"""Starting against a database that does not answer: a bounded wait, then one clear line."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

import bot.cli
from bot.cli import main
from bot.db.engine import DatabaseUnreachable, wait_for_database


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens once the socket is closed


@pytest.mark.parametrize("argv", [["db", "upgrade"], ["console"], ["run"]])
def test_an_unreachable_database_is_one_line_and_exit_1(
    argv: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    port = _closed_port()
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.setenv("DATABASE_URL", f"postgresql+asyncpg://coach:hunter2@127.0.0.1:{port}/coach")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "test-secret")
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    monkeypatch.setattr(bot.cli, "DATABASE_WAIT", 0.0)  # one try, no waiting
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [
        f"sre-coach: database unreachable at postgresql+asyncpg://coach:***@127.0.0.1:{port}/coach"
        " after 1 try in 0 s (ConnectionRefusedError)"
    ]


async def test_the_wait_backs_off_within_its_budget() -> None:
    url = f"postgresql+asyncpg://coach:hunter2@127.0.0.1:{_closed_port()}/coach"
    moment, sleeps = [0.0], []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        moment[0] += seconds

    with pytest.raises(DatabaseUnreachable) as error:
        await wait_for_database(url, 10, sleep=sleep, now=lambda: moment[0])
    assert sleeps == [0.5, 1, 2, 4, 2.5]  # doubling, the last one cut to what the budget left
    assert "after 6 tries in 10 s" in str(error.value)
    assert "hunter2" not in str(error.value)


async def test_a_reachable_database_is_not_waited_for(database_url: str) -> None:
    async def sleep(_: float) -> None:
        raise AssertionError("waited")

    await wait_for_database(database_url, 10, sleep=sleep)
