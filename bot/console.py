"""The terminal front end: the same router, services and database as Slack, one line at a time.

`/sre ...` is the slash command, `@coach ...` a mention, other lines are channel messages.
Meta lines: `/as <user>`, `/advance <N>d|h|m`, `/quit`.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from bot.clock import ManualClock, SystemClock
from bot.content import Content
from bot.db.uow import Database
from bot.doc import Doc
from bot.outcome import Ephemeral, Form, Outcome, Post, ToChannel, ToUser
from bot.ports import DeliveryError, OneWorkspace, SharedFile
from bot.render.text import render
from bot.router import Router
from bot.services.request import Asker
from bot.wiring import Bot

TEAM = "T0CONSOLE"
CHANNEL = "C0COALITION"
CHANNEL_NAME = "sre-coalition"
CHANNEL_NAMES = {CHANNEL: CHANNEL_NAME}  # a channel reference reads as the channel's name
CLOCK_NAME = "console"
CHART_FOLDER = "sre-coach-charts"  # beside a server database, which has no file of its own
REPORT_PREFIX = "sponsor-report"
_ADVANCE = re.compile(r"^(\d{1,4})\s*([dhm])$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}
_AT_NAME = re.compile(r"(?<![<\w])@([A-Za-z0-9_.-]+)")


def chart_folder(database_url: str, here: Path) -> Path:
    """Where charts are saved: `<db stem>-charts/` beside a SQLite file, so two databases never
    overwrite each other's pictures; `sre-coach-charts/` in `here` for any other database."""
    scheme, _, rest = database_url.partition("://")
    path = rest.split("?", 1)[0].removeprefix("/")
    if not scheme.startswith("sqlite") or path in ("", ":memory:"):
        return here / CHART_FOLDER
    db_file = Path(path) if Path(path).is_absolute() else here / path
    return db_file.parent / f"{db_file.stem}-charts"


def slack_mentions(text: str) -> str:
    """`@bob` as Slack would send it in a command: `<@bob>`."""
    return _AT_NAME.sub(r"<@\1>", text)


class ConsoleMessenger:
    """Prints posts as Slack would show them, with who sees each one; saves charts as files."""

    def __init__(
        self, out: TextIO, clock: ManualClock, charts: Path, reports: Path | None = None
    ) -> None:
        self.out, self.clock, self.charts = out, clock, charts
        self.reports = reports or charts  # sponsor reports are saved beside the database
        self.sent = 0
        self.stamp = False  # prefix the simulated time while `/advance` runs the beat

    async def upload(self, channel_id: str, filename: str, content: bytes, title: str) -> str:
        """Save the file and print where it is (a sponsor report's files beside the database)."""
        folder = self.reports if filename.startswith(REPORT_PREFIX) else self.charts
        folder.mkdir(parents=True, exist_ok=True)
        path = (folder / Path(filename).name).resolve()
        path.write_bytes(content)
        where = f"#{CHANNEL_NAME}" if channel_id.startswith("C") else f"DM to @{channel_id}"
        kind = "file" if filename.startswith(REPORT_PREFIX) else "chart"
        self._print(f"[{where}] {title}: {kind} saved to {path}")
        return str(path)

    async def fetch_file(self, file_id: str, max_bytes: int) -> SharedFile:
        """The console has no shared files: `sre-coach import <path>` reads local ones."""
        raise DeliveryError("refused", "the console has no shared files")

    async def open_form(self, trigger_id: str, form: Form) -> None:
        """The console has no modals: name the form's fields, to type as one command."""
        fields = ", ".join(i.label for i in form.inputs)
        self._print(f"[form: {form.title}] {fields}")

    async def publish_home(self, user_id: str, doc: Doc) -> None:
        """Print the home screen `user_id` would see."""
        self._print(f"[home of @{user_id}] {_indent(render(doc, CHANNEL_NAMES))}")

    async def timezone(self, user_id: str) -> str | None:
        """The console knows no profiles: members set theirs with `/sre hours`."""
        return None

    async def was_posted(self, channel_id: str, tag: str, since: float) -> bool | None:
        """Console posts are never lost in transit."""
        return None

    def _print(self, line: str) -> None:
        prefix = f"{self.clock.now():%a %Y-%m-%d %H:%M} UTC " if self.stamp else ""
        self.out.write(prefix + line + "\n")
        self.out.flush()

    async def send(self, post: Post) -> str | None:
        """Print one post."""
        self.sent += 1
        match post.to:
            case ToChannel(_, thread_ts):
                where = f"#{CHANNEL_NAME}" + (", in thread" if thread_ts else "")
            case ToUser(user_id):
                where = f"DM to @{user_id}"
            case Ephemeral(_, user_id):
                where = f"only @{user_id} sees"
        self._print(f"[{where}] {_indent(render(post.doc, CHANNEL_NAMES))}")
        return f"console.{self.sent}"


def _indent(text: str) -> str:
    return text.replace("\n", "\n    ")


@dataclass
class Console:
    """One console session over a database and a persisted simulated clock."""

    db: Database
    clock: ManualClock
    out: TextIO
    content: Content
    user: str = "you"
    messenger: ConsoleMessenger = field(init=False)
    router: Router = field(init=False)

    def __post_init__(self) -> None:
        charts = chart_folder(self.db.url, Path.cwd())
        self.messenger = ConsoleMessenger(
            self.out, self.clock, charts, database_folder(self.db.url)
        )
        bot = Bot(self.content, self.db, self.clock, Router(self.db, self.clock, self.content))
        self.router = bot.router
        self.work = bot.due_work(OneWorkspace(self.messenger), worker="console")

    async def handle(self, line: str) -> bool:
        """Act on one input line; False when the session should end."""
        line = line.strip()
        if not line:
            return True
        if line == "/quit":
            return False
        if line.startswith("/as"):
            self._switch_user(line[3:].strip())
        elif line.startswith("/advance"):
            await self._advance(line[len("/advance") :].strip())
        elif line.startswith("/sre"):
            outcome = await self.router.command(self._asker(), slack_mentions(line[4:]))
            await self._show(outcome)
        elif line.startswith("@coach"):
            outcome = await self.router.mention(self._asker(), line[6:].strip(), "console")
            await self._show(outcome)
        elif line.startswith("/"):
            self._say("Console lines: /sre ..., @coach ..., /as <user>, /advance <N>d|h|m, /quit.")
        else:  # a channel message: counted as activity (when, by whom), its text never kept
            await self.router.activity(TEAM, CHANNEL, self.user, "messages")
        return True

    def _asker(self) -> Asker:
        return Asker(TEAM, CHANNEL, self.user)

    def _switch_user(self, name: str) -> None:
        name = name.lstrip("@")
        if not re.fullmatch(r"[A-Za-z0-9_.-]{1,32}", name):
            self._say("Usage: /as <user>   (letters, digits, . _ - ; up to 32)")
            return
        self.user = name
        self._say(f"now acting as @{name}")

    async def _advance(self, amount: str) -> None:
        match = _ADVANCE.match(amount)
        if match is None:
            self._say("Usage: /advance <N>d|h|m   e.g. /advance 7d")
            return
        target = self.clock.now() + timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
        sent = self.messenger.sent
        self.messenger.stamp = True
        try:
            await self.work.walk(self.clock, target)
        finally:
            self.messenger.stamp = False
        await save_clock(self.db, self.clock)
        count = self.messenger.sent - sent
        self._say(f"clock is now {self.clock.now():%Y-%m-%d %H:%M} UTC; {count} message(s) sent")

    async def _show(self, outcome: Outcome) -> None:
        if outcome.reply is not None:
            post = Post(
                ToChannel(CHANNEL) if outcome.public else Ephemeral(CHANNEL, self.user),
                outcome.reply,
            )
            await self.messenger.send(post)
        for post in outcome.posts:
            await self.messenger.send(post)
        for upload in outcome.uploads:
            await self.messenger.upload(upload.to, upload.filename, upload.content, upload.title)

    def _say(self, text: str) -> None:
        self.out.write(f"[console] {text}\n")
        self.out.flush()


def database_folder(url: str) -> Path:
    """The folder of a SQLite database file (else the working folder)."""
    _, sep, path = url.partition(":///")
    if url.startswith("sqlite") and sep and path and not path.startswith(":memory:"):
        return Path(path).resolve().parent
    return Path.cwd()


async def load_clock(db: Database) -> ManualClock:
    """The simulated clock where the last session left it, or now for a new database."""
    return ManualClock(await db.saved_time(CLOCK_NAME) or SystemClock().now())


async def save_clock(db: Database, clock: ManualClock) -> None:
    """Persist the simulated time next to the data it belongs to."""
    await db.save_time(CLOCK_NAME, clock.now())


async def run_console(database_url: str, stdin: TextIO, out: TextIO, content: Content) -> None:
    """Read lines until `/quit` or end of input."""
    db = Database(database_url)
    try:
        clock = await load_clock(db)
        await save_clock(db, clock)
        console = Console(db, clock, out, content)
        interactive = stdin.isatty()
        if interactive:
            out.write(
                "SRE Coach console. Try /sre help, or /quit. You are @you in #sre-coalition.\n"
            )
        while True:
            if interactive:
                out.write("> ")
                out.flush()
            line = await asyncio.to_thread(stdin.readline)
            if not line or not await console.handle(line):
                break
    finally:
        await db.dispose()
