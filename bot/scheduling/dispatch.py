"""The dispatcher: claims due nudges with a lease, sends each once, records what happened.

A nudge is sent only by the worker whose compare-and-set claim changed its row, and only while
it still holds that claim: right before each send the worker renews the lease of what is left
of its batch (compare-and-set again) and skips the send when the renewal did not hold. A
batch can take far longer than one lease (100 sends of up to 10 s each); renewed claims never
expire while their worker is alive. A worker that dies mid-send leaves a claim whose lease
runs out: that nudge may or may not have gone out, so it becomes `ambiguous`. Channel posts
carry a tag and are looked up in the channel's history; DMs cannot be looked up and stay
`ambiguous`, reported in `/sre schedule`, never re-posted.

A nudge that cannot be prepared (a coalition's bad data) is parked as `failed` with a short
note, logged once with its ids, and the batch goes on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from bot.clock import Clock
from bot.db.beat_models import CheckIn, Nudge
from bot.db.beat_repo import claim, expired_claims, person, renew, settled
from bot.db.inserts import insert_if_absent
from bot.db.models import Coalition, Member
from bot.db.uow import Database
from bot.domain.beat import DIRECT, RELEVANCE, Person, send_time
from bot.ports import DeliveryError, Messengers
from bot.scheduling.compose import Composed, compose
from bot.scheduling.faults import Faults, describe

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=60)  # renewed before each send, which the client cuts off at 10 s
BATCH = 100
CHANNEL_GAP = timedelta(seconds=1)  # about one message per second per channel


@dataclass
class TickReport:
    """What one dispatcher tick did."""

    sent: int = 0
    deferred: int = 0
    skipped: int = 0
    failed: int = 0
    ambiguous: int = 0
    reconciled: int = 0
    lost: int = 0  # claims another worker took over before this one could send them
    faults: int = 0


@dataclass(frozen=True)
class _Context:
    coalitions: dict[int, Coalition]
    people: dict[tuple[int, str], Person]


class Dispatcher:
    """One worker's sending loop; many may run at once against one database."""

    def __init__(
        self,
        db: Database,
        messengers: Messengers,
        clock: Clock,
        worker: str,
        faults: Faults | None = None,
    ) -> None:
        self.db, self.messengers, self.clock, self.worker = db, messengers, clock, worker
        self.faults = faults or Faults()

    async def tick(self) -> TickReport:
        """Recover dead workers' claims, then send what is due now."""
        now, report = self.clock.now(), TickReport()
        await self._recover(now, report)
        async with self.db.sessions() as session:
            claimed = await claim(session, self.worker, now, LEASE, BATCH)
            await session.commit()
        if claimed:
            context = await self._context(claimed)
            last_post: dict[str, datetime] = {}
            ids = [n.id for n in claimed]
            for at, nudge in enumerate(claimed):
                try:
                    await self._deliver(nudge, context, now, last_post, report, ids[at:])
                except Exception as error:  # this nudge only; the batch goes on
                    await self._park(nudge, error, report)
        return report

    async def _prepare(
        self, nudge: Nudge, coalition: Coalition, now: datetime, rest: list[int]
    ) -> tuple[Composed, bool]:
        """Compose the nudge and, in the same transaction, renew the lease on what is left of
        the batch; False when this worker no longer holds `nudge`, so it must not be sent."""
        async with self.db.sessions() as session:
            composed = await compose(session, nudge, coalition, now)
            held = composed.post is None or nudge.id in await renew(
                session, self.worker, rest, self.clock.now(), LEASE
            )
            await session.commit()
        return composed, held

    async def _park(self, nudge: Nudge, error: Exception, report: TickReport) -> None:
        """A nudge that could not be prepared: failed, with a short note, never sent again."""
        ids = {"team": nudge.team_id, "coalition": nudge.coalition_id, "nudge": nudge.id}
        self.faults.record("dispatcher", nudge.id, error, self.clock.now(), **ids)
        await self._finish(nudge, "failed", note=f"could not be prepared ({describe(error)})")
        report.failed += 1
        report.faults += 1

    async def _context(self, nudges: list[Nudge]) -> _Context:
        ids = {n.coalition_id for n in nudges}
        async with self.db.sessions() as session:
            coalitions = await session.scalars(select(Coalition).where(Coalition.id.in_(ids)))
            members = await session.scalars(
                select(Member).where(Member.coalition_id.in_(ids), Member.left_at.is_(None))
            )
            return _Context(
                {c.id: c for c in coalitions},
                {(m.coalition_id, m.user_id): person(m) for m in members},
            )

    async def _deliver(
        self,
        nudge: Nudge,
        context: _Context,
        now: datetime,
        last_post: dict[str, datetime],
        report: TickReport,
        rest: list[int],
    ) -> None:
        coalition = context.coalitions.get(nudge.coalition_id)
        if coalition is None or coalition.muted:
            await self._finish(nudge, "skipped", note="muted")
            report.skipped += 1
            return
        who = context.people.get((coalition.id, nudge.recipient))
        if nudge.kind in DIRECT and who is None:
            await self._finish(nudge, "skipped", note="no longer a member")
            report.skipped += 1
            return
        when = send_time(nudge.kind, nudge.due_at, who, coalition.tz)
        if when is None or when - nudge.due_at > RELEVANCE[nudge.kind]:
            await self._finish(nudge, "skipped", note="no moment in the recipient's hours in time")
            report.skipped += 1
            return
        key = nudge.recipient if nudge.kind in DIRECT else coalition.channel_id
        if when <= now and key in last_post:
            when = last_post[key] + CHANNEL_GAP
        if when > now:
            await self._release(nudge, when)
            report.deferred += 1
            return
        composed, held = await self._prepare(nudge, coalition, now, rest)
        if not held:
            log.warning("nudge %s was taken from this worker before it was sent", nudge.id)
            report.lost += 1
            return
        if composed.post is None:
            await self._finish(nudge, "skipped", note=composed.reason)
            report.skipped += 1
            return
        await self._send(nudge, coalition, composed, now, report)
        last_post[key] = now

    async def _send(
        self,
        nudge: Nudge,
        coalition: Coalition,
        composed: Composed,
        now: datetime,
        report: TickReport,
    ) -> None:
        assert composed.post is not None
        if composed.trouble is not None:
            self._fault("chart", nudge, composed.trouble, report)
        try:
            messenger = self.messengers.for_team(nudge.team_id)  # the nudge's own workspace
            ts = await messenger.send(composed.post)
        except DeliveryError as error:
            if error.verdict == "later":
                await self._release(nudge, now + timedelta(seconds=max(error.retry_after, 1)))
                report.deferred += 1
            elif error.verdict == "refused":
                await self._finish(nudge, "failed", note=error.reason)
                report.failed += 1
            else:
                await self._finish(nudge, "ambiguous", note=error.reason)
                report.ambiguous += 1
            return
        sent_at = self.clock.now()  # a slow batch sends well after the tick began
        await self._finish(nudge, "sent", ts=ts, sent_at=sent_at, asked=nudge.kind == "checkin")
        report.sent += 1
        if composed.chart is not None:
            chart = composed.chart
            try:
                await messenger.upload(coalition.channel_id, chart.filename, chart.png, chart.title)
            except DeliveryError as error:
                log.warning("digest chart not shared: %s", error.reason)
            except Exception as error:  # the digest is out; only its picture is lost
                self._fault("chart", nudge, error, report)

    def _fault(self, stage: str, nudge: Nudge, error: BaseException, report: TickReport) -> None:
        ids = {"team": nudge.team_id, "coalition": nudge.coalition_id, "nudge": nudge.id}
        self.faults.record(stage, nudge.id, error, self.clock.now(), **ids)
        report.faults += 1

    async def _release(self, nudge: Nudge, due: datetime) -> None:
        """Give the nudge back, due at `due` (it surely was not sent)."""
        async with self.db.sessions() as session:
            await session.execute(
                update(Nudge)
                .where(settled(nudge.id, self.worker))
                .values(status="pending", due_at=due, claimed_by=None, lease_until=None)
            )
            await session.commit()

    async def _finish(
        self,
        nudge: Nudge,
        status: str,
        *,
        note: str | None = None,
        ts: str | None = None,
        sent_at: datetime | None = None,
        asked: bool = False,
    ) -> None:
        async with self.db.sessions() as session:
            result = await session.execute(
                update(Nudge)
                .where(settled(nudge.id, self.worker))
                .values(status=status, note=note, message_ts=ts, sent_at=sent_at, lease_until=None)
            )
            if getattr(result, "rowcount", 0) != 1:
                log.warning("nudge %s was taken from this worker before it finished", nudge.id)
            if asked and sent_at is not None:
                await insert_if_absent(
                    session,
                    CheckIn,
                    {
                        "team_id": nudge.team_id,
                        "coalition_id": nudge.coalition_id,
                        "user_id": nudge.recipient,
                        "slot": nudge.slot,
                        "asked_at": sent_at,
                        "missed": False,
                        "nothing_new": False,
                    },
                )
            await session.commit()

    async def _recover(self, now: datetime, report: TickReport) -> None:
        """Expired claims become ambiguous; tagged channel posts are looked up, not re-sent."""
        async with self.db.sessions() as session:
            await expired_claims(session, now)
            unsure = list(
                await session.scalars(
                    select(Nudge).where(
                        Nudge.status == "ambiguous",
                        or_(Nudge.note.is_(None), Nudge.note != "unverifiable"),
                    )
                )
            )
            await session.commit()
        for nudge in unsure:
            try:
                await self._reconcile(nudge, report)
            except Exception as error:  # this nudge stays ambiguous; the others go on
                self._fault("reconciler", nudge, error, report)

    async def _reconcile(self, nudge: Nudge, report: TickReport) -> None:
        """Look an ambiguous channel post up in history: found is sent, missing is due again."""
        coalition_channel = None if nudge.kind in DIRECT else await self._channel(nudge)
        found = None
        if coalition_channel is not None:
            since = (nudge.due_at - timedelta(minutes=5)).timestamp()
            messenger = self.messengers.for_team(nudge.team_id)
            found = await messenger.was_posted(coalition_channel, f"nudge-{nudge.id}", since)
        async with self.db.sessions() as session:
            values = (
                {"status": "sent", "note": "found in channel history"}
                if found
                else {"status": "pending", "note": "not in channel history; sending again"}
                if found is False
                else {"note": "unverifiable"}
            )
            await session.execute(
                update(Nudge)
                .where(Nudge.id == nudge.id, Nudge.status == "ambiguous")
                .values(**values)
            )
            await session.commit()
        report.reconciled += found is not None
        report.ambiguous += found is None

    async def _channel(self, nudge: Nudge) -> str | None:
        async with self.db.sessions() as session:
            coalition = await session.get(Coalition, nudge.coalition_id)
            return coalition.channel_id if coalition else None
