"""Docs of coalition health: the private check on a member, lead notes, /sre me and /sre health."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.action_ids import ActionId, button_value
from bot.messages import Actions, Bullets, Button, Doc, Fields, Heading, Note, Paragraph, Part

REASONS = ("time", "priorities", "tired", "moved-on", "rather-not-say")


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
                f"Want me to ask <@{lead}> to help rebalance? They would hear "
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
        fallback=f"<@{member}> could use help rebalancing their coalition work",
        parts=(
            Paragraph(f"<@{member}> could use help rebalancing their coalition work:"),
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


@dataclass(frozen=True)
class MyHealth:
    """What `/sre me` shows a member about themselves."""

    level: str | None
    week: str | None
    facts: tuple[str, ...]
    opted_out: tuple[str, ...]
    after_hours: bool
    stored: dict[str, int]
    role: str = "member"


def me(view: MyHealth, signals: Sequence[str]) -> Doc:
    """A member's own signals, and why."""
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
    stored = ", ".join(f"{n} {k}" for k, n in view.stored.items()) or "nothing"
    parts += [
        Fields(
            (
                ("Your role", view.role),
                ("Signals you turned off", off),
                ("After-hours counting", "on (you opted in)" if view.after_hours else "off"),
                ("What I keep about you", stored),
            )
        ),
        Note(
            f"Signals: {', '.join(signals)}. `/sre optout <signal>`, `/sre optin <signal>`, "
            "`/sre forget-me` deletes it all. Counts only, never message text; kept 90 days."
        ),
    ]
    return Doc(fallback="Your signals", parts=tuple(parts))


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
            f"<@{member}> left the coalition with no open items. Say thanks if you can."
        )
    return Doc(
        fallback=f"<@{member}> left; their open items need a new owner",
        parts=(
            Paragraph(f"<@{member}> left the coalition. Their open items need a new owner:"),
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
