"""The weekly health reading: every member's signals, levels with hysteresis, and what to say.

Runs once per ISO week per coalition (Monday 08:00 in the coalition's zone or later). What
it decides to say goes through the outbox like every nudge, so it is sent once, inside the
member's hours; in shadow mode it is recorded as skipped and nothing is sent.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date, datetime, time, timedelta
from statistics import mean, median

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.beat_models import CheckIn
from bot.db.beat_repo import add_nudges
from bot.db.health_models import Activity, HealthStanding
from bot.db.health_repo import Evidence, gather
from bot.db.models import Coalition, Member
from bot.db.uow import Database
from bot.domain.beat import Planned
from bot.domain.coalition import Role
from bot.domain.health import (
    MIN_BASELINE,
    Standing,
    Week,
    act,
    concentration,
    heaviest,
    load_facts,
    read,
    step,
    team_median,
)
from bot.domain.hours import at_local, local_day
from bot.scheduling.faults import Faults

ASSESS_AT = time(8)


def iso_week(day: date) -> str:
    """`2026-W10`."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def due(coalition: Coalition, now: datetime) -> bool:
    """True once this week's reading is due and not yet done."""
    today = local_day(now, coalition.tz)
    monday = today - timedelta(days=today.weekday())
    return coalition.health_week != iso_week(today) and now >= at_local(
        monday, ASSESS_AT, coalition.tz
    )


def _window(rows: Sequence[Activity], end: date, days: int) -> int:
    start = end - timedelta(days=days)
    return sum(r.messages + r.reactions for r in rows if start < r.day <= end)


def _baseline(rows: Sequence[Activity], today: date, joined: date) -> float | None:
    ends = [today - timedelta(days=14 + 7 * k) for k in range(8)]
    usable = [e for e in ends if e - timedelta(days=14) >= joined]
    if len(usable) < 3:
        return None
    return float(median(_window(rows, e, 14) for e in usable))


MIN_SHARE_MESSAGES = 20  # fewer messages make an after-hours share meaningless


def _share(rows: Sequence[Activity], start: date, end: date) -> float | None:
    chosen = [r for r in rows if start < r.day <= end]
    messages = sum(r.messages for r in chosen)
    return sum(r.after_hours for r in chosen) / messages if messages >= MIN_SHARE_MESSAGES else None


def _missed(checkins: Sequence[CheckIn]) -> int:
    run = 0
    for c in reversed(checkins):
        if c.answered_at is not None:
            break
        run += c.missed
    return run


def _energies(checkins: Sequence[CheckIn], today: date) -> tuple[int | None, float, int]:
    answered = [c for c in checkins if c.energy is not None and c.answered_at is not None]
    latest = (
        answered[-1].energy
        if answered and (today - answered[-1].asked_at.date()).days <= 14
        else None
    )
    by_week: dict[int, list[int]] = {}
    for c in answered:
        weeks_ago = (today - c.asked_at.date()).days // 7
        by_week.setdefault(weeks_ago, []).append(int(c.energy or 0))
    recent = [mean(by_week[w]) for w in range(3) if w in by_week]
    before = [mean(by_week[w]) for w in range(3, 6) if w in by_week]
    drop = mean(before) - mean(recent) if recent and before else 0.0
    low = 0
    for w in range(6):
        if w in by_week and mean(by_week[w]) <= 2:
            low += 1
        else:
            break
    return latest, max(drop, 0.0), low


def observe(member: Member, evidence: Evidence, today: date, week: str, heavy: str | None) -> Week:
    """One member's week, from counts and their own reports."""
    rows = evidence.activity.get(member.user_id, [])
    items = evidence.open_items.get(member.user_id, [])
    counts = {m.user_id: len(evidence.open_items.get(m.user_id, [])) for m in evidence.members}
    checkins = evidence.checkins.get(member.user_id, [])
    latest, drop, low = _energies(checkins, today)
    last_four = {iso_week(today - timedelta(weeks=k)) for k in range(4)}
    oncall = [r for r in evidence.oncall.get(member.user_id, []) if r.week in last_four]
    last_week = iso_week(today - timedelta(days=7))
    opted_in = member.after_hours_opt_in
    return Week(
        activity_14d=_window(rows, today, 14),
        baseline_14d=_baseline(rows, today, member.joined_at.date()),
        after_hours_share=_share(rows, today - timedelta(days=28), today) if opted_in else None,
        after_hours_baseline=_share(rows, today - timedelta(days=84), today - timedelta(days=28))
        if opted_in
        else None,
        missed_in_a_row=_missed(checkins),
        open_items=len(items),
        overdue_items=sum(1 for d in items if d is not None and (today - d).days > 7),
        team_median_items=team_median(counts, [m.user_id for m in evidence.members]),
        energy=latest,
        energy_3w_drop=drop,
        low_energy_weeks=low,
        primary_weeks_of_4=sum(1 for r in oncall if r.primary),
        # The reading runs as a week begins: last week is the whole week that was reported.
        pages_last_week=sum(r.pages for r in oncall if r.week == last_week),
        concentrated=heavy == member.user_id,
    )


def _standing(row: HealthStanding | None) -> Standing:
    return Standing(**json.loads(row.standing)) if row is not None else Standing()


async def _claim(
    session: AsyncSession, candidates: list[Coalition], now: datetime
) -> list[Coalition]:
    """Take this week's reading of each coalition for this replica only (compare-and-set)."""
    by_week: dict[str, list[int]] = {}
    for c in candidates:
        by_week.setdefault(iso_week(local_day(now, c.tz)), []).append(c.id)
    taken: set[int] = set()
    for week, ids in by_week.items():
        result = await session.execute(
            update(Coalition)
            .where(
                Coalition.id.in_(ids),
                or_(Coalition.health_week.is_(None), Coalition.health_week != week),
            )
            .values(health_week=week)
            .returning(Coalition.id),
            execution_options={"synchronize_session": False},
        )
        taken.update(result.scalars())
    await session.commit()
    return [c for c in candidates if c.id in taken]


def _read_member(
    member: Member, facts: Evidence, now: datetime, today: date, heavy: str | None
) -> tuple[HealthStanding, list[Planned]]:
    """One member's reading, and the messages it calls for (the member first, privately)."""
    week = iso_week(today)
    observed = observe(member, facts, today, week, heavy)
    reading = read(observed, frozenset(filter(None, member.opted_out.split(","))))
    all_good = member.all_good_at is not None and now - member.all_good_at < timedelta(days=7)
    standing = step(_standing(facts.last.get(member.user_id)), reading, observed, all_good)
    has_load = bool(load_facts(reading.facts))
    actions = act(standing, member.lead_consent, member.lead_note_opt_out, has_load)
    facts_json = json.dumps([asdict(f) for f in reading.facts])
    row = HealthStanding(
        team_id=member.team_id,
        coalition_id=member.coalition_id,
        user_id=member.user_id,
        week=week,
        level=actions.standing.level,
        standing=json.dumps(asdict(actions.standing)),
        facts=facts_json,
        assessed_at=now,
    )
    planned = []
    if actions.dm:
        payload = {"level": actions.dm, "facts": facts_json}
        planned.append(Planned("health-dm", member.user_id, week, now, payload))
    if actions.lead_note:
        load = json.dumps([asdict(f) for f in load_facts(reading.facts)])
        leads = [
            m.user_id for m in facts.members if m.role == Role.LEAD and m.user_id != member.user_id
        ]
        slot = f"{week}-{member.user_id}"
        planned += [
            Planned("health-lead", lead, slot, now, {"member": member.user_id, "facts": load})
            for lead in leads
        ]
    if member.role == Role.LEAD and quiet(observed):
        planned.append(Planned("lead-quiet", member.user_id, _four_weeks(week), now))
    return row, planned


def quiet(week: Week) -> bool:
    """A lead who usually takes part has said nothing in the channel for two weeks."""
    return week.activity_14d == 0 and (week.baseline_14d or 0) >= MIN_BASELINE


def _four_weeks(week: str) -> str:
    """One slot per four weeks, so a quiet lead hears from us at most monthly."""
    year, number = week.split("-W")
    return f"{year}-Q{(int(number) - 1) // 4}"


def _read_coalition(
    coalition: Coalition, facts: Evidence, now: datetime
) -> tuple[list[HealthStanding], list[tuple[Coalition, Planned, str]], str | None]:
    """One coalition's weekly reading: standings, messages, and its heaviest owner now."""
    today = local_day(now, coalition.tz)
    week = iso_week(today)
    status = "skipped" if coalition.shadow or coalition.muted else "pending"
    items = {m.user_id: len(facts.open_items.get(m.user_id, [])) for m in facts.members}
    heavy = concentration(items, len(facts.members), coalition.heaviest_owner)
    rows, planned = [], []
    if heavy is not None:
        planned.append(
            (coalition, Planned("concentration", coalition.channel_id, week, now), status)
        )
    for member in facts.members:
        row, messages = _read_member(member, facts, now, today, heavy)
        rows.append(row)
        planned += [(coalition, message, status) for message in messages]
    return rows, planned, heaviest(items, len(facts.members))


async def assess_due(db: Database, now: datetime, faults: Faults | None = None) -> int:
    """Read every coalition whose week is due; returns how many members were read.

    A coalition whose reading raises is logged and skipped until next week; the others go on.
    """
    faults = faults or Faults()
    read = 0
    async with db.sessions() as session:
        candidates = [c for c in await session.scalars(select(Coalition)) if due(c, now)]
        coalitions = await _claim(session, candidates, now)
        evidence = await gather(session, coalitions, now) if coalitions else {}
        planned: list[tuple[Coalition, Planned, str]] = []
        for coalition in coalitions:
            try:
                rows, messages, heavy = _read_coalition(coalition, evidence[coalition.id], now)
            except Exception as error:  # this coalition's data; the others go on
                ids = {"team": coalition.team_id, "coalition": coalition.id}
                faults.record("health reading", coalition.id, error, now, **ids)
                continue
            coalition.heaviest_owner = heavy
            session.add_all(rows)
            planned += messages
            read += len(rows)
        await add_nudges(session, planned)
        await session.commit()
    return read
