"""Commission: the plan's versions, monthly settlements, each employee's statement and its lines,
disputes and adjustments.

Money here is kept in integer fen (``*_fen`` columns): commission arithmetic is exact on SQLite
and PostgreSQL alike, so the same inputs give the same statement on both.

A settlement is computed into a numbered *run*; ``CommissionSettlement.run`` names the published
one. A recomputation writes run N+1 beside it and publishes it in one transaction, so readers see
either the old draft or the new one, never a mix.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from schemas.commission import DisputeStatus, LineKind, SettlementStatus
from store.models.base import Base, EnumString, UTCDateTime, utcnow


class CommissionPlan(Base):
    """One version of the plan: marginal tiers on the employee's collected amount in a period,
    flat rates for some services, and after how many days held commission is forfeited. The
    version in force for a period is the newest one effective on its first day."""

    __tablename__ = "commission_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    effective_from: Mapped[date] = mapped_column(Date)
    tiers: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    service_rates: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    hold_forfeit_days: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CommissionSettlement(Base):
    """The settlement of one month (``period`` ``YYYY-MM``), one per period."""

    __tablename__ = "commission_settlements"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(7), unique=True)
    workflow_id: Mapped[str] = mapped_column(String(100))
    status: Mapped[SettlementStatus] = mapped_column(
        EnumString(SettlementStatus, 20), default=SettlementStatus.computing
    )
    plan_version: Mapped[int | None] = mapped_column(Integer)
    run: Mapped[int] = mapped_column(Integer, default=0)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    review_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_by: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    computed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked_by: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))


class CommissionStatement(Base):
    """One employee's totals in one run; each is the sum of the run's lines of that kind."""

    __tablename__ = "commission_statements"
    __table_args__ = (UniqueConstraint("settlement_id", "run", "employee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    settlement_id: Mapped[int] = mapped_column(ForeignKey("commission_settlements.id", ondelete="CASCADE"))
    run: Mapped[int] = mapped_column(Integer)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    collected_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    refunded_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    gross_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    clawback_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    held_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    released_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    forfeited_fen: Mapped[int] = mapped_column(BigInteger, default=0)


class CommissionLine(Base):
    """What one payment (or refund) earned, clawed back, held, released or forfeited.

    ``amount_fen`` is the money (negative for a refund); ``commission_fen`` the commission,
    rounded half-up to the fen once, here. A clawback names the payment it reverses."""

    __tablename__ = "commission_lines"
    __table_args__ = (
        Index("ix_commission_lines_statement", "settlement_id", "run", "employee_id"),
        # held, released, forfeited and clawed back by payment: the few lines later
        # settlements look up (earned lines, nearly all of them, stay out of it)
        Index(
            "ix_commission_lines_kind_payment",
            "kind",
            "payment_id",
            sqlite_where=text("kind <> 'earned'"),
            postgresql_where=text("kind <> 'earned'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    settlement_id: Mapped[int] = mapped_column(ForeignKey("commission_settlements.id", ondelete="CASCADE"))
    run: Mapped[int] = mapped_column(Integer)
    employee_id: Mapped[int] = mapped_column(Integer)
    payment_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[LineKind] = mapped_column(EnumString(LineKind, 10))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    commission_fen: Mapped[int] = mapped_column(BigInteger)
    reverses_payment_id: Mapped[int | None] = mapped_column(Integer)


class CommissionDispute(Base):
    """An employee questions a line of their statement; the team's manager adjusts or rejects."""

    __tablename__ = "commission_disputes"
    __table_args__ = (UniqueConstraint("settlement_id", "employee_id", "payment_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    settlement_id: Mapped[int] = mapped_column(ForeignKey("commission_settlements.id", ondelete="CASCADE"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    payment_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[LineKind] = mapped_column(EnumString(LineKind, 10))
    comment: Mapped[str] = mapped_column(Text)
    status: Mapped[DisputeStatus] = mapped_column(EnumString(DisputeStatus, 10), default=DisputeStatus.open)
    resolution: Mapped[str] = mapped_column(Text, default="")
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CommissionAdjustment(Base):
    """Commission added or taken off by a person, with the reason: a resolved dispute, or a
    correction to a locked period, which lands in the next open settlement (``settlement_id``
    empty until there is one)."""

    __tablename__ = "commission_adjustments"
    __table_args__ = (Index("ix_commission_adjustments_settlement", "settlement_id", "employee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    settlement_id: Mapped[int | None] = mapped_column(ForeignKey("commission_settlements.id", ondelete="CASCADE"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    commission_fen: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(Text)
    dispute_id: Mapped[int | None] = mapped_column(ForeignKey("commission_disputes.id"), unique=True)
    corrects_period: Mapped[str | None] = mapped_column(String(7))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
