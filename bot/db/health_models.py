"""Tables of coalition health: activity counts, self-reported on-call, weekly standings, leavers.

Metadata only: counts and timestamps, never message text. Personal rows are deleted by
`/sre forget-me` and purged after the retention limit.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models import Base
from bot.db.types import UTCDateTime


def _coalition() -> Mapped[int]:
    return mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"))


class Activity(Base):
    """How much someone took part in the coalition channel on a day (counts only)."""

    __tablename__ = "activity"
    __table_args__ = (UniqueConstraint("coalition_id", "user_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    coalition_id: Mapped[int] = _coalition()
    user_id: Mapped[str] = mapped_column(String(32))
    day: Mapped[date] = mapped_column(Date, index=True)
    messages: Mapped[int] = mapped_column(default=0)
    reactions: Mapped[int] = mapped_column(default=0)
    after_hours: Mapped[int] = mapped_column(default=0)  # counted only for members who opted in


class OnCallReport(Base):
    """A member's own report of their on-call week."""

    __tablename__ = "oncall_reports"
    __table_args__ = (UniqueConstraint("coalition_id", "user_id", "week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    coalition_id: Mapped[int] = _coalition()
    user_id: Mapped[str] = mapped_column(String(32))
    week: Mapped[str] = mapped_column(String(10))
    pages: Mapped[int] = mapped_column(default=0)
    primary: Mapped[bool] = mapped_column(default=False)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime())


class HealthStanding(Base):
    """A member's weekly reading: level, the facts behind it, and what hysteresis remembers."""

    __tablename__ = "health_standings"
    __table_args__ = (UniqueConstraint("coalition_id", "user_id", "week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    coalition_id: Mapped[int] = _coalition()
    user_id: Mapped[str] = mapped_column(String(32))
    week: Mapped[str] = mapped_column(String(10))
    level: Mapped[str] = mapped_column(String(8))
    standing: Mapped[str] = mapped_column(Text)  # JSON of bot.domain.health.Standing
    facts: Mapped[str] = mapped_column(Text)  # JSON list of facts (metadata, in plain words)
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Departure(Base):
    """Someone left the coalition; the reason only if they chose to give one."""

    __tablename__ = "departures"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    coalition_id: Mapped[int] = _coalition()
    user_id: Mapped[str] = mapped_column(String(32))
    left_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str | None] = mapped_column(String(24))
