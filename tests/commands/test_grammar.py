"""The grammar reads input as people type it: quotes, natural dates, targets, windows, hours,
"did you mean", and help that fits on one screen (pure parsers, no database)."""

from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.commands import BY_NAME, COMMANDS
from bot.commands.beat import _away, _hours, _promise
from bot.commands.primitives import _slo, _workshop
from bot.commands.words import (
    COMMITMENT,
    DEADLINE,
    WORKSHOP,
    day,
    hours,
    leading_day,
    percent,
    window,
    words,
)
from bot.domain.coalition import parse_role
from bot.domain.errors import UsageError
from bot.domain.leaving import reason_for
from bot.domain.nearest import closest
from bot.render.text import render
from bot.views.help import help_doc, topic_doc, usage_doc
from bot.views.plural import counted

TODAY = date(2026, 3, 2)  # a Monday
ETHIOPIC_ONE = "\u1369"


def test_the_last_for_starts_the_services() -> None:
    said = words("2026-03-08 SLO workshop for payments for checkout,payment-gateway")
    found = _workshop(said, TODAY)
    assert found.topic == "SLO workshop for payments"
    assert found.services == ("checkout", "payment-gateway")


def test_quoted_topics_and_service_names_with_spaces() -> None:
    said = words('tomorrow "SLOs for payments" for checkout, "payment gateway" <@U2>')
    found = _workshop(said, TODAY)
    assert (found.day, found.topic) == (date(2026, 3, 3), "SLOs for payments")
    assert found.services == ("checkout", "payment gateway")
    assert found.attendees == ("U2",)
    curly = words("2026-03-08 \u201cSLOs for payments\u201d for checkout")  # as Slack types them
    assert _workshop(curly, TODAY).topic == "SLOs for payments"


def test_an_unclosed_quote_is_read_as_typed() -> None:
    assert words('guide what is "toil') == ["guide", "what", "is", '"toil']
    assert words("guide what's an slo") == ["guide", "what's", "an", "slo"]


def test_a_workshop_for_nothing_gets_its_usage() -> None:
    with pytest.raises(UsageError, match="quote a topic"):
        _workshop(words("2026-03-08 retries for"), TODAY)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("tomorrow", date(2026, 3, 3)),
        ("next friday", date(2026, 3, 6)),
        ("friday", date(2026, 3, 6)),
        ("in 2 weeks", date(2026, 3, 16)),
        ("in 3 days", date(2026, 3, 5)),
        ("8 april", date(2026, 4, 8)),
        ("april 8", date(2026, 4, 8)),
        ("2026-03-20", date(2026, 3, 20)),
    ],
)
def test_dates_as_people_say_them(typed: str, meant: date) -> None:
    assert day(typed, COMMITMENT, TODAY) == meant


def test_dates_are_seen_from_the_injected_today_never_the_clock() -> None:
    assert day("tomorrow", WORKSHOP, date(2025, 6, 30)) == date(2025, 7, 1)
    assert day("in 2 weeks", DEADLINE, date(2027, 12, 25)) == date(2028, 1, 8)


@pytest.mark.parametrize(
    "typed",
    ["someday", "20260320", "12/8", "3 4", "friday 2", f"in {ETHIOPIC_ONE} weeks", "in", ""],
)
def test_what_is_not_a_date_is_refused_with_the_ways_to_say_one(typed: str) -> None:
    with pytest.raises(UsageError, match="YYYY-MM-DD, or like tomorrow, next friday"):
        day(typed, WORKSHOP, TODAY)


def test_natural_dates_keep_their_range() -> None:
    with pytest.raises(UsageError, match="at most 3 years ahead"):
        day("in 200 weeks", DEADLINE, TODAY)
    with pytest.raises(UsageError, match="not past"):
        day("yesterday", COMMITMENT, TODAY)


def test_a_leading_date_takes_its_words_and_leaves_the_title() -> None:
    assert leading_day(words("in 2 weeks ship 3 dashboards"), COMMITMENT, TODAY) == (
        date(2026, 3, 16),
        ["ship", "3", "dashboards"],
    )
    assert leading_day(words("friday 2 runbooks"), COMMITMENT, TODAY)[1] == ["2", "runbooks"]
    assert leading_day(words("tomorrow 9 fixes"), COMMITMENT, TODAY)[1] == ["9", "fixes"]
    promise = _promise(words("next friday draft the SLO doc <@U3>"), TODAY)
    assert (promise.due, promise.title, promise.owner) == (
        date(2026, 3, 6),
        "draft the SLO doc",
        "U3",
    )


def test_a_past_commitment_is_refused_shortly() -> None:
    with pytest.raises(UsageError) as refused:
        _promise(words("2026-02-01 write the report"), TODAY)
    assert "not past" in refused.value.message and len(refused.value.message) < 120


@pytest.mark.parametrize(("typed", "target"), [("99.5", 99.5), ("99.5%", 99.5), ("99%", 99.0)])
def test_targets_with_or_without_percent(typed: str, target: float) -> None:
    assert percent(typed) == target


@pytest.mark.parametrize("typed", ["100", "0%", "abc", "99.9.9", "\u0669\u0669%"])
def test_impossible_targets_are_refused(typed: str) -> None:
    with pytest.raises(UsageError, match="not a target"):
        percent(typed)


@pytest.mark.parametrize(
    ("typed", "days"), [("28d", 28), ("4w", 28), ("30 days", 30), ("1 week", 7)]
)
def test_windows_in_days_or_weeks(typed: str, days: int) -> None:
    assert window(typed) == days


def test_an_slo_window_may_take_two_words() -> None:
    slo = _slo(words("checkout availability 99.5 30 days"), TODAY)
    assert slo is not None
    assert (slo.service, slo.sli, slo.target, slo.window_days) == (
        "checkout",
        "availability",
        99.5,
        30,
    )
    quoted = _slo(words('"payment gateway" latency p99 99.9% 4w'), TODAY)
    assert quoted is not None and (quoted.service, quoted.window_days) == ("payment gateway", 28)


@pytest.mark.parametrize("typed", ["0d", "53w", "366d", "4x"])
def test_impossible_windows_are_refused(typed: str) -> None:
    with pytest.raises(UsageError, match="not a window"):
        window(typed)


@pytest.mark.parametrize(
    ("typed", "start", "end"),
    [
        ("9am-5pm", time(9), time(17)),
        ("09:00-17:00", time(9), time(17)),
        ("8:30am-4:30pm", time(8, 30), time(16, 30)),
        ("9-17", time(9), time(17)),
        ("12am-12pm", time(0), time(12)),
    ],
)
def test_working_hours_as_people_write_them(typed: str, start: time, end: time) -> None:
    found = hours(typed)
    assert (found.start, found.end) == (start, end)
    assert _hours([typed], TODAY).span == f"{start:%H:%M}-{end:%H:%M}"


@pytest.mark.parametrize("typed", ["13pm-5pm", "9-25", "9:75-17", "5pm-9am", "nine-five"])
def test_impossible_hours_are_refused(typed: str) -> None:
    with pytest.raises(UsageError):
        hours(typed)


@pytest.mark.parametrize(
    ("typed", "choices", "meant"),
    [
        ("stauts", list(BY_NAME), "status"),
        ("memeber", ["lead", "member", "sponsor", "pm"], "member"),
        ("embeded", ["central", "embedded", "product-cluster"], "embedded"),
        (
            "on-call",
            ["slo-report", "observability", "on-call-tooling", "training"],
            "on-call-tooling",
        ),
        ("Chekout", ["checkout", "search"], "checkout"),
        ("zzzz", ["checkout", "search"], None),
    ],
)
def test_the_closest_accepted_word(typed: str, choices: list[str], meant: str | None) -> None:
    assert closest(typed, choices) == meant


def test_a_mistyped_role_hears_the_closest_one() -> None:
    with pytest.raises(UsageError, match="Did you mean `member`"):
        parse_role("memeber")


@pytest.mark.parametrize(
    ("said", "reason"),
    [
        ("tired", "tired"),
        ("too much on-call", "tired"),
        ("no time", "time"),
        ("new job", "moved-on"),
        ("priorites", "priorities"),
        ("rather not say", "rather-not-say"),
        ("the cafeteria", None),
    ],
)
def test_free_text_maps_to_the_closest_leaving_reason(said: str, reason: str | None) -> None:
    assert reason_for(said) == reason


def test_help_is_topics_on_one_screen_with_their_main_commands() -> None:
    text = render(help_doc(COMMANDS))
    assert len(text.splitlines()) <= 15
    for sub in ("join", "leave", "status", "deadline", "checkin", "guide"):
        assert f"`/sre {sub}`" in text
    assert "`/sre help beat`" in text


def test_help_on_a_topic_shows_all_its_commands() -> None:
    text = render(topic_doc("Beat", COMMANDS))
    for sub in (c for c in COMMANDS if c.group == "Beat"):
        assert sub.usage in text
    assert "/sre join" not in text


def test_an_error_shows_the_usage_at_hand_only() -> None:
    text = render(usage_doc("`x` is not a date.", BY_NAME["commit"]))
    assert "/sre commit <date> <what> [@owner]" in text
    assert "/sre join" not in text and "/sre status" not in text


def test_plurals() -> None:
    assert [counted(n, "week") for n in (0, 1, 2)] == ["0 weeks", "1 week", "2 weeks"]
    assert counted(1, "entry", "entries") == "1 entry"
    assert counted(3, "entry", "entries") == "3 entries"


_PIECES = ["in", "next", "this", "on", "a", "day", "weeks", "month", "friday", "dec", "8th", "999"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([*_PIECES, "0", "31", "feb", "years", "today"]), max_size=4))
def test_any_date_shaped_words_give_a_date_in_range_or_a_usage_error(pieces: list[str]) -> None:
    try:
        found = day(" ".join(pieces), COMMITMENT, TODAY)
    except UsageError:
        return
    first, last = COMMITMENT.bounds(TODAY)
    assert first <= found <= last


def test_a_vacations_end_is_seen_from_its_start() -> None:
    away = _away(words("next monday next friday"), TODAY)
    assert away is not None
    assert (away.first, away.last) == (date(2026, 3, 9), date(2026, 3, 13))
