"""Hostile text in every field a user can fill, through the real HTTP app and the beat.

Every reply, post, DM, App Home view and scheduled nudge the fake Slack receives is read as
Slack would read it: no broadcast, no link or mention the bot did not build.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from bot.action_ids import ActionId, button_value
from bot.clock import ManualClock
from bot.db.uow import Database
from tests.fakeslack import BOT_USER_ID
from tests.slack.test_beat_slack import beat
from tests.slackapp import SlackDriver, running_app

# Every trick at once, short enough for the tightest field (a deadline's 80 characters).
HOSTILE = "\uff1c!channel\uff1e<!here><!everyone><!subteam^S1><https://evil.example|vote>&"
SHOWN = "&lt;!here&gt;"  # how the payload must read once escaped
OURS = re.compile(r"^(?:@U[123]|#C1|https://(?!evil\.example)[^|]+\|[^<>]*)$")
# The one `<!…>` the bot itself builds: a moment from a time it holds, shown in each reader's zone.
BOT_DATE = re.compile(r"<!date\^[0-9]{1,11}\^\{date_short_pretty\} \{time\}\|[^<>|]*>")


def mrkdwn_texts(node: Any) -> Iterator[str]:
    """Every text Slack reads as mrkdwn in a Block Kit structure (plain_text is shown as is)."""
    if isinstance(node, dict):
        if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
            yield node["text"]
        for value in node.values():
            yield from mrkdwn_texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from mrkdwn_texts(item)


def readable(value: Any) -> Iterator[str]:
    """What Slack reads as mrkdwn in one call's parameters or one command response."""
    for key in ("blocks", "view"):
        node = value.get(key)
        if isinstance(node, str):
            node = json.loads(node)
        yield from mrkdwn_texts(node)
    if isinstance(value.get("text"), str):
        yield value["text"]


async def everything_a_user_can_type(slack: SlackDriver, clock: ManualClock) -> list[str]:
    today = clock.now().date()
    soon, deadline = today + timedelta(days=1), today + timedelta(days=8)
    commands = [
        ("U1", "join lead"),
        ("U2", "join"),
        ("U3", "join"),
        ("U1", f"deadline {deadline} {HOSTILE}"),
        ("U1", f"service checkout critical team {HOSTILE}"),
        ("U1", f"slo checkout {HOSTILE} 99.9% 28d"),
        ("U1", f"shapes add myshape {HOSTILE}"),
        ("U2", "vote myshape"),
        ("U1", f"decide myshape {HOSTILE} because"),
        ("U1", f"workshop {soon} {HOSTILE} for checkout <@U2>"),
        ("U2", f"pain on-call {HOSTILE}"),
        ("U1", f"commit {soon} {HOSTILE} <@U2>"),
        ("U3", f"commit {soon} {HOSTILE}"),
        ("U2", f"checkin 3 4h {HOSTILE} blocked: {HOSTILE}"),
        ("U1", HOSTILE),
        ("U1", f"role {HOSTILE} pm"),
        ("U1", f"timezone {HOSTILE}"),
        ("U1", f"guide {HOSTILE}"),
        *(
            ("U1", view)
            for view in (
                "status",
                "history",
                "services",
                "decisions",
                "shapes",
                "commitments",
                "pitch",
                "schedule",
                "step",
            )
        ),
    ]
    replies: list[str] = []
    for user, text in commands:
        response = await slack.command(text, user=user)
        assert response.status == 200, text
        replies += readable(await response.json())
    mention = {"type": "app_mention", "user": "U1", "ts": "1.2", "channel": "C1"}
    await slack.event({**mention, "text": f"<@{BOT_USER_ID}> {HOSTILE}"})
    dm = {"type": "message", "channel_type": "im", "channel": "D0U1", "user": "U1", "ts": "1.3"}
    await slack.event({**dm, "text": HOSTILE})  # a question in a DM
    await slack.event({**dm, "text": HOSTILE, "ts": "1.4", "thread_ts": "1.3"})  # in its thread
    await slack.event({"type": "app_home_opened", "user": "U1", "tab": "home", "channel": "D1"})
    await slack.click(ActionId.SHOW_STATUS, button_value("C1"), user="U2")
    await slack.settle()
    return replies


async def test_no_user_text_becomes_markup_anywhere(db: Database, clock: ManualClock) -> None:
    async with running_app(db, clock) as slack:
        replies = await everything_a_user_can_type(slack, clock)
        await beat(db, clock, slack).walk(clock, clock.now() + timedelta(days=10))
        calls = [c for c in slack.fake.calls if c.method.startswith(("chat.", "views."))]
        sent = [text for call in calls for text in readable(call.params)]
        for text in [*replies, *sent]:
            text = BOT_DATE.sub("", text)
            assert "<!" not in text, text
            live = re.findall(r"<([^<>]*)>", text)
            assert all(OURS.match(ref) for ref in live), (live, text)
        kinds = {c.method for c in calls}
        assert {"chat.postMessage", "chat.postEphemeral", "views.publish"} <= kinds
        # The payload did reach the places it can be shown, escaped:
        assert sum(SHOWN in text for text in replies) >= 8
        countdowns = [t for t in sent if " to go" in t]  # "1 week to go", never "1 weeks"
        assert countdowns and all(SHOWN in t for t in countdowns)
        digests = [c for c in calls if "digest" in str(c.params.get("text", "")).lower()]
        assert digests and all(SHOWN in "".join(readable(c.params)) for c in digests)
