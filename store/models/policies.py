"""Deadline policies and out-of-office delegations: how long people have, and who stands in."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.models.base import Base, UTCDateTime, utcnow


class DeadlinePolicyRow(Base):
    """One policy per human step kind (``order.manager_approval`` ...), ISO 8601 durations."""

    __tablename__ = "deadline_policies"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    due_in: Mapped[str] = mapped_column(String(40))
    remind_before: Mapped[str] = mapped_column(String(40), default="PT0S")
    repeat_every: Mapped[str] = mapped_column(String(40), default="PT0S")
    escalate_after: Mapped[str] = mapped_column(String(40), default="PT0S")
    calendar: Mapped[str] = mapped_column(String(20), default="wall")
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Delegation(Base):
    """While a person is away (``starts_on``..``ends_on`` inclusive), their new tasks go to
    ``delegate_id``. Cancelled delegations stay for the record."""

    __tablename__ = "delegations"
    __table_args__ = (Index("ix_delegations_employee_dates", "employee_id", "starts_on", "ends_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    delegate_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
