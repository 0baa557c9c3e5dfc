"""Docs about membership: join and leave replies, the coalition's roster."""

from __future__ import annotations

from bot.domain.coalition import Role
from bot.domain.mentions import person
from bot.messages import Doc


def joined_reply(role: Role, size: int) -> Doc:
    """What a newcomer reads after joining."""
    if role is Role.LEAD and size == 1:
        text = (
            "You started this channel's SRE coalition and lead it. Invite two or more people "
            "with incident scars: a coalition needs at least three to carry the work."
        )
    else:
        text = f"Welcome in: you joined as {role.label}. `/sre status` shows where things stand."
    return Doc.text(text)


def joined_announcement(user_id: str, role: Role) -> Doc:
    """What the channel reads when someone joins."""
    return Doc.text(f"{person(user_id)} joined the SRE coalition as {role.label}.")


def left_reply(no_lead_left: bool) -> Doc:
    """What a leaver reads."""
    text = "You left the coalition. Thank you for what you put in."
    if no_lead_left:
        text += " You were its last lead: someone can now take over with `/sre join lead`."
    return Doc.text(text)


def left_announcement(user_id: str) -> Doc:
    """What the channel reads when someone leaves."""
    return Doc.text(f"{person(user_id)} left the SRE coalition.")
