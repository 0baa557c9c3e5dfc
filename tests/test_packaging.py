"""The package as `pip install .` leaves it: a wheel in a fresh venv, run from an empty folder."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from bot.content import content_directory

# What the wheel is built from (and all the Dockerfile copies): nothing else may be needed.
SOURCES = ("pyproject.toml", "README.md", "bot", "migrations", "content")
CLEAN_ENV = ("DATABASE_URL", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "PORT")


def _run(*args: str | Path, cwd: Path | None = None, stdin: str = "") -> str:
    env = {k: v for k, v in os.environ.items() if k not in CLEAN_ENV and k != "PYTHONPATH"}
    done = subprocess.run(
        [str(a) for a in args], input=stdin, capture_output=True, text=True, cwd=cwd, env=env,
        timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
    assert "Traceback" not in done.stdout + done.stderr
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory, repo_root: Path) -> Path:
    """The project's wheel, built once from a copy of the sources it needs."""
    build = tmp_path_factory.mktemp("build")
    source = build / "source"
    for name in SOURCES:
        path = repo_root / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            source.mkdir(exist_ok=True)
            shutil.copy2(path, source / name)
    pip = (sys.executable, "-m", "pip", "--disable-pip-version-check")
    _run(*pip, "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", build / "dist", source)
    (found,) = (build / "dist").glob("*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel: Path) -> Path:
    """The `bin` folder of a fresh venv holding the wheel; its dependencies come from this venv."""
    venv = wheel.parent.parent / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    site = Path(
        _run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").strip()
    )
    # A plain path line, not this venv as a site dir: its editable-install hook must stay out.
    ours = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (site / "dependencies.pth").write_text("\n".join(sorted(ours)) + "\n", encoding="utf-8")
    pip = (sys.executable, "-m", "pip", "--disable-pip-version-check", "--python", python)
    _run(*pip, "install", "--no-deps", "--no-index", "-q", wheel)
    return venv / "bin"


def test_the_wheel_ships_the_content_and_the_migrations(wheel: Path, repo_root: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    content = {p.name for p in (repo_root / "content").iterdir() if p.suffix in (".md", ".yaml")}
    assert {f"content/{name}" for name in content} <= names
    assert "content/rollout.yaml" in names
    migrations = {p.name for p in (repo_root / "migrations" / "versions").glob("*.py")}
    assert {f"migrations/versions/{name}" for name in migrations} <= names
    assert {"migrations/env.py", "migrations/script.py.mako"} <= names


def test_installed_console_answers_from_the_packaged_content(
    installed: Path, tmp_path: Path
) -> None:
    where = _run(
        installed / "python", "-c", "import content; print(content.__file__)", cwd=tmp_path
    )
    packaged = Path(where.strip()).parent
    assert packaged.is_relative_to(installed.parent), "content was not imported from the wheel"
    titles = {
        match.group(1)
        for entry in packaged.glob("*.md")
        if (match := re.search(r'^title: "?(.+?)"?$', entry.read_text(), re.MULTILINE))
    }
    out = _run(
        installed / "sre-coach", "console", cwd=tmp_path, stdin="/sre guide what is an slo\n/quit\n"
    )
    assert "does not exist" not in out
    assert any(title in out for title in titles), out
    assert (tmp_path / "sre-coach.db").exists()  # migrated with the packaged migrations


def test_installed_content_check_passes(installed: Path, tmp_path: Path) -> None:
    out = _run(installed / "sre-coach", "content", "check", cwd=tmp_path)
    assert re.search(rf"content ok: \d+ entries in {re.escape(str(installed.parent))}/", out), out


def test_the_checkout_reads_content_the_same_way(repo_root: Path) -> None:
    assert content_directory() == repo_root / "content"
