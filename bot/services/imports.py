"""The importer: services from the catalog and SLOs from code, planned and applied (or shown).

One use case for every way in: `sre-coach import` (the CLI), `/sre import` after files were
shared in the channel (Slack downloads them, then hands them here), and the daily import from
Backstage (the scheduler). The input is gathered by the adapter (`bot.catalog.gather`); here
it is planned against what the coalition holds (bot/domain/import_plan.py) and applied in
batched statements (bot/db/catalog_repo.py). Rules:
- strict (the CLI and Slack): a problem anywhere imports nothing and says where;
- not strict (the schedule): what was read whole is applied, and nothing is marked gone;
- a dry run shows the plan and writes nothing; the same input twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.catalog.documents import MAX_FILE_BYTES
from bot.content import Content
from bot.db.models import Coalition
from bot.db.uow import UnitOfWork
from bot.domain.catalog import Gathered
from bot.domain.critical import CriticalSelector, parse_selector
from bot.domain.errors import UsageError
from bot.domain.import_plan import plan_import
from bot.outcome import FetchFiles, Outcome
from bot.services.loading import Loaded, load
from bot.services.request import Asker, Request
from bot.views import imports as views

OPERATOR = "sre-coach"  # who the CLI and the schedule act as (no Slack id looks like it)
MAX_SHARED = 20  # files one `/sre import` reads
SHARED_WITHIN = timedelta(days=1)  # files shared longer ago are not picked up


@dataclass(frozen=True)
class ImportRun:
    """One import: its input, whether it only shows the plan, how strict it is, and whether
    an operator (CLI, schedule) runs it rather than a member in Slack."""

    gathered: Gathered
    dry_run: bool = False
    strict: bool = True
    operator: bool = False
    file_ids: tuple[str, ...] = ()  # shared files read, forgotten once imported


@dataclass(frozen=True)
class FromShared:
    """`/sre import [dry-run]`: import the files the asker shared in the channel."""

    dry_run: bool = False


@dataclass(frozen=True)
class Selector:
    """`/sre import critical <selector>|none`."""

    selector: CriticalSelector | None


@dataclass(frozen=True)
class Schedule:
    """`/sre import schedule on|off`."""

    on: bool


ImportWords = FromShared | Selector | Schedule


def parse_words(said: list[str]) -> ImportWords:
    """The words after `/sre import`."""
    lowered = [w.lower() for w in said]
    if not said or lowered == ["dry-run"]:
        return FromShared(bool(said))
    if lowered[0] == "critical" and len(said) >= 2:
        text = " ".join(said[1:])
        return Selector(None if text.lower() == "none" else parse_selector(text))
    if lowered[0] == "schedule" and len(said) == 2 and lowered[1] in ("on", "off"):
        return Schedule(lowered[1] == "on")
    raise UsageError(
        "Usage: `/sre import [dry-run]`, `/sre import critical <selector>|none` or "
        "`/sre import schedule on|off`."
    )


def selector_of(loaded: Loaded) -> CriticalSelector | None:
    """The coalition's critical selector (a stored one that no longer parses counts as none)."""
    text = loaded.coalition.critical_selector
    if not text:
        return None
    try:
        return parse_selector(text)
    except UsageError:
        return None


async def run_import(req: Request, run: ImportRun) -> Outcome:
    """Plan the gathered input against the coalition; apply it unless it is a dry run or a
    strict import met a problem."""
    loaded = await load(req)
    if not run.operator:
        loaded.member(req.asker.user_id)
    held = await req.uow.catalog.holdings(loaded.coalition)
    reading = run.gathered.reading
    plan = plan_import(held.services, reading, selector_of(loaded))
    blocked = run.strict and not run.gathered.clean
    applied = False
    if not run.dry_run and not blocked:
        wrote = await req.uow.catalog.apply(
            loaded.coalition,
            held,
            plan,
            reading.slos,
            reading.slos_whole,
            req.asker.user_id,
            req.now,
        )
        applied = True
        if wrote.rows:
            detail = (
                f"{run.gathered.where[:80]}: services +{wrote.services_added} "
                f"~{wrote.services_updated}, SLOs +{wrote.slos_added} ~{wrote.slos_updated}"
            )
            req.uow.rollout.record(loaded.coalition, req.asker.user_id, "import", detail, req.now)
    if run.file_ids and not run.dry_run:  # read once: fixed files are shared again
        await req.uow.catalog.forget_files(loaded.coalition, run.file_ids)
    if run.operator and not run.strict and run.gathered.problems:  # the schedule: say it here
        first = run.gathered.problems[0][:160]
        detail = f"{len(run.gathered.problems)} problem(s) reading the catalog; first: {first}"
        req.uow.rollout.record(loaded.coalition, req.asker.user_id, "import", detail, req.now)
    doc = views.summary(run.gathered, plan, applied, run.dry_run)
    return Outcome(reply=doc, refused=blocked)


async def import_command(req: Request, words: ImportWords) -> Outcome:
    """`/sre import ...`: shared files, the critical selector, or the daily schedule."""
    loaded = await load(req)
    match words:
        case Selector(selector):
            loaded.lead(req.asker.user_id, "set which services are critical")
            loaded.coalition.critical_selector = None if selector is None else str(selector)
            return Outcome(reply=views.selector_saved(loaded.coalition.critical_selector))
        case Schedule(on):
            loaded.lead(req.asker.user_id, "schedule the catalog import")
            loaded.coalition.import_daily = on
            return Outcome(reply=views.schedule_saved(on))
        case FromShared(dry_run):
            loaded.member(req.asker.user_id)
            since = req.now - SHARED_WITHIN
            await req.uow.catalog.forget_files_before(loaded.coalition, since)
            ids = await req.uow.catalog.pending_files(
                loaded.coalition, req.asker.user_id, since, MAX_SHARED
            )
            if not ids:
                return Outcome(reply=views.upload_first(MAX_SHARED, MAX_FILE_BYTES // 1024))
            a = req.asker
            fetch = FetchFiles(
                tuple(ids), MAX_FILE_BYTES, dry_run, a.team_id, a.channel_id, a.user_id
            )
            return Outcome(reply=views.reading_files(len(ids)), fetch=fetch)
    raise AssertionError(words)


async def note_shared_file(req: Request, file_id: str) -> bool:
    """A member shared a file in a coalition's channel: remember its id (not its content)."""
    found = await req.uow.coalitions.with_members(req.asker.channel_id)
    if found is None or req.asker.user_id not in {m.user_id for m in found[1]}:
        return False
    return await req.uow.catalog.note_file(found[0], file_id, req.asker.user_id, req.now)


async def scheduled(
    uow: UnitOfWork, content: Content, coalition: Coalition, gathered: Gathered, now: datetime
) -> Outcome:
    """The daily import of one coalition (its own workspace's unit of work): not strict, so
    what was read whole is applied and a read with problems marks nothing gone."""
    asker = Asker(coalition.team_id, coalition.channel_id, OPERATOR)
    run = ImportRun(gathered, strict=False, operator=True)
    return await run_import(Request(uow, asker, now, content), run)
