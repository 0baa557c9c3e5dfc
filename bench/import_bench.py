"""How long reading a catalog and SLOs as code, and planning the import, take at 1,000 of each.

Run: .venv/bin/python bench/import_bench.py [--components 1000] [--slos 1000] [--rounds 5]

In a temporary folder it writes a Backstage catalog (a root catalog-info.yaml whose Location
names 10 files of components, multi-document) and SLO files in all four formats (OpenSLO,
Sloth, the Sloth CRD and Pyrra, a quarter each), then times, per round:

  (a) reading the catalog folder, (b) reading the SLO folder, (c) planning from an empty
  coalition, (d) applying that plan and planning again (which must change nothing),
  (e) planning after a tenth of the targets changed in code (each resets a sign-off), and
  (f) reading the same components from a local fake Backstage, 200 per page.

Then, per database backend (`--backend sqlite|postgresql|both`, PostgreSQL at
BENCH_POSTGRES, default postgres@127.0.0.1:5432, a fresh database each round), through the
bot's importer as `sre-coach import` runs it (router -> use case -> batched statements):

  (g) read both folders, plan and apply into an empty coalition,
  (h) the same import again (plans nothing, writes nothing),
  (i) a tenth of the targets changed in code: read, plan, apply (sign-offs reset).

It prints the median and the slowest round of each, and the total of (a) to (e).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.fakebackstage

import asyncpg

from bot.catalog.backstage import BackstageClient, read_catalog_folder
from bot.catalog.gather import gather_path
from bot.catalog.slo_files import read_slo_folder
from bot.clock import ManualClock
from bot.content import Content
from bot.db.migrate import upgrade
from bot.domain.catalog import Gathered, Reading
from bot.domain.critical import parse_selector
from bot.domain.import_plan import apply_plan, plan_import
from bot.router import Router
from bot.services.imports import OPERATOR, ImportRun
from bot.services.request import Asker
from bot.wiring import build, load_content
from tests.fakebackstage import FakeBackstage, component

T = TypeVar("T")
PG_SERVER = os.environ.get("BENCH_POSTGRES", "postgres@127.0.0.1:5432")
_START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SELECTOR = parse_selector("tag:tier-1,annotation:company.com/tier=1")
PARTS = 10


def _component_doc(n: int) -> str:
    tags = "[tier-1, java]" if n % 5 == 0 else "[java]"
    return (
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n"
        f"  name: svc-{n:04d}\n  description: Service number {n}.\n  tags: {tags}\n"
        f'  annotations:\n    company.com/tier: "{1 + n % 3}"\n'
        f"    backstage.io/techdocs-ref: dir:.\nspec:\n  type: service\n"
        f"  owner: group:default/team-{n % 40}\n  lifecycle: production\n"
        f"  system: system:default/sys-{n % 12}\n"
    )


def _slo_doc(kind: int, n: int, target: float) -> str:
    service = f"svc-{n:04d}"
    if kind == 0:
        return (
            "apiVersion: openslo/v1\nkind: SLO\nmetadata:\n  name: availability\nspec:\n"
            f"  service: {service}\n  indicatorRef: {service}-ratio\n"
            "  budgetingMethod: Occurrences\n  timeWindow:\n    - duration: 28d\n"
            f"      isRolling: true\n  objectives:\n    - target: {target / 100:.5f}\n"
        )
    if kind == 1:
        return (
            f'version: "prometheus/v1"\nservice: "{service}"\nslos:\n'
            f'  - name: "availability"\n    objective: {target}\n    sli:\n      events:\n'
            f'        error_query: sum(rate(http_requests_total{{code=~"5.."}}[{{{{.window}}}}]))\n'
            f"        total_query: sum(rate(http_requests_total[{{{{.window}}}}]))\n"
        )
    if kind == 2:
        return (
            "apiVersion: sloth.slok.dev/v1\nkind: PrometheusServiceLevel\nmetadata:\n"
            f"  name: {service}\nspec:\n  service: {service}\n  slos:\n"
            f"    - name: availability\n      objective: {target}\n"
        )
    return (
        "apiVersion: pyrra.dev/v1alpha1\nkind: ServiceLevelObjective\nmetadata:\n"
        f"  name: availability\n  labels:\n    pyrra.dev/service: {service}\nspec:\n"
        f'  target: "{target}"\n  window: 4w\n  indicator:\n    ratio:\n      errors:\n'
        f'        metric: http_requests_total{{code=~"5.."}}\n      total:\n'
        "        metric: http_requests_total\n"
    )


def _write(root: Path, components: int, slos: int, changed: bool = False) -> tuple[Path, Path]:
    catalog, code = root / "catalog", root / "slos"
    (catalog / "parts").mkdir(parents=True, exist_ok=True)
    code.mkdir(exist_ok=True)
    per_part = -(-components // PARTS)
    targets = "".join(f"    - ./parts/part-{p}.yaml\n" for p in range(PARTS))
    (catalog / "catalog-info.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: all\n"
        f"spec:\n  targets:\n{targets}"
    )
    for p in range(PARTS):
        numbers = range(p * per_part, min(components, (p + 1) * per_part))
        (catalog / "parts" / f"part-{p}.yaml").write_text(
            "---\n".join(_component_doc(n) for n in numbers)
        )
    by_file: dict[tuple[int, int], list[str]] = {}
    for n in range(slos):
        target = 99.95 if changed and n % 10 == 0 else 99.9
        by_file.setdefault((n % 4, n // 200), []).append(_slo_doc(n % 4, n, target))
    for (kind, chunk), docs in by_file.items():
        (code / f"format-{kind}-{chunk}.yaml").write_text("---\n".join(docs))
    return catalog, code


def _timed(timings: dict[str, list[float]], name: str, work: Callable[[], T]) -> T:
    start = time.perf_counter()
    result = work()
    timings.setdefault(name, []).append((time.perf_counter() - start) * 1000)
    return result


async def _rest_read(components: int) -> tuple[float, int]:
    entities = [component(f"svc-{n:04d}", tags=["tier-1"]) for n in range(components)]
    async with FakeBackstage(entities, token="bench") as fake:
        client = BackstageClient(fake.base_url, SecretStr("bench"), page_size=200)
        start = time.perf_counter()
        read = await client.components()
        elapsed = (time.perf_counter() - start) * 1000
    assert read.whole and len(read.components) == components
    return elapsed, read.pages


def _round(root: Path, components: int, slos: int, timings: dict[str, list[float]]) -> None:
    catalog, code = _write(root, components, slos)
    read = _timed(timings, "(a) read catalog folder", lambda: read_catalog_folder(catalog))
    slo_read = _timed(timings, "(b) read SLO folder", lambda: read_slo_folder(code))
    assert read.whole and slo_read.whole, (read.problems[:3], slo_read.problems[:3])
    assert len(read.components) == components and len(slo_read.slos) == slos
    reading = Reading(read.components, slo_read.slos)
    plan = _timed(timings, "(c) plan from empty", lambda: plan_import([], reading, SELECTOR))
    assert len(plan.services) == components and len(plan.slos) == slos

    def again() -> bool:
        state = apply_plan([], plan)
        return plan_import(state, reading, SELECTOR).changes_nothing

    assert _timed(timings, "(d) apply + plan again", again)
    state = tuple(
        replace(s, slos=tuple(replace(k, signed=True) for k in s.slos))
        for s in apply_plan([], plan)
    )
    _write(root, components, slos, changed=True)
    changed = read_slo_folder(code)
    moved = Reading(read.components, changed.slos)
    replan = _timed(timings, "(e) plan 10% changed", lambda: plan_import(state, moved, SELECTOR))
    assert sum(c.resets_signoff for c in replan.slos) == -(-slos // 10)


async def _pg_admin(sql: str) -> None:
    conn = await asyncpg.connect(f"postgresql://{PG_SERVER}/postgres")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _fresh(backend: str, folder: Path, n: int) -> str:
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{folder / f'bench-{n}.db'}"
    else:
        name = f"coach_import_bench_{os.getpid()}"
        asyncio.run(_pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        asyncio.run(_pg_admin(f"CREATE DATABASE {name}"))
        url = f"postgresql+asyncpg://{PG_SERVER}/{name}"
    upgrade(url)
    return url


def _gathered(catalog: Path, code: Path) -> Gathered:
    components, slos = gather_path(catalog), gather_path(code, catalog=False)
    assert components.clean and slos.clean, (components.problems[:3], slos.problems[:3])
    reading = Reading(components.reading.components, slos.reading.slos)
    return Gathered(reading, (), components.files + slos.files, "bench")


async def _db_round(
    url: str, content: Content, root: Path, components: int, slos: int
) -> dict[str, float]:
    catalog, code = _write(root, components, slos)
    bot = build(url, ManualClock(_START), content)
    router: Router = bot.router
    await router.command(Asker("T0BENCH", "C0BENCH", "U0LEAD"), "join lead")
    await router.command(Asker("T0BENCH", "C0BENCH", "U0LEAD"), "import critical tag:tier-1")
    cli = Asker("T0BENCH", "C0BENCH", OPERATOR)
    times: dict[str, float] = {}

    async def timed(name: str, expect: str) -> None:
        start = time.perf_counter()
        outcome = await router.imported(cli, ImportRun(_gathered(catalog, code), operator=True))
        times[name] = (time.perf_counter() - start) * 1000
        assert not outcome.refused and outcome.reply is not None
        assert expect in outcome.reply.fallback, outcome.reply.fallback

    await timed("(g) read+plan+apply, empty", f"services {components} new")
    await timed("(h) the same again", "services no change; SLOs no change")
    _write(root, components, slos, changed=True)
    await timed("(i) 10% targets changed", f"SLOs {-(-slos // 10)} changed")
    await bot.db.dispose()
    return times


def _db_rounds(backend: str, args: argparse.Namespace, content: Content) -> None:
    timings: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="import-bench-db-") as folder:
        for n in range(args.rounds):
            url = _fresh(backend, Path(folder), n)
            root = Path(folder) / f"input-{n}"
            times = asyncio.run(_db_round(url, content, root, args.components, args.slos))
            for name, value in times.items():
                timings.setdefault(name, []).append(value)
        if backend == "postgresql":
            name = f"coach_import_bench_{os.getpid()}"
            asyncio.run(_pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    print(f"-- into the database: {backend}")
    for name, values in timings.items():
        print(f"{name:<34} {statistics.median(values):>10.1f} {max(values):>10.1f}")


def main() -> None:
    """Write the inputs, run the rounds, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--components", type=int, default=1000)
    parser.add_argument("--slos", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--backend", choices=("sqlite", "postgresql", "both", "none"), default="both"
    )
    args = parser.parse_args()
    timings: dict[str, list[float]] = {}
    pages = 0
    with tempfile.TemporaryDirectory(prefix="import-bench-") as folder:
        for _ in range(args.rounds):
            _round(Path(folder), args.components, args.slos, timings)
            elapsed, pages = asyncio.run(_rest_read(args.components))
            timings.setdefault("(f) REST read, fake Backstage", []).append(elapsed)
    print(f"{args.components} components, {args.slos} SLOs, {args.rounds} rounds ({pages} pages)")
    print(f"{'phase':<34} {'median ms':>10} {'max ms':>10}")
    for name, values in timings.items():
        print(f"{name:<34} {statistics.median(values):>10.1f} {max(values):>10.1f}")
    offline = [sum(v[r] for k, v in timings.items() if not k.startswith("(f)"))
               for r in range(args.rounds)]  # fmt: skip
    print(f"{'(a)-(e) total':<34} {statistics.median(offline):>10.1f} {max(offline):>10.1f}")
    backends = {"both": ("sqlite", "postgresql"), "none": ()}.get(args.backend, (args.backend,))
    content = load_content() if backends else None
    for backend in backends:
        assert content is not None
        _db_rounds(backend, args, content)


if __name__ == "__main__":
    main()
