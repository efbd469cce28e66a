"""The price list, orders with their lines, and money in and out (payments and refunds)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from schemas.orders import ApprovalStep, OrderStatus
from store.models.base import Base, EnumString, Money, UTCDateTime, utcnow


class Service(Base):
    """A logistics service on the price list; ``capacity_per_day`` bounds what orders can book."""

    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str] = mapped_column(String(20))
    list_price: Mapped[Decimal] = mapped_column(Money())
    floor_price: Mapped[Decimal] = mapped_column(Money())
    capacity_per_day: Mapped[int] = mapped_column(Integer)


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_owner_status", "owner_id", "status"),
        Index("ix_orders_customer", "customer_id"),
        Index("ix_orders_created_at", "created_at"),  # the process list, newest first
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    status: Mapped[OrderStatus] = mapped_column(EnumString(OrderStatus, 20), default=OrderStatus.pending_approval)
    current_step: Mapped[ApprovalStep | None] = mapped_column(EnumString(ApprovalStep, 20))
    requested_date: Mapped[date] = mapped_column(Date)
    total: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    workflow_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(Text, default="")
    # Who collects the money when the seller left: set by an offboarding's reassignment; the
    # sale (and its commission) stays with ``owner_id``.
    collector_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))


class OrderLine(Base):
    __tablename__ = "order_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    service_code: Mapped[str] = mapped_column(ForeignKey("services.code"))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal] = mapped_column(Money())
    amount: Mapped[Decimal] = mapped_column(Money())


class Payment(Base):
    """Money actually collected (``payment``) or returned (``refund``, positive amount). A payment
    above what the order still owed is recorded only as an ``advance``, which finance marks."""

    __tablename__ = "payments"
    __table_args__ = (Index("ix_payments_paid_at", "paid_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="payment")
    amount: Mapped[Decimal] = mapped_column(Money())
    paid_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    advance: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CapacityDay(Base):
    """How much of a service is booked on one day. Orders reserve by a conditional update of
    ``booked`` (never past ``capacity_per_day``), which serialises racing submissions on the row."""

    __tablename__ = "capacity_days"

    service_code: Mapped[str] = mapped_column(ForeignKey("services.code"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    booked: Mapped[int] = mapped_column(Integer, default=0)


class CapacityReservation(Base):
    """What one pending or approved order holds of a service on its requested date; deleting it
    (rejection, expiry, cancellation) gives the quantity back."""

    __tablename__ = "capacity_reservations"

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True)
    service_code: Mapped[str] = mapped_column(ForeignKey("services.code"), primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    quantity: Mapped[int] = mapped_column(Integer)
