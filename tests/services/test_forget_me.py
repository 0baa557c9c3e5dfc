"""Forget-me reaches every table, and the 90-day purge reaches sent health messages too."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, Text, or_, select, update

from bot.clock import ManualClock
from bot.db.beat_models import Nudge
from bot.db.models import ChannelMembershipChange, Coalition, Member
from bot.db.personal_repo import HEALTH_NUDGES, RECORD_TABLES
from bot.db.schema import Base
from bot.db.uow import Database
from bot.router import Router
from bot.scheduling.retention import purge
from bot.views.health import RECORD_WORDS
from tests.builders import CHANNEL, TEAM, make_router, say

ME, LEAD, PM = "UFORGETME", "ULEAD", "UPM"


def _nudge(cid: int, kind: str, to: str, slot: str, due: datetime, **payload: str) -> Nudge:
    return Nudge(
        team_id=TEAM, coalition_id=cid, kind=kind, recipient=to, slot=slot, due_at=due,
        payload=json.dumps(payload), status="sent", sent_at=due,
    )  # fmt: skip


async def _health_messages(db: Database, now: datetime) -> None:
    """What the weekly reading and the beat would have sent about and to the member."""
    facts = json.dumps([{"text": "40 pages last week (your report)", "family": "load"}])
    async with db.unit_of_work(TEAM) as uow:
        coalition = await uow.coalitions.by_channel(CHANNEL)
        assert coalition is not None
        cid = coalition.id
        coalition.heaviest_owner = ME
        uow.session.add_all(
            [
                _nudge(cid, "health-dm", ME, "2026-W10", now, level="red", facts=facts),
                _nudge(cid, "health-lead", LEAD, f"2026-W10-{ME}", now, member=ME, facts=facts),
                _nudge(cid, "health-lead", ME, f"2026-W10-{PM}", now, member=PM, facts=facts),
                _nudge(cid, "lead-quiet", ME, "2026-Q2", now),
                _nudge(cid, "checkin-reminder", ME, "2026-03-03", now),
                _nudge(cid, "checkin", ME, "2026-03-03", now),
                _nudge(cid, "overdue", ME, "commitment-1", now, title="write the runbook"),
            ]
        )
        await uow.commit()


async def _everything(router: Router, db: Database, clock: ManualClock) -> None:
    """The member's trace in every kind of row: health facts and the record of the work."""
    today = clock.now().date()
    await say(router, LEAD, "join")
    await say(router, PM, "join")
    await say(router, ME, "join sponsor")
    await say(router, LEAD, f"role <@{ME}> sponsor")
    await say(router, ME, "hours 8-16 Europe/Berlin")
    await say(router, LEAD, f"commit {today + timedelta(days=9)} write the runbook <@{ME}>")
    await say(router, LEAD, f"own training <@{ME}>")
    await say(router, ME, "service checkout critical")
    await say(router, ME, "slo checkout availability 99.9% 28d")
    await say(router, ME, "signoff checkout")
    await say(router, ME, "vote product-cluster")
    await say(router, LEAD, f"workshop {today + timedelta(days=3)} error budgets <@{ME}>")
    await say(router, ME, "checkin 2 9h swamped")
    await say(router, ME, "oncall 40 primary")
    await router.activity(TEAM, CHANNEL, ME, "messages")
    await say(router, ME, "all-good")
    await say(router, ME, "ask-lead")
    await router.channel_change(TEAM, CHANNEL, ME, "joined")
    await say(router, ME, "join", channel="C2")
    await router.channel_change(TEAM, "C2", ME, "left")  # leaving the channel leaves it
    await say(router, ME, "left-because tired", channel="C2")
    await _health_messages(db, clock.now())


async def _naming(db: Database, who: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table with `who` in one of its text columns."""
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    async with db.sessions() as session:
        for table in Base.metadata.sorted_tables:
            texts = [c for c in table.columns if isinstance(c.type, String | Text)]
            if not texts:
                continue
            query = select(table).where(or_(*(c.contains(who) for c in texts)))
            found[table.name] += [dict(row._mapping) for row in await session.execute(query)]
    return {name: rows for name, rows in found.items() if rows}


async def test_forget_me_leaves_only_the_record_its_reply_names(
    db: Database, clock: ManualClock
) -> None:
    router = make_router(db, clock)
    await _everything(router, db, clock)
    before = await _naming(db, ME)
    assert {
        "activity", "checkins", "oncall_reports", "departures", "channel_membership_changes",
        "coalitions", "nudges", "members",
    } <= set(before)  # fmt: skip

    reply = await say(router, ME, "forget-me")

    after = await _naming(db, ME)
    kept = {table: group for group, tables in RECORD_TABLES.items() for table in tables}
    assert set(after) <= set(kept), f"still naming them: {set(after) - set(kept)}"
    for row in after.get("nudges", []):
        assert row["kind"] not in HEALTH_NUDGES and ME not in row["payload"]
    for row in after["members"]:
        assert row["all_good_at"] is None and row["lead_consent"] is False
    per_group: dict[str, int] = defaultdict(int)
    for table, rows in after.items():
        per_group[kept[table]] += len(rows)
    stays = reply.split("What stays")[1]
    for group, count in per_group.items():
        assert RECORD_WORDS[group](count) in stays
    assert set(per_group) == set(RECORD_TABLES)  # the scenario reaches every group
    assert "40 pages" not in json.dumps(after, default=str)
    mine = await say(router, ME, "me")
    assert "deletes it):\nnothing." in mine
    assert all(RECORD_WORDS[g](n) in mine for g, n in per_group.items())


async def test_forgetting_leaves_other_people_alone(db: Database, clock: ManualClock) -> None:
    router = make_router(db, clock)
    await _everything(router, db, clock)
    await say(router, PM, "oncall 3")
    before = {u: await _naming(db, u) for u in (LEAD, PM)}
    await say(router, ME, "forget-me", channel="C2")  # forgets across the workspace
    async with db.sessions() as session:
        notes = list(await session.scalars(select(Nudge).where(Nudge.kind == "health-lead")))
    assert notes == []  # the note about them, and the one they received as a lead
    for user in (LEAD, PM):
        after = await _naming(db, user)
        for table in set(before[user]) | set(after):
            if table not in ("nudges", "coalitions"):
                assert after.get(table) == before[user].get(table), (user, table)


async def test_the_purge_deletes_health_messages_past_ninety_days(
    db: Database, clock: ManualClock
) -> None:
    router = make_router(db, clock)
    await say(router, LEAD, "join")
    await say(router, ME, "join")
    now = clock.now()
    old, recent = now - timedelta(days=91), now - timedelta(days=10)
    async with db.unit_of_work(TEAM) as uow:
        coalition = await uow.coalitions.by_channel(CHANNEL)
        assert coalition is not None
        cid = coalition.id
        uow.session.add_all(
            [
                *(_nudge(cid, kind, ME, f"old-{ME}", old, member=ME) for kind in HEALTH_NUDGES),
                _nudge(cid, "health-dm", ME, "recent", recent, level="amber"),
                _nudge(cid, "checkin", ME, "2025-12-01", old),
                ChannelMembershipChange(
                    team_id=TEAM, channel_id=CHANNEL, user_id=ME, change="joined", at=old
                ),
            ]
        )
        await uow.commit()
    async with db.sessions() as session:
        await session.execute(update(Member).where(Member.user_id == ME).values(all_good_at=old))
        await session.commit()
    assert await purge(db, now) == len(HEALTH_NUDGES) + 1
    async with db.sessions() as session:
        left = {(n.kind, n.slot) for n in await session.scalars(select(Nudge))}
        member = (await session.scalars(select(Member).where(Member.user_id == ME))).one()
        coalitions = list(await session.scalars(select(Coalition)))
    assert left == {("health-dm", "recent"), ("checkin", "2025-12-01")}
    assert member.all_good_at is None and coalitions
