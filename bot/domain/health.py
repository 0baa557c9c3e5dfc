"""Burnout and attrition signals from metadata only, scored per member per week.

The model (refined from shared/domain/signals.md): signals fall in three families; points are
capped per family; a level needs corroboration from two families; levels change with
hysteresis; nobody is ranked; what a member sees about themselves is the same list of facts
that drove their level.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median

BEHAVIORAL, LOAD, SELF = "behavioral", "load", "self-report"
CAPS = {BEHAVIORAL: 3, LOAD: 3, SELF: 2}
SIGNALS = (
    "participation",
    "after-hours",
    "check-ins",
    "commitments",
    "on-call",
    "energy",
    "concentration",
)
MIN_BASELINE = 6  # messages and reactions per 14 days before a drop means anything


@dataclass(frozen=True)
class Week:
    """What the bot knows about one member for one week (counts and self-reports only)."""

    activity_14d: int = 0  # messages + reactions in the coalition channel, last 14 days
    baseline_14d: float | None = None  # their own median 14-day activity over the prior 8 weeks
    after_hours_share: float | None = None  # last 28 days, only when they opted in
    after_hours_baseline: float | None = None
    missed_in_a_row: int = 0  # consecutive missed check-ins
    open_items: int = 0
    overdue_items: int = 0  # overdue by more than 7 days
    team_median_items: float = 0.0
    energy: int | None = None  # latest pulse, 1-5
    energy_3w_drop: float = 0.0  # how far the 3-week mean fell below the 3 weeks before
    low_energy_weeks: int = 0  # consecutive weeks with energy <= 2
    primary_weeks_of_4: int = 0  # self-reported primary on-call weeks in the last 4
    pages_last_week: int = 0
    concentrated: bool = False  # owns most of the work, or a critical primitive alone for long


@dataclass(frozen=True)
class Fact:
    """One signal that counted, in words the member can check."""

    signal: str
    family: str
    points: int
    text: str


def _participation(w: Week) -> list[Fact]:
    if w.baseline_14d is None or w.baseline_14d < MIN_BASELINE:
        return []
    ratio = w.activity_14d / w.baseline_14d
    said = (
        f"{w.activity_14d} messages and reactions in 14 days, against your usual {w.baseline_14d:g}"
    )
    if ratio < 0.25:
        return [Fact("participation", BEHAVIORAL, 2, said)]
    if ratio < 0.5:
        return [Fact("participation", BEHAVIORAL, 1, said)]
    return []


def _after_hours(w: Week) -> list[Fact]:
    share = w.after_hours_share
    if share is None or w.after_hours_baseline is None:  # no points before a baseline exists
        return []
    said = f"{share:.0%} of your messages in 28 days fell outside your working hours"
    if share >= 0.40:
        return [Fact("after-hours", BEHAVIORAL, 2, said)]
    if share >= 0.25 and share - w.after_hours_baseline >= 0.10:
        return [Fact("after-hours", BEHAVIORAL, 1, said)]
    return []


def _checkins(w: Week) -> list[Fact]:
    if w.missed_in_a_row >= 3:
        # Silence is also missing self-report: a fading member stops telling us how they are.
        return [
            Fact("check-ins", BEHAVIORAL, 2, f"{w.missed_in_a_row} check-ins missed in a row"),
            Fact("check-ins", SELF, 1, "I have not heard how you are doing for a while"),
        ]
    if w.missed_in_a_row == 2:
        return [Fact("check-ins", BEHAVIORAL, 1, "2 check-ins missed in a row")]
    return []


def _heavy(w: Week) -> bool:
    return w.open_items > 5 or (w.team_median_items > 0 and w.open_items > 2 * w.team_median_items)


def _commitments(w: Week) -> list[Fact]:
    facts = []
    if _heavy(w):
        facts.append(Fact("commitments", LOAD, 1, f"{w.open_items} open items on your name"))
    if w.overdue_items >= 2:
        facts.append(
            Fact("commitments", LOAD, 1, f"{w.overdue_items} items overdue by over a week")
        )
    return facts


def _oncall(w: Week) -> list[Fact]:
    if w.pages_last_week >= 3 * 5:
        return [Fact("on-call", LOAD, 2, f"{w.pages_last_week} pages last week (your report)")]
    if w.primary_weeks_of_4 > 1 or w.pages_last_week > 2 * 5:
        said = f"primary on call {w.primary_weeks_of_4} of the last 4 weeks (your report)"
        return [Fact("on-call", LOAD, 1, said)]
    return []


def _energy(w: Week) -> list[Fact]:
    if w.energy is not None and w.energy <= 2:
        return [Fact("energy", SELF, 2, f"you rated your energy {w.energy}/5")]
    if w.energy_3w_drop >= 1.0:
        return [Fact("energy", SELF, 1, f"your energy is down {w.energy_3w_drop:.1f} over 3 weeks")]
    return []


def _concentration(w: Week) -> list[Fact]:
    if w.concentrated and not _heavy(w):  # the same items are not counted twice
        return [Fact("concentration", LOAD, 1, "a lot of the coalition's work rests on you")]
    return []


RULES = {
    "participation": _participation,
    "after-hours": _after_hours,
    "check-ins": _checkins,
    "commitments": _commitments,
    "on-call": _oncall,
    "energy": _energy,
    "concentration": _concentration,
}


@dataclass(frozen=True)
class Reading:
    """One week's facts, capped points per family, and the raw level they suggest."""

    facts: tuple[Fact, ...]
    points: dict[str, int]

    @property
    def total(self) -> int:
        """Points after family caps."""
        return sum(self.points.values())

    @property
    def families(self) -> int:
        """How many families contributed."""
        return sum(1 for p in self.points.values() if p > 0)


def read(week: Week, opted_out: frozenset[str] = frozenset()) -> Reading:
    """Score one week; signals the member opted out of are not even computed."""
    facts = tuple(f for name, rule in RULES.items() if name not in opted_out for f in rule(week))
    points = {family: 0 for family in CAPS}
    for fact in facts:
        points[fact.family] += fact.points
    return Reading(facts, {f: min(p, CAPS[f]) for f, p in points.items()})


def suggested(reading: Reading, week: Week) -> str:
    """The level this week alone suggests: green, amber or red."""
    if week.low_energy_weeks >= 2:
        return "red"
    if reading.families >= 2 and reading.total >= 5:
        return "red"
    if reading.families >= 2 and reading.total >= 3:
        return "amber"
    return "green"


@dataclass(frozen=True)
class Standing:
    """A member's level over time: what hysteresis needs to remember."""

    level: str = "green"
    weeks_high: int = 0  # consecutive weeks at amber or above (suggested)
    weeks_low: int = 0  # consecutive weeks at 1 point or less
    weeks_below_red: int = 0  # consecutive weeks under 4 points while red
    red_weeks: int = 0  # consecutive weeks at red
    weeks_since_dm: int | None = None
    weeks_since_lead_note: int | None = None
    said_level: str | None = None  # what the last DM to the member said: its level ...
    said: tuple[str, ...] = ()  # ... and its signals (only the names, never the counts)


def step(before: Standing, reading: Reading, week: Week, all_good: bool = False) -> Standing:
    """Next week's standing: amber after 2 high weeks, red at once, slow to calm down."""
    raw = suggested(reading, week)
    high = before.weeks_high + 1 if raw != "green" else 0
    low = before.weeks_low + 1 if reading.total <= 1 else 0
    calming = before.level == "red" and raw != "red" and reading.total < 4
    below_red = before.weeks_below_red + 1 if calming else 0
    level = before.level
    if raw == "red":
        level = "red"
    elif level == "red":
        level = "amber" if below_red >= 2 else "red"
    elif level == "amber":
        level = "green" if low >= 2 or all_good else "amber"
    elif raw == "amber" and (high >= 2 or (reading.points[SELF] >= 2 and reading.total >= 4)):
        # Behaviour alone must persist two weeks; a member who says they are drained, with
        # another family agreeing, hears from us now (self-report beats inference).
        level = "amber"
    if all_good and level == "amber":
        level = "green"
    red_weeks = before.red_weeks + 1 if level == "red" else 0
    return Standing(
        level,
        high,
        low,
        below_red,
        red_weeks,
        _older(before.weeks_since_dm),
        _older(before.weeks_since_lead_note),
        before.said_level if level != "green" else None,  # a new episode is told afresh
        tuple(before.said) if level != "green" else (),
    )


def _older(weeks: int | None) -> int | None:
    return None if weeks is None else weeks + 1


DM_EVERY_WEEKS = 2  # at most this often, and only when what there is to say changed ...
DM_REPEAT_WEEKS = 4  # ... else the same thing again at most monthly
LEVELS = ("green", "amber", "red")
LEAD_NOTE_EVERY_WEEKS = 4
RED_BEFORE_LEAD = 2


@dataclass(frozen=True)
class Actions:
    """What the bot does about one member this week."""

    dm: str | None = None  # "amber" or "red"
    lead_note: bool = False
    standing: Standing = field(default_factory=Standing)


def _news(standing: Standing, signals: frozenset[str]) -> bool:
    """True when a DM would tell the member something the last one did not: a higher level,
    or a signal it did not name (a count that grew, 4 then 6 missed check-ins, is not news)."""
    if standing.said_level is None:
        return True
    higher = LEVELS.index(standing.level) > LEVELS.index(standing.said_level)
    return higher or not signals <= set(standing.said)


def act(
    standing: Standing,
    consent: bool,
    lead_opt_out: bool,
    has_load: bool = True,
    signals: frozenset[str] = frozenset(),
) -> Actions:
    """Speak only when it helps, and rarely: a DM when there is something new to say (at most
    every 2 weeks; the same again at most every 4), one lead note per 4.

    A lead note carries load facts only, so without any it is not sent at all.
    """
    dm = None
    since = standing.weeks_since_dm
    news = _news(standing, signals)
    may_dm = since is None or since >= (DM_EVERY_WEEKS if news else DM_REPEAT_WEEKS)
    if standing.level in ("amber", "red") and may_dm:
        dm = standing.level
    may_note = (
        standing.weeks_since_lead_note is None
        or standing.weeks_since_lead_note >= LEAD_NOTE_EVERY_WEEKS
    )
    persisted = standing.red_weeks >= RED_BEFORE_LEAD and not lead_opt_out
    note = standing.level == "red" and may_note and (consent or persisted) and has_load
    after = Standing(
        standing.level,
        standing.weeks_high,
        standing.weeks_low,
        standing.weeks_below_red,
        standing.red_weeks,
        0 if dm else standing.weeks_since_dm,
        0 if note else standing.weeks_since_lead_note,
        dm if dm else standing.said_level,
        tuple(sorted(signals)) if dm else tuple(standing.said),
    )
    return Actions(dm, note, after)


def load_facts(facts: Sequence[Fact]) -> tuple[Fact, ...]:
    """What a lead may hear: load facts only, never pulse, activity or hours."""
    return tuple(f for f in facts if f.family == LOAD)


def heaviest(items_by_owner: dict[str, int], members: int) -> str | None:
    """The owner carrying over 40% of the open items in a team of 4 or more, this week."""
    total = sum(items_by_owner.values())
    if members < 4 or total < 5:
        return None
    owner, count = max(items_by_owner.items(), key=lambda kv: kv[1])
    return owner if count / total > 0.4 else None


def concentration(
    items_by_owner: dict[str, int], members: int, last_week: str | None
) -> str | None:
    """The owner the work has rested on for two weeks running, if any (one week is noise)."""
    owner = heaviest(items_by_owner, members)
    return owner if owner is not None and owner == last_week else None


CONCENTRATION_REMINDER = timedelta(days=28)  # the same warning, at most once a month


def concentration_due(
    heavy: str | None, last_owner: str | None, last_at: datetime | None, now: datetime
) -> bool:
    """Warn the channel when work newly rests on one person (or on another one than last
    time), and remind at most once every four weeks while it stays so."""
    if heavy is None:
        return False
    if last_at is None or last_owner != heavy:
        return True
    # Counted in days: the reading runs at 08:00, the warning it planned went out later that
    # morning, so four weeks on the moment itself is a little short of 28 days.
    return (now.date() - last_at.date()).days >= CONCENTRATION_REMINDER.days


def team_median(items_by_owner: dict[str, int], members: Sequence[str]) -> float:
    """Median open items per member (members without items count as zero)."""
    return float(median([items_by_owner.get(m, 0) for m in members])) if members else 0.0


def quiet(week: Week) -> bool:
    """A lead who usually takes part has said nothing in the channel for two weeks."""
    return week.activity_14d == 0 and (week.baseline_14d or 0) >= MIN_BASELINE
