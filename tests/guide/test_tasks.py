"""Requests to write code are declined, whatever library words they share."""

from __future__ import annotations

import pytest

from bot.guide.tasks import asks_for_code
from bot.guide.text import words


@pytest.mark.parametrize(
    "question",
    [
        "write me a python retry decorator with exponential backoff and jitter, full code pls",
        "can you write me a terraform module for an ALB with health checks",
        "give me a prometheus alertmanager config yaml that routes to pagerduty",
        "generate a Helm chart for redis",
        "pls write a bash one-liner to find big files",
        "I need a python script that pings our endpoints every minute",
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
    ],
)
def test_coaching_questions_are_not_requests_for_code(question: str) -> None:
    assert not asks_for_code(words(question))
