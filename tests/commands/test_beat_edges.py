"""Dates and numbers are checked at the edge: out of range or non-ASCII input is refused over
HTTP with a short usage message, and changes nothing."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import date, timedelta

import pytest

from bot.clock import ManualClock
from bot.commands.words import COMMITMENT, DEADLINE, VACATION, WORKSHOP, DateRange, day, whole
from bot.db.uow import Database
from bot.domain.errors import UsageError
from bot.render.mrkdwn import mrkdwn
from tests.builders import snapshot
from tests.slackapp import SlackDriver, running_app

TODAY = date(2026, 3, 2)  # the clock fixture's day
ETHIOPIC_ONE = "\u1369"  # a digit to str.isdigit(), and int() refuses it
_ARABIC_INDIC = str.maketrans("0123456789", "".join(chr(0x660 + n) for n in range(10)))


def arabic(digits: str) -> str:
    """The same number in Arabic-Indic digits (int() reads them; the edge must not)."""
    return digits.translate(_ARABIC_INDIC)


REFUSED = [
    ("deadline 9999-12-31 End of time", "at most 3 years ahead"),
    ("deadline 9999-09-01 End of time", "at most 3 years ahead"),
    ("deadline 2029-03-02 Launch", "between 2026-03-03 and 2029-03-01"),
    ("deadline 20260320 Launch", "write it as YYYY-MM-DD"),
    (f"deadline {arabic('2026')}-{arabic('03')}-{arabic('20')} Launch", "write it as YYYY-MM-DD"),
    ("commit 9999-12-31 write the report", "3 years ahead"),
    ("commit 2025-01-01 write the report", "not past"),
    ("commit yesterday write the report", "not past"),
    ("workshop 9999-01-01 retries", "3 years ahead"),
    ("workshop 0001-01-01 retries", "a year back"),
    ("away 9999-01-01 9999-01-02", "start within a year"),
    ("away 2026-03-03 9999-01-01", "end within a year"),
    ("pitch chartered 9999-01-01", "within the last 3 years"),
    ("finish 99999999999999999999", "/sre finish <n>"),
    ("finish #0", "/sre finish <n>"),
    (f"finish {ETHIOPIC_ONE}", "/sre finish <n>"),
    (f"experience {ETHIOPIC_ONE}", "whole number of incidents"),
    ("experience 99999999999999999999", "whole number of incidents"),
    (f"oncall {ETHIOPIC_ONE}", "/sre oncall <pages"),
    ("oncall 99999999999999999999 primary", "/sre oncall <pages"),
    (f"checkin {ETHIOPIC_ONE} 3h", "/sre checkin nothing"),
    (f"checkin 3 {ETHIOPIC_ONE}h", "/sre checkin nothing"),
    ("checkin 3 99999999999999999999h", "/sre checkin nothing"),
    (f"schedule near {ETHIOPIC_ONE}", "takes weeks, 1 to 52"),
    ("schedule final 99999999999999999999", "takes weeks, 1 to 52"),
    (f"snooze {arabic('1')}d", "/sre snooze <N>d"),
    (f"hours {arabic('9')}-{arabic('17')}", "not a span of hours"),
    (f"slo checkout availability {arabic('99')}.{arabic('9')}% 28d", "not a target"),
    (f"slo checkout availability 99.9% {arabic('28')}d", "not a window"),
]


@pytest.fixture
async def slack(db: Database, clock: ManualClock) -> AsyncIterator[SlackDriver]:
    async with running_app(db, clock) as driver:
        await driver.command("join lead", user="U1")
        await driver.command("join pm", user="U2")
        await driver.command("service checkout critical", user="U1")
        await driver.command("commit 2026-03-20 write the report", user="U1")
        await driver.settle()
        yield driver


@pytest.mark.parametrize(("text", "usage"), REFUSED, ids=[t for t, _ in REFUSED])
async def test_out_of_range_input_is_refused_and_changes_nothing(
    slack: SlackDriver, db: Database, text: str, usage: str
) -> None:
    before = await snapshot(db)
    response = await slack.command(text, user="U1")
    assert response.status == 200
    body = json.dumps(await response.json())
    assert mrkdwn(usage) in body  # as Slack receives it: escaped

    assert "went wrong" not in body
    await slack.settle()
    assert await snapshot(db) == before


@pytest.mark.parametrize(
    ("allowed", "first", "last"),
    [
        (DEADLINE, date(2026, 3, 3), date(2029, 3, 1)),
        (COMMITMENT, date(2026, 3, 2), date(2029, 3, 1)),
        (WORKSHOP, date(2025, 3, 2), date(2029, 3, 1)),
        (VACATION, date(2026, 1, 31), date(2027, 3, 2)),
    ],
    ids=["deadline", "commitment", "workshop", "vacation"],
)
def test_each_kind_of_date_has_its_window(allowed: DateRange, first: date, last: date) -> None:
    assert day(first.isoformat(), allowed, TODAY) == first
    assert day(last.isoformat(), allowed, TODAY) == last
    for outside in (first - timedelta(days=1), last + timedelta(days=1)):
        with pytest.raises(UsageError):
            day(outside.isoformat(), allowed, TODAY)


def test_numbers_are_ascii_digits_in_bounds() -> None:
    assert whole("42", 0, 100, "usage") == 42
    for word in (ETHIOPIC_ONE, arabic("1"), "-1", "+1", "1.0", "101", "", "9" * 30):
        with pytest.raises(UsageError):
            whole(word, 0, 100, "usage")


async def test_dates_in_range_are_still_accepted(slack: SlackDriver) -> None:
    for text in (
        "deadline 2029-03-01 Launch",
        "workshop 2025-03-02 retries for checkout",
        "away 2026-03-10 2026-03-20",
        "finish #1",
        "experience 12",
    ):
        body = json.dumps(await (await slack.command(text, user="U1")).json())
        assert "Usage" not in body and "must" not in body, text
