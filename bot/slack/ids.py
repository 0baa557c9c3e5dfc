"""Every action_id and callback_id the bot uses, in one place."""

from __future__ import annotations

from enum import StrEnum


class ActionId(StrEnum):
    """Block action ids."""

    SHOW_HELP = "sre_show_help"
    SHOW_STATUS = "sre_show_status"
