"""The image, compose and the lock, read as files: no container engine runs where tests do."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import requires
from pathlib import Path

import pytest
import yaml
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from bot.settings import Settings
from tests.test_packaging import SOURCES

LOCK = "requirements.lock"


def _instructions(dockerfile: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per instruction, continuation lines joined, comments dropped."""
    lines = [line for line in dockerfile.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    return [
        (word.upper(), rest.strip())
        for word, _, rest in (line.strip().partition(" ") for line in joined.splitlines())
        if word
    ]


def _pins(lock: str) -> dict[str, list[tuple[Requirement, list[str]]]]:
    """Each locked name: its pins (one per marker) with their hashes."""
    pins: dict[str, list[tuple[Requirement, list[str]]]] = {}
    for block in re.split(r"\n(?=\S)", lock):
        head, *rest = block.split(" \\\n")
        if head.startswith("#") or not head.strip():
            continue
        pin = Requirement(head)
        hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})", " ".join(rest))
        pins.setdefault(canonicalize_name(pin.name), []).append((pin, hashes))
    return pins


@pytest.fixture(scope="module")
def docker(repo_root: Path) -> list[tuple[str, str]]:
    return _instructions((repo_root / "Dockerfile").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def compose(repo_root: Path) -> dict[str, object]:
    loaded: dict[str, object] = yaml.safe_load((repo_root / "compose.yaml").read_text("utf-8"))
    return loaded


@pytest.fixture(scope="module")
def pins(repo_root: Path) -> dict[str, list[tuple[Requirement, list[str]]]]:
    return _pins((repo_root / LOCK).read_text(encoding="utf-8"))


def test_the_base_image_is_pinned_by_version_and_digest(docker: list[tuple[str, str]]) -> None:
    (base,) = [args for word, args in docker if word == "FROM"]
    assert re.fullmatch(r"python:3\.11\.\d+-slim-bookworm@sha256:[0-9a-f]{64}", base), base


def test_dependencies_come_from_the_hashed_lock(docker: list[tuple[str, str]]) -> None:
    copies = [args for word, args in docker if word == "COPY"]
    runs = [args for word, args in docker if word == "RUN"]
    assert any(args.startswith(f"{LOCK} ") for args in copies)
    assert any(re.search(rf"pip install --require-hashes -r \S*{LOCK}\b", r) for r in runs)
    # The project itself installs with nothing left to fetch, unpinned or otherwise.
    project = [r for r in runs if "pip install" in r and "--require-hashes" not in r]
    assert project and all("--no-deps" in r and "--no-build-isolation" in r for r in project)


def test_the_code_is_roots_and_the_bot_runs_as_another_user(
    docker: list[tuple[str, str]],
) -> None:
    words = [word for word, _ in docker]
    users = [args for word, args in docker if word == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    after = docker[words.index("USER") :]
    # Nothing is copied or installed once the bot's user is set, and nothing hands it the code.
    assert not [word for word, args in after if word in ("COPY", "ADD", "RUN")]
    assert not [a for w, a in docker if w == "COPY" and "--chown" in a]
    assert not [a for w, a in docker if w == "RUN" and re.search(r"\bch(own|mod)\b", a)]
    copied = {source for w, a in docker if w == "COPY" for source in a.split()[:-1]}
    assert set(SOURCES) <= copied


def test_the_image_checks_health_and_runs_the_bot(docker: list[tuple[str, str]]) -> None:
    (health,) = [args for word, args in docker if word == "HEALTHCHECK"]
    assert "/healthz" in health
    (command,) = [args for word, args in docker if word == "CMD"]
    assert command == '["sre-coach", "run"]'


def test_the_build_context_is_only_what_the_image_needs(repo_root: Path) -> None:
    lines = (repo_root / ".dockerignore").read_text(encoding="utf-8").splitlines()
    rules = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    assert rules[0] == "*"  # everything else (.env, .git, databases) stays out
    assert {r[1:] for r in rules if r.startswith("!")} == {*SOURCES, LOCK}


def test_compose_migrates_before_the_bot_starts(compose: dict[str, object]) -> None:
    services = compose["services"]
    assert isinstance(services, dict) and set(services) == {"db", "migrate", "bot"}
    migrate, bot = services["migrate"], services["bot"]
    assert migrate["command"] == ["sre-coach", "db", "upgrade"]
    assert bot["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }
    assert migrate["image"] == bot["image"] and migrate["build"] == bot["build"] == "."
    for service in (migrate, bot):
        assert "@db:5432/" in service["environment"]["DATABASE_URL"]


def test_compose_checks_health_and_keeps_the_database_in_a_volume(
    compose: dict[str, object],
) -> None:
    services = compose["services"]
    assert isinstance(services, dict)
    db, bot = services["db"], services["bot"]
    assert re.fullmatch(r"postgres:\d+\.\d+-bookworm(@sha256:[0-9a-f]{64})?", db["image"])
    assert db["healthcheck"]["test"][:2] == ["CMD", "pg_isready"]
    assert "/healthz" in " ".join(bot["healthcheck"]["test"])
    assert bot["environment"]["SLACK_APP_TOKEN"] == ""  # HTTP mode, so /healthz is served
    grace = bot["stop_grace_period"]
    assert grace.endswith("s")
    assert int(grace[:-1]) > Settings(_env_file=None).shutdown_timeout  # type: ignore[call-arg]
    (volume,) = db["volumes"]
    name, path = volume.split(":")
    assert path == "/var/lib/postgresql/data"
    assert name in compose["volumes"]  # type: ignore[operator]


def test_every_lock_pin_is_hashed(pins: dict[str, list[tuple[Requirement, list[str]]]]) -> None:
    assert pins
    for name, versions in pins.items():
        for pin, hashes in versions:
            assert re.fullmatch(r"==[^,]+", str(pin.specifier)), pin
            assert hashes, f"{name} has no --hash"


def test_the_lock_satisfies_pyproject(
    pins: dict[str, list[tuple[Requirement, list[str]]]], repo_root: Path
) -> None:
    project = tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = [Requirement(r) for r in project["project"]["dependencies"]]
    wanted += [Requirement(r) for r in project["dependency-groups"]["build"]]
    for requirement in wanted:
        versions = pins.get(canonicalize_name(requirement.name))
        assert versions, f"{requirement.name} is not in {LOCK}: run ./dev lock"
        for pin, _ in versions:
            (version,) = [s.version for s in pin.specifier]
            assert requirement.specifier.contains(version, prereleases=True), (
                f"{LOCK} pins {pin} but pyproject asks {requirement}: run ./dev lock"
            )
        for extra in requirement.extras:  # e.g. sqlalchemy[asyncio] needs greenlet
            for needed in _extra_requirements(requirement.name, extra):
                assert canonicalize_name(needed.name) in pins, f"{needed} ({requirement})"


def _extra_requirements(name: str, extra: str) -> list[Requirement]:
    """What an extra adds on this machine's platform, from the installed package's metadata."""
    environment = {**default_environment(), "extra": extra}
    found = [Requirement(r) for r in requires(name) or []]
    return [
        r for r in found if r.marker and "extra" in str(r.marker) and r.marker.evaluate(environment)
    ]
