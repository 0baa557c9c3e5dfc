"""Coalition health from the member's side: see your own signals, opt out, forget, consent."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import func, select

from bot.db.beat_models import CheckIn, Commitment
from bot.db.health_models import Activity, Departure, HealthStanding, OnCallReport
from bot.db.rollout_models import PrimitiveOwner
from bot.db.uow import UnitOfWork
from bot.doc import Doc
from bot.domain.coalition import MIN_HEALTHY_SIZE, Role
from bot.domain.errors import UsageError
from bot.domain.health import SIGNALS, concentration
from bot.domain.pulse import MIN_FOR_AVERAGES
from bot.outcome import Outcome, Post, ToUser
from bot.scheduling.health import iso_week
from bot.services.asker import Asker
from bot.services.loading import Loaded, load
from bot.views import health as views
from bot.views import membership as membership_views

TOGGLES = (*SIGNALS, "after-hours", "lead-note")


async def _latest(uow: UnitOfWork, loaded: Loaded, user_id: str) -> HealthStanding | None:
    """The member's most recent weekly reading in this coalition."""
    query = (
        select(HealthStanding)
        .where(
            HealthStanding.team_id == uow.team_id,
            HealthStanding.coalition_id == loaded.coalition.id,
            HealthStanding.user_id == user_id,
        )
        .order_by(HealthStanding.assessed_at.desc())
        .limit(1)
    )
    return (await uow.session.scalars(query)).one_or_none()


async def me(uow: UnitOfWork, asker: Asker) -> Outcome:
    """The asker's own latest reading, the facts behind it, and exactly what is kept about them."""
    loaded = await load(uow, asker)
    row = loaded.row(asker.user_id)
    latest = await _latest(uow, loaded, asker.user_id)
    facts = tuple(f["text"] for f in json.loads(latest.facts)) if latest else ()
    view = views.MyHealth(
        level=latest.level if latest else None,
        week=latest.week if latest else None,
        facts=facts,
        opted_out=tuple(filter(None, row.opted_out.split(","))),
        after_hours=row.after_hours_opt_in,
        role=membership_views.role_words(loaded.member(asker.user_id)),
        health=await uow.personal.health(asker.user_id),
        record=await uow.personal.record(asker.user_id),
    )
    return Outcome(reply=views.me(view, SIGNALS))


async def toggle(uow: UnitOfWork, asker: Asker, signal: str, on: bool) -> Outcome:
    """Opt a signal in or out (after-hours counting is off until opted in)."""
    if signal not in TOGGLES:
        raise UsageError(f"`{signal[:24]}` is not a signal. Signals: {', '.join(TOGGLES)}.")
    loaded = await load(uow, asker)
    row = loaded.row(asker.user_id)
    if signal == "after-hours":
        row.after_hours_opt_in = on
    elif signal == "lead-note":
        row.lead_note_opt_out = not on
    off = set(filter(None, row.opted_out.split(",")))
    (off.discard if on else off.add)(signal)
    row.opted_out = ",".join(sorted(off))
    verb = "on" if on else "off"
    return Outcome(
        reply=Doc.text(f"{signal} is {verb} for you. `/sre me` shows all your settings.")
    )


async def forget_me(uow: UnitOfWork, asker: Asker) -> Outcome:
    """Delete the asker's health facts in this workspace; say what went and what stays."""
    gone = await uow.personal.forget(asker.user_id)
    return Outcome(reply=views.forgotten(gone, await uow.personal.record(asker.user_id)))


async def report_oncall(
    uow: UnitOfWork, asker: Asker, pages: int, primary: bool, now: datetime
) -> Outcome:
    """A member's own report of this week's on-call load."""
    if not 0 <= pages <= 500:
        raise UsageError("Give the number of pages this week, e.g. `/sre oncall 6 primary`.")
    loaded = await load(uow, asker)
    loaded.row(asker.user_id)
    week = iso_week(now.date())
    row = await uow.rollout.one(OnCallReport, loaded.coalition, user_id=asker.user_id, week=week)
    if row is None:
        row = OnCallReport(
            team_id=uow.team_id,
            coalition_id=loaded.coalition.id,
            user_id=asker.user_id,
            week=week,
            reported_at=now,
        )
        uow.rollout.add(row)
    row.pages, row.primary, row.reported_at = pages, primary, now
    return Outcome(
        reply=Doc.text(f"Noted for {week}: {pages} pages{', primary' if primary else ''}.")
    )


async def coalition_health(uow: UnitOfWork, asker: Asker, now: datetime) -> Outcome:
    """The coalition in aggregate, never a person."""
    loaded = await load(uow, asker)
    cid, team = loaded.coalition.id, uow.team_id
    users = [m.user_id for m in loaded.members]
    checkins = await uow.rollout.all(CheckIn, loaded.coalition)
    recent = [c for c in checkins if c.asked_at >= now - timedelta(weeks=4)]
    energies = [c.energy for c in recent if c.energy is not None]
    activity = await uow.rollout.all(Activity, loaded.coalition)
    left = await uow.session.scalar(
        select(func.count())
        .select_from(Departure)
        .where(
            Departure.team_id == team,
            Departure.coalition_id == cid,
            Departure.left_at >= now - timedelta(days=30),
        )
    )
    items = {u: 0 for u in users}
    for c in await uow.rollout.all(Commitment, loaded.coalition):
        if c.done_at is None and c.owner in items:
            items[c.owner] += 1
    for p in await uow.rollout.all(PrimitiveOwner, loaded.coalition):
        if p.owner in items:
            items[p.owner] += 1
    supported = None
    if len(users) >= MIN_FOR_AVERAGES:
        week = iso_week(now.date())
        standings = await uow.rollout.all(HealthStanding, loaded.coalition)
        supported = sum(1 for s in standings if s.week == week and s.level != "green")
    view = views.CoalitionHealth(
        members=len(users),
        minimum=MIN_HEALTHY_SIZE,
        left_30d=int(left or 0),
        asked=len(recent),
        answered=sum(c.answered_at is not None for c in recent),
        energy=round(sum(energies) / len(energies), 1)
        if len(energies) >= MIN_FOR_AVERAGES
        else None,
        activity_14d=sum(
            a.messages + a.reactions for a in activity if a.day > now.date() - timedelta(days=14)
        ),
        concentrated=concentration(items, len(users), loaded.coalition.heaviest_owner) is not None,
        supported=supported,
    )
    return Outcome(reply=views.coalition(view))


async def all_good(uow: UnitOfWork, asker: Asker, now: datetime) -> Outcome:
    """The member says they are fine: amber ends, and the bot believes them."""
    loaded = await load(uow, asker)
    row = loaded.row(asker.user_id)
    row.all_good_at, row.lead_consent = now, False
    return Outcome(reply=Doc.text("Good to hear. I'll take your word for it."))


async def ask_lead(uow: UnitOfWork, asker: Asker, now: datetime) -> Outcome:
    """With the member's consent, tell the leads their load facts (only load) right away."""
    loaded = await load(uow, asker)
    row = loaded.row(asker.user_id)
    row.lead_consent = True
    latest = await _latest(uow, loaded, asker.user_id)
    load_facts = (
        [f["text"] for f in json.loads(latest.facts) if f["family"] == "load"] if latest else []
    )
    leads = [
        m.user_id for m in loaded.members if m.role is Role.LEAD and m.user_id != asker.user_id
    ]
    posts = tuple(Post(ToUser(lead), views.lead_note(asker.user_id, load_facts)) for lead in leads)
    text = (
        "I've asked the lead to help rebalance."
        if posts
        else "You lead this coalition: ask a co-lead or member to pair."
    )
    return Outcome(reply=Doc.text(text), posts=posts)


def offer(kind: str) -> Outcome:
    """The practical next step behind each offer in the private check."""
    texts = {
        "hand-off": "List what you hold with `/sre commitments`, then name who could take one; "
        "a lead can move it with `/sre own` or `/sre commit ... @them`.",
        "move-dates": "Dates are promises to yourselves, not to the company: say in the channel "
        "which date moves and to when. Nobody needs a reason.",
        "pair": "Pick one item and ask for a pair in the channel. "
        "Two people halve the bus factor too.",
    }
    return Outcome(reply=Doc.text(texts[kind]))


async def leave_reason(uow: UnitOfWork, asker: Asker, reason: str) -> Outcome:
    """Keep the optional reason a leaver chose."""
    if reason not in views.REASONS:
        raise UsageError("That reason is not one I offered.")
    coalition = await uow.coalitions.by_channel(asker.channel_id)
    row = None
    if coalition is not None:
        row = (
            await uow.session.scalars(
                select(Departure)
                .where(
                    Departure.team_id == uow.team_id,
                    Departure.coalition_id == coalition.id,
                    Departure.user_id == asker.user_id,
                )
                .order_by(Departure.left_at.desc())
                .limit(1)
            )
        ).one_or_none()
    if row is not None:
        row.reason = reason
    return Outcome(reply=Doc.text("Thank you for telling me. Good luck with what comes next."))
