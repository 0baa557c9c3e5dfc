"""The planner: which nudges fall due, computed from a coalition's state and the time.

Pure: given the same `Beat` and window it always plans the same nudges, each with a slot that
makes it unique, so planning again (or on another replica) never plans anything twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from bot.domain.cadence import Cadence, countdown_due
from bot.domain.hours import WorkingHours, at_local, local_day, next_open

CHANNEL_HOURS = WorkingHours(time(9), time(18))
POST_TIME = time(10)  # countdowns and retro prompts, coalition time
DIGEST_TIME = time(9, 30)
REPORT_TIME = time(9)  # the sponsor report, in the sponsor's hours
REMIND_AFTER = timedelta(hours=24)
MISSED_AFTER = timedelta(hours=48)
STALL_WEEKS = 3  # no work recorded for this long on a step with open milestones: a stall
STALL_AGAIN_WEEKS = 4  # a stall that goes on is named again at most monthly
# A blocker still open after this many working days (Monday to Friday) is raised to the
# leads once more, the escalation stand-up tools offer; the first word reaches them at once.
BLOCKER_RAISE_AFTER_WORKDAYS = 3
VOLUNTEER_ROLES = frozenset({"lead", "member"})  # asked to check in unless a lead says otherwise
UNSIGNED_AFTER = timedelta(days=14)
RELEVANCE = {
    "checkin": timedelta(hours=12),
    "checkin-reminder": timedelta(hours=24),
    "countdown": timedelta(hours=24),
    "retro": timedelta(hours=48),
    "digest": timedelta(hours=24),
    "stalled": timedelta(hours=72),
    "unsigned-slos": timedelta(hours=72),
    "overdue": timedelta(hours=72),
    "workshop": timedelta(hours=12),
    "health-dm": timedelta(hours=72),
    "health-lead": timedelta(hours=72),
    "concentration": timedelta(hours=72),
    "lead-quiet": timedelta(hours=72),
    "blocker": timedelta(hours=72),
    "sponsor-report": timedelta(days=7),
}
DIRECT = {
    "checkin",
    "checkin-reminder",
    "unsigned-slos",
    "overdue",
    "workshop",
    "health-dm",
    "health-lead",
    "lead-quiet",
    "blocker",
    "sponsor-report",
}


@dataclass(frozen=True)
class Person:
    """A member as the planner sees them: zone, hours, and when not to disturb them."""

    user_id: str
    tz: str | None
    hours: WorkingHours = field(default_factory=WorkingHours)
    snoozed_until: datetime | None = None
    away: tuple[date, date] | None = None  # vacation, inclusive, in their own calendar
    asked: bool = True  # asked to check in and to hear about their own load

    def reachable(self, moment: datetime) -> bool:
        """True when a DM at `moment` respects their hours, snooze and vacation."""
        if self.snoozed_until is not None and moment < self.snoozed_until:
            return False
        if self.away is not None and self.away[0] <= local_day(moment, self.tz) <= self.away[1]:
            return False
        return self.hours.contains(moment, self.tz)

    def checkin_time(self) -> time:
        """An hour into their working day."""
        return time(
            min(self.hours.start.hour + 1, self.hours.end.hour - 1), self.hours.start.minute
        )


def is_asked(role: str, choice: bool | None) -> bool:
    """Whether someone gets check-ins and volunteer-care messages: a lead's explicit choice,
    else by role (the volunteers: leads and members; not a PM or sponsor)."""
    return choice if choice is not None else role in VOLUNTEER_ROLES


@dataclass(frozen=True)
class Blocker:
    """A blocker a member named in check-ins, open until they answer without one."""

    user_id: str
    since: datetime  # the answer that first named it
    first_id: int  # that answer's id: one blocker, raised again at most once
    text: str  # as last said


def open_blockers(answers: Iterable[tuple[int, str, datetime, str | None]]) -> list[Blocker]:
    """The open blockers from answered check-ins `(id, user, answered at, blockers)`
    ("nothing new" answers left out: they change nothing). A run of answers naming a blocker
    is one blocker, from its first answer; an answer without one closes it."""
    runs: dict[str, Blocker | None] = {}
    for checkin_id, user, at, text in sorted(answers, key=lambda a: (a[2], a[0])):
        if not text:
            runs[user] = None
            continue
        run = runs.get(user)
        since, first = (run.since, run.first_id) if run else (at, checkin_id)
        runs[user] = Blocker(user, since, first, text)
    return [b for b in runs.values() if b is not None]


def working_days(since: date, until: date) -> int:
    """Monday-to-Friday days after `since` up to and including `until`."""
    days = (until - since).days
    return sum((since + timedelta(days=n)).weekday() < 5 for n in range(1, days + 1))


@dataclass(frozen=True)
class Beat:
    """What the planner needs to know about one coalition."""

    coalition_id: int
    channel_id: str
    tz: str | None
    people: tuple[Person, ...]
    cadence: Cadence = field(default_factory=Cadence)
    deadline: date | None = None
    step: str = "coalition"
    step_since: datetime | None = None
    worked_at: datetime | None = None  # the last work recorded (a milestone, a sign-off, ...)
    unanswered: tuple[tuple[str, str, datetime], ...] = ()  # (user, slot, asked at)
    unsigned: tuple[tuple[str, datetime], ...] = ()  # (service, defined at)
    signers: tuple[str, ...] = ()  # PMs and sponsors (leads when there are none)
    overdue: tuple[tuple[int, str, str], ...] = ()  # (commitment id, owner, title)
    workshops: tuple[tuple[int, str, date, tuple[str, ...]], ...] = ()  # (id, topic, day, who)
    leads: tuple[str, ...] = ()
    blockers: tuple[Blocker, ...] = ()
    report_day: int | None = None  # day of the month the sponsor report goes out
    sponsors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Planned:
    """One nudge to put in the outbox."""

    kind: str
    recipient: str
    slot: str
    due_at: datetime
    payload: dict[str, str] = field(default_factory=dict)


def _days(since: datetime, until: datetime, tz: str | None) -> list[date]:
    first, last = local_day(since, tz) - timedelta(days=1), local_day(until, tz) + timedelta(days=1)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _checkins(beat: Beat, since: datetime, until: datetime) -> list[Planned]:
    planned = []
    for person in beat.people:
        if not person.asked:
            continue
        for day in _days(since, until, person.tz):
            if not beat.cadence.is_checkin_day(beat.deadline, day, person.hours.days):
                continue
            due = at_local(day, person.checkin_time(), person.tz)
            if since < due <= until:
                planned.append(Planned("checkin", person.user_id, day.isoformat(), due))
    return planned


def _channel_posts(beat: Beat, since: datetime, until: datetime) -> list[Planned]:
    planned = []
    for day in _days(since, until, beat.tz):
        if day.day == beat.report_day:
            due = at_local(day, REPORT_TIME, beat.tz)
            planned += [
                Planned("sponsor-report", sponsor, f"report-{day:%Y-%m}", due)
                for sponsor in beat.sponsors
            ]
        if day.weekday() == beat.cadence.digest_day:
            planned.append(
                Planned(
                    "digest", beat.channel_id, day.isoformat(), at_local(day, DIGEST_TIME, beat.tz)
                )
            )
        if beat.deadline is None:
            continue
        left = countdown_due(beat.deadline, day)
        if left is not None:
            slot = f"{beat.deadline}-{left}d"
            due = at_local(day, POST_TIME, beat.tz)
            planned.append(Planned("countdown", beat.channel_id, slot, due, {"days": str(left)}))
        if day == beat.deadline + timedelta(days=1):
            due = at_local(day, POST_TIME, beat.tz)
            planned.append(Planned("retro", beat.channel_id, str(beat.deadline), due))
    return [p for p in planned if since < p.due_at <= until]


def plan_window(beat: Beat, since: datetime, until: datetime) -> list[Planned]:
    """Clock-driven nudges due in (since, until]: check-ins, digest, countdowns, retro."""
    return _checkins(beat, since, until) + _channel_posts(beat, since, until)


def _week(now: datetime) -> str:
    year, week, _ = now.isocalendar()
    return f"{year}-W{week:02d}"


def plan_state(beat: Beat, now: datetime) -> list[Planned]:
    """State-driven nudges due now: reminders, a stalled step, unsigned SLOs, overdue, workshops."""
    planned = [
        Planned("checkin-reminder", user, slot, asked + REMIND_AFTER)
        for user, slot, asked in beat.unanswered
        if asked + REMIND_AFTER <= now
    ]
    planned += _stalled(beat, now)
    waiting = sorted({s for s, defined in beat.unsigned if now - defined > UNSIGNED_AFTER})
    if waiting:
        payload = {"services": ",".join(waiting)}
        planned += [Planned("unsigned-slos", u, _week(now), now, payload) for u in beat.signers]
    planned += [
        Planned("overdue", owner, f"commitment-{number}", now, {"title": title})
        for number, owner, title in beat.overdue
    ]
    planned += _raised_again(beat, now)
    for number, topic, day, attendees in beat.workshops:
        for user in attendees:
            tz = next((p.tz for p in beat.people if p.user_id == user), beat.tz)
            if day - local_day(now, tz) == timedelta(days=1):
                payload = {"topic": topic, "day": day.isoformat()}
                planned.append(Planned("workshop", user, f"workshop-{number}", now, payload))
    return planned


def _stalled(beat: Beat, now: datetime) -> list[Planned]:
    """A step with no work recorded for STALL_WEEKS: named once, then every STALL_AGAIN_WEEKS
    while the stall lasts; never after the deadline (the composer also checks that the step
    still has open milestones)."""
    if beat.step_since is None or beat.step == "forcing-function":
        return []
    if beat.deadline is not None and local_day(now, beat.tz) > beat.deadline:
        return []
    quiet_since = max(beat.step_since, beat.worked_at or beat.step_since)
    quiet = (now - quiet_since).days // 7
    if quiet < STALL_WEEKS or (quiet - STALL_WEEKS) % STALL_AGAIN_WEEKS:
        return []
    payload = {"step": beat.step, "weeks": str((now - beat.step_since).days // 7)}
    slot = f"{beat.step}-{quiet_since:%Y%m%d}-{quiet}w"
    return [Planned("stalled", beat.channel_id, slot, now, payload)]


def _raised_again(beat: Beat, now: datetime) -> list[Planned]:
    """Blockers open for BLOCKER_RAISE_AFTER_WORKDAYS, to every lead but the blocked one."""
    planned = []
    for b in beat.blockers:
        if working_days(local_day(b.since, beat.tz), local_day(now, beat.tz)) < (
            BLOCKER_RAISE_AFTER_WORKDAYS
        ):
            continue
        payload = {"member": b.user_id, "first": str(b.first_id)}
        slot = f"blocker-{b.first_id}"
        planned += [
            Planned("blocker", lead, slot, now, payload) for lead in beat.leads if lead != b.user_id
        ]
    return planned


def turning_points(beat: Beat, now: datetime) -> list[datetime]:
    """Every moment after `now` at which `plan_state` can plan something it would not plan now
    (besides reminders, which fall due at their own moment): the next day in UTC and in the
    coalition's zone (overdue work, blockers, stalls, the week of unsigned SLOs), in each
    workshop attendee's zone while a workshop is near, and an unsigned SLO's two weeks."""
    zones = {None, beat.tz}
    if beat.workshops:
        zones |= {p.tz for p in beat.people}
    moments = [at_local(local_day(now, tz) + timedelta(days=1), time(0), tz) for tz in zones]
    moments += [defined + UNSIGNED_AFTER + timedelta(seconds=1) for _, defined in beat.unsigned]
    return [m for m in moments if m > now]


def stale(planned: Planned, now: datetime) -> bool:
    """True when it fell due so long ago that sending it now would be noise."""
    return now - planned.due_at > RELEVANCE[planned.kind]


def send_time(kind: str, due: datetime, person: Person | None, tz: str | None) -> datetime | None:
    """When a due nudge may go out: inside the recipient's hours (channel hours for posts)."""
    if kind in DIRECT:
        if person is None:
            return None
        moment = next_open(due, person.hours, person.tz)
        while moment is not None and not person.reachable(moment):
            later = max(moment + timedelta(minutes=30), person.snoozed_until or moment)
            moment = next_open(later, person.hours, person.tz)
            if moment is not None and moment - due > timedelta(days=30):
                return None
        return moment
    return next_open(due, CHANNEL_HOURS, tz)
