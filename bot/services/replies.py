"""Replies of read-only subcommands, kept while nothing they read can have changed.

`/sre status` is asked far more often than anything it shows changes, and working it out reads
the coalition, its members and its rollout (three statements, a few milliseconds). A kept
reply is reused for the same channel on the same day while the workspace's change stamp (see
`bot.db.changes`) is the one taken before it was worked out, and for at most `KEEP` (what the
reply says also moves with the clock: an SLO unsigned for too long becomes a risk).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.meter import NO_METER, Meter
from bot.outcome import Outcome

KEEP = timedelta(seconds=60)
SIZE = 2048
"""Replies kept at most (the least recently used go first)."""

Stamper = Callable[[str], Hashable | None]
"""Where a workspace's changes stand (None: changes cannot be told, keep nothing)."""


@dataclass(frozen=True)
class _Kept:
    stamp: Hashable
    made_at: datetime
    outcome: Outcome


class Replies:
    """A bounded store of recent replies, each checked against the change stamp on reuse."""

    def __init__(
        self, stamper: Stamper, meter: Meter = NO_METER, keep: timedelta = KEEP, size: int = SIZE
    ) -> None:
        self._stamper, self._meter, self._keep, self._size = stamper, meter, keep, size
        self._kept: OrderedDict[Hashable, _Kept] = OrderedDict()
        self.reused = self.worked_out = 0

    async def reply(
        self, team_id: str, key: Hashable, now: datetime, work: Callable[[], Awaitable[Outcome]]
    ) -> Outcome:
        """The kept reply for `key` when it still holds, else `work()`'s (kept when it is a
        plain reply: no posts, no form, not a refusal)."""
        stamp = self._stamper(team_id)
        if stamp is None:
            return await work()
        full_key = (team_id, key, now.date())
        kept = self._kept.get(full_key)
        fresh = kept is not None and kept.made_at <= now < kept.made_at + self._keep
        if kept is not None and fresh and kept.stamp == stamp:
            self._kept.move_to_end(full_key)
            self.reused += 1
            self._meter.kept_reply(reused=True)
            return kept.outcome
        outcome = await work()
        self.worked_out += 1
        self._meter.kept_reply(reused=False)
        if not outcome.reply_only:
            return outcome
        self._kept[full_key] = _Kept(stamp, now, outcome)
        self._kept.move_to_end(full_key)
        while len(self._kept) > self._size:
            self._kept.popitem(last=False)
        return outcome
