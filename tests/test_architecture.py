"""The layering holds: the domain knows neither Slack nor SQL, and reads no clock."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[1] / "bot"
FORBIDDEN_IN_DOMAIN = ("slack_sdk", "slack_bolt", "sqlalchemy", "aiohttp", "bot.db", "bot.slack")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted((BOT / "domain").rglob("*.py")), ids=lambda p: p.name)
def test_domain_is_pure(path: Path) -> None:
    bad = {n for n in _imports(path) if n.startswith(FORBIDDEN_IN_DOMAIN)}
    assert not bad, f"{path.name} imports {bad}"
    assert "datetime.now(" not in path.read_text()


@pytest.mark.parametrize(
    "path",
    sorted([*(BOT / "services").rglob("*.py"), *(BOT / "views").rglob("*.py")]),
    ids=lambda p: p.name,
)
def test_services_and_views_never_see_slack(path: Path) -> None:
    bad = {n for n in _imports(path) if n.startswith(("slack_sdk", "slack_bolt", "bot.slack"))}
    assert not bad, f"{path.name} imports {bad}"


def test_only_the_clock_reads_the_time() -> None:
    readers = [
        p.relative_to(BOT)
        for p in BOT.rglob("*.py")
        if "datetime.now(" in p.read_text() and p.name != "clock.py"
    ]
    assert readers == []
