"""Tables of the rollout programme: steps, history, pitch, structure, services, SLOs, workshops."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models import Base
from bot.db.types import UTCDateTime


def _coalition_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"))


class RolloutEvent(Base):
    """History: who changed what, when (step moves, overrides, decisions, ownership...)."""

    __tablename__ = "rollout_events"
    __table_args__ = (Index("ix_rollout_events_coalition_at", "team_id", "coalition_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    coalition_id: Mapped[int] = _coalition_fk()
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text)


class MilestoneTick(Base):
    """A manual milestone a lead marked done."""

    __tablename__ = "milestone_ticks"
    __table_args__ = (UniqueConstraint("coalition_id", "milestone"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    coalition_id: Mapped[int] = _coalition_fk()
    milestone: Mapped[str] = mapped_column(String(48))
    done_by: Mapped[str] = mapped_column(String(32))
    done_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReadinessAnswer(Base):
    """The latest answer to one "when it works" condition."""

    __tablename__ = "readiness_answers"
    __table_args__ = (UniqueConstraint("coalition_id", "condition"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    coalition_id: Mapped[int] = _coalition_fk()
    condition: Mapped[str] = mapped_column(String(32))
    answer: Mapped[str] = mapped_column(String(8))
    answered_by: Mapped[str] = mapped_column(String(32))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PainPoint(Base):
    """A pain the pitch leads with, and the evidence for it."""

    __tablename__ = "pain_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    coalition_id: Mapped[int] = _coalition_fk()
    kind: Mapped[str] = mapped_column(String(16))
    evidence: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(32))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Decision(Base):
    """A decision record: management's answer to the pitch, or the team shape chosen."""

    __tablename__ = "decisions"
    __table_args__ = (Index("ix_decisions_coalition_topic", "team_id", "coalition_id", "topic"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    coalition_id: Mapped[int] = _coalition_fk()
    topic: Mapped[str] = mapped_column(String(16))
    choice: Mapped[str] = mapped_column(String(48))
    rationale: Mapped[str] = mapped_column(Text)
    decided_on: Mapped[date] = mapped_column(Date)
    decided_by: Mapped[str] = mapped_column(String(32))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ShapeOption(Base):
    """A team-shape option a coalition added to the standard ones."""

    __tablename__ = "shape_options"
    __table_args__ = (UniqueConstraint("coalition_id", "option"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    coalition_id: Mapped[int] = _coalition_fk()
    option: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(120))
    added_by: Mapped[str] = mapped_column(String(32))


class ShapeVote(Base):
    """A member's current vote on the team shape (one per member)."""

    __tablename__ = "shape_votes"
    __table_args__ = (UniqueConstraint("coalition_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    coalition_id: Mapped[int] = _coalition_fk()
    user_id: Mapped[str] = mapped_column(String(32))
    option: Mapped[str] = mapped_column(String(32))
    voted_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ServiceRow(Base):
    """A service in the rollout's scope."""

    __tablename__ = "services"
    __table_args__ = (UniqueConstraint("coalition_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    coalition_id: Mapped[int] = _coalition_fk()
    name: Mapped[str] = mapped_column(String(64))
    critical: Mapped[bool]
    owner_team: Mapped[str | None] = mapped_column(String(64))
    added_by: Mapped[str] = mapped_column(String(32))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Where it is defined (bot/domain/catalog.py Source): hand, catalog; `origin` is the
    # catalog's entity ref. `typed`: the fields a person set by hand, comma-separated, which an
    # import never overwrites silently. A service gone from the catalog is marked, never deleted.
    source: Mapped[str] = mapped_column(String(8), default="hand", server_default="hand")
    origin: Mapped[str | None] = mapped_column(String(200))
    lifecycle: Mapped[str | None] = mapped_column(String(64))
    system: Mapped[str | None] = mapped_column(String(64))
    typed: Mapped[str] = mapped_column(String(64), default="", server_default="")
    vanished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SloRow(Base):
    """A service-level objective of a service, with its sign-off."""

    __tablename__ = "slos"
    __table_args__ = (UniqueConstraint("service_id", "sli"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    sli: Mapped[str] = mapped_column(String(120))
    target: Mapped[float] = mapped_column(Float)
    window_days: Mapped[int]
    defined_by: Mapped[str] = mapped_column(String(32))
    defined_at: Mapped[datetime] = mapped_column(UTCDateTime())
    signed_off_by: Mapped[str | None] = mapped_column(String(32))
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # hand, or code (an SLO file); `origin` is the JSON list [format, path, document, name,
    # field] for code. `code_target`/`code_window_days`: what the code said at the last import
    # (None: the code has no such SLO), so drift shows without reading the files again.
    source: Mapped[str] = mapped_column(String(8), default="hand", server_default="hand")
    origin: Mapped[str | None] = mapped_column(Text)
    vanished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    code_target: Mapped[float | None] = mapped_column(Float)
    code_window_days: Mapped[int | None] = mapped_column()


class PendingFile(Base):
    """A file a member shared in a coalition's channel (`file_shared`), until `/sre import`
    reads it: its id and who shared it, never its content."""

    __tablename__ = "pending_files"
    __table_args__ = (UniqueConstraint("coalition_id", "file_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    coalition_id: Mapped[int] = _coalition_fk()
    file_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    shared_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PrimitiveOwner(Base):
    """Who owns a cross-cutting primitive (SLO report, observability, ...)."""

    __tablename__ = "primitive_owners"
    __table_args__ = (UniqueConstraint("coalition_id", "primitive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    coalition_id: Mapped[int] = _coalition_fk()
    primitive: Mapped[str] = mapped_column(String(32))
    owner: Mapped[str] = mapped_column(String(32))
    since: Mapped[datetime] = mapped_column(UTCDateTime())


class Workshop(Base):
    """A reliability workshop: topic, date, the services it covered, who attended."""

    __tablename__ = "workshops"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    coalition_id: Mapped[int] = _coalition_fk()
    topic: Mapped[str] = mapped_column(String(120))
    held_on: Mapped[date] = mapped_column(Date)
    services: Mapped[str] = mapped_column(Text, default="")  # comma-separated service names
    attendees: Mapped[str] = mapped_column(Text, default="")  # comma-separated user ids
    added_by: Mapped[str] = mapped_column(String(32))
