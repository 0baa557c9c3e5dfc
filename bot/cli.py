"""`sre-coach`: start (console or Slack, by settings), run, console, db upgrade, content check,
import (catalog and SLO files), tokens (OAuth mode's key chores)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from bot import logs
from bot.content import Content
from bot.db.engine import DatabaseUnreachable, wait_for_database
from bot.db.migrate import upgrade
from bot.settings import Settings

TOKEN_ACTIONS = ("new-key", "check", "reencrypt")
DATABASE_WAIT = 30.0
"""Seconds `run`, `console` and `db upgrade` retry an unreachable database (with back-off)
before exiting 1: long enough for a database container started alongside the bot."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sre-coach", description="SRE Coalition Coach")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("start", help="Slack when tokens are set, else the console")
    sub.add_parser("run", help="connect to Slack (Socket Mode or HTTP)")
    sub.add_parser("console", help="the bot in this terminal, no Slack needed")
    db = sub.add_parser("db", help="database tasks")
    db.add_argument("action", choices=["upgrade"])
    content = sub.add_parser("content", help="coaching library tasks")
    content.add_argument("action", choices=["check"])
    imports = sub.add_parser(
        "import",
        help="import catalog and SLO files (Backstage, OpenSLO, Sloth, Pyrra) into a coalition",
    )
    imports.add_argument("path", nargs="?", type=Path, help="a folder or a YAML file")
    imports.add_argument("--channel", required=True, help="the coalition's Slack channel id")
    imports.add_argument("--team", help="the workspace's team id, when the channel is in several")
    imports.add_argument("--dry-run", action="store_true", help="show the changes, make none")
    imports.add_argument(
        "--backstage", action="store_true", help="components from BACKSTAGE_BASE_URL's API"
    )
    tokens = sub.add_parser("tokens", help="OAuth mode: token encryption keys")
    tokens.add_argument("action", choices=TOKEN_ACTIONS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `sre-coach` script."""
    args = _parser().parse_args(argv)
    if args.command == "tokens":  # before the settings: `new-key` makes what they lack
        from bot.tokens import main as tokens

        return tokens([args.action], prog="sre-coach tokens")
    try:
        settings = Settings()
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in error.errors()
        )
        print(f"sre-coach: bad settings: {problems}", file=sys.stderr)
        return 2
    logs.configure(settings.log_level, settings.log_format)
    command = args.command
    if command == "start":
        command = "run" if settings.has_slack_tokens else "console"
        if command == "console":
            print(
                "No Slack tokens in the environment or .env: starting the console.", file=sys.stderr
            )
    if command == "content":
        return check_content()
    if command == "import":
        if args.path is None and not args.backstage:
            print("sre-coach import: give a path, --backstage, or both", file=sys.stderr)
            return 2
        if not migrated(settings.database_url):
            return 1
        content = load_content_or_say()
        if content is None:
            return 1
        return asyncio.run(import_files(settings, content, args))
    content = load_content_or_say() if command in ("run", "console") else None
    if command in ("run", "console") and content is None:
        return 1
    if command == "db":
        if not migrated(settings.database_url):
            return 1
        print("database is up to date", file=sys.stderr)
        return 0
    if command == "console":
        if not migrated(settings.database_url):
            return 1
        from bot.console import run_console

        assert content is not None
        asyncio.run(run_console(settings.database_url, sys.stdin, sys.stdout, content))
        return 0
    missing = settings.missing_for_slack()
    if missing:
        print(
            f"sre-coach run: missing settings: {', '.join(missing)} (see .env.example)",
            file=sys.stderr,
        )
        return 2
    if settings.oauth_mode and settings.socket_mode:
        print(
            "sre-coach run: OAuth mode serves its install pages over HTTP: "
            "unset SLACK_APP_TOKEN (Socket Mode is for one workspace)",
            file=sys.stderr,
        )
        return 2
    if not migrated(settings.database_url):
        return 1
    from bot.slack.runtime import serve

    assert content is not None
    return asyncio.run(serve(settings, content))


def migrated(database_url: str) -> bool:
    """Wait for the database, then migrate it; False, after one line on stderr, when it never
    answered."""
    try:
        asyncio.run(wait_for_database(database_url, DATABASE_WAIT))
    except DatabaseUnreachable as error:
        print(f"sre-coach: {error}", file=sys.stderr)
        return False
    upgrade(database_url)
    return True


def check_content() -> int:
    """`sre-coach content check`: every problem in the library, with its file, and the encoder."""
    from bot.guide.encoder import MODEL_DIRECTORY, check_encoder
    from bot.guide.library import Library, check_library
    from bot.guide.precedents import check_precedents, shipped_path

    directory = Library.default_directory()
    problems = check_library(directory)
    for problem in problems:
        print(f"{directory / problem.path.name}: {problem.message}")
    model = [p for p in (check_encoder(), check_precedents()) if p]
    for problem_line in model:
        print(problem_line)
    if problems or model:
        count = len(problems) + len(model)
        print(f"{count} problem(s) in {directory} and {MODEL_DIRECTORY}", file=sys.stderr)
        return 1
    count = len(list(directory.glob("*.md")))
    print(f"content ok: {count} entries in {directory}")
    print(f"encoder ok: {MODEL_DIRECTORY}")
    print(f"precedents ok: {shipped_path().name}")
    return 0


def load_content_or_say() -> Content | None:
    """Load the programme, the coaching library and its encoder once, at start-up; say what is
    broken (None) if any is."""
    from bot.guide.encoder import EncoderError
    from bot.guide.library import LibraryError
    from bot.guide.precedents import PrecedentsError
    from bot.wiring import load_content

    try:
        return load_content()
    except LibraryError as error:
        print(f"sre-coach: {error}\nRun `sre-coach content check` after fixing.", file=sys.stderr)
    except (EncoderError, PrecedentsError) as error:
        print(f"sre-coach: {error}", file=sys.stderr)
    return None


async def import_files(settings: Settings, content: Content, args: argparse.Namespace) -> int:
    """`sre-coach import`: gather the files (and Backstage), then the bot's one importer, in
    the channel's coalition. 0 when imported (or dry run shown), 1 when a problem kept
    everything out, 2 when there is no such coalition."""
    from bot.catalog.backstage import BackstageClient, BackstageError
    from bot.catalog.gather import gather_backstage, gather_path
    from bot.clock import SystemClock
    from bot.render.text import render
    from bot.services.imports import OPERATOR, ImportRun
    from bot.services.request import Asker
    from bot.wiring import build

    bot = build(settings.database_url, SystemClock(), content)
    try:
        async with bot.db.batch() as uow:
            found = await uow.every.on_channel(args.channel)
        if args.team:
            found = [c for c in found if c.team_id == args.team]
        if len(found) != 1:
            why = "no coalition" if not found else "coalitions in several workspaces (use --team)"
            print(f"sre-coach import: {why} on channel {args.channel}", file=sys.stderr)
            return 2
        if args.backstage:
            try:
                client = BackstageClient.from_settings(settings)
            except BackstageError as error:
                print(f"sre-coach import: {error}", file=sys.stderr)
                return 2
            gathered = await gather_backstage(client, args.path)
        else:
            gathered = gather_path(args.path)
        asker = Asker(found[0].team_id, found[0].channel_id, OPERATOR)
        run = ImportRun(gathered, dry_run=args.dry_run, strict=True, operator=True)
        outcome = await bot.router.imported(asker, run)
    finally:
        await bot.db.dispose()
    if outcome.reply is not None:
        print(render(outcome.reply), file=sys.stderr if outcome.refused else sys.stdout)
    return 1 if outcome.refused else 0
