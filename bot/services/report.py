"""The sponsor report: built from a coalition's state, as a document, a Markdown file and the
progress chart. `/sre report` (any member) shares it in the channel; the monthly one goes to
the sponsors by DM (planned like any nudge, composed in bot/services/nudges.py).

Like the digest, composing it draws its chart (bot/render/chart.py) and writes its Markdown
(bot/render/markdown.py): a report is a file, and the files are what the sponsor keeps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.content import Content
from bot.db.models import Coalition
from bot.db.uow import UnitOfWork
from bot.doc import Doc
from bot.domain.errors import UsageError
from bot.domain.report import REPORT_DAYS, HealthTotals, sponsor_report
from bot.domain.risks import open_risks
from bot.domain.rollout import progress
from bot.outcome import Outcome, Upload
from bot.render import markdown
from bot.services.health import aggregate
from bot.services.loading import load
from bot.services.progress import progress_chart
from bot.services.request import Request
from bot.views import report as views


@dataclass(frozen=True)
class ReportFiles:
    """The report as it is sent: the document, and its files (Markdown, then the chart)."""

    doc: Doc
    files: tuple[Upload, ...]


async def build(
    uow: UnitOfWork, content: Content, coalition: Coalition, now: datetime, to: str
) -> ReportFiles:
    """The coalition's report as of `now`, with its files addressed to `to` (a channel or
    a user's DM)."""
    members = await uow.coalitions.active_members(coalition)
    primitives = content.programme.primitives
    state = await uow.rollout.state(coalition, members, now.date(), primitives)
    rows = progress(content.programme, state)
    decisions = [(d.topic, d.choice, d.decided_on) for d in await uow.rollout.decisions(coalition)]
    health = await aggregate(uow, coalition, [m.user_id for m in members], now)
    totals = HealthTotals(
        health.members,
        health.minimum,
        health.left_30d,
        health.asked,
        health.answered,
        health.energy,
        health.supported,
    )
    report = sponsor_report(state, rows, open_risks(state, now), decisions, totals)
    doc = views.report(report)
    stem = f"sponsor-report-{coalition.channel_id}-{state.today:%Y-%m-%d}"
    try:
        png: bytes | None = await progress_chart(uow, coalition, now)
    except Exception:  # the picture must never cost the report itself
        png = None
    image = f"{stem}.png" if png else None
    files = [Upload(to, f"{stem}.md", markdown.render(doc, image=image).encode(), "Sponsor report")]
    if png and image:
        files.append(Upload(to, image, png, "Progress toward the deadline"))
    return ReportFiles(doc, tuple(files))


async def share(req: Request) -> Outcome:
    """`/sre report`: the sponsor report, shared in the channel as files (any member)."""
    loaded = await load(req)
    loaded.member(req.asker.user_id)
    built = await build(req.uow, req.content, loaded.coalition, req.now, req.asker.channel_id)
    return Outcome(reply=built.doc, uploads=built.files)


def parse_day(said: list[str]) -> int | None:
    """`off` or a day of the month from 1 to 28."""
    word = said[0].lower()
    if word == "off":
        return None
    if not (word.isascii() and word.isdigit()) or int(word) not in REPORT_DAYS:
        raise UsageError("Usage: `/sre report day <1-28>|off` (a day every month has).")
    return int(word)


async def set_day(req: Request, day: int | None) -> Outcome:
    """A lead sets the day of the month the report goes to the sponsors by DM."""
    loaded = await load(req)
    loaded.lead(req.asker.user_id, "set the sponsor report's day")
    loaded.coalition.report_day = day
    shown = "off" if day is None else str(day)
    req.uow.rollout.record(loaded.coalition, req.asker.user_id, "report-day", shown, req.now)
    return Outcome(reply=views.report_day_saved(day))


@dataclass(frozen=True)
class ReportWords:
    """`/sre report` (share it now) or `/sre report day <1-28>|off` (the monthly DM)."""

    set_day: bool = False
    day: int | None = None


def parse_words(said: list[str]) -> ReportWords:
    """The words after `/sre report`."""
    if not said:
        return ReportWords()
    if said[0].lower() == "day" and len(said) == 2:
        return ReportWords(True, parse_day(said[1:]))
    raise UsageError("Usage: `/sre report` or `/sre report day <1-28>|off`.")


async def report_command(req: Request, words: ReportWords) -> Outcome:
    """`/sre report ...`."""
    if words.set_day:
        return await set_day(req, words.day)
    return await share(req)
