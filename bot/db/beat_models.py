"""Tables of the beat: the nudge outbox, check-ins, commitments and progress snapshots."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models import Base
from bot.db.types import UTCDateTime


class Nudge(Base):
    """The outbox: one row per message the bot owes, unique per (coalition, kind, recipient, slot).

    status: pending -> claimed -> sent; or skipped (stale, muted), ambiguous (may have been sent:
    recorded and reported, never re-posted blindly), failed (Slack refused it for good).
    """

    __tablename__ = "nudges"
    __table_args__ = (
        UniqueConstraint("coalition_id", "kind", "recipient", "slot"),
        Index("ix_nudges_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    recipient: Mapped[str] = mapped_column(String(32))
    slot: Mapped[str] = mapped_column(String(48))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    payload: Mapped[str] = mapped_column(Text, default="{}")
    status: Mapped[str] = mapped_column(String(12), default="pending")
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    message_ts: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(String(200))


class CheckIn(Base):
    """A check-in asked of a member, and their answer (energy and hours are never shown alone)."""

    __tablename__ = "checkins"
    __table_args__ = (UniqueConstraint("coalition_id", "user_id", "slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(32))
    slot: Mapped[str] = mapped_column(String(16))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    missed: Mapped[bool] = mapped_column(default=False)
    nothing_new: Mapped[bool] = mapped_column(default=False)
    energy: Mapped[int | None]
    hours: Mapped[int | None]
    progress: Mapped[str | None] = mapped_column(Text)
    blockers: Mapped[str | None] = mapped_column(Text)


class Commitment(Base):
    """Something a member promised to do by a date."""

    __tablename__ = "commitments"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"))
    owner: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ProgressSnapshot(Base):
    """Milestones done and critical-SLO coverage on a day, for the digest's chart."""

    __tablename__ = "progress_snapshots"
    __table_args__ = (UniqueConstraint("coalition_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    milestones_done: Mapped[int]
    milestones_total: Mapped[int]
    critical_signed: Mapped[int]
    critical_total: Mapped[int]
