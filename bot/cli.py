"""`sre-coach`: start (console or Slack, by settings), run, console, db upgrade."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from bot.migrate import upgrade
from bot.settings import Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sre-coach", description="SRE Coalition Coach")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("start", help="Slack when tokens are set, else the console")
    sub.add_parser("run", help="connect to Slack (Socket Mode or HTTP)")
    sub.add_parser("console", help="the bot in this terminal, no Slack needed")
    db = sub.add_parser("db", help="database tasks")
    db.add_argument("action", choices=["upgrade"])
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `sre-coach` script."""
    args = _parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in error.errors()
        )
        print(f"sre-coach: bad settings: {problems}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("alembic").setLevel(max(logging.WARNING, logging.root.level))
    command = args.command
    if command == "start":
        command = "run" if settings.has_slack_tokens else "console"
        if command == "console":
            print(
                "No Slack tokens in the environment or .env: starting the console.", file=sys.stderr
            )
    if command == "db":
        upgrade(settings.database_url)
        print("database is up to date", file=sys.stderr)
        return 0
    if command == "console":
        upgrade(settings.database_url)
        from bot.console import run_console

        asyncio.run(run_console(settings.database_url, sys.stdin, sys.stdout))
        return 0
    missing = settings.missing_for_slack()
    if missing:
        print(
            f"sre-coach run: missing settings: {', '.join(missing)} (see .env.example)",
            file=sys.stderr,
        )
        return 2
    upgrade(settings.database_url)
    from bot.runtime import serve

    return asyncio.run(serve(settings))
