"""Who is asking, and from where."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Asker:
    """The user behind a request, in a workspace and channel."""

    team_id: str
    channel_id: str
    user_id: str
