"""Coalition health from the member's side: see your own signals, opt out, forget, consent."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.db.health_models import OnCallReport
from bot.db.models import Coalition
from bot.db.uow import UnitOfWork
from bot.doc import Doc
from bot.domain.calendar import iso_week
from bot.domain.coalition import MIN_HEALTHY_SIZE, Role
from bot.domain.errors import UsageError
from bot.domain.health import SIGNALS, concentration
from bot.domain.leaving import REASONS, reason_for
from bot.domain.nearest import did_you_mean
from bot.domain.pulse import MIN_FOR_AVERAGES
from bot.outcome import Outcome, Post, ToUser
from bot.services.loading import load
from bot.services.request import Request
from bot.views import health as views
from bot.views import membership as membership_views

TOGGLES = (*SIGNALS, "after-hours", "lead-note")
OFFERS = {
    "hand-off": "List what you hold with `/sre commitments`, then name who could take one; "
    "a lead can move it with `/sre own` or `/sre commit ... @them`.",
    "move-dates": "Dates are promises to yourselves, not to the company: say in the channel "
    "which date moves and to when. Nobody needs a reason.",
    "pair": "Pick one item and ask for a pair in the channel. Two people halve the bus factor too.",
}


@dataclass(frozen=True)
class OnCallWeek:
    """A member's report of this week's on-call: pages, and whether they were primary."""

    pages: int
    primary: bool


async def me(req: Request) -> Outcome:
    """The asker's own latest reading, the facts behind it, and exactly what is kept about them."""
    loaded = await load(req)
    user = req.asker.user_id
    row = loaded.row(user)
    latest = await req.uow.health.latest_reading(loaded.coalition, user)
    facts = tuple(f["text"] for f in json.loads(latest.facts)) if latest else ()
    view = views.MyHealth(
        level=latest.level if latest else None,
        week=latest.week if latest else None,
        facts=facts,
        opted_out=tuple(filter(None, row.opted_out.split(","))),
        after_hours=row.after_hours_opt_in,
        role=membership_views.role_words(loaded.member(user)),
        health=await req.uow.personal.health(user),
        record=await req.uow.personal.record(user),
    )
    return Outcome(reply=views.me(view, SIGNALS))


async def my_settings(req: Request) -> Outcome:
    """The asker's own hours, zone, snooze, vacation and opt-outs (only they see it)."""
    loaded = await load(req)
    row = loaded.row(req.asker.user_id)
    today = req.now.date()
    snoozed = row.snoozed_until if row.snoozed_until and row.snoozed_until > req.now else None
    away = None
    if row.away_from and row.away_until and row.away_until >= today:
        away = (row.away_from.isoformat(), row.away_until.isoformat())
    view = views.MySettings(
        hours=row.hours,
        tz=row.tz,
        coalition_tz=loaded.coalition.tz,
        snoozed_until=snoozed.date().isoformat() if snoozed else None,
        away=away,
        opted_out=tuple(filter(None, row.opted_out.split(","))),
        after_hours=row.after_hours_opt_in,
        lead_note=not row.lead_note_opt_out,
        muted=loaded.coalition.muted,
    )
    return Outcome(reply=views.settings(view))


async def opt_out(req: Request, signal: str) -> Outcome:
    """Turn a signal off for the asker."""
    return await _toggle(req, signal, on=False)


async def opt_in(req: Request, signal: str) -> Outcome:
    """Turn a signal on for the asker (after-hours counting is off until opted in)."""
    return await _toggle(req, signal, on=True)


async def _toggle(req: Request, signal: str, on: bool) -> Outcome:
    if signal not in TOGGLES:
        hint = did_you_mean(signal, TOGGLES)
        raise UsageError(f"`{signal[:24]}` is not a signal.{hint} Signals: {', '.join(TOGGLES)}.")
    loaded = await load(req)
    row = loaded.row(req.asker.user_id)
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


async def forget_me(req: Request) -> Outcome:
    """Delete the asker's health facts in this workspace; say what went and what stays."""
    personal, user = req.uow.personal, req.asker.user_id
    gone = await personal.forget(user)
    return Outcome(reply=views.forgotten(gone, await personal.record(user)))


async def report_oncall(req: Request, report: OnCallWeek) -> Outcome:
    """A member's own report of this week's on-call load."""
    pages, primary = report.pages, report.primary
    if not 0 <= pages <= 500:
        raise UsageError("Give the number of pages this week, e.g. `/sre oncall 6 primary`.")
    loaded = await load(req)
    user = req.asker.user_id
    loaded.row(user)
    week = iso_week(req.now.date())
    row = await req.uow.health.oncall_report(loaded.coalition, user, week)
    if row is None:
        row = OnCallReport(team_id=req.uow.team_id, coalition_id=loaded.coalition.id,
                           user_id=user, week=week, reported_at=req.now)  # fmt: skip
        req.uow.health.add(row)
    row.pages, row.primary, row.reported_at = pages, primary, req.now
    return Outcome(
        reply=Doc.text(f"Noted for {week}: {pages} pages{', primary' if primary else ''}.")
    )


async def coalition_health(req: Request) -> Outcome:
    """The coalition in aggregate, never a person."""
    loaded = await load(req)
    users = [m.user_id for m in loaded.members]
    return Outcome(
        reply=views.coalition(await aggregate(req.uow, loaded.coalition, users, req.now))
    )


async def aggregate(
    uow: UnitOfWork, coalition: Coalition, users: list[str], now: datetime
) -> views.CoalitionHealth:
    """The coalition's health as totals (also the sponsor report's): averages and support
    counts only above the group-size minimum."""
    recent = [c for c in await uow.checkins.of(coalition) if c.asked_at >= now - timedelta(weeks=4)]
    energies = [c.energy for c in recent if c.energy is not None]
    activity = await uow.health.activity(coalition)
    left = await uow.health.departures_since(coalition, now - timedelta(days=30))
    items = {u: 0 for u in users}
    for c in await uow.commitments.open(coalition):
        if c.owner in items:
            items[c.owner] += 1
    for p in await uow.rollout.owners(coalition):
        if p.owner in items:
            items[p.owner] += 1
    supported = None
    if len(users) >= MIN_FOR_AVERAGES:
        standings = await uow.health.readings(coalition, iso_week(now.date()))
        supported = sum(1 for s in standings if s.level != "green")
    return views.CoalitionHealth(
        members=len(users),
        minimum=MIN_HEALTHY_SIZE,
        left_30d=left,
        asked=len(recent),
        answered=sum(c.answered_at is not None for c in recent),
        energy=round(sum(energies) / len(energies), 1)
        if len(energies) >= MIN_FOR_AVERAGES
        else None,
        activity_14d=sum(
            a.messages + a.reactions for a in activity if a.day > now.date() - timedelta(days=14)
        ),
        concentrated=concentration(items, len(users), coalition.heaviest_owner) is not None,
        supported=supported,
    )


async def shadow(req: Request, on: bool) -> Outcome:
    """A lead switches shadow mode: signals are read and recorded, nothing is sent about them."""
    loaded = await load(req)
    loaded.lead(req.asker.user_id, "switch shadow mode")
    loaded.coalition.shadow = on
    said = "on" if on else "off"
    req.uow.rollout.record(loaded.coalition, req.asker.user_id, "shadow", said, req.now)
    text = (
        "Shadow mode on: I read the signals and record them, and send nothing about them."
        if on
        else "Shadow mode off: health messages go out again."
    )
    return Outcome(reply=Doc.text(text), public=True)


async def all_good(req: Request) -> Outcome:
    """The member says they are fine: amber ends, and the bot believes them."""
    loaded = await load(req)
    row = loaded.row(req.asker.user_id)
    row.all_good_at, row.lead_consent = req.now, False
    return Outcome(reply=Doc.text("Good to hear. I'll take your word for it."))


async def ask_lead(req: Request) -> Outcome:
    """With the member's consent, tell the leads their load facts (only load) right away."""
    loaded = await load(req)
    user = req.asker.user_id
    row = loaded.row(user)
    row.lead_consent = True
    latest = await req.uow.health.latest_reading(loaded.coalition, user)
    load_facts = (
        [f["text"] for f in json.loads(latest.facts) if f["family"] == "load"] if latest else []
    )
    leads = [m.user_id for m in loaded.members if m.role is Role.LEAD and m.user_id != user]
    posts = tuple(Post(ToUser(lead), views.lead_note(user, load_facts)) for lead in leads)
    text = (
        "I've asked the lead to help rebalance."
        if posts
        else "You lead this coalition: ask a co-lead or member to pair."
    )
    return Outcome(reply=Doc.text(text), posts=posts)


async def offer(req: Request, kind: str) -> Outcome:
    """The practical next step behind each offer in the private check."""
    if kind not in OFFERS:
        hint = did_you_mean(kind, OFFERS, "/sre offer {}")
        raise UsageError(f"Usage: `/sre offer hand-off|move-dates|pair`.{hint}")
    return Outcome(reply=Doc.text(OFFERS[kind]))


async def leave_reason(req: Request, said: str) -> Outcome:
    """Keep the optional reason a leaver chose, or the one their words come closest to."""
    reason = reason_for(said)
    if reason is None:
        raise UsageError(
            "Thank you; I keep one of a few reasons only, never your words: "
            f"{', '.join(REASONS)}. E.g. `/sre left-because time`."
        )
    coalition = await req.uow.coalitions.by_channel(req.asker.channel_id)
    member = None
    if coalition is not None:
        member = await req.uow.coalitions.member(coalition, req.asker.user_id)
    if coalition is None or member is None or member.left_at is None:
        # A member who never left (or came back) has no departure to explain: an old reason
        # is not overwritten by someone who is here.
        raise UsageError(
            "You have not left this coalition, so there is nothing to explain; thank you all "
            "the same. If you step back one day, `/sre leave` and then this command."
        )
    row = await req.uow.health.last_departure(coalition, req.asker.user_id)
    if row is not None:
        row.reason = reason
    heard = "" if said.strip().lower() == reason else f" I noted it as *{reason}*."
    return Outcome(
        reply=Doc.text(f"Thank you for telling me.{heard} Good luck with what comes next.")
    )
