"""The weekly health reading: every member's signals, levels with hysteresis, and what to say.

Runs once per ISO week per coalition (Monday 08:00 in the coalition's zone or later). What
it decides to say goes through the outbox like every nudge, so it is sent once, inside the
member's hours; in shadow mode it is recorded as skipped and nothing is sent. The rules are
the domain's (`bot.domain.observations`, `bot.domain.health`); this use case loads their
evidence in a fixed number of statements and stages what they decide.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict
from datetime import date, datetime, time, timedelta

from bot.db.beat_models import Nudge
from bot.db.health_models import HealthStanding
from bot.db.health_repo import Evidence
from bot.db.models import Coalition, Member
from bot.db.outbox_repo import Owed
from bot.db.uow import UnitOfWork
from bot.domain import health
from bot.domain.beat import Planned, is_asked
from bot.domain.calendar import four_weeks, iso_week, monday_of
from bot.domain.coalition import Role
from bot.domain.hours import at_local, local_day
from bot.domain.observations import observe

ASSESS_AT = time(8)
Fault = Callable[[Coalition, Exception], None]


def due(coalition: Coalition, now: datetime) -> bool:
    """True once this week's reading is due and not yet done."""
    today = local_day(now, coalition.tz)
    week = iso_week(today)
    return coalition.health_week != week and now >= at_local(
        monday_of(today), ASSESS_AT, coalition.tz
    )


def _standing(row: HealthStanding | None) -> health.Standing:
    return health.Standing(**json.loads(row.standing)) if row is not None else health.Standing()


def _read_member(
    member: Member, facts: Evidence, now: datetime, today: date, heavy: str | None
) -> tuple[HealthStanding, list[Planned]]:
    """One member's reading, and the messages it calls for (the member first, privately)."""
    week = iso_week(today)
    team = list(facts.observed.values())
    observed = observe(facts.observed[member.user_id], team, today, heavy)
    reading = health.read(observed, frozenset(filter(None, member.opted_out.split(","))))
    all_good = member.all_good_at is not None and now - member.all_good_at < timedelta(days=7)
    standing = health.step(_standing(facts.last.get(member.user_id)), reading, observed, all_good)
    has_load = bool(health.load_facts(reading.facts))
    signals = frozenset(f.signal for f in reading.facts)
    actions = health.act(standing, member.lead_consent, member.lead_note_opt_out, has_load, signals)
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
    asked = is_asked(member.role, member.checkins)  # a PM or sponsor is no volunteer to care for
    if actions.dm and asked:
        payload = {"level": actions.dm, "facts": facts_json}
        planned.append(Planned("health-dm", member.user_id, week, now, payload))
    if actions.lead_note and asked:
        load = json.dumps([asdict(f) for f in health.load_facts(reading.facts)])
        leads = [
            m.user_id for m in facts.members if m.role == Role.LEAD and m.user_id != member.user_id
        ]
        slot = f"{week}-{member.user_id}"
        planned += [
            Planned("health-lead", lead, slot, now, {"member": member.user_id, "facts": load})
            for lead in leads
        ]
    if member.role == Role.LEAD and health.quiet(observed):
        planned.append(Planned("lead-quiet", member.user_id, four_weeks(week), now))
    return row, planned


def _owner_key(user_id: str) -> str:
    """Who the work rests on, kept with the warning only as a one-way key (never a name)."""
    return hashlib.sha256(user_id.encode()).hexdigest()[:16]


def _concentration(
    coalition: Coalition, heavy: str | None, last: Nudge | None, now: datetime, week: str
) -> Planned | None:
    """The channel's warning that work rests on one person: on change, then at most monthly."""
    said = json.loads(last.payload or "{}").get("owner") if last is not None else None
    key = _owner_key(heavy) if heavy is not None else None
    if not health.concentration_due(key, said, last.due_at if last else None, now):
        return None
    return Planned("concentration", coalition.channel_id, week, now, {"owner": key or ""})


def _read_coalition(
    coalition: Coalition, facts: Evidence, now: datetime, last: Nudge | None = None
) -> tuple[list[HealthStanding], list[Owed], str | None]:
    """One coalition's weekly reading: standings, messages, and its heaviest owner now."""
    today = local_day(now, coalition.tz)
    week = iso_week(today)
    status = "skipped" if coalition.shadow or coalition.muted else "pending"
    items = {m.user_id: len(facts.observed[m.user_id].open_items) for m in facts.members}
    heavy = health.concentration(items, len(facts.members), coalition.heaviest_owner)
    rows, owed = [], []

    def owe(planned: Planned) -> Owed:
        return Owed(coalition.team_id, coalition.id, planned, status)

    warning = _concentration(coalition, heavy, last, now, week)
    if warning is not None:
        owed.append(owe(warning))
    for member in facts.members:
        row, messages = _read_member(member, facts, now, today, heavy)
        rows.append(row)
        owed += [owe(message) for message in messages]
    return rows, owed, health.heaviest(items, len(facts.members))


async def claim_due(uow: UnitOfWork, now: datetime) -> list[Coalition]:
    """Take this week's reading of every coalition whose week is due (every workspace), for
    this replica only: a compare-and-set per week. The caller commits the claim first."""
    candidates = [c for c in await uow.every.every() if due(c, now)]
    week_of = {c.id: iso_week(local_day(now, c.tz)) for c in candidates}
    taken = await uow.health.claim_weeks(week_of) if week_of else set()
    return [c for c in candidates if c.id in taken]


async def read_claimed(
    uow: UnitOfWork, coalitions: list[Coalition], now: datetime, fault: Fault
) -> int:
    """Read the claimed coalitions; returns how many members were read. A coalition whose
    reading raises goes to `fault` and waits for next week; the others go on."""
    evidence = await uow.health.evidence(coalitions, now) if coalitions else {}
    warned = await uow.outbox.latest("concentration", [c.id for c in coalitions])
    members, owed = 0, []
    for coalition in coalitions:
        try:
            facts, last = evidence[coalition.id], warned.get(coalition.id)
            rows, messages, heavy = _read_coalition(coalition, facts, now, last)
        except Exception as error:  # this coalition's data; the others go on
            fault(coalition, error)
            continue
        coalition.heaviest_owner = heavy
        uow.health.add_readings(rows)
        owed += messages
        members += len(rows)
    await uow.outbox.owe(owed)
    return members
