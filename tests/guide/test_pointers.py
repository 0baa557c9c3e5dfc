"""Questions about this coalition are pointed at their command; requests for code are declined."""

from __future__ import annotations

import pytest

from bot.commands import COMMANDS
from bot.guide.pointers import (
    COMMIT,
    POINTERS,
    SCHEDULE,
    SERVICES,
    STATUS,
    asks_for_code,
    pointer,
)
from bot.guide.text import words


@pytest.mark.parametrize(
    ("question", "command"),
    [
        ("where are we in the rollout rn?", STATUS),
        ("where r we", STATUS),
        ("how far along are we so far", STATUS),
        ("what step are we on", STATUS),
        ("whats our status", STATUS),
        ("when is our deadline?", STATUS),
        ("can you set up a check-in with the coalition every other Tuesday?", SCHEDULE),
        ("remind me friday to ping the PM", COMMIT),
        ("show me our SLOs", SERVICES),
    ],
)
def test_questions_about_this_coalition_get_their_command(question: str, command: object) -> None:
    assert pointer(words(question)) == command


@pytest.mark.parametrize(
    "question",
    [
        "where are we going wrong with PM adoption?",
        "what is the status of SRE at google",
        "how do we schedule check-ins people actually answer",
        "what stage is the rollout at Zalando",
        "how do we find the right first people for the coalition",
        "what is an SLO",
    ],
)
def test_coaching_questions_that_share_the_words_reach_the_library(question: str) -> None:
    assert pointer(words(question)) is None


def test_every_pointer_names_a_command_of_the_table() -> None:
    names = {c.name for c in COMMANDS}
    assert [p.name for p in POINTERS if p.name not in names] == []


@pytest.mark.parametrize(
    "question",
    [
        "write me a python retry decorator with exponential backoff and jitter, full code pls",
        "can you write me a terraform module for an ALB with health checks",
        "give me a prometheus alertmanager config yaml that routes to pagerduty",
        "generate a Helm chart for redis",
        "pls write a bash one-liner to find big files",
        "I need a python script that pings our endpoints every minute",
        "could you review my pull request before lunch?",
        "pls merge our MR, CI is green",
        "coach can you look at this diff",
    ],
)
def test_requests_for_code_are_recognised(question: str) -> None:
    assert asks_for_code(words(question))


@pytest.mark.parametrize(
    "question",
    [
        "how do we write SLOs product managers actually read",
        "write a postmortem template for our first incident review",
        "what does a circuit breaker do",
        "how do I make the case for SRE to our CFO",
        "show me how error budgets work",
        "we need a function owner for the shared dashboards, who should it be",
        "who should review our SLO report each week",
        "how do we get PMs to approve the error budget policy",
    ],
)
def test_coaching_questions_are_not_requests_for_code(question: str) -> None:
    assert not asks_for_code(words(question))
