"""The sponsor report: any member shares it as files, it names nobody, a lead sets the
monthly day, and the planner sends it to each sponsor once a month, in their hours."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.clock import ManualClock
from bot.db.beat_models import Nudge
from bot.db.uow import Database
from bot.router import Router
from tests.builders import asker, due_work, make_router, reply_text, three_members
from tests.transcript import Transcript


async def _coalition(db: Database, clock: ManualClock) -> Router:
    router = await three_members(make_router(db, clock), clock)
    for user, text in (
        ("U4", "join sponsor"),
        ("U1", "role <@U4> sponsor"),
        ("U1", "service checkout critical team payments"),
        ("U1", "service search critical"),
        ("U1", "slo checkout availability 99.9% 28d"),
        ("U2", "signoff checkout"),
        ("U1", "pitch chartered"),
    ):
        await router.command(asker(user), text)
    return router


async def test_any_member_shares_the_report_as_markdown_and_chart(
    db: Database, clock: ManualClock
) -> None:
    router = await _coalition(db, clock)
    outcome = await router.command(asker("U3"), "report")
    assert not outcome.refused, reply_text(outcome)
    text = reply_text(outcome)
    for section in (
        "SRE rollout report",
        "Critical-service coverage",
        "SLO signed off by a PM or sponsor: 1 of 2 (50%)",
        "Product management adoption",
        "Critical SLOs signed by a PM: 1 of 1",
        "Open risks",
        "What the coalition needs from management",
        "Coalition health (totals only)",
        "Cyber Week",
    ):
        assert section in text, section
    names = [u.filename for u in outcome.uploads]
    assert names[0].endswith(".md") and names[1].endswith(".png")
    assert {u.to for u in outcome.uploads} == {"C0SRE"}
    md = outcome.uploads[0].content.decode()
    assert md.startswith("## SRE rollout report") and f"]({names[1]})" in md
    assert "| Members | 4 (healthy minimum 3) |" in md
    for user in ("U1", "U2", "U3", "U4"):
        assert user not in md and user not in text  # aggregate only: nobody is named
    assert outcome.uploads[1].content.startswith(b"\x89PNG")


async def test_strangers_and_bad_days_are_refused(db: Database, clock: ManualClock) -> None:
    router = await _coalition(db, clock)
    assert (await router.command(asker("U9"), "report")).refused
    assert (await router.command(asker("U3"), "report day 5")).refused  # leads only
    for word in ("0", "29", "٣", "x"):
        bad = await router.command(asker("U1"), f"report day {word}")
        assert bad.refused and "1-28" in reply_text(bad), word


async def test_the_monthly_report_goes_to_each_sponsor_once(
    db: Database, clock: ManualClock
) -> None:
    router = await _coalition(db, clock)
    day = (clock.now() + timedelta(days=3)).day
    assert day <= 28
    saved = await router.command(asker("U1"), f"report day {day}")
    assert f"day {day}" in reply_text(saved)
    transcript = Transcript(clock=clock)
    work = due_work(db, transcript, clock)
    await work.walk(clock, clock.now() + timedelta(days=40))
    reports = [s for s in transcript.sent if "SRE rollout report" in s.text]
    assert [s.to for s in reports] == ["@U4", "@U4"]  # two months, the sponsor alone
    assert reports[0].at is not None and reports[0].at.day == day
    dm_files = [u for u in transcript.uploads if u[0] == "U4"]
    assert [f[1].rsplit(".", 1)[1] for f in dm_files] == ["md", "png", "md", "png"]
    await work.run()
    async with db.sessions() as session:
        rows = list(await session.scalars(select(Nudge).where(Nudge.kind == "sponsor-report")))
    assert sorted(r.slot for r in rows) == sorted({r.slot for r in rows})  # one per month
    assert all(r.status == "sent" for r in rows)


async def test_a_report_before_any_critical_service_says_so_instead_of_0_of_0(
    db: Database, clock: ManualClock
) -> None:
    router = await three_members(make_router(db, clock), clock)
    text = reply_text(await router.command(asker("U3"), "report"))
    assert "0 of 0" not in text
    assert "No critical service is named yet" in text
    assert "/sre service <name> critical" in text
    assert "No SLO on a critical service yet, so none to sign." in text
