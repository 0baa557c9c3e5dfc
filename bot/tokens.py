"""Token key chores for OAuth mode: `sre-coach tokens new-key | check | reencrypt` (also
`python -m bot.tokens ...`).

Rotating SLACK_TOKEN_KEYS: `new-key`, put it first in SLACK_TOKEN_KEYS (old keys after it),
restart, run `reencrypt`, then drop the old keys once `check` passes without them.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from bot.db.uow import Database
from bot.settings import Settings
from bot.slack.installations import check_keys, reencrypt
from bot.slack.token_cipher import TokenKeyError, new_key


async def _check(settings: Settings) -> str | None:
    db = Database(settings.database_url)
    try:
        return await check_keys(db, settings.token_keys)
    finally:
        await db.dispose()


async def _reencrypt(settings: Settings) -> int:
    db = Database(settings.database_url)
    try:
        return await reencrypt(db, settings.token_keys)
    finally:
        await db.dispose()


def main(argv: Sequence[str] | None = None, prog: str = "python -m bot.tokens") -> int:
    """Entry point: make a key, check the keys against the stored tokens, or re-encrypt."""
    parser = argparse.ArgumentParser(prog=prog)
    parser.add_argument("action", choices=["new-key", "check", "reencrypt"])
    action = parser.parse_args(argv).action
    if action == "new-key":
        print(new_key())
        return 0
    try:
        settings = Settings()
    except ValidationError as error:
        print(f"tokens: bad settings: {error.errors()[0]['msg']}", file=sys.stderr)
        return 2
    if action == "check":
        problem = asyncio.run(_check(settings))
        if problem is not None:
            print(f"tokens: {problem}", file=sys.stderr)
            return 1
        print("tokens: SLACK_TOKEN_KEYS opens every stored token")
        return 0
    try:
        count = asyncio.run(_reencrypt(settings))
    except TokenKeyError as error:
        print(f"tokens: {error}; nothing was changed", file=sys.stderr)
        return 1
    print(f"tokens: {count} stored tokens encrypted again with the newest key")
    return 0


if __name__ == "__main__":
    sys.exit(main())
