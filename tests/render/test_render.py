"""Docs rendered to Block Kit (validated by slack_sdk) and to terminal text."""

from __future__ import annotations

from bot.doc import Actions, Bullets, Button, Divider, Doc, Fields, Heading, Note, Paragraph
from bot.domain.mentions import person
from bot.render.blocks import blocks
from bot.render.text import render

EVERY_PART = Doc(
    fallback="all parts",
    parts=(
        Heading("Title " * 40),
        Paragraph(f"Hello {person('U1')}, *bold* and `code`"),
        Fields((("Deadline", "2026-11-27"), ("Days left", "30"))),
        Bullets(("one", "two")),
        Note("small print"),
        Actions((Button("Go", "sre_go", "v", primary=True), Button("Later", "sre_later"))),
        Divider(),
    ),
)


def test_every_part_becomes_a_valid_block() -> None:
    rendered = blocks(EVERY_PART)
    assert [b["type"] for b in rendered] == [
        "header",
        "section",
        "section",
        "section",
        "context",
        "actions",
        "divider",
    ]
    assert len(rendered[0]["text"]["text"]) <= 150
    assert rendered[5]["elements"][0]["style"] == "primary"


def test_long_text_is_cut_to_slack_limits() -> None:
    rendered = blocks(Doc("x", (Paragraph("y" * 5000),)))
    assert len(rendered[0]["text"]["text"]) == 3000


def test_no_message_exceeds_fifty_blocks() -> None:
    doc = Doc("many", tuple(Paragraph(str(i)) for i in range(80)))
    assert len(blocks(doc)) == 50
    assert len(blocks(doc, limit=100)) == 80


def test_text_rendering_reads_like_the_message() -> None:
    text = render(EVERY_PART)
    assert "Hello @U1, bold and `code`" in text
    assert "Deadline: 2026-11-27" in text
    assert "[Go]  [Later]" in text
    assert "  - one" in text


def test_big_status_and_home_stay_within_slack_limits() -> None:
    from datetime import UTC, datetime, timedelta

    from bot.domain.coalition import Membership, Role
    from bot.domain.risks import open_risks
    from bot.domain.rollout import RolloutState, Service, Slo, progress
    from bot.render.blocks import MAX_BLOCKS_VIEW
    from bot.views import home, rollout
    from tests.builders import content

    now = datetime(2026, 3, 2, tzinfo=UTC)
    old = now - timedelta(days=30)
    services = tuple(
        Service(f"service-{i}", True, None, (Slo("availability", 99.9, 28, old),))
        for i in range(60)
    )
    members = tuple(Membership(f"U{i}", Role.MEMBER, now) for i in range(40))
    state = RolloutState(members, "primitives", now.date(), services=services)
    risks = open_risks(state, now)
    rows = progress(content().programme, state)
    assert len(risks) > 60
    status = blocks(rollout.status(state, rows, risks))
    assert len(status) <= 50
    sections = [
        home.Section(
            f"C{i}",
            Role.LEAD,
            home.Commitments(to_sign=[s.name for s in services]),
            state,
            rows,
            risks,
        )
        for i in range(home.MAX_COALITIONS)
    ]
    view = blocks(home.dashboard("U1", sections), limit=MAX_BLOCKS_VIEW)
    assert len(view) <= MAX_BLOCKS_VIEW
