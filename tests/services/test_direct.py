"""Asking in a DM, below Slack: the coalition a question is about, and the prompts that fit."""

from __future__ import annotations

import pytest

from bot.clock import ManualClock
from bot.db.uow import Database
from bot.domain.risks import Risk
from bot.guide.ranking import Context
from bot.outcome import ToChannel
from bot.services.request import Asker
from bot.views.direct import MAX_PROMPTS, prompts, thread_title
from tests.builders import content, doc_text, make_router

RISKS = [
    Risk("no-pm", "No PM.", "pm-stays-out", ("product-management",)),
    Risk("primitive-unowned", "SLO report has no owner.", "unowned-primitives", ("ownership",)),
    Risk("below-minimum", "Two of three.", "coalition-burnout", ("burnout", "coalition")),
]


@pytest.mark.parametrize("step", [s.id for s in content().programme.steps])
def test_each_prompt_is_answered_by_the_entry_it_stands_for(step: str) -> None:
    """Clicking a prompt sends its message: the guide must answer it with that very entry."""
    shipped = content()
    for risks in ([], RISKS[:1], RISKS[1:]):
        found = prompts(shipped.programme, shipped.library, step, risks)
        assert 1 <= len(found) <= MAX_PROMPTS
        context = Context(step=step, risk_tags=tuple(t for r in risks for t in r.tags))
        for prompt in found:
            best = shipped.guide.answer(prompt.message, context).best
            assert best is not None and best.entry.title == prompt.message, prompt


def test_prompts_put_open_risks_first_then_the_step() -> None:
    shipped = content()
    titles = [p.title for p in prompts(shipped.programme, shipped.library, "pitch", RISKS[:1])]
    assert titles[:2] == [
        "Open risk: Product management stays out of SLOs",
        "Step 2: Pitch management",
    ]


def test_the_title_is_one_short_line_without_slack_refs() -> None:
    assert thread_title("<!channel>  how\n do we <@U1|bob> start?") == "how do we start?"
    long = thread_title("why " * 40)
    assert len(long) == 60 and long.endswith("…")


async def test_a_dm_without_words_gets_a_short_usage(db: Database, clock: ManualClock) -> None:
    router = make_router(db, clock)
    outcome = await router.direct(Asker("T0001", "D0U1", "U1"), "   ", "1.2", "Ev1")
    (post,) = outcome.posts
    assert post.to == ToChannel("D0U1", "1.2")
    assert doc_text(post.doc).startswith("Ask me something")
