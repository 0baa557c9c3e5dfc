"""`/sre status` through the HTTP app with kept replies: the reused reply is the same escaped
Block Kit, another channel's coalition never sees it, and refused requests reuse or keep
nothing."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.clock import ManualClock
from bot.db.uow import Database
from tests.slackapp import SlackDriver, running_app

FORM = "application/x-www-form-urlencoded"


async def _status(slack: SlackDriver, user: str, channel: str) -> str:
    response = await slack.command("status", user=user, channel=channel)
    assert response.status == 200
    return json.dumps(await response.json())


async def test_a_kept_status_is_escaped_isolated_and_untouched_by_forged_requests(
    db: Database, clock: ManualClock
) -> None:
    await db.changes.listen()  # as `sre-coach run` does
    day = (clock.now() + timedelta(days=30)).date()
    async with running_app(db, clock) as slack:
        replies = slack.deps.router.replies
        await slack.command("join lead", user="U1", channel="C1")
        await slack.command(f"deadline {day} <!channel> launch", user="U1", channel="C1")
        await slack.command("join lead", user="U7", channel="C2")
        first = await _status(slack, "U1", "C1")
        assert "<!channel>" not in first and "&lt;!channel&gt; launch" in first
        forged = await slack.command("status", user="U1", channel="C1", secret="wrong")
        assert forged.status == 401
        malformed = await slack.post("command=/sre&text=status", FORM)
        assert malformed.status == 400
        assert (replies.reused, replies.worked_out) == (0, 1)
        again = await _status(slack, "U2", "C1")
        assert again == first
        other = await _status(slack, "U7", "C2")
        assert "launch" not in other
        assert (replies.reused, replies.worked_out) == (1, 2)
