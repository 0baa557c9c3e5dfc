"""Issue 11's pure rules: what a change weighs, timed milestones, the end of a rollout, the
digest's step list and changes (each failed before its fix)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from bot.domain.errors import UsageError
from bot.domain.history import most_important
from bot.domain.pulse import Pulse
from bot.domain.risks import open_risks
from bot.domain.rollout import Deadline, check_tick, progress
from bot.render.text import render
from bot.views.beat import Outbox, schedule, workshop_dm
from bot.views.digest import digest
from tests.domain.test_rollout_rules import NOW, PROGRAMME, TODAY, member, state


@dataclass(frozen=True)
class Entry:
    action: str
    detail: str


def test_what_changed_puts_decisions_and_sign_offs_above_schedule_tweaks() -> None:
    week = [Entry("schedule", f"digest on day {n}") for n in range(9)]
    week += [Entry("pitch", "chartered"), Entry("sign-off", "checkout"), Entry("mute", "on")]
    week += [Entry("milestone", "retro-held")]
    shown, left_out = most_important(week, 8)
    assert [e.action for e in shown[:3]] == ["pitch", "sign-off", "milestone"]
    assert left_out == 5 and all(e.action != "mute" for e in shown)


def test_the_digest_marks_skipped_steps_and_counts_what_it_left_out() -> None:
    rows = progress(PROGRAMME, state(current_step="structure"))
    doc = digest(state(), rows, ["@U1 pitch: chartered"], 4, [], [], Pulse(0, 0, None, None))
    text = render(doc)
    assert "Form the coalition: skipped, 1/3 done" in text
    assert "(done)" not in text
    assert "…and 4 more (`/sre history all`)" in text


def test_the_schedule_says_how_many_more_are_planned() -> None:
    upcoming = [(NOW + timedelta(hours=n), "checkin", "@U1") for n in range(12)]
    text = render(schedule(upcoming, Outbox(0, 0, 0, ()), "weekly", None, 7))
    assert "…and 7 more in the next two weeks" in text


@pytest.mark.parametrize(
    ("deadline", "refused"),
    [
        (None, "set the deadline first"),
        (Deadline(TODAY + timedelta(days=62), "Spring Sale"), "the retro comes after Spring Sale"),
        (Deadline(TODAY, "Spring Sale"), "the retro comes after"),
        (Deadline(TODAY - timedelta(days=1), "Spring Sale"), None),
    ],
)
def test_the_retro_can_be_ticked_only_after_the_deadline(
    deadline: Deadline | None, refused: str | None
) -> None:
    retro = PROGRAMME.milestone("retro-held")[1]
    if refused is None:
        check_tick(retro, state(deadline=deadline))
        assert state(deadline=deadline).finished
        return
    with pytest.raises(UsageError, match=refused):
        check_tick(retro, state(deadline=deadline))


def test_health_risks_never_name_anyone_and_keep_the_group_minimum() -> None:
    five = tuple(member(f"U{n}") for n in range(5))
    strained = state(members=five, strained=2)
    kinds = [r.kind for r in open_risks(strained, NOW)]
    assert "members-strained" in kinds
    assert "members-strained" not in [r.kind for r in open_risks(state(strained=3), NOW)]
    items = {"U0": 6, "U1": 1, "U2": 0, "U3": 1, "U4": 0}
    heavy = state(members=five, open_items=items, heaviest_last_week="U0")
    risks = open_risks(heavy, NOW)
    assert "work-concentrated" in [r.kind for r in risks]
    assert not any("U0" in r.reason for r in risks)
    once = state(members=five, open_items=items, heaviest_last_week=None)  # one week is noise
    assert "work-concentrated" not in [r.kind for r in open_risks(once, NOW)]


def test_a_rollout_is_finished_once_its_deadline_has_passed() -> None:
    assert not state().finished
    assert not state(deadline=Deadline(TODAY, "Launch")).finished
    assert state(deadline=Deadline(date(2026, 1, 1), "Launch")).finished


def test_a_workshop_reminder_reads_like_a_sentence() -> None:
    said = render(workshop_dm("SLO workshop", "2026-12-08"))
    assert said == "Reminder: “SLO workshop” is tomorrow (Tue 2026-12-08)."
    assert render(workshop_dm("retries", "2026-12-08")).startswith(
        "Reminder: the workshop “retries”"
    )
