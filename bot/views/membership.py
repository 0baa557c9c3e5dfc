"""Docs about membership: join and leave replies, role requests and grants."""

from __future__ import annotations

from collections.abc import Sequence

from bot.action_ids import ActionId, button_value
from bot.doc import Actions, Button, Doc, Note, Paragraph
from bot.domain.coalition import Joining, Membership, Role
from bot.domain.mentions import channel as channel_link
from bot.domain.mentions import person


def role_words(member: Membership) -> str:
    """`member (you asked to be product manager: waiting for a lead)`: the role as held."""
    if member.requested is None:
        return member.role.label
    return f"{member.role.label} (you asked to be {member.requested.label}: waiting for a lead)"


def joined_reply(joining: Joining, size: int, leads: Sequence[str]) -> Doc:
    """What a newcomer reads after joining."""
    if joining.role is Role.LEAD and size == 1:
        text = (
            "You started this channel's SRE coalition and lead it. Invite two or more people "
            "with incident scars: a coalition needs at least three to carry the work."
        )
    else:
        text = (
            f"Welcome in: you joined as {joining.role.label}. "
            "`/sre status` shows where things stand."
        )
    if joining.requested is not None:
        asked = (
            f"I asked {', '.join(f'{person(lead)}' for lead in leads)} privately"
            if leads
            else "the coalition has no lead right now to ask"
        )
        text += (
            f" You asked to be {joining.requested.label}: that is waiting for a lead to confirm "
            f"it ({asked}). Until then you are a member, and sign-offs wait."
        )
    return Doc.text(text)


def joined_announcement(user_id: str, joining: Joining) -> Doc:
    """What the channel reads when someone joins (a role asked for is the leads' business)."""
    return Doc.text(f"{person(user_id)} joined the SRE coalition as {joining.role.label}.")


def already_in(member: Membership | None) -> str:
    """The answer to joining again."""
    held = f" as {role_words(member)}" if member is not None else ""
    return (
        f"You are already in this coalition{held}. "
        "A lead can change roles with `/sre role @user <role>`."
    )


def role_request(channel: str, user_id: str, role: Role) -> Doc:
    """To each lead, privately: a newcomer asks for a role that signs off SLOs."""
    text = (
        f"{person(user_id)} joined the coalition in {channel_link(channel)} and asked to be "
        f"{role.label}, who signs off SLOs. Until a lead confirms it, they are a member."
    )
    confirm = Button(
        f"Confirm as {role.label}",
        ActionId.CONFIRM_ROLE,
        button_value(channel, f"<@{user_id}> {role.value}"),
        primary=True,
    )
    return Doc(
        fallback=f"{person(user_id)} asks to be {role.label}",
        parts=(
            Paragraph(text),
            Actions((confirm,)),
            Note(
                f"If not, do nothing. Or type `/sre role @them {role.value}` "
                f"in {channel_link(channel)}."
            ),
        ),
    )


def role_confirmed(user_id: str, role: Role, lead: str) -> Doc:
    """A lead confirmed a role someone asked for."""
    return Doc.text(f"{person(user_id)} is now {role.label} (confirmed by {person(lead)}).")


def no_request(user_id: str, role: Role) -> str:
    """A confirm button whose request is gone: settled already, or the person left."""
    return (
        f"{person(user_id)} has no request to be {role.label} waiting: it was settled, or they "
        f"left. A lead can still grant it with `/sre role @them {role.value}`."
    )


def left_reply(successor: str | None) -> Doc:
    """What a leaver reads (and who leads after them, when they were the last lead)."""
    text = "You left the coalition. Thank you for what you put in."
    if successor is not None:
        text += f" {person(successor)} leads it now, and I told them."
    return Doc.text(text)


def name_a_successor(suggested: str) -> Doc:
    """The last lead's `/sre leave`: who leads after them? Nothing changes until they say."""
    return Doc.text(
        "You are this coalition's last lead, so name who leads after you: "
        f"`/sre leave successor @someone` (for example {person(suggested)}, the longest-standing "
        "member). You are still in until then."
    )


def you_lead_now(channel_id: str, leaver: str, named: bool) -> Doc:
    """The DM to a member who became lead because the last lead left."""
    why = "named you to lead after them" if named else "left; you are the longest-standing member"
    return Doc.text(
        f"{person(leaver)} {why}: you now lead the coalition in {channel_link(channel_id)}. "
        "Their open items come to you; `/sre role @someone lead` adds a co-lead, and "
        "`/sre leave successor @someone` hands it on."
    )


def left_announcement(user_id: str) -> Doc:
    """What the channel reads when someone leaves."""
    return Doc.text(f"{person(user_id)} left the SRE coalition.")
