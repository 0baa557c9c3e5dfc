"""User text never becomes Slack markup: no broadcast, no disguised link, no forged mention.

Every renderer escapes `&`, `<` and `>`; the only live references are the ones the bot built
from parsed ids (`bot.domain.mentions`), and the `<!date^…>` moments it builds from times.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from bot.commands.words import clean
from bot.doc import Actions, Bullets, Button, Doc, Fields, Heading, Note, Paragraph
from bot.domain.mentions import OPEN, SPLIT, channel, link, moment, person
from bot.render.blocks import blocks, fallback, plain_fallback
from bot.render.chart import Point, progress_png
from bot.render.mrkdwn import mrkdwn, plain
from bot.render.text import render
from tests.slack.test_escaping_slack import mrkdwn_texts

ATTACKS = (
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<!subteam^S0123ABC|@oncall>",
    "<https://evil.example|vote here>",
    "<@U0BOSS|boss>",
    "<#C0OTHER>",
    "&lt;!channel&gt;",
)
HOSTILE = st.text(
    alphabet=st.sampled_from([*"<>&!|@^#*_~`:/.abcUS0123 \n", "\uff1c", "\uff1e", OPEN, SPLIT]),
    min_size=1,
    max_size=80,
)
LIVE = re.compile(r"<([^<>]*)>")
AT = datetime(2026, 3, 3, 1, 0, tzinfo=UTC)
BUILT_DATE = "!date^1772499600^{date_short_pretty} {time}|Tue 2026-03-03 10:00 JST"


def live_markup(rendered: str) -> list[str]:
    """Every `<...>` Slack would act on."""
    return LIVE.findall(rendered)


def test_each_known_attack_is_shown_as_text() -> None:
    for attack in ATTACKS:
        rendered = mrkdwn(clean(f"deadline: {attack}"))
        assert live_markup(rendered) == []
        assert "<" not in rendered and ">" not in rendered


def test_fullwidth_brackets_cannot_become_a_broadcast_after_normalising() -> None:
    typed = clean("\uff1c!channel\uff1e big launch")  # NFKC makes fullwidth brackets ASCII
    assert typed == "<!channel> big launch"
    assert mrkdwn(typed) == "&lt;!channel&gt; big launch"


def test_the_bots_own_references_stay_live() -> None:
    text = f"{person('U1')} and {channel('C1')}, see {link('https://sre.google/book', 'a & b')}"
    assert mrkdwn(text) == "<@U1> and <#C1>, see <https://sre.google/book|a &amp; b>"
    assert plain(text) == "@U1 and #C1, see a & b (https://sre.google/book)"


def test_a_moment_the_bot_built_is_a_slack_date_in_the_readers_zone() -> None:
    text = f"due {moment(AT, 'Tue 2026-03-03 10:00 JST')} & more"
    assert mrkdwn(text) == f"due <{BUILT_DATE}> &amp; more"
    assert plain(text) == "due Tue 2026-03-03 10:00 JST & more"  # the console: the fallback
    assert mrkdwn(moment(AT, "a <b> & |c")) == (
        "<!date^1772499600^{date_short_pretty} {time}|a &lt;b&gt; &amp; |c>"
    )


def test_typed_text_cannot_make_a_slack_date() -> None:
    forged = f"{OPEN}!1772499600{SPLIT}x\ue001 <!date^1772499600^{{time}}|x>"
    assert live_markup(mrkdwn(clean(forged))) == []
    assert "<!" not in mrkdwn(clean(forged))


def test_a_reference_to_something_that_is_not_an_id_is_plain_text() -> None:
    assert mrkdwn(person("!channel")) == "!channel"
    assert mrkdwn(person("U1|x")) == "U1|x"
    assert mrkdwn(link("javascript:alert(1)", "x")) == "x"


def test_forged_markers_in_text_render_nothing_live() -> None:
    forged = f"{OPEN}!channel\ue001 {OPEN}@U1|x\ue001 {OPEN}https://evil.example{SPLIT}v\ue001"
    rendered = mrkdwn(forged)
    assert "<!" not in rendered
    assert live_markup(rendered) == ["https://evil.example|v"]  # only the well-formed token…
    assert live_markup(mrkdwn(clean(forged))) == []  # …and typed input never carries markers


def test_cutting_never_splits_an_entity_or_a_reference() -> None:
    text = "&" * 10 + person("U1") + "x" * 10
    for limit in range(2, 40):
        rendered = mrkdwn(text, limit)
        assert len(rendered) <= limit
        assert not re.search(r"&(?!amp;)|&a(?!mp;)|<@U?1?$", rendered)


@given(HOSTILE)
def test_no_text_becomes_markup_in_any_renderer(text: str) -> None:
    text = clean(text) or "x"
    doc = Doc(
        fallback=text,
        parts=(
            Heading(text),
            Paragraph(f"{person('U1')}: {text}"),
            Paragraph(f"{moment(AT, 'Tue 2026-03-03 10:00 JST')} {text}"),
            Fields(((text, text),)),
            Bullets((text, f"*{text}*")),
            Note(text),
            Actions((Button(text or "x", "sre_show_status"),)),
        ),
    )
    rendered = [fallback(doc), *mrkdwn_texts(blocks(doc))]
    assert len(rendered) >= 5
    for out in rendered:
        # only the bot's own mention and the moment it built are live; typed text adds none
        assert all(m in ("@U1", BUILT_DATE) for m in live_markup(out)), out
        assert "<!" not in out.replace(f"<{BUILT_DATE}>", "")
    assert OPEN not in render(doc) and OPEN not in plain_fallback(doc)


def test_the_chart_shows_an_event_name_as_text() -> None:
    for event in ("$\\frac{$", "Sale $x^$ week", "_hidden"):
        png = progress_png([Point(date(2026, 3, 2), 0.5, 0.5)], date(2026, 4, 1), event)
        assert png.startswith(b"\x89PNG")
