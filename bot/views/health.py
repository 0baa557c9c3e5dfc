"""Docs of coalition health: the private check on a member, lead notes, /sre me and /sre health."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from bot.action_ids import ActionId, button_value
from bot.doc import Actions, Bullets, Button, Doc, Fields, Heading, Note, Paragraph, Part
from bot.domain.leaving import REASONS
from bot.domain.mentions import person
from bot.views.plural import counted

RETENTION_DAYS = 90  # bot.scheduling.retention.RETENTION, as the user reads it


def care_dm(channel: str, level: str, facts: Sequence[str], lead: str | None) -> Doc:
    """The private DM: the facts, then ways to lighten the load, and an easy 'all good'."""
    opening = (
        "I noticed a few things about your share of the coalition's work, and I would "
        "rather ask than assume:"
    )
    buttons = [
        Button("Hand something off", ActionId.HAND_OFF, button_value(channel)),
        Button("Move dates", ActionId.MOVE_DATES, button_value(channel)),
        Button("Pair with someone", ActionId.PAIR, button_value(channel)),
        Button("Snooze me 2 weeks", ActionId.SNOOZE, button_value(channel, "14d")),
        Button("All good", ActionId.ALL_GOOD, button_value(channel), primary=True),
    ]
    parts: list[Part] = [Paragraph(opening), Bullets(tuple(facts) or ("a mix of small signals",))]
    if level == "red" and lead:
        parts.append(
            Paragraph(
                f"Want me to ask {person(lead)} to help rebalance? They would hear "
                "about load only (items, on-call), never your energy or activity."
            )
        )
        buttons.insert(
            0, Button("Ask the lead to help", ActionId.ASK_LEAD, button_value(channel), True)
        )
        buttons[-1] = Button("All good", ActionId.ALL_GOOD, button_value(channel))
    parts += [
        Actions(tuple(buttons[:5])),
        Note("Only you see this. `/sre me` shows why; `/sre optout <signal>` turns a signal off."),
    ]
    return Doc(fallback="A private check-in about your load", parts=tuple(parts))


def lead_note(member: str, facts: Sequence[str]) -> Doc:
    """To a lead: load facts only, so they can help rebalance."""
    lines = tuple(facts) or ("their load is high",)
    return Doc(
        fallback=f"{person(member)} could use help rebalancing their coalition work",
        parts=(
            Paragraph(f"{person(member)} could use help rebalancing their coalition work:"),
            Bullets(lines),
            Note("Load facts only. `/sre commitments` lists items you could reassign."),
        ),
    )


def concentration_post() -> Doc:
    """A public nudge about the work, never about the person."""
    text = (
        "Most of the coalition's open work rests on one pair of hands. Spread it before it "
        "becomes a bus factor of one: pair on an item, or hand one off."
    )
    return Doc(
        fallback=text, parts=(Paragraph(text), Note("`/sre commitments` · `/sre guide bus-factor`"))
    )


# What each kind of health fact is, in the words `/sre me` and forget-me use.
HEALTH_WORDS: dict[str, Callable[[int], str]] = {
    "activity": lambda n: (
        f"{counted(n, 'day')} of message and reaction counts in coalition channels (never the text)"
    ),
    "checkins": lambda n: (
        f"{counted(n, 'check-in')}: when I asked, whether you answered, your energy (1-5) and "
        "hours, and the progress and blocker text you typed yourself"
    ),
    "oncall": lambda n: f"{counted(n, 'on-call report')}: pages and whether you were primary",
    "readings": lambda n: f"{counted(n, 'weekly reading')}: your level and the facts behind it",
    "departures": lambda n: (
        f"{counted(n, 'record')} of you leaving a coalition, with the reason if you picked one"
    ),
    "channel": lambda n: f"{counted(n, 'record')} of you joining or leaving a coalition channel",
    "care": lambda n: (
        f"{counted(n, 'private message')} to you about your load, an unanswered check-in "
        "or being quiet"
    ),
    "notes_about": lambda n: f"{counted(n, 'note')} to a lead about your load",
    "notes_to": lambda n: f"{counted(n, 'note')} to you, as lead, about a member's load",
    "all_good": lambda n: "that you told me all is well after a private check",
    "consent": lambda n: "that you let the leads hear your load facts",
    "heaviest": lambda n: "that most open work rested on you at the last weekly reading",
}
# What stays about a person as the coalition's record of the work, by group.
RECORD_WORDS: dict[str, Callable[[int], str]] = {
    "membership": lambda n: (
        f"your membership of {counted(n, 'coalition')} (now or before): role, "
        "working hours and zone, away dates, snooze, incidents handled on call, signal settings"
    ),
    "commitments": lambda n: f"{counted(n, 'commitment')} you hold or set",
    "rollout": lambda n: (
        f"{counted(n, 'rollout record')} with your name: SLOs you defined or "
        "signed off, services, owners, votes, decisions, readiness answers, pain points, "
        "milestones, workshops"
    ),
    "history": lambda n: (
        f"{counted(n, 'rollout history entry', 'rollout history entries')} "
        "naming you (who did or granted what)"
    ),
    "messages": lambda n: (
        f"{counted(n, 'message')} to you about the rollout, sent or scheduled "
        "(check-in prompts; date, sign-off and workshop reminders)"
    ),
}


def worded(counts: Mapping[str, int], words: Mapping[str, Callable[[int], str]]) -> list[str]:
    """Counts of stored things as plain sentences, in the order of `words`."""
    return [say(counts[key]) for key, say in words.items() if counts.get(key)]


@dataclass(frozen=True)
class MyHealth:
    """What `/sre me` shows a member about themselves."""

    level: str | None
    week: str | None
    facts: tuple[str, ...]
    opted_out: tuple[str, ...]
    after_hours: bool
    role: str
    health: Mapping[str, int]  # health facts held, by kind (see HEALTH_WORDS)
    record: Mapping[str, int]  # rows of the coalition's record naming them (see RECORD_WORDS)


def me(view: MyHealth, signals: Sequence[str]) -> Doc:
    """A member's own signals, and exactly what is kept about them."""
    parts: list[Part] = [Heading("Your signals")]
    if view.level is None:
        parts.append(Paragraph("Nothing read about you yet: readings happen weekly."))
    else:
        words = {
            "green": "all calm",
            "amber": "a few signals together",
            "red": "several strong signals",
        }
        parts.append(Paragraph(f"Week {view.week}: *{words.get(view.level, view.level)}*."))
        parts.append(Bullets(view.facts) if view.facts else Paragraph("No signal counted."))
    off = ", ".join(view.opted_out) or "none"
    health = worded(view.health, HEALTH_WORDS)
    parts += [
        Fields(
            (
                ("Your role", view.role),
                ("Signals you turned off", off),
                ("After-hours counting", "on (you opted in)" if view.after_hours else "off"),
            )
        ),
        Paragraph("*What I keep about how you are doing* (`/sre forget-me` deletes it):"),
        Bullets(tuple(health)) if health else Paragraph("nothing."),
        Paragraph("*What I keep as the coalition's record of the work* (it stays):"),
        Bullets(tuple(worded(view.record, RECORD_WORDS))),
        Note(
            f"Signals: {', '.join(signals)}. `/sre optout <signal>`, `/sre optin <signal>`, "
            "`/sre me settings`. Of channel messages I keep counts per day, never their text; "
            "of check-ins and on-call reports, what you answered, including the progress and "
            f"blocker text you typed. All of it is deleted after {RETENTION_DAYS} days."
        ),
    ]
    return Doc(fallback="Your signals", parts=tuple(parts))


@dataclass(frozen=True)
class MySettings:
    """What `/sre me settings` shows a member: their own settings, nothing about others."""

    hours: str
    tz: str | None
    coalition_tz: str
    snoozed_until: str | None  # a date, when a snooze is still running
    away: tuple[str, str] | None  # from, until: a vacation not yet over
    opted_out: tuple[str, ...]
    after_hours: bool
    lead_note: bool
    muted: bool


def settings(view: MySettings) -> Doc:
    """A member's own hours, zone, snooze, vacation and opt-outs, each with how to change it."""
    zone = view.tz or f"{view.coalition_tz} (the coalition's; set yours with `/sre hours`)"
    snooze = f"until {view.snoozed_until} (`/sre snooze off`)" if view.snoozed_until else "off"
    away = f"{view.away[0]} to {view.away[1]} (`/sre away off`)" if view.away else "none"
    pairs = (
        ("Working hours", f"{view.hours} on weekdays (`/sre hours 9-17`)"),
        ("Time zone", zone),
        ("Snooze", snooze),
        ("Vacation", away),
        ("Signals you turned off", ", ".join(view.opted_out) or "none"),
        ("After-hours counting", "on (you opted in)" if view.after_hours else "off"),
        ("Notes to a lead about your load", "on" if view.lead_note else "off (you opted out)"),
    )
    parts: list[Part] = [Heading("Your settings"), Fields(pairs)]
    if view.muted:
        parts.append(Paragraph("A lead muted every nudge in this coalition for now."))
    parts.append(Note("Only you see this. `/sre me` shows your signals and what I keep."))
    return Doc(fallback="Your settings", parts=tuple(parts))


def forgotten(gone: Mapping[str, int], kept: Mapping[str, int]) -> Doc:
    """The answer to forget-me: what went, what stays and why."""
    went = worded(gone, HEALTH_WORDS)
    parts: list[Part] = [
        Paragraph(
            "Forgotten. I deleted everything I kept about how you are doing, in this workspace:"
            if went
            else "I kept nothing about how you are doing in this workspace, so nothing to delete."
        ),
    ]
    if went:
        parts.append(Bullets(tuple(went)))
    parts += [
        Paragraph(
            "What stays is the coalition's shared record of the work, not about how you are: "
            "others rely on it to know who holds and signed off what."
        ),
        Bullets(tuple(worded(kept, RECORD_WORDS)) or ("nothing",)),
        Note(
            "Your settings stay, so signals you turned off stay off. From now on I count "
            "afresh while you are a member: `/sre optout <signal>` or `/sre leave` stops it."
        ),
    ]
    return Doc(fallback="Forgotten: your health facts are deleted", parts=tuple(parts))


@dataclass(frozen=True)
class CoalitionHealth:
    """What `/sre health` shows everyone: aggregates only."""

    members: int
    minimum: int
    left_30d: int
    asked: int
    answered: int
    energy: float | None
    activity_14d: int
    concentrated: bool
    supported: int | None  # members at amber or red, only with five or more members


def coalition(view: CoalitionHealth) -> Doc:
    """The coalition in aggregate; averages only with five or more respondents."""
    size = f"{view.members} (healthy minimum {view.minimum})"
    rate = f"{view.answered} of {view.asked} answered" if view.asked else "none asked yet"
    energy = f"{view.energy}/5" if view.energy is not None else "shown with 5 or more answers"
    pairs = [
        ("Members", size),
        ("Left in 30 days", str(view.left_30d)),
        ("Check-ins, 4 weeks", rate),
        ("Average energy", energy),
        ("Channel activity, 14 days", f"{view.activity_14d} messages and reactions"),
    ]
    if view.supported is not None:
        pairs.append(("Could use support", str(view.supported)))
    parts: list[Part] = [Heading("Coalition health"), Fields(tuple(pairs))]
    if view.concentrated:
        parts.append(Paragraph("Most open work rests on one person: `/sre guide bus-factor`."))
    parts.append(
        Note("Totals only. Nobody is ranked; each member sees their own signals with `/sre me`.")
    )
    return Doc(fallback="Coalition health", parts=tuple(parts))


def farewell(channel: str) -> Doc:
    """Thanks to a leaver, with one optional question."""
    buttons = tuple(
        Button(r.replace("-", " ").capitalize(), ActionId.LEAVE_REASON, button_value(channel, r))
        for r in REASONS
    )
    return Doc(
        fallback="Thank you for what you put into the coalition.",
        parts=(
            Paragraph("Thank you for what you put into the coalition. It mattered."),
            Paragraph("If you want to, one question: what made you step back? (Optional.)"),
            Actions(buttons),
        ),
    )


def items_to_reassign(member: str, items: Sequence[str]) -> Doc:
    """To the leads: what the leaver still held."""
    if not items:
        return Doc.text(
            f"{person(member)} left the coalition with no open items. Say thanks if you can."
        )
    return Doc(
        fallback=f"{person(member)} left; their open items need a new owner",
        parts=(
            Paragraph(f"{person(member)} left the coalition. Their open items need a new owner:"),
            Bullets(tuple(items)),
            Note("`/sre own <primitive> @user` · `/sre commit <date> <what> @user`"),
        ),
    )


def retro_suggestion(count: int) -> Doc:
    """Two or more departures in 30 days: suggest a retro, with the guidance that helps."""
    text = (
        f"{count} people stepped back from the coalition in 30 days. That is worth a short, "
        "blameless retro on load and scope before the next step."
    )
    return Doc(
        fallback=text,
        parts=(
            Paragraph(text),
            Note("`/sre guide coalition-burnout` · `/sre guide unowned-primitives`"),
        ),
    )


def lead_quiet() -> Doc:
    """To a lead who has been quiet in the channel for two weeks: a kind word, not a push."""
    return Doc.text(
        "I haven't seen you in the coalition channel for two weeks. That is allowed. If the lead "
        "role doesn't fit your weeks right now, a co-lead can carry it for a while: "
        "`/sre role @someone lead`. And if all is well, ignore me."
    )
