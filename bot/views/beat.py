"""Docs of the beat: check-in DMs and answers, nudges, countdowns, commitments, the schedule."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from bot.action_ids import ActionId, button_value
from bot.doc import (
    Actions,
    Bullets,
    Button,
    Doc,
    Heading,
    Hint,
    Note,
    Paragraph,
    Part,
    counted,
)
from bot.domain.hours import zone
from bot.domain.mentions import channel as channel_ref
from bot.domain.mentions import moment, people, person


class CommitmentLike(Protocol):
    """A commitment as the views need it."""

    id: int
    owner: str
    title: str
    due_on: date


def when(at: datetime, tz: str | None) -> str:
    """A moment as each reader sees it in Slack (their own zone), and in the reader's zone
    `tz` wherever Slack's formatting is not available (the console, notifications)."""
    local = at.astimezone(zone(tz))
    return moment(at, f"{local:%a %Y-%m-%d %H:%M} {local.tzname() or 'UTC'}")


def checkin_dm(channel: str, reminder: bool = False) -> Doc:
    """The check-in question, with a form button and a one-click 'nothing new'."""
    ask = "A gentle reminder: how" if reminder else "How"
    text = f"{ask} did your SRE coalition work go since the last check-in?"
    return Doc(
        fallback=text,
        parts=(
            Paragraph(text),
            Actions(
                (
                    Button("Check in", ActionId.OPEN_CHECKIN_FORM, button_value(channel), True),
                    Button("Nothing new", ActionId.NOTHING_NEW, button_value(channel, "nothing")),
                )
            ),
            Note("Energy and hours stay private: the channel only ever sees totals."),
            Hint("In a terminal: `/sre checkin <energy 1-5> <hours>h [progress] [blocked: ...]`."),
        ),
    )


def checked_in(energy: int | None, updated: bool = False, told: Sequence[str] = ()) -> Doc:
    """Thanks for a check-in (or for updating the day's), with a kind word when energy is low,
    and who heard about the blocker."""
    if energy is None:
        first = "Updated today's check-in: noted" if updated else "Thanks, noted"
        return Doc.text(f"{first} as nothing new. Quiet weeks are fine.")
    text = "Updated today's check-in." if updated else "Thanks for checking in."
    if told:
        text += f" I passed your blocker to {people(list(told))}."
    if energy <= 2:
        text += (
            " Energy sounds low. If you want to hand something off or move a date, say so "
            "in the channel or to a lead; `/sre snooze 7d` pauses my messages to you."
        )
    return Doc.text(text)


def blocker_dm(member: str, blockers: str, channel: str, days: int | None = None) -> Doc:
    """To a lead: a member is blocked on coalition work (work, not health: no energy, no hours)."""
    if days is None:
        head = f"{person(member)} is blocked on coalition work"
    else:
        head = f"{person(member)} has been blocked for {counted(days, 'working day')}"
    text = f"{head} in {channel_ref(channel)}: {blockers}"
    return Doc(
        fallback=text,
        parts=(
            Paragraph(text),
            Note(
                "Unblocking is work a lead can take on: a word with whoever holds the key, or "
                "`/sre commit <date> <what> @owner`. It closes at their next check-in without "
                "`blocked:`."
            ),
        ),
    )


def asking_set(user_id: str, asked: bool, by_role: bool) -> Doc:
    """Confirmation of who is asked to check in."""
    how = "by role" if by_role else "a lead's choice"
    if asked:
        text = f"{person(user_id)} is asked to check in ({how})."
    else:
        text = (
            f"{person(user_id)} is not asked to check in and gets no messages about their own "
            f"load ({how})."
        )
    return Doc.text(text)


def snoozed(until: datetime | None, tz: str | None = None) -> Doc:
    """Confirmation of a snooze."""
    if until is None:
        return Doc.text("Welcome back: my messages to you are on again.")
    return Doc.text(f"I'll stay quiet until {when(until, tz)}. `/sre snooze off` ends it.")


def away(first: date | None, last: date | None) -> Doc:
    """Confirmation of a vacation."""
    if first is None or last is None:
        return Doc.text("Vacation cleared.")
    return Doc.text(f"Enjoy it: no messages from me from {first} to {last}.")


def hours_set(hours: str, tz: str) -> Doc:
    """Confirmation of working hours."""
    return Doc.text(f"I'll only message you between {hours} on weekdays, {tz} time.")


def committed(row: CommitmentLike) -> Doc:
    """Confirmation of a commitment."""
    return Doc.text(f"Commitment #{row.id} for {person(row.owner)}: {row.title}, due {row.due_on}.")


def assigned(row: CommitmentLike, lead: str) -> Doc:
    """The DM to someone given a commitment."""
    return Doc.text(
        f"{person(lead)} asked you to take on #{row.id}: {row.title}, by {row.due_on}. If that "
        "does not fit, say so early; nobody expects volunteers to stretch forever."
    )


def commitment_list(rows: Sequence[CommitmentLike], today: date) -> Doc:
    """Open commitments, overdue ones marked."""
    if not rows:
        return Doc.text("No open commitments. `/sre commit <YYYY-MM-DD> <what>` adds one.")
    lines = tuple(
        f"#{r.id} {r.title}: {person(r.owner)}, due {r.due_on}"
        + (" (overdue)" if r.due_on < today else "")
        for r in rows
    )
    return Doc(fallback="Open commitments", parts=(Heading("Open commitments"), Bullets(lines)))


def countdown_post(days: int, event: str, deadline: date) -> Doc:
    """A countdown post in the channel, `days` counted on the day it is sent."""
    when = (
        "Today"
        if days == 0
        else "Tomorrow"
        if days == 1
        else f"{counted(days // 7, 'week')} to go"
        if days % 7 == 0
        else f"{counted(days, 'day')} to go"
    )
    text = f"*{when}*: {event} on {deadline}. `/sre status` shows what is still open."
    return Doc.text(text)


def retro_post(event: str) -> Doc:
    """The prompt for a retro after the deadline."""
    return Doc(
        fallback=f"{event} is behind us: time for a retro.",
        parts=(
            Paragraph(
                f"{event} is behind us. Time for a short retro: what held, what broke, "
                "what the coalition keeps doing, and what it stops."
            ),
            Note("When it is done, a lead ticks it: `/sre done retro-held`."),
        ),
    )


def stalled_post(step_title: str, weeks: int, guide: str) -> Doc:
    """A step that has not moved for weeks, with the guidance that helps."""
    text = (
        f"The coalition has been on *{step_title}* for {counted(weeks, 'week')}. Stalls happen; "
        "pick the smallest open milestone and name one person for it this week."
    )
    return Doc(fallback=text, parts=(Paragraph(text), Note(f"Guidance: `/sre guide {guide}`")))


def unsigned_dm(services: Sequence[str]) -> Doc:
    """To PMs and sponsors: SLOs waiting for their sign-off."""
    names = ", ".join(services)
    text = (
        f"SLOs of {names} have waited more than two weeks for a sign-off. Signing says "
        "the target fits what users need; `/sre signoff <service>` when it does."
    )
    return Doc(
        fallback=text, parts=(Paragraph(text), Note("Why it matters: `/sre guide pm-stays-out`"))
    )


def overdue_dm(title: str) -> Doc:
    """To the owner of an overdue commitment."""
    return Doc.text(
        f"'{title}' is past its date. No judgement: move the date, hand it off, or close it "
        "with `/sre finish <n>` (`/sre commitments` lists them)."
    )


def workshop_dm(topic: str, day: str) -> Doc:
    """To an attendee, the day before a workshop: its topic quoted, its day with the weekday."""
    when = date.fromisoformat(day)
    what = f"“{topic}”" if "workshop" in topic.lower() else f"the workshop “{topic}”"
    return Doc.text(f"Reminder: {what} is tomorrow ({when:%a %Y-%m-%d}).")


@dataclass(frozen=True)
class Trouble:
    """An outbox item that failed or may not have gone out, as the leads see it."""

    due: datetime
    kind: str
    who: str
    status: str  # "failed" or "ambiguous"
    note: str


@dataclass(frozen=True)
class Outbox:
    """What waits, what is unsure and what failed; `troubles` (most recent first) for leads."""

    waiting: int = 0
    unsure: int = 0
    failed: int = 0
    troubles: tuple[Trouble, ...] = ()


def _trouble_line(t: Trouble, tz: str | None) -> str:
    state = "failed" if t.status == "failed" else "may or may not have gone out"
    reason = f": {t.note}" if t.note else ""
    return f"{when(t.due, tz)}: {t.kind} to {t.who}, {state}{reason}"


def _troubles(outbox: Outbox, tz: str | None) -> list[Part]:
    total = outbox.failed + outbox.unsure
    if not outbox.troubles or not total:
        return []
    lines = [_trouble_line(t, tz) for t in outbox.troubles]
    if total > len(lines):
        lines.append(f"and {total - len(lines)} more")
    heading = Paragraph(f"*Not delivered* ({outbox.failed} failed, {outbox.unsure} unsure):")
    return [heading, Bullets(tuple(lines))]


def schedule(
    upcoming: Sequence[tuple[datetime, str, str]],
    outbox: Outbox,
    settings: str,
    broken: str | None = None,
    later: int = 0,
    tz: str | None = None,
) -> Doc:
    """What will be sent next and when (each moment in the reader's zone `tz`), the
    coalition's rhythm, and what did not go out; `later` more are planned in the two weeks
    than are shown."""
    parts: list[Part] = [Heading("Schedule")]
    lines = tuple(f"{when(at, tz)}: {kind} to {who}" for at, kind, who in upcoming)
    if broken is not None:
        parts.append(
            Paragraph(
                f"I cannot plan this coalition's messages: its stored data is out of range "
                f"({broken}). No new messages are planned here until a lead sets it again "
                "(e.g. `/sre deadline`); other coalitions are not affected."
            )
        )
    elif lines:
        tail = (f"…and {later} more in the next two weeks",) if later else ()
        parts.append(Bullets(lines + tail))
    else:
        parts.append(Paragraph("Nothing planned in the next two weeks."))
    parts.append(Paragraph(f"*Rhythm*: {settings}"))
    parts += _troubles(outbox, tz)
    if outbox.waiting or outbox.unsure or outbox.failed:
        parts.append(
            Note(
                f"Outbox: {outbox.waiting} waiting to go out; {outbox.unsure} may or may not "
                "have been delivered (Slack did not answer), so they are not sent again; "
                f"{outbox.failed} failed."
            )
        )
    parts.append(
        Note(
            "Leads: `/sre schedule digest|checkin <weekday>`, "
            "`/sre schedule near|final <weeks>`, `/sre mute`, `/sre timezone <zone>`."
        )
    )
    return Doc(fallback="Schedule", parts=tuple(parts))
