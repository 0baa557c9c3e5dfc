"""The beat's shared fixtures: a recording messenger and one replica's scheduled work."""

from __future__ import annotations

import pytest

from bot.clock import ManualClock
from bot.db.uow import Database
from bot.scheduling.due import DueWork
from tests.builders import due_work
from tests.transcript import Transcript


@pytest.fixture
def transcript(clock: ManualClock) -> Transcript:
    """What the bot would send, recorded in order."""
    return Transcript(clock=clock)


@pytest.fixture
def work(db: Database, transcript: Transcript, clock: ManualClock) -> DueWork:
    """One replica's tick, sending into the transcript."""
    return due_work(db, transcript, clock, worker="test")
