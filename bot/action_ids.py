"""Every action_id and callback_id, in one place (views put them on buttons, Slack routes them)."""

from __future__ import annotations

from enum import StrEnum


class ActionId(StrEnum):
    """Block action ids; a button's value carries `<channel>|<argument>`."""

    VOTE_SHAPE = "sre_vote_shape"
    SIGN_OFF = "sre_sign_off"
    SHOW_STATUS = "sre_show_status"
    OPEN_SLO_FORM = "sre_open_slo_form"
    OPEN_READINESS_FORM = "sre_open_readiness_form"
    READ_ENTRY = "sre_read_entry"
    OPEN_CHECKIN_FORM = "sre_open_checkin_form"
    NOTHING_NEW = "sre_nothing_new"
    ALL_GOOD = "sre_all_good"
    HAND_OFF = "sre_hand_off"
    MOVE_DATES = "sre_move_dates"
    PAIR = "sre_pair"
    SNOOZE = "sre_snooze"
    ASK_LEAD = "sre_ask_lead"
    LEAVE_REASON = "sre_leave_reason"
    CONFIRM_ROLE = "sre_confirm_role"
    DM_HERE = "sre_dm_here"


class CallbackId(StrEnum):
    """Modal callback ids."""

    SLO = "sre_slo_form"
    READINESS = "sre_readiness_form"
    CHECKIN = "sre_checkin_form"


def button_value(channel: str, argument: str = "") -> str:
    """What a button carries: the coalition's channel and the command's argument."""
    return f"{channel}|{argument}"


def parse_button_value(value: str) -> tuple[str, str]:
    """`(channel, argument)` from a button value."""
    channel, _, argument = value.partition("|")
    return channel, argument
