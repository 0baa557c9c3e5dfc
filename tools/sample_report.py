"""Write the sample sponsor report in docs/ from a demo coalition, with the bot's own code.

Run: .venv/bin/python tools/sample_report.py [--out docs]

In a temporary SQLite database it builds a coalition of five (a lead, two engineers, a product
manager and a sponsor, the last two granted by the lead), imports a small catalog and SLOs as
code through the importer, types one SLO by hand, signs some off, records owners, a workshop,
a pain and management's answer to the pitch, then walks six simulated weeks of the beat (so the
chart has its daily points) and asks for `/sre report`. The Markdown and the PNG it uploads are
written as docs/sample-report.md and docs/sample-report.png. Same input, same report.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.catalog.gather import gather_texts
from bot.clock import ManualClock
from bot.console import ConsoleMessenger
from bot.db.migrate import upgrade
from bot.ports import OneWorkspace
from bot.services.imports import OPERATOR, ImportRun
from bot.services.request import Asker
from bot.wiring import build, load_content

TEAM, CHANNEL = "T0DEMO", "C0DEMO"
START = datetime(2026, 10, 19, 8, 0, tzinfo=UTC)  # a Monday
LEAD, ENG1, ENG2, PM, SPONSOR = "U0LEAD", "U0ENG1", "U0ENG2", "U0PM", "U0SPONSOR"
COMPONENTS = (
    ("checkout", "checkout-team", "tier-1"),
    ("payments", "payments-team", "tier-1"),
    ("search", "discovery", "tier-1"),
    ("accounts", "identity", "tier-1"),
    ("recommendations", "discovery", "tier-2"),
    ("newsletter", "growth", "tier-3"),
)


def _catalog() -> str:
    return "---\n".join(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n"
        f"  name: {name}\n  tags: [{tier}]\nspec:\n  type: service\n"
        f"  owner: group:default/{team}\n  lifecycle: production\n  system: shop\n"
        for name, team, tier in COMPONENTS
    )


SLOS = """apiVersion: openslo/v1
kind: SLO
metadata:
  name: availability
spec:
  service: checkout
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 28d
      isRolling: true
  objectives:
    - target: 0.999
---
version: "prometheus/v1"
service: "payments"
slos:
  - name: "availability"
    objective: 99.95
---
apiVersion: pyrra.dev/v1alpha1
kind: ServiceLevelObjective
metadata:
  name: latency
  labels:
    pyrra.dev/service: search
spec:
  target: "99"
  window: 4w
"""


async def _demo(url: str, out: Path) -> None:
    clock = ManualClock(START)
    bot = build(url, clock, load_content())
    router = bot.router

    async def say(user: str, text: str, may_refuse: bool = False) -> None:
        outcome = await router.command(Asker(TEAM, CHANNEL, user), text)
        if outcome.refused and not may_refuse:
            raise SystemExit(f"/sre {text} was refused")

    await say(LEAD, "join lead")
    for user in (ENG1, ENG2):
        await say(user, "join")
    await say(PM, "join pm")
    await say(SPONSOR, "join sponsor")
    await say(LEAD, f"role <@{PM}> pm")
    await say(LEAD, f"role <@{SPONSOR}> sponsor")
    await say(LEAD, "deadline 2027-01-25 Winter sale")
    await say(LEAD, "import critical tag:tier-1")
    files = [("catalog-info.yaml", _catalog()), ("slos.yaml", SLOS)]
    run = ImportRun(gather_texts(files, "the shop's catalog and SLO repository"), operator=True)
    imported = await router.imported(Asker(TEAM, CHANNEL, OPERATOR), run)
    assert not imported.refused
    await say(ENG1, "pain on-call 14 pages a week for checkout")
    await say(ENG2, "pain reliability payments times out on every release")
    await say(LEAD, "pitch chartered")
    await say(ENG1, "vote central")
    await say(LEAD, "decide central one small team first, embedded later")
    messenger = ConsoleMessenger(io.StringIO(), clock, Path(tempfile.mkdtemp()))
    work = bot.due_work(OneWorkspace(messenger), worker="sample")
    weeks = (
        ((LEAD, "step next"), (LEAD, f"own slo-report <@{ENG1}>")),
        ((PM, "signoff checkout"), (LEAD, "step next")),
        ((LEAD, f"own observability <@{ENG2}>"), (LEAD, "step next")),
        ((ENG2, "slo accounts availability 99.9% 30d"),),
        ((SPONSOR, "signoff payments"),),
        ((ENG1, "workshop {day} retries and timeouts for checkout,payments <@U0ENG1>"),),
    )
    for week in weeks:
        for day in range(7):
            await work.walk(clock, clock.now() + timedelta(days=1))
            for n, user in enumerate((LEAD, ENG1, ENG2, PM, SPONSOR)):
                if day not in (1, 4) or (n + day) % 4 == 0:
                    continue  # twice a week, and not everyone every time
                energy = 3 + (n + day) % 3
                await say(user, f"checkin {energy} {2 + n % 3}h steady", may_refuse=True)
        for user, text in week:
            await say(user, text.format(day=clock.now().date()))
    await work.walk(clock, clock.now() + timedelta(days=2))
    outcome = await router.command(Asker(TEAM, CHANNEL, ENG2), "report")
    await bot.db.dispose()
    md = next(u for u in outcome.uploads if u.filename.endswith(".md"))
    png = next(u for u in outcome.uploads if u.filename.endswith(".png"))
    text = md.content.decode().replace(png.filename, "sample-report.png")
    note = "<!-- Made by tools/sample_report.py from a demo coalition; do not edit by hand. -->\n\n"
    (out / "sample-report.md").write_text(note + text)
    (out / "sample-report.png").write_bytes(png.content)
    print(f"wrote {out / 'sample-report.md'} and {out / 'sample-report.png'}")


def main() -> None:
    """Build the demo and write the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "docs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sample-report-") as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'demo.db'}"
        upgrade(url)
        asyncio.run(_demo(url, args.out))


if __name__ == "__main__":
    main()
