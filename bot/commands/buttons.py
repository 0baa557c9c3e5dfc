"""What each button does: the subcommand it stands for and the words its value carries.

A button's value is `<channel>|<argument>` (see `bot.action_ids`); the argument is read by the
subcommand's own typed parser, so a click and the command it stands for are one path.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.action_ids import ActionId


@dataclass(frozen=True)
class Press:
    """A button: the subcommand it runs, and words it always adds before its argument."""

    subcommand: str
    words: tuple[str, ...] = ()


BUTTONS: dict[str, Press] = {
    ActionId.VOTE_SHAPE: Press("vote"),
    ActionId.SIGN_OFF: Press("signoff"),
    ActionId.SHOW_STATUS: Press("status"),
    ActionId.OPEN_SLO_FORM: Press("slo"),
    ActionId.OPEN_READINESS_FORM: Press("readiness"),
    ActionId.READ_ENTRY: Press("guide"),
    ActionId.OPEN_CHECKIN_FORM: Press("checkin"),
    ActionId.NOTHING_NEW: Press("checkin"),
    ActionId.ALL_GOOD: Press("all-good"),
    ActionId.ASK_LEAD: Press("ask-lead"),
    ActionId.HAND_OFF: Press("offer", ("hand-off",)),
    ActionId.MOVE_DATES: Press("offer", ("move-dates",)),
    ActionId.PAIR: Press("offer", ("pair",)),
    ActionId.SNOOZE: Press("snooze"),
    ActionId.LEAVE_REASON: Press("left-because"),
    ActionId.CONFIRM_ROLE: Press("confirm-role"),
    ActionId.DM_HERE: Press("dm-here"),
}
