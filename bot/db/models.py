"""Tables. Every row that belongs to a workspace carries `team_id`."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, MetaData, String, UniqueConstraint, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.db.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with constraint names Alembic can rely on."""

    metadata = MetaData(naming_convention=NAMING)


class Workspace(Base):
    """A Slack workspace (team) the bot serves, and where it stands (bot/db/workspace_lifecycle.py).

    `uninstalled_at`: the app was removed; its data is deleted after the grace period unless it
    is installed again. `parked_at`: its token stopped working (invalid_auth, account_inactive);
    nothing is sent for it until it is installed again.
    """

    __tablename__ = "workspaces"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    enterprise_id: Mapped[str | None] = mapped_column(String(32))  # its Enterprise Grid org
    uninstalled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    parked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    parked_reason: Mapped[str | None] = mapped_column(String(40))


class Coalition(Base):
    """The group running the rollout: one per channel."""

    __tablename__ = "coalitions"
    __table_args__ = (UniqueConstraint("team_id", "channel_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    channel_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    current_step: Mapped[str] = mapped_column(
        String(24), default="coalition", server_default="coalition"
    )
    deadline_on: Mapped[date | None] = mapped_column(Date)
    deadline_event: Mapped[str | None] = mapped_column(String(120))
    tz: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    muted: Mapped[bool] = mapped_column(default=False, server_default=false())
    checkin_day: Mapped[int] = mapped_column(default=1, server_default="1")
    digest_day: Mapped[int] = mapped_column(default=0, server_default="0")
    near_weeks: Mapped[int] = mapped_column(default=6, server_default="6")
    final_weeks: Mapped[int] = mapped_column(default=2, server_default="2")
    planned_through: Mapped[datetime | None] = mapped_column(UTCDateTime())
    shadow: Mapped[bool] = mapped_column(default=False, server_default=false())
    health_week: Mapped[str | None] = mapped_column(String(10))  # last week assessed
    heaviest_owner: Mapped[str | None] = mapped_column(String(32))  # at the last reading


class Member(Base):
    """A person's membership of a coalition; `left_at` is set when they leave."""

    __tablename__ = "members"
    __table_args__ = (
        UniqueConstraint("coalition_id", "user_id"),
        Index("ix_members_team_user", "team_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(16))  # held: pm and sponsor only by a lead's word
    requested_role: Mapped[str | None] = mapped_column(String(16))  # asked for, not yet granted
    tz: Mapped[str | None] = mapped_column(String(64))
    incidents: Mapped[int | None]
    hours: Mapped[str] = mapped_column(
        String(16), default="09:00-17:00", server_default="09:00-17:00"
    )
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    away_from: Mapped[date | None] = mapped_column(Date)
    away_until: Mapped[date | None] = mapped_column(Date)
    tz_checked: Mapped[bool] = mapped_column(default=False, server_default=false())
    opted_out: Mapped[str] = mapped_column(String(200), default="", server_default="")
    after_hours_opt_in: Mapped[bool] = mapped_column(default=False, server_default=false())
    lead_consent: Mapped[bool] = mapped_column(default=False, server_default=false())
    lead_note_opt_out: Mapped[bool] = mapped_column(default=False, server_default=false())
    all_good_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The coalition this person's DMs to the bot are about, when they are in more than one.
    dm_home: Mapped[bool] = mapped_column(default=False, server_default=false())
    checkins: Mapped[bool | None]  # asked to check in: None by role, else a lead's choice
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ChannelMembershipChange(Base):
    """Someone joined or left a coalition's channel (metadata only)."""

    __tablename__ = "channel_membership_changes"
    __table_args__ = (Index("ix_channel_changes_team_channel", "team_id", "channel_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    change: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReceivedEvent(Base):
    """A Slack event delivery already taken, so retries are dropped (keyed by `event_id`)."""

    __tablename__ = "received_events"
    __table_args__ = (Index("ix_received_events_received_at", "received_at"),)

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SimulatedTime(Base):
    """Where the console's simulated clock stands, so a restarted console resumes there."""

    __tablename__ = "simulated_time"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    now: Mapped[datetime] = mapped_column(UTCDateTime())
