"""The planner job: put every nudge that fell due into the outbox, exactly once, and keep the
day's progress point of each coalition for the digest's chart.

Each coalition is planned on its own: one whose data makes planning raise is skipped for the
tick (its watermark stays, so it catches up once fixed), its failure is parked in the outbox as
a `planning` row its leads see in `/sre schedule`, and every other coalition plans as usual.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from bot.content import Content
from bot.db.outbox_repo import Owed
from bot.db.planning_repo import Planning
from bot.db.uow import Database
from bot.domain.beat import (
    MISSED_AFTER,
    REMIND_AFTER,
    Beat,
    plan_state,
    plan_window,
    stale,
    turning_points,
)
from bot.domain.calendar import monday_of
from bot.domain.hours import at_local, local_day
from bot.meter import NO_METER, Meter
from bot.scheduling.faults import Faults, describe
from bot.services.health_reading import ASSESS_AT
from bot.services.progress import plot_due

CATCH_UP = timedelta(days=8)  # after an outage, look this far back (older work is skipped)
STAGE = "planner"


def window_start(coalition: Planning, now: datetime) -> datetime:
    """Where this coalition's planning resumes."""
    start = coalition.planned_through or coalition.created_at
    return max(start, now - CATCH_UP)


def _owed(coalition: Planning, beat: Beat, now: datetime) -> list[Owed]:
    since = window_start(coalition, now)
    return [
        Owed(coalition.team_id, coalition.id, planned,
             "skipped" if coalition.muted or stale(planned, now) else "pending")
        for planned in plan_window(beat, since, now) + plan_state(beat, now)
    ]  # fmt: skip


async def plan_due(
    db: Database,
    content: Content,
    now: datetime,
    faults: Faults | None = None,
    meter: Meter = NO_METER,
) -> int:
    """Plan what fell due up to `now` for every coalition; returns how many nudges are new."""
    faults = faults or Faults()
    async with db.batch() as uow:
        beats = await uow.planning.beats(now)
        broken = list(beats.broken)
        owed: list[Owed] = []
        for coalition, beat in beats.ready:
            try:
                owed += _owed(coalition, beat, now)
            except Exception as error:  # this coalition's data; the others go on
                broken.append((coalition, error))
            else:
                faults.cleared(STAGE, coalition.id)
        for coalition, fault in broken:
            ids = {"team": coalition.team_id, "coalition": coalition.id}
            faults.record(STAGE, coalition.id, fault, now, **ids)
            await uow.outbox.park_planning(coalition, describe(fault), now)
        added = await uow.outbox.owe_by_kind(owed)
        skipped = [c.id for c, _ in broken]
        await uow.outbox.unpark_planning(skipped)
        await uow.planning.mark_planned(now, skipped)
        await uow.checkins.mark_missed(now - MISSED_AFTER)
        await uow.commit()
    for (kind, status), count in added.items():
        meter.nudge(kind, "planned", count)
        if status == "skipped":  # muted, or already too old to send when planned
            meter.nudge(kind, "skipped", count)
    await _plot(db, content, [c.id for c, _ in beats.ready], now, faults)
    return sum(added.values())


async def _plot(
    db: Database, content: Content, ids: list[int], now: datetime, faults: Faults
) -> None:
    """Today's chart points, in a transaction of their own: they never cost the planning."""

    def fault(coalition_id: int, error: Exception) -> None:
        faults.record("chart points", coalition_id, error, now, coalition=coalition_id)

    try:
        async with db.batch() as uow:
            await plot_due(uow, content, ids, now.date(), fault)
            await uow.commit()
    except Exception as error:  # the points wait for the next tick; planning is done
        faults.record("chart points", "all", error, now, scope="every coalition")


MAX_JUMP = timedelta(hours=24)  # a safety net: the moments below are where anything changes


def _health_week(tz: str | None, now: datetime) -> datetime:
    """The next weekly health reading's moment (Monday 08:00 in the coalition's zone)."""
    monday = monday_of(local_day(now, tz))
    moment = at_local(monday, ASSESS_AT, tz)
    return moment if moment > now else at_local(monday + timedelta(days=7), ASSESS_AT, tz)


async def next_moment(db: Database, now: datetime, until: datetime) -> datetime:
    """The next time anything can fall due, for walking simulated time event by event: a
    planned nudge, a clock-driven one, a reminder or a missed check-in, a moment state-driven
    planning can change (`turning_points`), a health reading, a new day's chart point."""
    async with db.batch() as uow:
        pending = await uow.outbox.next_due(now)
        beats = await uow.planning.beats(now)
    midnight = at_local(now.date() + timedelta(days=1), time(0), None)
    moments = [pending, now + MAX_JUMP, until, midnight]
    for _, beat in beats.ready:
        try:
            moments += [p.due_at for p in plan_window(beat, now, until)]
            moments += turning_points(beat, now)
            moments.append(_health_week(beat.tz, now))
        except Exception:  # the planner parks this coalition; the walk goes on for the others
            continue
        moments += [asked + REMIND_AFTER for _, _, asked in beat.unanswered]
        moments += [asked + MISSED_AFTER for _, _, asked in beat.unanswered]
    return min(m for m in moments if m is not None and m > now)
