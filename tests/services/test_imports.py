"""The importer on both backends: applied in bulk, idempotent, nothing deleted, typed values
kept, a changed target resets the sign-off, a malformed file imports nothing, drift shown."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from bot.catalog.gather import gather_path, gather_texts
from bot.clock import ManualClock
from bot.db.rollout_models import ServiceRow, SloRow
from bot.db.uow import Database
from bot.router import Router
from bot.services.imports import OPERATOR, ImportRun
from bot.services.request import Asker
from tests.builders import CHANNEL, TEAM, asker, make_router, reply_text, snapshot, three_members
from tests.services.test_status_reads import statements

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "catalog"
CLI = Asker(TEAM, CHANNEL, OPERATOR)


def _run(path: Path, dry_run: bool = False) -> ImportRun:
    return ImportRun(gather_path(path), dry_run=dry_run, operator=True)


def _shop(tmp: Path, slo: str = "valid.yaml") -> Path:
    """The fixture catalog and the OpenSLO file in one folder, as an SLO repository has them."""
    root = tmp / "shop"
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(FIXTURES / "backstage", root)
    shutil.copy(FIXTURES / "slo" / "openslo" / slo, root / "slos.yaml")
    return root


async def _coalition(db: Database, clock: ManualClock) -> Router:
    router = await three_members(make_router(db, clock), clock)
    await router.command(asker("U1"), "import critical tag:tier-1")
    return router


async def _services(db: Database) -> dict[str, ServiceRow]:
    async with db.sessions() as session:
        return {s.name: s for s in await session.scalars(select(ServiceRow))}


async def _slos(db: Database) -> dict[str, SloRow]:
    async with db.sessions() as session:
        return {s.sli: s for s in await session.scalars(select(SloRow))}


async def test_importing_the_same_input_twice_changes_nothing_the_second_time(
    db: Database, clock: ManualClock, tmp_path: Path
) -> None:
    router = await _coalition(db, clock)
    first = await router.imported(CLI, _run(_shop(tmp_path)))
    assert not first.refused, reply_text(first)
    assert "Services: 5 new" in reply_text(first) and "SLOs: 4 new" in reply_text(first)
    services = await _services(db)
    assert services["checkout"].critical and services["checkout"].source == "catalog"
    assert services["checkout"].owner_team == "checkout-team"
    assert services["checkout"].system == "shop" and services["checkout"].lifecycle
    assert services["checkout"].origin == "component:default/checkout"
    assert (await _slos(db))["checkout-availability"].source == "code"
    before = await snapshot(db)
    clock.advance(timedelta(hours=1))
    again = await router.imported(CLI, _run(_shop(tmp_path)))
    assert "Everything already matches" in reply_text(again)
    assert await snapshot(db) == before


async def test_a_plan_is_applied_in_batched_statements(
    db: Database, clock: ManualClock, tmp_path: Path
) -> None:
    router = await _coalition(db, clock)
    texts = []
    for n in range(300):
        texts.append(
            (
                f"c{n}.yaml",
                "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n"
                f"  name: svc-{n}\nspec:\n  owner: team-{n % 7}\n  lifecycle: production\n"
                "---\n"
                f'version: "prometheus/v1"\nservice: "svc-{n}"\nslos:\n'
                '  - name: "availability"\n    objective: 99.9\n',
            )
        )
    run = ImportRun(gather_texts(texts, "300 files"), operator=True)
    with statements(db) as seen:
        outcome = await router.imported(CLI, run)
    assert "Services: 300 new" in reply_text(outcome), reply_text(outcome)
    assert len(seen) <= 12, seen  # per-row round trips would be 600 and more
    with statements(db) as seen:
        await router.imported(CLI, run)
    writes = [s for s in seen if s.lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []


async def test_a_dry_run_shows_the_plan_and_writes_nothing(
    db: Database, clock: ManualClock, tmp_path: Path
) -> None:
    router = await _coalition(db, clock)
    before = await snapshot(db)
    outcome = await router.imported(CLI, _run(_shop(tmp_path), dry_run=True))
    assert "Import, dry run" in reply_text(outcome)
    assert "Would change" in reply_text(outcome) and "Services: 5 new" in reply_text(outcome)
    assert await snapshot(db) == before


async def test_a_malformed_file_imports_nothing_and_says_where(
    db: Database, clock: ManualClock, tmp_path: Path
) -> None:
    router = await _coalition(db, clock)
    root = _shop(tmp_path)
    shutil.copy(FIXTURES / "slo" / "sloth" / "malformed.yaml", root / "broken.yaml")
    before = await snapshot(db)
    outcome = await router.imported(CLI, _run(root))
    assert outcome.refused
    text = reply_text(outcome)
    assert "Nothing was imported" in text
    assert "broken.yaml:document" in text
    assert await snapshot(db) == before


async def test_gone_from_the_catalog_is_marked_never_deleted_and_comes_back(
    db: Database, clock: ManualClock, tmp_path: Path
) -> None:
    router = await _coalition(db, clock)
    root = _shop(tmp_path)
    await router.imported(CLI, _run(root))
    (root / "components" / "search.yaml").write_text("# emptied\n")
    outcome = await router.imported(CLI, _run(root))
    assert "marked gone (kept)" in reply_text(outcome), reply_text(outcome)
    services = await _services(db)
    assert "search" in services and services["search"].vanished_at is not None
    listing = reply_text(await router.command(asker("U3"), "services"))
    assert "Gone from the catalog" in listing
    shutil.copy(FIXTURES / "backstage" / "components" / "search.yaml", root / "components")
    back = await router.imported(CLI, _run(root))
    assert "back again" in reply_text(back)
    assert (await _services(db))["search"].vanished_at is None


async def test_a_changed_target_in_code_resets_the_sign_off(
    db: Database, clock: ManualClock, tmp_path: Path
) -> None:
    router = await _coalition(db, clock)
    await router.imported(CLI, _run(_shop(tmp_path)))
    signed = await router.command(asker("U2"), "signoff checkout")
    assert not signed.refused, reply_text(signed)
    assert (await _slos(db))["checkout-availability"].signed_off_by == "U2"
    clock.advance(timedelta(days=1))
    outcome = await router.imported(CLI, _run(_shop(tmp_path, "changed.yaml")))
    assert "1 sign-off(s) start over" in reply_text(outcome)
    slo = (await _slos(db))["checkout-availability"]
    assert slo.target == 99.95 and slo.signed_off_by is None and slo.signed_off_at is None


async def test_typed_by_hand_is_kept_and_said_and_drift_is_shown(
    db: Database, clock: ManualClock, tmp_path: Path
) -> None:
    router = await _coalition(db, clock)
    await router.command(asker("U1"), "service checkout critical team our-own")
    await router.command(asker("U1"), "slo checkout checkout-availability 99.5% 28d")
    await router.command(asker("U1"), "service ledger critical")
    await router.command(asker("U1"), "slo ledger by-hand 99% 30d")
    outcome = await router.imported(CLI, _run(_shop(tmp_path)))
    text = reply_text(outcome)
    assert "Typed by hand, kept" in text and "our-own" in text
    services = await _services(db)
    assert services["checkout"].owner_team == "our-own"
    assert (await _slos(db))["checkout-availability"].target == 99.5
    listing = reply_text(await router.command(asker("U3"), "services"))
    line = next(x for x in listing.splitlines() if x.strip().startswith("- checkout"))
    assert "SLO differs from code (drift)" in line
    ledger = next(x for x in listing.splitlines() if x.strip().startswith("- ledger"))
    assert "SLO differs from code" in ledger  # one SLO in code, one only in the bot
    search = next(x for x in listing.splitlines() if x.strip().startswith("- search "))
    assert "SLO in code" not in search  # not critical: no drift shown
    before = await snapshot(db)
    await router.imported(CLI, _run(_shop(tmp_path)))
    assert await snapshot(db) == before


async def test_only_members_import_and_only_leads_set_the_selector(
    db: Database, clock: ManualClock
) -> None:
    router = await _coalition(db, clock)
    stranger = await router.imported(asker("U9"), ImportRun(gather_texts([], "none")))
    assert stranger.refused and "Join the coalition" in reply_text(stranger)
    refused = await router.command(asker("U3"), "import critical tag:tier-1")
    assert refused.refused
    bad = await router.command(asker("U1"), "import critical shoe:size")
    assert bad.refused and "tag:NAME" in reply_text(bad)
