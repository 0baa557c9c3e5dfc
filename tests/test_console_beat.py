"""The console as a front end of the beat: plain lines count as activity, charts by database."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.console import CHART_FOLDER, Console, chart_folder
from bot.db.health_models import Activity
from bot.db.uow import Database
from tests.builders import content


def test_charts_go_beside_their_sqlite_database(tmp_path: Path) -> None:
    here = tmp_path / "cwd"
    one = chart_folder(f"sqlite+aiosqlite:///{tmp_path / 'a' / 'team.db'}", here)
    two = chart_folder(f"sqlite+aiosqlite:///{tmp_path / 'b' / 'team.db'}", here)
    assert one == tmp_path / "a" / "team-charts" and two == tmp_path / "b" / "team-charts"
    assert chart_folder("sqlite+aiosqlite:///./coach.db", here) == here / "coach-charts"
    assert chart_folder("postgresql+asyncpg://u@h/db", here) == here / CHART_FOLDER
    assert chart_folder("sqlite+aiosqlite:///:memory:", here) == here / CHART_FOLDER


async def test_plain_lines_count_as_channel_activity_without_their_text(
    db: Database, clock: ManualClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    console = Console(db, clock, out, content())
    for line in ("/sre join lead", "morning all, the SLO doc is up", "/as ana", "hi", "/sre join"):
        assert await console.handle(line)
    await console.handle("a second line from ana")
    async with db.sessions() as session:
        rows = {r.user_id: r.messages for r in await session.scalars(select(Activity))}
    assert rows == {"you": 1, "ana": 1}  # ana's first line came before she joined
    assert "SLO doc" not in out.getvalue()  # a channel message gets no answer either


async def test_the_console_names_the_channel_everywhere(
    db: Database, clock: ManualClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    console = Console(db, clock, out, content())
    for line in ("/sre join lead", "/as priya", "/sre join pm"):
        assert await console.handle(line)
    said = out.getvalue()
    assert "@priya joined the coalition in #sre-coalition" in said
    assert "type `/sre role @them pm` in #sre-coalition." in said
    assert "#C0COALITION" not in said
