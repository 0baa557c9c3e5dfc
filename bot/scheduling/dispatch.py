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

from bot.clock import Clock
from bot.content import Content
from bot.db.beat_models import Nudge
from bot.db.models import Coalition
from bot.db.planning_repo import person
from bot.db.uow import Database
from bot.domain.beat import DIRECT, RELEVANCE, Person, send_time
from bot.logs import bound
from bot.meter import NO_METER, Meter
from bot.ports import DeliveryError, Messenger, Messengers, Unreachable
from bot.scheduling.faults import Faults, describe
from bot.services.nudges import Composed, compose

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=60)  # renewed before each send, which the client cuts off at 10 s
BATCH = 100
CHANNEL_GAP = timedelta(seconds=1)  # about one message per second per channel
NO_TOKEN_WAIT = timedelta(minutes=5)  # a workspace whose token could not be had just now


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
        content: Content,
        worker: str,
        faults: Faults | None = None,
        meter: Meter = NO_METER,
    ) -> None:
        self.db, self.messengers, self.clock, self.worker = db, messengers, clock, worker
        self.content, self.meter = content, meter
        self.faults = faults or Faults()
        self.stopping = False
        self._sending: int | None = None  # the nudge whose post is in flight right now

    def stop(self) -> None:
        """Claim nothing more; a running tick finishes the send in flight and gives the rest of
        its batch back (see `tick`)."""
        self.stopping = True

    async def let_go(self) -> int:
        """After a tick was cut short: give back every claim this worker still holds. The post
        that was in flight may have gone out, so it becomes ambiguous (looked up, never blindly
        re-posted); the others surely were not sent and are due again. Returns how many."""
        async with self.db.batch() as uow:
            count = await uow.outbox.let_go(self.worker, self._sending)
            await uow.commit()
        self._sending = None
        return count

    async def tick(self, *, fresh: bool = True) -> TickReport:
        """Recover dead workers' claims, then send what is due now. Each workspace's token is
        looked up once per tick (`fresh`: start a tick; the due work already did)."""
        now, report = self.clock.now(), TickReport()
        if self.stopping:
            return report
        if fresh:
            self.messengers.fresh_tick()
        await self._recover(now, report)
        async with self.db.batch() as uow:
            claimed = await uow.outbox.claim(self.worker, now, LEASE, BATCH)
            await uow.commit()
        if claimed:
            context = await self._context(claimed)
            last_post: dict[str, datetime] = {}
            ids = [n.id for n in claimed]
            for at, nudge in enumerate(claimed):
                if self.stopping:  # shutting down: what was not started goes back, due as it was
                    await self._give_back(ids[at:])
                    break
                with bound(nudge_id=nudge.id, team_id=nudge.team_id):
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
        async with self.db.unit_of_work(nudge.team_id) as uow:
            composed = await compose(uow, self.content, nudge, coalition, now)
            held = composed.post is None or nudge.id in await uow.outbox.renew(
                self.worker, rest, self.clock.now(), LEASE
            )
            await uow.commit()
        return composed, held

    async def _give_back(self, ids: list[int]) -> None:
        async with self.db.batch() as uow:
            await uow.outbox.give_back(self.worker, ids)
            await uow.commit()
        log.info("stopping: gave %d claimed nudge(s) back unsent", len(ids))

    async def _park(self, nudge: Nudge, error: Exception, report: TickReport) -> None:
        """A nudge that could not be prepared: failed, with a short note, never sent again."""
        ids = {"team": nudge.team_id, "coalition": nudge.coalition_id, "nudge": nudge.id}
        self.faults.record("dispatcher", nudge.id, error, self.clock.now(), **ids)
        await self._finish(nudge, "failed", note=f"could not be prepared ({describe(error)})")
        report.failed += 1
        report.faults += 1

    async def _context(self, nudges: list[Nudge]) -> _Context:
        ids = {n.coalition_id for n in nudges}
        async with self.db.batch() as uow:
            coalitions = await uow.every.by_ids(ids)
            members = await uow.every.active_members(ids)
        people = {(m.coalition_id, m.user_id): person(m) for ms in members.values() for m in ms}
        return _Context(coalitions, people)

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
        messenger = await self.messengers.for_team(nudge.team_id)  # the nudge's own workspace
        if isinstance(messenger, Unreachable):
            await self._unreachable(nudge, messenger, now, report)
            return
        composed, held = await self._prepare(nudge, coalition, now, rest)
        if not held:
            log.warning("nudge %s was taken from this worker before it was sent", nudge.id)
            report.lost += 1
            self.meter.nudge(nudge.kind, "lost")
            return
        if composed.post is None:
            await self._finish(nudge, "skipped", note=composed.reason)
            report.skipped += 1
            return
        await self._send(messenger, nudge, coalition, composed, now, report)
        last_post[key] = now

    async def _unreachable(
        self, nudge: Nudge, why: Unreachable, now: datetime, report: TickReport
    ) -> None:
        """No token for the nudge's workspace: skipped for good, or tried again a bit later.
        Never sent with another workspace's token."""
        if why.lasting:
            # An uninstall or a parking may have skipped it already: no warning for that.
            await self._finish(nudge, "skipped", note=f"workspace {why.reason}"[:200], quiet=True)
            report.skipped += 1
        else:
            await self._release(nudge, now + NO_TOKEN_WAIT)
            report.deferred += 1

    async def _send(
        self,
        messenger: Messenger,
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
            self._sending = nudge.id
            ts = await messenger.send(composed.post)
        except DeliveryError as error:
            if error.verdict == "later":
                await self._release(nudge, now + timedelta(seconds=max(error.retry_after, 1)))
                report.deferred += 1
            elif error.verdict == "refused":
                await self._finish(nudge, "failed", note=error.reason)
                report.failed += 1
                # A dead token (invalid_auth, account_inactive) parks its workspace: its other
                # nudges stop now rather than each failing in turn, tick after tick.
                await self.messengers.refused(nudge.team_id, error.reason)
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
        for file in composed.files:
            try:
                await messenger.upload(file.to, file.filename, file.content, file.title)
            except DeliveryError as error:
                log.warning("file %s not shared: %s", file.filename, error.reason)
            except Exception as error:  # the post is out; only this file is lost
                self._fault("file", nudge, error, report)

    def _fault(self, stage: str, nudge: Nudge, error: BaseException, report: TickReport) -> None:
        ids = {"team": nudge.team_id, "coalition": nudge.coalition_id, "nudge": nudge.id}
        self.faults.record(stage, nudge.id, error, self.clock.now(), **ids)
        report.faults += 1

    async def _release(self, nudge: Nudge, due: datetime) -> None:
        """Give the nudge back, due at `due` (it surely was not sent)."""
        async with self.db.batch() as uow:
            await uow.outbox.release(nudge, self.worker, due)
            await uow.commit()
        self._sending = None
        self.meter.nudge(nudge.kind, "deferred")

    async def _finish(
        self,
        nudge: Nudge,
        status: str,
        *,
        note: str | None = None,
        ts: str | None = None,
        sent_at: datetime | None = None,
        asked: bool = False,
        quiet: bool = False,
    ) -> None:
        async with self.db.batch() as uow:
            values = {"note": note, "message_ts": ts, "sent_at": sent_at}
            settled = await uow.outbox.settle(nudge, self.worker, status, **values)
            if not settled and not quiet:
                log.warning("nudge %s was taken from this worker before it finished", nudge.id)
            if asked and sent_at is not None:
                await uow.checkins.asked(
                    nudge.team_id, nudge.coalition_id, nudge.recipient, nudge.slot, sent_at
                )
            await uow.commit()
        self._sending = None
        self.meter.nudge(nudge.kind, status)
        if sent_at is not None:  # against `due_at`: when it was due to go out, in hours and paced
            self.meter.lateness(nudge.kind, (sent_at - nudge.due_at).total_seconds())

    async def _recover(self, now: datetime, report: TickReport) -> None:
        """Expired claims become ambiguous; tagged channel posts are looked up, not re-sent."""
        async with self.db.batch() as uow:
            for expired in await uow.outbox.expire_claims(now):
                self.meter.nudge(expired.kind, "ambiguous")
            unsure = await uow.outbox.unsure()
            channels = await uow.every.by_ids({n.coalition_id for n in unsure}) if unsure else {}
            await uow.commit()
        for nudge in unsure:
            try:
                await self._reconcile(nudge, channels.get(nudge.coalition_id), report)
            except Exception as error:  # this nudge stays ambiguous; the others go on
                self._fault("reconciler", nudge, error, report)

    async def _reconcile(
        self, nudge: Nudge, coalition: Coalition | None, report: TickReport
    ) -> None:
        """Look an ambiguous channel post up in history: found is sent, missing is due again."""
        found = None
        if nudge.kind not in DIRECT and coalition is not None:
            messenger = await self.messengers.for_team(nudge.team_id)
            if isinstance(messenger, Unreachable):
                return  # looked up once its workspace has a token again
            since = (nudge.due_at - timedelta(minutes=5)).timestamp()
            found = await messenger.was_posted(coalition.channel_id, f"nudge-{nudge.id}", since)
        async with self.db.batch() as uow:
            await uow.outbox.reconciled(nudge, found)
            await uow.commit()
        report.reconciled += found is not None
        if found is not None:
            self.meter.nudge(nudge.kind, "reconciled")
        report.ambiguous += found is None
