"""Customers and what happened with them: interactions and complaints."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from schemas.imports import ImportStatus
from store.models.base import Base, EnumString, Money, UTCDateTime, utcnow


class Customer(Base):
    """A customer of the company. ``owner_id`` null means it sits in the unassigned pool."""

    __tablename__ = "customers"
    __table_args__ = (Index("ix_customers_owner", "owner_id"), Index("ix_customers_team", "team_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(50), default="")
    industry: Mapped[str] = mapped_column(String(50), default="")
    size: Mapped[str] = mapped_column(String(10), default="small")
    contact_name: Mapped[str] = mapped_column(String(100), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    credit_limit: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    notes: Mapped[str] = mapped_column(Text, default="")
    # Needs and preferences as structured tags (e.g. 偏好夜间运输), so they survive a handover.
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    last_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Interaction(Base):
    """A communication record (call, WeChat, visit...). Append-only: corrections reference
    the record they correct instead of editing it."""

    __tablename__ = "interactions"
    __table_args__ = (
        Index("ix_interactions_customer_time", "customer_id", "occurred_at"),
        Index("ix_interactions_occurred_at", "occurred_at"),  # the risk scan's recent weeks
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    channel: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("interactions.id"))
    by_owner: Mapped[bool] = mapped_column(default=True)
    content: Mapped[str] = mapped_column(Text, default="")
    # Each record's hash covers its content and the previous record's hash (tamper evidence).
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    record_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Complaint(Base):
    __tablename__ = "complaints"
    __table_args__ = (Index("ix_complaints_customer_time", "customer_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    recorded_by: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    summary: Mapped[str] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CustomerContact(Base):
    """A person at the customer; key contacts are what a handover must pass on."""

    __tablename__ = "customer_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    wechat: Mapped[str] = mapped_column(String(100), default="")
    is_key: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class OwnershipChange(Base):
    """Who owned a customer when, and why it moved: kept forever."""

    __tablename__ = "customer_ownership"
    __table_args__ = (Index("ix_customer_ownership_customer_at", "customer_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    from_owner_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    to_owner_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    from_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    to_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TeamRule(Base):
    """Admin rule placing customers in a team by region, industry and size (empty = any)."""

    __tablename__ = "team_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(String(50), default="")
    industry: Mapped[str] = mapped_column(String(50), default="")
    size: Mapped[str] = mapped_column(String(10), default="")
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    priority: Mapped[int] = mapped_column(Integer, default=100)


class ImportJob(Base):
    """One upload of customers or historical orders: dry run report first, commit after."""

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # customers / orders
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[ImportStatus] = mapped_column(EnumString(ImportStatus, 20), default=ImportStatus.checked)
    total_rows: Mapped[int] = mapped_column(Integer, default=0)
    error_rows: Mapped[int] = mapped_column(Integer, default=0)
    done_rows: Mapped[int] = mapped_column(Integer, default=0)
    report: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_by: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    committed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
