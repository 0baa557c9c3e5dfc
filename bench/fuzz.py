"""Fuzz the router on both databases: random commands, buttons, forms and mentions.

Run: .venv/bin/python bench/fuzz.py [--cases 10000] [--backend sqlite|postgresql|both] [--seed N]

Each case goes through the real router (the same path Slack and the console use) against a
seeded database. Two figures must be 0: exceptions (a traceback instead of an answer) and
unintended writes (a refused request whose transaction still committed a change). The case
generator is `tests/fuzzing.py`, which the suite also runs with a few examples.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.db.migrate import upgrade
from tests.fuzzing import fuzz, report

PG_SERVER = os.environ.get("BENCH_POSTGRES", "postgres@127.0.0.1:5432")


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(f"postgresql://{PG_SERVER}/test")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _run(name: str, url: str, cases: int, seed: int) -> bool:
    upgrade(url)
    started = time.perf_counter()
    verdicts = fuzz(url, cases, seed=seed)
    took = time.perf_counter() - started
    print(f"{name}: " + "\n".join(report(verdicts, shown=20)))
    print(f"{name}: {took:.0f} s, {verdicts.cases / took:.0f} cases/s")
    return not verdicts.exceptions and not verdicts.unintended_writes


def main() -> int:
    """Fuzz each chosen backend; exit 1 when anything raised or a refusal wrote."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    print(f"seed {seed}, {args.cases} cases per backend")
    ok = True
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            ok &= _run("sqlite", f"sqlite+aiosqlite:///{folder}/fuzz.db", args.cases, seed)
    if args.backend in ("postgresql", "both"):
        name = f"coach_fuzz_{os.getpid()}"
        asyncio.run(_admin(f"CREATE DATABASE {name}"))
        try:
            ok &= _run("postgresql", f"postgresql+asyncpg://{PG_SERVER}/{name}", args.cases, seed)
        finally:
            asyncio.run(_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
