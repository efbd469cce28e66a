"""Offboarding cases: the checklist items with their evidence, the sign-offs, the customer
reassignment plan, and what the leaver wrote down for the team.

Temporal owns where a case stands; these rows are what its activities write, so the case page,
the handover report and the blockers read plain SQL.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from schemas.offboarding import ItemStatus, OffboardingStatus, PlanStatus, ReviewStatus
from store.models.base import Base, EnumString, UTCDateTime, utcnow


class Offboarding(Base):
    """One handover of one employee. ``open_for`` holds the employee id while the case is open
    and is cleared when it closes, so a unique index allows one open case per employee."""

    __tablename__ = "offboardings"
    __table_args__ = (
        Index("ix_offboardings_employee", "employee_id"),
        Index("ix_offboardings_started_at", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    open_for: Mapped[int | None] = mapped_column(Integer, unique=True)
    workflow_id: Mapped[str] = mapped_column(String(100))
    status: Mapped[OffboardingStatus] = mapped_column(
        EnumString(OffboardingStatus, 20), default=OffboardingStatus.handover
    )
    reason: Mapped[str] = mapped_column(Text, default="")
    last_day: Mapped[date] = mapped_column(Date)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    head_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    review_round: Mapped[int] = mapped_column(Integer, default=0)
    started_by: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    plan_executed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_by: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_by: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    cancel_reason: Mapped[str] = mapped_column(Text, default="")


class HandoverItem(Base):
    """One checklist line. A returned item gets a new task (``round`` + 1); the evidence of the
    accepted round stays here and on the task."""

    __tablename__ = "handover_items"
    __table_args__ = (UniqueConstraint("offboarding_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    offboarding_id: Mapped[int] = mapped_column(ForeignKey("offboardings.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    key: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(100))
    evidence: Mapped[str] = mapped_column(String(20))
    after_plan: Mapped[bool] = mapped_column(Boolean, default=False)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    candidate_role: Mapped[str | None] = mapped_column(String(30))
    status: Mapped[ItemStatus] = mapped_column(EnumString(ItemStatus, 20), default=ItemStatus.open)
    round: Mapped[int] = mapped_column(Integer, default=1)
    task_id: Mapped[str | None] = mapped_column(String(120))
    done_by: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    comment: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class OffboardingReview(Base):
    """The current round's sign-off of one party (department head, HR, finance)."""

    __tablename__ = "offboarding_reviews"

    offboarding_id: Mapped[int] = mapped_column(ForeignKey("offboardings.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    round: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[ReviewStatus] = mapped_column(EnumString(ReviewStatus, 20), default=ReviewStatus.pending)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    comment: Mapped[str | None] = mapped_column(Text)
    returned_items: Mapped[list[str]] = mapped_column(JSON, default=list)
    task_id: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Reassignment(Base):
    """Where one of the leaver's customers goes: the system's proposal, the manager's choice,
    and whether it was executed."""

    __tablename__ = "reassignments"

    offboarding_id: Mapped[int] = mapped_column(ForeignKey("offboardings.id", ondelete="CASCADE"), primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    from_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    proposed_to_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    to_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    status: Mapped[PlanStatus] = mapped_column(EnumString(PlanStatus, 20), default=PlanStatus.proposed)
    executed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ExperienceNote(Base):
    """What someone knows about the business, kept for their team instead of leaving with them."""

    __tablename__ = "experience_notes"
    __table_args__ = (Index("ix_experience_notes_team", "team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    offboarding_id: Mapped[int | None] = mapped_column(ForeignKey("offboardings.id"), unique=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
