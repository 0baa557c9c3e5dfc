"""Synthetic evaluation of the burnout/attrition model in `bot.domain.health`.

Run: .venv/bin/python bench/health_sim.py [--seed 7] [--runs 20] [--trace SCENARIO ...] [--why]
     .venv/bin/python bench/health_sim.py --what-if silence [--what-if ...]   (candidate rules)
     .venv/bin/python bench/health_sim.py --sweep 20   (what-ifs over seeds 1..20, ~4 min)

Each scenario is a coalition of five members followed for 12 weeks. Every member has a small
generative story (daily message and reaction counts, a weekly check-in answered or missed with
an energy pulse 1-5 inside it, owned action items that open and close, an optional after-hours
share, a self-reported on-call rotation). From those raw events the simulator builds the
`Week` the bot builds (the rules of `observe` in bot/domain/observations.py), then drives
`read` -> `step` -> `act` for every member and week as the bot does (no consent, no lead
opt-out, "I'm OK" never clicked). A member who leaves produces no weeks from their departure
week on. Ground truth ("at risk") comes from the story, never from the model.

Prints one markdown section per scenario, then the aims; exit status 1 when an aim is missed.
`--trace SCENARIO` adds the week-by-week facts of the scenario's member of interest in run 1;
`--why` lists every flag on a member not at risk and every leaver flagged late or never.
`--what-if` applies candidate rule changes from outside the model; bot/ is never modified.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from bot.domain import health
from bot.domain.health import (
    CAPS,
    Reading,
    Standing,
    Week,
    act,
    concentration,
    heaviest,
    load_facts,
    read,
    step,
    suggested,
    team_median,
)

WEEKS = 12
TEAM = 5
WORKDAYS, WEEKEND = 5, 2
WEEKEND_SHARE = 0.1  # weekend activity as a share of a workday's
MESSAGE_SHARE = 0.6  # the rest of the activity is reactions
BASELINE_WEEKS = 8  # the baseline is the median of this many prior windows
MIN_HISTORY = 3  # prior full windows before a baseline exists
MIN_MESSAGES = 20  # messages in a window before an after-hours share means anything
ONCALL_WEEKS = 4  # the reading counts on-call reports from the last 4 ISO weeks
DUE_AFTER, OVERDUE_GRACE = 2, 2  # weeks from creation to due; weeks past due that count (> 7 d)
WEEKS_PER_MONTH = 52 / 12
WARNING_AIM = 2  # weeks of warning we want before a predictable departure
DM_AIM = 2  # DMs per member per month, at most
Series = tuple[float, ...]


def ramp(before: float, after: float, start: int, end: int) -> Series:
    """`before` up to week `start`, then a straight line to `after` at week `end`, flat after."""
    values = []
    for week in range(1, WEEKS + 1):
        share = min(max((week - start) / (end - start), 0.0), 1.0)
        values.append(before + (after - before) * share)
    return tuple(values)


def flat(value: float) -> Series:
    """The same value every week."""
    return (value,) * WEEKS


@dataclass(frozen=True)
class Story:
    """One member's generative story: the expected value of each observable, per week."""

    role: str
    activity: Series  # expected messages + reactions per workday
    jitter: float  # sd of a weekly log-normal multiplier on activity
    miss: Series  # chance of missing the weekly check-in
    energy: Series  # mean energy pulse when they answer
    new_items: Series  # items they take on per week (Poisson mean)
    close: Series  # chance each open item is closed in a week
    start_items: int = 3
    energy_sd: float = 0.5
    energy_range: tuple[int, int] = (1, 5)
    isolated_misses: bool = False  # a miss is always followed by an answer
    after_hours: Series | None = None  # share of messages after hours; None: not opted in
    rotation: int = 6  # primary on call one week in this many (self-reported)
    leaves: int | None = None  # week they leave: no observation that week or after
    at_risk: bool = False
    predictable: bool = True  # the story gives warning signs before leaving


def steady(role: str, rng: np.random.Generator) -> Story:
    """A member who is fine: their own level of activity, energy and load, with mild noise."""
    opted_in = bool(rng.random() < 0.5)
    return Story(
        role=role,
        activity=flat(float(rng.uniform(2.0, 5.0))),
        jitter=0.15,
        miss=flat(0.05),
        energy=flat(float(rng.uniform(3.3, 4.3))),
        new_items=flat(1.5),
        close=flat(0.5),
        after_hours=flat(float(rng.uniform(0.03, 0.18))) if opted_in else None,
        rotation=int(rng.integers(4, 9)),
    )


def healthy(rng: np.random.Generator) -> list[Story]:
    """Everyone steady."""
    return [steady(f"steady {i}", rng) for i in range(1, TEAM + 1)]


def overloaded(rng: np.random.Generator) -> list[Story]:
    """Items climb 3 -> 9 and energy 4 -> 2 from week 4, after hours rise; leaves in week 11."""
    base = steady("overloaded", rng)
    target = ramp(3.0, 9.0, 3, 10)  # expected open items
    close = ramp(0.5, 0.1, 3, 4)
    taken = [target[0] * close[0]]
    taken += [max(0.0, target[w] - target[w - 1] * (1 - close[w])) for w in range(1, WEEKS)]
    focus = replace(
        base,
        energy=ramp(4.0, 2.0, 4, 10),
        new_items=tuple(taken),
        close=close,
        after_hours=ramp(0.12, 0.40, 4, 10),
        leaves=11,
        at_risk=True,
    )
    return [focus, *(steady(f"steady {i}", rng) for i in range(1, TEAM))]


def slow_fade(rng: np.random.Generator) -> list[Story]:
    """Activity decays 15%/week from week 3, check-ins missed from week 6; leaves in week 12."""
    base = steady("fading", rng)
    level = base.activity[0]
    focus = replace(
        base,
        activity=tuple(level * 0.85 ** max(0, w - 2) for w in range(1, WEEKS + 1)),
        miss=tuple(0.05 if w < 6 else 1.0 for w in range(1, WEEKS + 1)),
        energy=ramp(3.0, 2.0, 3, 11),
        leaves=12,
        at_risk=True,
    )
    return [focus, *(steady(f"steady {i}", rng) for i in range(1, TEAM))]


def sudden(rng: np.random.Generator) -> list[Story]:
    """A steady member leaves in week 7 with no warning."""
    focus = replace(steady("leaver", rng), leaves=7, at_risk=True, predictable=False)
    return [focus, *(steady(f"steady {i}", rng) for i in range(1, TEAM))]


def bus_factor(rng: np.random.Generator) -> list[Story]:
    """One member owns about half the open items and is otherwise fine."""
    focus = replace(steady("owner", rng), new_items=flat(4.0), start_items=8)
    others = [
        replace(steady(f"steady {i}", rng), new_items=flat(1.0), start_items=2)
        for i in range(1, TEAM)
    ]
    return [focus, *others]


def noisy(rng: np.random.Generator) -> list[Story]:
    """Bursty activity, an occasional single missed check-in, energy 3-5; fine."""
    focus = replace(
        steady("noisy", rng),
        jitter=0.6,
        miss=flat(0.2),
        isolated_misses=True,
        energy=flat(4.0),
        energy_sd=1.0,
        energy_range=(3, 5),
    )
    return [focus, *(steady(f"steady {i}", rng) for i in range(1, TEAM))]


SCENARIOS: dict[str, Callable[[np.random.Generator], list[Story]]] = {
    "healthy": healthy,
    "overloaded": overloaded,
    "slow fade": slow_fade,
    "sudden departure": sudden,
    "bus-factor": bus_factor,
    "noisy but fine": noisy,
}


@dataclass
class Raw:
    """What happened to one member, week by week (index 0 is week 1)."""

    messages: list[int] = field(default_factory=list)
    reactions: list[int] = field(default_factory=list)
    after_hours: list[int] = field(default_factory=list)
    energy: list[int | None] = field(default_factory=list)  # None: check-in missed
    primary: list[bool] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    items: list[list[int]] = field(default_factory=list)  # creation week of each open item


def live(story: Story, rng: np.random.Generator) -> Raw:
    """Draw one member's raw weeks from their story, up to the week before they leave."""
    raw = Raw()
    items = [-int(rng.integers(0, 3)) for _ in range(story.start_items)]
    offset = int(rng.integers(0, story.rotation))
    last = (story.leaves or WEEKS + 1) - 1
    for i in range(last):
        week = i + 1
        level = story.activity[i] * float(rng.lognormal(0.0, story.jitter))
        days = [level] * WORKDAYS + [level * WEEKEND_SHARE] * WEEKEND
        messages = sum(int(rng.poisson(d * MESSAGE_SHARE)) for d in days)
        raw.messages.append(messages)
        raw.reactions.append(sum(int(rng.poisson(d * (1 - MESSAGE_SHARE))) for d in days))
        share = story.after_hours[i] if story.after_hours else 0.0
        raw.after_hours.append(int(rng.binomial(messages, share)))
        missed = bool(rng.random() < story.miss[i])
        if story.isolated_misses and raw.energy and raw.energy[-1] is None:
            missed = False
        lo, hi = story.energy_range
        pulse = round(float(rng.normal(story.energy[i], story.energy_sd)))
        raw.energy.append(None if missed else min(max(pulse, lo), hi))
        raw.primary.append((week + offset) % story.rotation == 0 or bool(rng.random() < 0.05))
        raw.pages.append(int(rng.poisson(4.0)) if raw.primary[-1] else 0)
        items = [c for c in items if rng.random() >= story.close[i]]
        items += [week] * int(rng.poisson(story.new_items[i]))
        raw.items.append(list(items))
    return raw


def activity_baseline(activity: Sequence[int], i: int) -> float | None:
    """Median of the 14-day windows ending 2..9 weeks ago that start after joining (>= 3)."""
    ends = [e for e in range(i - 2, i - 2 - BASELINE_WEEKS, -1) if e >= 1]
    if len(ends) < MIN_HISTORY:
        return None
    return float(statistics.median(activity[e - 1] + activity[e] for e in ends))


def after_hours_share(raw: Raw, first: int, last: int) -> float | None:
    """After-hours share of messages in weeks first..last (indexes), with >= 5 messages."""
    lo = max(0, first)
    messages = sum(raw.messages[lo : last + 1])
    if last < 0 or messages < MIN_MESSAGES:
        return None
    return sum(raw.after_hours[lo : last + 1]) / messages


def energy_fields(answers: Sequence[int | None]) -> tuple[int | None, float, int]:
    """Latest pulse (this week or last), 3-week mean drop, and the run of weeks at <= 2."""
    latest = next((e for e in reversed(answers[-2:]) if e is not None), None)
    recent = [e for e in answers[-3:] if e is not None]
    earlier = [e for e in answers[-6:-3] if e is not None]
    drop = statistics.mean(earlier) - statistics.mean(recent) if recent and earlier else 0.0
    run = 0
    for e in reversed(answers):
        if e is None or e > 2:
            break
        run += 1
    return latest, max(drop, 0.0), run


def observe(story: Story, raw: Raw, i: int, items: dict[str, int], owner: str | None) -> Week:
    """The `Week` the bot builds for this member after week i + 1.

    Mirrors `observe` in bot/domain/observations.py: the baseline skips the two weeks of the
    current window; the after-hours share needs 5 messages and its baseline is the share of
    the 8 weeks before the last 4; the pulse carries over one missed week; on-call reports
    are gathered over the last 5 weeks.
    """
    activity = [m + r for m, r in zip(raw.messages, raw.reactions, strict=True)]
    share = base = None
    if story.after_hours is not None:
        share = after_hours_share(raw, i - 3, i)
        base = after_hours_share(raw, i - 11, i - 4)
    missed = 0
    for e in reversed(raw.energy[: i + 1]):
        if e is not None:
            break
        missed += 1
    latest, drop, low = energy_fields(raw.energy[: i + 1])
    week = i + 1
    return Week(
        activity_14d=activity[i] + (activity[i - 1] if i else 0),
        baseline_14d=activity_baseline(activity, i),
        after_hours_share=share,
        after_hours_baseline=base,
        missed_in_a_row=missed,
        open_items=len(raw.items[i]),
        overdue_items=sum(1 for c in raw.items[i] if week - c >= DUE_AFTER + OVERDUE_GRACE),
        team_median_items=team_median(items, list(items)),
        energy=latest,
        energy_3w_drop=drop,
        low_energy_weeks=low,
        primary_weeks_of_4=sum(raw.primary[max(0, i + 1 - ONCALL_WEEKS) : i + 1]),
        pages_last_week=raw.pages[i],
        concentrated=owner == story.role,
    )


@dataclass
class Row:
    """One observed week of one member: what the bot saw and did."""

    week: int
    seen: Week
    reading: Reading
    raw_level: str
    level: str
    dm: str | None
    lead_note: bool


@dataclass
class Outcome:
    """One member's 12 weeks (or fewer) under the model."""

    story: Story
    rows: list[Row]

    @property
    def first_flag(self) -> int | None:
        """First week at amber or red."""
        return next((r.week for r in self.rows if r.level != "green"), None)

    @property
    def first_level(self) -> str:
        """The level at the first flag."""
        return next((r.level for r in self.rows if r.level != "green"), "green")

    @property
    def dms(self) -> list[int]:
        """Weeks with a DM."""
        return [r.week for r in self.rows if r.dm]

    @property
    def warning(self) -> int | None:
        """Weeks from the start of the flag still on when they left, to their departure.

        A flag that came and went earlier (often one low pulse) warned of nothing: it counts
        as flagged, not as warning.
        """
        if self.story.leaves is None or not self.rows or self.rows[-1].level == "green":
            return None
        start = self.rows[-1].week
        for row in reversed(self.rows):
            if row.level == "green":
                break
            start = row.week
        return self.story.leaves - start

    @property
    def notes(self) -> int:
        """Lead notes about this member."""
        return sum(r.lead_note for r in self.rows)


@dataclass
class Run:
    """One coalition's 12 weeks."""

    members: list[Outcome]
    concentration_weeks: int  # weeks with a team-level concentration flag


# What-ifs: candidate rule changes tried from outside the model (bot/ is not touched). The
# first sweep's recommendations (after-hours needs a baseline, on-call over 4 weeks, one-week
# amber needs 4 points, silence counts as missing self-report, concentration held 2 weeks and
# not counted on top of heavy items) are now part of the model itself.
WHAT_IFS = {
    "two-of-three": "amber starts after 2 of the last 3 weeks at >= 3 points, not 2 in a row",
    "slow-burn": "amber also after 3 weeks running at >= 2 points from >= 2 families",
}


def judge(week: Week, what_ifs: frozenset[str]) -> Reading:
    """`read`, then the chosen what-ifs applied to its facts."""
    reading = read(week)
    if not what_ifs:
        return reading
    facts = list(reading.facts)
    points = dict.fromkeys(CAPS, 0)
    for f in facts:
        points[f.family] += f.points
    return Reading(tuple(facts), {f: min(p, CAPS[f]) for f, p in points.items()})


def mild(reading: Reading) -> bool:
    """At least 2 points from at least 2 families."""
    return reading.families >= 2 and reading.total >= 2


def advance(
    before: Standing, reading: Reading, seen: Week, history: list[Row], what_ifs: frozenset[str]
) -> Standing:
    """`step`, with the chosen what-ifs on when amber starts."""
    if "two-of-three" in what_ifs and any(r.raw_level != "green" for r in history[-2:]):
        before = replace(before, weeks_high=max(before.weeks_high, 1))
    after = step(before, reading, seen)
    sustained = len(history) >= 2 and mild(reading) and all(mild(r.reading) for r in history[-2:])
    if "slow-burn" in what_ifs and after.level == "green" and sustained:
        after = replace(after, level="amber")
    return after


def simulate(
    stories: list[Story], rng: np.random.Generator, what_ifs: frozenset[str] = frozenset()
) -> Run:
    """Generate the coalition's raw weeks, build `Week`s and drive read -> step -> act."""
    raws = [live(s, rng) for s in stories]
    outcomes = [Outcome(s, []) for s in stories]
    standings = [Standing() for _ in stories]
    flagged, owner = 0, None
    for i in range(WEEKS):
        present = [k for k, raw in enumerate(raws) if len(raw.messages) > i]
        items = {stories[k].role: len(raws[k].items[i]) for k in present}
        now = concentration(items, len(items), owner)
        owner = heaviest(items, len(items))
        flagged += now is not None
        for k in present:
            seen = observe(stories[k], raws[k], i, items, now)
            reading = judge(seen, what_ifs)
            standing = advance(standings[k], reading, seen, outcomes[k].rows, what_ifs)
            has_load = bool(load_facts(reading.facts))
            actions = act(standing, consent=False, lead_opt_out=False, has_load=has_load)
            standings[k] = actions.standing
            row = Row(
                i + 1,
                seen,
                reading,
                suggested(reading, seen),
                actions.standing.level,
                actions.dm,
                actions.lead_note,
            )
            outcomes[k].rows.append(row)
    return Run(outcomes, flagged)


@dataclass(frozen=True)
class Summary:
    """One scenario over all runs."""

    name: str
    runs: list[Run]

    def members(self) -> list[Outcome]:
        """Every member of every run."""
        return [m for run in self.runs for m in run.members]

    def flagged(self) -> list[Outcome]:
        """Members who reached amber or red."""
        return [m for m in self.members() if m.first_flag is not None]

    def precision(self) -> float | None:
        """Truly at-risk members among those flagged."""
        flagged = self.flagged()
        return sum(m.story.at_risk for m in flagged) / len(flagged) if flagged else None

    def at_risk(self) -> list[Outcome]:
        """At-risk members who left."""
        return [m for m in self.members() if m.story.at_risk and m.story.leaves]

    def recall(self, warning: int = 0) -> float | None:
        """At-risk leavers flagged at all (0), or flagged on and still on `warning` weeks ahead."""
        leavers = self.at_risk()
        if warning == 0:
            hits = [m for m in leavers if m.first_flag is not None]
        else:
            hits = [m for m in leavers if (m.warning or 0) >= warning]
        return len(hits) / len(leavers) if leavers else None

    def dms_per_month(self) -> float:
        """DMs issued per member-month observed."""
        members = self.members()
        weeks = sum(len(m.rows) for m in members)
        return sum(len(m.dms) for m in members) / (weeks / WEEKS_PER_MONTH)

    def max_dms_in_4_weeks(self) -> int:
        """The most DMs any one member got in any 4 consecutive weeks."""
        return max(
            (
                sum(1 for d in m.dms if start <= d < start + 4)
                for m in self.members()
                for start in range(1, WEEKS + 1)
            ),
            default=0,
        )


def fmt(value: float | None, pattern: str = "{:.2f}") -> str:
    """A number, or a dash when undefined."""
    return "—" if value is None else pattern.format(value)


def member_table(summary: Summary) -> list[str]:
    """Per member role: ground truth, first run's first flag, rate across runs."""
    lines = [
        "| member | at risk | leaves | run 1: first flag | flagged in runs "
        "| first flag (median week) |",
        "|---|---|---|---|---|---|",
    ]
    roles = [m.story.role for m in summary.runs[0].members]
    for k, role in enumerate(roles):
        outcomes = [run.members[k] for run in summary.runs]
        first = outcomes[0]
        story = first.story
        flags = [m.first_flag for m in outcomes if m.first_flag is not None]
        run1 = f"{first.first_level} wk {first.first_flag}" if first.first_flag else "—"
        risk = "no" if not story.at_risk else "yes" if story.predictable else "yes (no warning)"
        typical = statistics.median(flags) if flags else None
        lines.append(
            f"| {role} | {risk} | {fmt(story.leaves, 'wk {}')} | {run1} "
            f"| {len(flags)}/{len(outcomes)} | {fmt(typical, 'wk {:g}')} |"
        )
    return lines


def metrics_table(summary: Summary) -> list[str]:
    """Precision, recall, warning, DMs, lead notes and concentration flags over all runs."""
    leavers = summary.at_risk()
    warnings = [m.warning for m in leavers if m.warning is not None]
    runs = len(summary.runs)
    notes = sum(m.notes for m in summary.members())
    blind = sum(  # a lead note with no load fact can only be about their pulse
        1
        for m in summary.members()
        for r in m.rows
        if r.lead_note and not load_facts(r.reading.facts)
    )
    conc = [run.concentration_weeks for run in summary.runs]
    typical = statistics.median(warnings) if warnings else None
    return [
        "| precision | recall (flagged before leaving) | recall (>= 2 wk warning, flag on at exit) "
        "| median warning "
        "| DMs / member / month | max DMs to one member in 4 wk "
        "| lead notes (per run; no load fact) "
        "| concentration flags: runs, team-weeks per run |",
        "|---|---|---|---|---|---|---|---|",
        f"| {fmt(summary.precision())} | {fmt(summary.recall())} "
        f"| {fmt(summary.recall(WARNING_AIM))} | {fmt(typical, '{:g} wk')} "
        f"| {summary.dms_per_month():.2f} | {summary.max_dms_in_4_weeks()} "
        f"| {notes} ({notes / runs:.2f}; {blind}) "
        f"| {sum(c > 0 for c in conc)}/{runs}, {sum(conc) / runs:.1f} |",
    ]


def trace(summary: Summary) -> list[str]:
    """Week by week, what the bot saw of the scenario's first member in run 1."""
    member = summary.runs[0].members[0]
    lines = [
        f"Trace, run 1, {member.story.role}:",
        "",
        "| wk | act 14d / base | after-hrs / base | missed | open / overdue "
        "| energy (drop, low run) | conc | facts (points) | B/L/S | raw | level | DM |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in member.rows:
        w, p = r.seen, r.reading.points
        facts = ", ".join(f"{f.signal} {f.points}" for f in r.reading.facts) or "—"
        lines.append(
            f"| {r.week} | {w.activity_14d} / {fmt(w.baseline_14d, '{:g}')} "
            f"| {fmt(w.after_hours_share, '{:.2f}')} / {fmt(w.after_hours_baseline, '{:.2f}')} "
            f"| {w.missed_in_a_row} | {w.open_items} / {w.overdue_items} "
            f"| {fmt(w.energy, '{}')} ({w.energy_3w_drop:g}, {w.low_energy_weeks}) "
            f"| {'yes' if w.concentrated else ''} | {facts} "
            f"| {p['behavioral']}/{p['load']}/{p['self-report']} | {r.raw_level} | {r.level} "
            f"| {r.dm or ''} |"
        )
    return lines


def run_all(seed: int, runs: int, what_ifs: frozenset[str] = frozenset()) -> dict[str, Summary]:
    """Every scenario, `runs` times, each run from its own seed (the same with any what-if)."""
    out = {}
    for s, (name, build) in enumerate(SCENARIOS.items()):
        results = []
        for r in range(runs):
            rng = np.random.default_rng([seed, s, r])
            results.append(simulate(build(rng), rng, what_ifs))
        out[name] = Summary(name, results)
    return out


def aims(summaries: dict[str, Summary]) -> list[tuple[str, bool, str]]:
    """The aims, whether each is met, and the figure behind it."""
    quiet = [len(summaries[n].flagged()) for n in ("healthy", "noisy but fine")]
    owner = summaries["bus-factor"]
    owner_flags = sum(run.members[0].first_flag is not None for run in owner.runs)
    early = {n: summaries[n].recall(WARNING_AIM) or 0.0 for n in ("overloaded", "slow fade")}
    worst = max(s.max_dms_in_4_weeks() for s in summaries.values())
    rate = max(s.dms_per_month() for s in summaries.values())
    return [
        (
            "no flags in healthy and noisy-but-fine",
            sum(quiet) == 0,
            f"flagged members: healthy {quiet[0]}, noisy but fine {quiet[1]}",
        ),
        (
            "every overloaded or fading member flagged >= 2 weeks before leaving",
            all(v == 1.0 for v in early.values()),
            ", ".join(f"{n} {v:.0%}" for n, v in early.items()),
        ),
        (
            "at most 2 DMs per member per month",
            worst <= DM_AIM,
            f"max {worst} DMs to one member in any 4 weeks; highest scenario rate {rate:.2f}",
        ),
        (
            "bus-factor owner not flagged without corroboration (concentration flag fires)",
            owner_flags == 0 and all(run.concentration_weeks > 0 for run in owner.runs),
            f"owner flagged in {owner_flags}/{len(owner.runs)} runs",
        ),
    ]


def why(summary: Summary) -> list[str]:
    """Every flag on a member not at risk, and every predictable leaver flagged late or never."""
    lines = []
    for r, run in enumerate(summary.runs, 1):
        for m in run.members:
            wrong = m.first_flag is not None and not m.story.at_risk
            late = m.story.at_risk and m.story.predictable and (m.warning or 0) < WARNING_AIM
            if not (wrong or late):
                continue
            what = "flagged, not at risk" if wrong else f"warning {fmt(m.warning, '{} wk')}"
            weeks = []
            for row in m.rows[-6:] if late else m.rows[max(0, (m.first_flag or 1) - 3) :][:4]:
                p = row.reading.points
                facts = "+".join(f"{f.signal}{f.points}" for f in row.reading.facts)
                mark = {"green": "", "amber": " AMBER", "red": " RED"}[row.level]
                weeks.append(
                    f"wk{row.week} {p['behavioral']}/{p['load']}/{p['self-report']} "
                    f"raw {row.raw_level}{mark} [{facts}]"
                )
            lines.append(f"- run {r}, {m.story.role} ({what}): " + "; ".join(weeks))
    return lines


RECOMMENDED = frozenset[str]()  # the first sweep's set is in the model now


def sweep(seeds: int, runs: int) -> list[str]:
    """The model as-is, each what-if alone, and the recommended set, over seeds 1..`seeds`."""
    lines = [
        f"Sweep over seeds 1..{seeds}, {runs} runs each ({seeds * runs} coalitions per scenario)",
        "",
        "| what-if | false flags: healthy / noisy / bus-factor owner / all scenarios "
        "| overloaded >= 2 wk | slow fade >= 2 wk | healthy runs with a concentration flag "
        "| lead notes | DMs / member / month (worst scenario) |",
        "|---|---|---|---|---|---|---|",
    ]
    presets = [("as-is", frozenset[str]())]
    presets += [(w, frozenset({w})) for w in WHAT_IFS]
    if RECOMMENDED:
        presets.append(("recommended: " + ", ".join(sorted(RECOMMENDED)), RECOMMENDED))
    for label, what_ifs in presets:
        results = [run_all(seed, runs, what_ifs) for seed in range(1, seeds + 1)]
        healthy = sum(len(r["healthy"].flagged()) for r in results)
        noisy = sum(len(r["noisy but fine"].flagged()) for r in results)
        owner = sum(
            run.members[0].first_flag is not None for r in results for run in r["bus-factor"].runs
        )
        wrong = sum(
            1 for r in results for x in r.values() for m in x.flagged() if not m.story.at_risk
        )
        early = [
            sum(r[n].recall(WARNING_AIM) or 0.0 for r in results) / seeds
            for n in ("overloaded", "slow fade")
        ]
        conc = sum(run.concentration_weeks > 0 for r in results for run in r["healthy"].runs)
        notes = sum(m.notes for r in results for x in r.values() for m in x.members())
        dms = max(x.dms_per_month() for r in results for x in r.values())
        lines.append(
            f"| {label} | {healthy} / {noisy} / {owner} / {wrong} | {early[0]:.0%} "
            f"| {early[1]:.0%} | {conc}/{seeds * runs} | {notes} | {dms:.2f} |"
        )
    return lines


def main() -> int:
    """Print the tables and the aims; exit 1 when an aim is missed."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--trace", action="append", default=[], choices=list(SCENARIOS))
    parser.add_argument(
        "--why", action="store_true", help="list false flags and late or missed detections"
    )
    parser.add_argument(
        "--what-if",
        action="append",
        default=[],
        choices=list(WHAT_IFS),
        help="try a candidate rule change (not the bot's model)",
    )
    parser.add_argument(
        "--sweep", type=int, metavar="SEEDS", help="compare the what-ifs over seeds 1..SEEDS"
    )
    args = parser.parse_args()
    if args.sweep:
        print("\n".join(sweep(args.sweep, args.runs)))
        return 0
    what_ifs = frozenset(args.what_if)
    summaries = run_all(args.seed, args.runs, what_ifs)
    print(f"# Health model, synthetic evaluation (seed {args.seed}, {args.runs} runs per scenario)")
    with open(health.__file__, "rb") as model:
        print(
            f"\nModel: bot/domain/health.py sha256 {hashlib.sha256(model.read()).hexdigest()[:12]}"
        )
    if what_ifs:
        print(
            "\nWHAT-IF, not the model in bot/: " + "; ".join(WHAT_IFS[w] for w in sorted(what_ifs))
        )
    for name, summary in summaries.items():
        print(f"\n## {name}\n")
        print("\n".join(member_table(summary)))
        print()
        print("\n".join(metrics_table(summary)))
        if name in args.trace:
            print()
            print("\n".join(trace(summary)))
        if args.why and (reasons := why(summary)):
            print("\nWhy (points behavioral/load/self-report per week):\n")
            print("\n".join(reasons))
    print("\n## Aims\n")
    results = aims(summaries)
    for text, met, figure in results:
        print(f"- [{'x' if met else ' '}] {text}: {figure}")
    hits = sum(ok for _, ok, _ in results)
    print(f"\nSummary: {hits}/{len(results)} aims met.")
    return 0 if hits == len(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
