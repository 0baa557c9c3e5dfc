"""Subcommands about who is in the coalition."""

from __future__ import annotations

from datetime import date

from bot.commands.table import Commands, Subcommand
from bot.commands.words import is_mention, user_id, whole
from bot.domain.coalition import Role, parse_role
from bot.domain.errors import UsageError
from bot.services import membership, pitch
from bot.services.membership import Grant


def _role(said: list[str], today: date) -> Role | None:
    return parse_role(said[0]) if said else None


def _successor(said: list[str], today: date) -> str | None:
    if not said:
        return None
    if said[0].lower() == "successor":
        said = said[1:]
    if len(said) != 1 or not is_mention(said[0]):
        raise UsageError("Usage: `/sre leave [successor @user]`")
    return user_id(said[0])


def _grant(said: list[str], today: date) -> Grant:
    return Grant(user_id(said[0]), parse_role(said[1]))


def _incidents(said: list[str], today: date) -> int:
    usage = "Give a whole number of incidents you have handled, e.g. `/sre experience 12`."
    return whole(said[0], 0, 10_000, usage)


GROUP = "Coalition"
SUBCOMMANDS: Commands = (
    Subcommand(
        "join",
        "[lead|member|sponsor|pm]",
        "join this channel's coalition",
        GROUP,
        _role,
        membership.join,
        0,
        1,
    ),
    Subcommand(
        "leave",
        "[successor @user]",
        "leave the coalition (the last lead names who leads next)",
        GROUP,
        _successor,
        membership.leave,
        0,
        2,
    ),
    Subcommand(
        "role",
        "@user <role>",
        "a lead changes someone's role",
        GROUP,
        _grant,
        membership.change_role,
        2,
        2,
    ),
    Subcommand(
        "confirm-role",
        "@user <role>",
        "a lead confirms a role asked for",
        GROUP,
        _grant,
        membership.confirm_role,
        2,
        2,
    ),
    Subcommand(
        "experience",
        "<incidents>",
        "how many incidents you have handled on call",
        GROUP,
        _incidents,
        pitch.experience,
        1,
        1,
    ),
)
