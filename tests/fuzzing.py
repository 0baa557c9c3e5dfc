"""Random requests of every kind through the router, and the two promises each must keep.

1. Nothing raises: bad input gets a short answer, never an exception (a traceback in Slack).
2. A refused request changes nothing in the database.

Shared by `tests/commands/test_fuzz_router.py` (a modest number of cases in the suite) and
`bench/fuzz.py` (ten thousand and more, on both databases).
"""

from __future__ import annotations

import asyncio
import traceback
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from sqlalchemy import delete, event

from bot.action_ids import ActionId, CallbackId, button_value
from bot.clock import Clock, ManualClock
from bot.commands import BY_NAME
from bot.db.schema import Base
from bot.db.uow import Database
from bot.outcome import Outcome
from bot.router import Router
from bot.services.request import Asker
from tests.builders import make_router

TEAMS = ("T0FUZZ", "T0OTHER")
CHANNELS = ("C0ONE", "C0TWO", "C0NONE")
USERS = ("U1", "U2", "U3", "U4", "U9")
WORDS = (
    # roles, steps, milestones, primitives, shapes, pains, answers, switches
    *("lead", "member", "pm", "sponsor", "LEAD", "memeber"),
    *("next", "coalition", "pitch", "structure", "primitives", "forcing-function"),
    *("three-members", "retro-held", "management-decided", "critical-ready"),
    *("slo-report", "observability", "on-call-tooling", "training", "on-call"),
    *("central", "embedded", "product-cluster", "myshape", "add"),
    *("reliability", "no-slos", "other", "yes", "partly", "no"),
    *("chartered", "deferred", "refused", "on", "off", "all", "primary", "nothing"),
    *("critical", "team", "for", "blocked:", "checkout", "payments", "availability"),
    *("monday", "tue", "digest", "checkin", "near", "final", "hand-off", "pair"),
    # numbers, percentages, windows, durations, hours, zones
    *("0", "1", "3", "5", "6", "80", "81", "-1", "1.5", "99999999999999999999", "\u1369"),
    *("\uff13", "99.9%", "99.9", "100%", "0%", "28d", "0d", "4w", "366d", "9999d"),
    *("4h", "80h", "999h", "7d", "2w", "61d", "#1", "#2", "#99999999999999999999"),
    *("9-17", "09:00-17:00", "25-3", "17-9", "9am-5pm", "Europe/Berlin", "Mars/Base"),
    *("../../etc/passwd", "UTC", "America/Los_Angeles"),
    # mentions, well-formed and not
    *("<@U1>", "<@U2|bob>", "<@U3>", "<@U9>", "<@>", "<@U1", "@U1", "<!channel>"),
    # text that tries to be markup or to break things
    *("<!here>", "\uff1c!channel\uff1e", "<https://evil.example|x>", "&amp;", "\u202e"),
    *("x" * 300, "`", "'", '"', "\\", "%s", "{}", "NULL", "; DROP TABLE members;--"),
)


def dates(today: date) -> st.SearchStrategy[str]:
    """Dates near today and far from it, valid and not."""
    near = st.integers(-400, 1200).map(lambda d: (today + timedelta(days=d)).isoformat())
    odd = st.sampled_from(
        ["9999-12-31", "9999-09-01", "0001-01-01", "2027-02-30", "2027-13-01", "tomorrow"]
    )
    return st.one_of(near, odd)


def words(today: date) -> st.SearchStrategy[str]:
    """One word of a command."""
    kinds = {
        "word": st.sampled_from(WORDS),
        "date": dates(today),
        "number": st.one_of(
            st.integers(-(10**21), 10**21).map(str),
            st.sampled_from(["2147483648", "9223372036854775808", "1e9", "007", "\uff19"]),
        ),
        "text": st.text(st.characters(blacklist_categories=("Zs", "Cc")), min_size=1, max_size=12),
    }
    return st.sampled_from(["word", "word", "word", "date", "number", "text"]).flatmap(
        lambda kind: kinds[kind]
    )


@dataclass(frozen=True)
class Case:
    """One request: a command, a click, a form submission or a mention."""

    kind: str
    team: str
    channel: str
    user: str
    text: str = ""
    action: str = ""
    values: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        detail = self.text or f"{self.action} {self.values}"
        return f"{self.kind} by {self.user} in {self.channel}: {detail!r}"


def cases(today: date) -> st.SearchStrategy[Case]:
    """Requests of every kind, from anyone, anywhere."""
    # Mostly inside the seeded coalition, by its lead or members, so cases get past "join first".
    where = {
        "team": st.sampled_from([TEAMS[0]] * 9 + [TEAMS[1]]),
        "channel": st.sampled_from([CHANNELS[0]] * 6 + list(CHANNELS)),
        "user": st.sampled_from(["U1"] * 4 + ["U2", "U2", "U3"] + list(USERS)),
    }
    line = st.sampled_from([*sorted(BY_NAME), "help", "stauts", ""]).flatmap(
        lambda name: _line(name, today)
    )
    command = st.builds(Case, kind=st.just("command"), text=line, **where)
    action_ids = st.sampled_from([*sorted(ActionId), "sre_gone"])
    click = st.builds(
        Case,
        kind=st.just("click"),
        action=action_ids,
        text=st.builds(button_value, st.sampled_from(CHANNELS), words(today)),
        **where,
    )
    form_ids = st.sampled_from([*sorted(CallbackId), "sre_gone_form"])
    keys = st.sampled_from(
        [
            *("service", "sli", "target", "window", "culture", "pain", "credibility"),
            *("energy", "hours", "progress", "blockers", "junk"),
        ]
    )
    submit = st.builds(
        Case,
        kind=st.just("submit"),
        action=form_ids,
        values=st.dictionaries(keys, words(today), max_size=5),
        **where,
    )
    mention = st.builds(Case, kind=st.just("mention"), text=line, **where)
    kinds = {"command": command, "click": click, "submit": submit, "mention": mention}
    # hypothesis' one_of favours some branches; an explicit draw keeps the mix as intended
    return st.sampled_from(["command"] * 6 + ["click", "submit", "mention"]).flatmap(
        lambda kind: kinds[kind]
    )


def _line(name: str, today: date) -> st.SearchStrategy[str]:
    """`name` and about as many words as it takes (sometimes one too few or too many)."""
    sub = BY_NAME.get(name)
    low, high = (sub.min_args, min(sub.max_args, sub.min_args + 3)) if sub else (0, 3)
    count = st.integers(max(low - 1, 0), high + 1)
    args = count.flatmap(lambda n: st.lists(words(today), min_size=n, max_size=n))
    return args.map(lambda a: " ".join([name, *a]))


@dataclass
class Verdicts:
    """What the cases did: exceptions and refused requests that still wrote."""

    cases: int = 0
    refused: int = 0
    exceptions: list[str] = field(default_factory=list)
    unintended_writes: list[str] = field(default_factory=list)


async def _send(router: Router, case: Case) -> Outcome:
    asker = Asker(case.team, case.channel, case.user)
    if case.kind == "command":
        return await router.command(asker, case.text)
    if case.kind == "click":
        return await router.click(case.team, case.user, case.action, case.text)
    if case.kind == "submit":
        return await router.submit(asker, case.action, case.values)
    return await router.mention(asker, case.text, "1700000000.000100")


class Writes:
    """Rows changed by committed transactions (watched on the engine, cheaper than a snapshot)."""

    def __init__(self, db: Database) -> None:
        self.committed = 0
        self._open: dict[int, int] = {}
        engine = db.engine.sync_engine
        event.listen(engine, "after_cursor_execute", self._executed)
        event.listen(engine, "commit", self._commit)
        event.listen(engine, "rollback", self._rollback)

    def _executed(self, conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        verb = statement.lstrip()[:6].upper()
        if verb in ("INSERT", "UPDATE", "DELETE") and (cursor.rowcount or 0) != 0:
            self._open[id(conn)] = self._open.get(id(conn), 0) + 1

    def _commit(self, conn: Any) -> None:
        self.committed += self._open.pop(id(conn), 0)

    def _rollback(self, conn: Any) -> None:
        self._open.pop(id(conn), None)


async def check(router: Router, writes: Writes, case: Case, verdicts: Verdicts) -> None:
    """Run one case and record whether it kept both promises."""
    verdicts.cases += 1
    before = writes.committed
    try:
        outcome = await _send(router, case)
    except Exception as error:  # the whole point: nothing may escape the router
        where = traceback.extract_tb(error.__traceback__)[-1]
        verdicts.exceptions.append(
            f"{type(error).__name__} at {where.filename}:{where.lineno} from {case}"
        )
        return
    if outcome.refused:
        verdicts.refused += 1
        if writes.committed != before:
            verdicts.unintended_writes.append(str(case))


async def seed_coalitions(router: Router, clock: Clock) -> None:
    """Two coalitions with members, a deadline, a service with an SLO and a commitment."""
    today = clock.now().date()
    team, other = TEAMS
    script: list[tuple[str, str, str, str]] = [
        (team, "C0ONE", "U1", "join lead"),
        (team, "C0ONE", "U2", "join"),
        (team, "C0ONE", "U3", "join"),
        (team, "C0ONE", "U1", f"deadline {today + timedelta(days=40)} Peak week"),
        (team, "C0ONE", "U1", "service checkout critical team payments"),
        (team, "C0ONE", "U2", "slo checkout availability 99.9% 28d"),
        (team, "C0ONE", "U2", f"commit {today + timedelta(days=5)} draft the SLO doc"),
        (team, "C0ONE", "U1", "shapes add myshape A shape of our own"),
        (team, "C0TWO", "U4", "join lead"),
        (other, "C0ONE", "U9", "join lead"),
    ]
    for team_id, channel, user, text in script:
        outcome = await router.command(Asker(team_id, channel, user), text)
        assert not outcome.refused, text


def report(verdicts: Verdicts, shown: int = 10) -> list[str]:
    """Lines that say what happened, with the first few problems."""
    lines = [
        f"cases: {verdicts.cases}, refused: {verdicts.refused}, "
        f"exceptions: {len(verdicts.exceptions)}, "
        f"unintended writes: {len(verdicts.unintended_writes)}"
    ]
    distinct: dict[str, str] = {}
    for problem in verdicts.exceptions:
        distinct.setdefault(problem.split(" from ")[0], problem)
    lines += [f"  exception: {p}" for p in list(distinct.values())[:shown]]
    lines += [f"  wrote while refusing: {p}" for p in verdicts.unintended_writes[:shown]]
    return lines


def fuzz(database_url: str, examples: int, *, seed: int | None = None) -> Verdicts:
    """Seed a fresh database, then run `examples` random cases through one router.

    Without `seed` the cases are the same every run (a standing check in the suite); with one
    they are that seed's, so a bench run can be repeated.

    Runs its own event loop (hypothesis drives plain functions), so it is called from a plain
    function, not from inside a running loop. The database's rows are deleted afterwards.
    """
    loop = asyncio.new_event_loop()
    db = Database(database_url)
    clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    router, verdicts = make_router(db, clock), Verdicts()
    try:
        loop.run_until_complete(seed_coalitions(router, clock))
        writes = Writes(db)

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=seed is None,
            suppress_health_check=list(HealthCheck),
        )
        @given(cases(clock.now().date()))
        def one(case: Case) -> None:
            loop.run_until_complete(check(router, writes, case, verdicts))

        (one if seed is None else hypothesis_seed(seed)(one))()
    finally:
        loop.run_until_complete(_empty(db))
        loop.close()
    return verdicts


async def _empty(db: Database) -> None:
    async with db.engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            await conn.execute(delete(table))
    await db.dispose()
