"""Graceful shutdown mid-batch: SIGTERM to a real replica process while a post is in flight.

The replica (tests/beat_worker.py) stops as `sre-coach run` does (`Timer.stop`). Slack's answer
is held by the fake, so the test decides what is in flight when the signal lands: the post in
flight is finished (or, past the budget, cut off and left to the reconciler), the rest of the
batch is given back unsent, no claim outlives the process, and the next replica sends each
remaining nudge exactly once.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from datetime import timedelta

import pytest

from bot.db.uow import Database
from tests.fakeslack import FakeSlack
from tests.scheduling.test_beat_faults import START, Replica, outbox, seed, tags_at

DIGESTS = START.replace(hour=9, minute=30)  # one digest per coalition falls due
COALITIONS = 5


async def said(replica: Replica) -> str:
    assert replica.process.stdout is not None
    line = await asyncio.wait_for(replica.process.stdout.readline(), timeout=60)
    return line.decode().strip()


@pytest.mark.parametrize(
    ("budget", "answered"),
    [(20.0, True), (0.5, False)],
    ids=["send-finishes", "budget-runs-out"],
)
async def test_sigterm_mid_batch_leaves_no_lease_and_no_duplicate(
    db: Database, budget: float, answered: bool
) -> None:
    await seed(db, coalitions=COALITIONS)
    async with FakeSlack() as fake:
        held = fake.hold("chat.postMessage", token="xoxb-replica-1")
        first = await Replica.start(db.url, fake, "replica-1", budget)
        first.tell(DIGESTS)
        await held.next()  # the first digest is in flight
        first.process.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        assert await said(first) == "stopping"
        if answered:
            held.release()  # Slack answers after the signal: the send in flight completes
        assert await said(first) == f"stopped {answered}"
        assert await asyncio.wait_for(first.process.wait(), timeout=30) == 0
        took = time.monotonic() - signalled
        assert took < budget + 10  # bounded: the budget, plus start-up-free process exit

        rows = await outbox(db)
        assert [r for r in rows if r.status == "claimed"] == []
        assert [r for r in rows if r.lease_until is not None] == []  # no lease outlives it
        digests = [r for r in rows if r.kind == "digest"]
        assert len(digests) == COALITIONS
        statuses = Counter(r.status for r in digests)
        if answered:
            assert statuses == {"sent": 1, "pending": COALITIONS - 1}
        else:  # cut off: it may have gone out, so it is looked up, never blindly re-posted
            assert statuses == {"ambiguous": 1, "pending": COALITIONS - 1}
        assert len(fake.calls_to("chat.postMessage")) == 1  # nothing more went after SIGTERM

        second = await Replica.start(db.url, fake, "replica-2")
        second.tell(DIGESTS + timedelta(minutes=1))  # one tick: reconcile, then send the rest
        assert await second.done() == COALITIONS - 1  # the first was sent, or found in history
        await second.stop()
        rows = await outbox(db)
        digests = [r for r in rows if r.kind == "digest"]
        assert {r.status for r in digests} == {"sent"}
        posted = tags_at(fake)
        assert all(posted[f"nudge-{r.id}"] == 1 for r in digests)  # each reached Slack once
        assert max(posted.values()) == 1
        if not answered:
            assert any(r.note == "found in channel history" for r in digests)
        assert fake.violations == []
