"""A coalition's four months, typed into the installed `sre-coach console` as a new user would.

The script and what each person should see are data: `tests/fixtures/walkthrough.txt` (its
header explains the notation). One piped console session in an empty folder, on a SQLite file,
with the simulated clock set to a Monday; the runner types `/as <who>` before every line, so
each line's output is the slice after its `now acting as` marker. Beyond the script's own checks,
no output line names a raw table or a channel id, says "1 weeks", or shows a Python error.

A check marked `{defect N}` / `{friction: ...}` states the behaviour issue 11 asks for; while it
fails the test xfails with the list (`known_defect`), so it passes once the fixes land and the
marks are removed. An unmarked check that fails, fails the test.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.console import CLOCK_NAME
from bot.db.migrate import upgrade
from bot.db.schema import Base
from bot.db.uow import Database

SCRIPT = Path(__file__).parent / "fixtures" / "walkthrough.txt"
START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # a Monday, 16 weeks before the Spring Sale
MARKER = "[console] now acting as @"
ENV_KEYS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "DATABASE_URL", "PORT")

# Table names that are also plain English: they may appear in any sentence.
ENGLISH = {
    "activity", "coalitions", "commitments", "decisions", "departures", "members", "nudges",
    "services", "workshops", "workspaces",
}  # fmt: skip
RAW_TABLES = sorted(set(Base.metadata.tables) - ENGLISH)
SINGULAR_PLURAL = re.compile(
    r"(?<![\d.,])\b1 (weeks|days|hours|months|checkins|check-ins|members|services|SLOs|slos"
    r"|messages|commitments|entries|votes|answers|readings|reports|records|items|people)\b"
)
RAW_CHANNEL = re.compile(r"#C[0-9A-Z]{6,}\b")
PYTHON_ERROR = re.compile(r"Traceback \(most recent call last\)|\b[A-Z]\w*(Error|Exception): ")

_POST = re.compile(r"^(?:(\w{3} \d{4}-\d{2}-\d{2} \d{2}:\d{2}) UTC )?\[([^\]]+)\] ?(.*)$")
_CHECK = re.compile(r"^\s+([>!~%])\s+(?:(\d+)\s+)?\[([^\]]+)\]\s*(.*?)\s*(?:\{([^}]+)\})?$")


@dataclass(frozen=True)
class Post:
    """One thing the console printed: when (during `/advance`), where, and its text."""

    stamp: str  # "Tue 2026-12-01 01:00", or "" outside `/advance`
    where: str  # "only @maya sees", "DM to @kenji", "#sre-coalition", "console"
    text: str  # every line of it, continuation lines included


@dataclass(frozen=True)
class Check:
    """One expectation about a line's output, as the script states it."""

    kind: str  # > contains, ! never, ~ matches, % at most N lines
    where: str
    at: str  # a stamp prefix, or ""
    text: str
    limit: int
    mark: str  # "defect 4", "friction: ...", or "" (must hold now)
    source: int  # line number in the script


@dataclass
class Step:
    """A line typed by one person, and what should follow it."""

    who: str
    line: str
    source: int
    section: str
    checks: list[Check] = field(default_factory=list)


def load_script(path: Path) -> list[Step]:
    """The steps of the walk-through, in order."""
    steps: list[Step] = []
    section = ""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        if raw.startswith("=="):
            section = raw.strip("= ")
        elif raw.startswith("@"):
            who, _, line = raw[1:].partition(" ")
            steps.append(Step(who, line.strip(), number, section))
        else:
            match = _CHECK.match(raw)
            assert match and steps, f"{path.name}:{number}: not a step nor a check: {raw!r}"
            kind, limit, where, text, mark = match.groups()
            where, _, at = where.partition(" @ ")
            steps[-1].checks.append(
                Check(kind, where, at, text, int(limit or 0), (mark or "").strip(), number)
            )
    return steps


def parse_posts(chunk: list[str]) -> list[Post]:
    """A line's output as posts: a post starts with `[where]`, its continuation is indented."""
    posts: list[Post] = []
    for line in chunk:
        match = _POST.match(line)
        if match and not line.startswith(" "):
            posts.append(Post(match.group(1) or "", match.group(2), match.group(3)))
        elif posts:
            last = posts[-1]
            posts[-1] = Post(last.stamp, last.where, last.text + "\n" + line)
        else:
            posts.append(Post("", "?", line))
    return posts


def failure(check: Check, posts: list[Post]) -> str | None:
    """Why `check` does not hold for `posts`, or None when it does."""
    seen = [
        p
        for p in posts
        if (check.where == "*" or p.where == check.where) and p.stamp.startswith(check.at)
    ]
    place = f"[{check.where}{' @ ' + check.at if check.at else ''}]"
    if check.kind == ">":
        wanted = check.text.replace("\\n", "\n")
        if any(wanted in p.text for p in seen):
            return None
        return f"no post {place} contains {check.text!r}"
    if check.kind == "~":
        if any(re.search(check.text, p.text) for p in seen):
            return None
        return f"no post {place} matches /{check.text}/"
    if check.kind == "!":
        found = [p for p in seen if check.text in p.text]
        return f"{place} says {check.text!r}: {found[0].text[:200]!r}" if found else None
    long = [p for p in seen if p.text.count("\n") + 1 > check.limit]
    if not seen:
        return f"no post {place}"
    if long:
        return f"{place} is {long[0].text.count(chr(10)) + 1} lines, over {check.limit}"
    return None


class KnownDefects:
    """Checks of issue 11 that fail until their fix lands: kept, and the test xfails on them."""

    def __init__(self) -> None:
        self.failing: list[str] = []
        self.passing: list[str] = []

    def known_defect(self, mark: str, problem: str | None, where: str) -> None:
        """Record one marked check's result."""
        if problem is None:
            self.passing.append(f"{mark} ({where})")
        else:
            self.failing.append(f"{mark}: {where}: {problem}")


def _console_command() -> list[str]:
    """The installed console script beside this interpreter (`python -m bot` without one)."""
    script = Path(sys.executable).with_name("sre-coach")
    return [str(script), "console"] if script.exists() else [sys.executable, "-m", "bot", "console"]


def _start_database(url: str) -> None:
    """A migrated database whose console clock starts at START (new consoles start at now)."""
    upgrade(url)

    async def set_clock() -> None:
        db = Database(url)
        try:
            await db.save_time(CLOCK_NAME, START)
        finally:
            await db.dispose()

    asyncio.run(set_clock())


def run_walkthrough(folder: Path, steps: list[Step]) -> tuple[int, list[list[str]], str, str]:
    """Pipe the script into the console; each step's output lines, in order."""
    url = f"sqlite+aiosqlite:///{folder / 'coach.db'}"
    _start_database(url)
    stdin = "".join(f"/as {s.who}\n{s.line}\n" for s in steps) + "/quit\n"
    env = {k: v for k, v in os.environ.items() if k not in ENV_KEYS and k != "PYTHONPATH"}
    env["DATABASE_URL"] = url
    done = subprocess.run(
        _console_command(), input=stdin, capture_output=True, text=True, cwd=folder, env=env,
        timeout=900, check=False,
    )  # fmt: skip
    chunks: list[list[str]] = []
    for line in done.stdout.splitlines():
        if line.startswith(MARKER):
            chunks.append([])
        elif chunks:
            chunks[-1].append(line)
    return done.returncode, chunks, done.stdout, done.stderr


def line_problems(stdout: str) -> list[tuple[str, str]]:
    """(mark, problem) for each output line with a raw table name, a singular plural or a
    Python error; mark "" when issue 11 does not list it."""
    tables = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, RAW_TABLES)) + r")(?![\w-])")
    found: list[tuple[str, str]] = []
    for line in stdout.splitlines():
        for pattern, what in ((tables, "raw table name"), (SINGULAR_PLURAL, "singular plural")):
            match = pattern.search(line)
            if match:
                mark = "defect 4" if match.group(0) == "1 weeks" else ""
                found.append((mark, f"{what} {match.group(0)!r} in {line.strip()!r}"))
        if PYTHON_ERROR.search(line):
            found.append(("", f"Python error in {line.strip()!r}"))
        if RAW_CHANNEL.search(line):  # the console names its channel: `#sre-coalition`
            found.append(("", f"channel id in {line.strip()!r}"))
    return found


def test_a_coalitions_four_months_in_the_console(tmp_path: Path) -> None:
    steps = load_script(SCRIPT)
    code, chunks, stdout, stderr = run_walkthrough(tmp_path, steps)
    (tmp_path / "transcript.txt").write_text(stdout + "\n--- stderr ---\n" + stderr)
    known, problems = KnownDefects(), []
    crashed = code != 0 or "Traceback" in stderr
    for index, step in enumerate(steps):
        posts = parse_posts(chunks[index]) if index < len(chunks) else []
        said = f"line {step.source} (@{step.who} {step.line!r})"
        for check in step.checks:
            problem = failure(check, posts)
            if index >= len(chunks):
                problem = "the console stopped before this line"
            if check.mark:
                known.known_defect(check.mark, problem, f"script line {check.source}")
            elif problem is not None:
                problems.append(f"{said}, check at line {check.source}: {problem}")
    for mark, problem in line_problems(stdout):
        if mark:
            known.known_defect(mark, problem, "output")
        else:
            problems.append(problem)
    if crashed:
        error = (stderr.strip().splitlines() or [f"exit code {code}"])[-1]
        if "IntegrityError" in stderr and "checkins" in stderr:  # a second check-in that day
            known.known_defect("defect 1", f"the console stopped: {error[:160]}", "stderr")
        else:
            problems.append(f"the console stopped (exit code {code}): {error[:300]}")
    elif len(chunks) != len(steps):
        problems.append(f"{len(chunks)} outputs for {len(steps)} lines")
    assert not problems, "\n".join([*problems, f"(transcript: {tmp_path / 'transcript.txt'})"])
    for passed in known.passing:
        warnings.warn(f"walk-through: marked check now holds, remove its mark: {passed}",
                      stacklevel=1)  # fmt: skip
    if known.failing:
        pytest.xfail("known defects of issue 11:\n" + "\n".join(known.failing))


def test_the_script_parses_and_its_marks_name_issue_11() -> None:
    steps = load_script(SCRIPT)
    assert len(steps) > 90
    people = {s.who for s in steps}
    assert people == {"maya", "priya", "sam", "kenji", "lena", "carlos"}
    for step in steps:
        for check in step.checks:
            assert check.kind in "><!~%" and check.where, check
            assert not check.mark or re.fullmatch(r"defect (1[0-8]|[1-9])|friction: .+", check.mark)
            if check.kind == "~":
                re.compile(check.text)


def test_line_problems_find_what_a_reader_should_never_see() -> None:
    said = line_problems(
        "[only @kenji sees] 1 checkins, 1 oncall_reports, 8 health_standings\n"
        "[#sre-coalition] 1 weeks to go: Spring Sale.\n"
        "[#sre-coalition] 11 weeks to go, 21 days, 1 week, 0.1 days\n"
        "sqlalchemy.exc.IntegrityError: (sqlite3.IntegrityError) UNIQUE constraint failed\n"
    )
    assert [m for m, _ in said] == ["", "", "defect 4", ""]
    assert "oncall_reports" in said[0][1] and "1 checkins" in said[1][1]
    assert "Python error" in said[3][1]


def test_posts_keep_their_place_time_and_continuation() -> None:
    posts = parse_posts(
        [
            "[only @maya sees] == Pitch outline ==",
            "    1. Lead with concrete wins",
            "Tue 2026-12-01 01:00 UTC [DM to @kenji] How did your SRE coalition work go?",
            "      [Check in]  [Nothing new]",
        ]
    )
    assert [(p.stamp, p.where) for p in posts] == [
        ("", "only @maya sees"),
        ("Tue 2026-12-01 01:00", "DM to @kenji"),
    ]
    assert posts[1].text.endswith("[Check in]  [Nothing new]")
    check = Check(">", "DM to @kenji", "Tue 2026-12-01", "work go", 0, "", 1)
    assert failure(check, posts) is None
    assert failure(Check("!", "*", "", "concrete wins", 0, "", 1), posts) is not None
    assert failure(Check("%", "only @maya sees", "", "", 1, "", 1), posts) is not None
