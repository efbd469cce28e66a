"""What a settlement reads, in one consistent snapshot: the payments and refunds it settles,
the leavers' orders still owed, the services with rates of their own, and the commission held
in earlier periods.

A settlement takes every payment and refund paid in its period, and also those paid in an
earlier period after that period was settled and locked (recorded late), or in a period never
settled since the first settlement: each reaches exactly one statement.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, exists, func, not_, or_, select
from sqlalchemy.orm import Session, aliased

from schemas.commission import LineKind, SettlementStatus
from schemas.commission_math import period_bounds
from schemas.offboarding import OffboardingStatus
from schemas.orders import OrderStatus
from store.models import (
    CommissionLine,
    CommissionSettlement,
    Offboarding,
    Order,
    OrderLine,
    Payment,
)
from store.repo.payments.money import fen_of, signed_amount

Item = TypeVar("Item")
PUBLISHED = CommissionLine.run == CommissionSettlement.run


@dataclass(frozen=True)
class Window:
    """The money a settlement looks at: its own period, and late arrivals since ``floor``."""

    settlement_id: int
    period: str
    start: datetime
    end: datetime
    floor: datetime
    skipped: list[tuple[datetime, datetime]]  # earlier periods still in review: theirs, not ours

    def own_period(self) -> ColumnElement[bool]:
        return and_(Payment.paid_at >= self.start, Payment.paid_at < self.end)

    def paid_within(self) -> ColumnElement[bool]:
        """The period's money, and late money (needs ``Order`` joined: looked up by its seller)."""
        own = self.own_period()
        if self.floor >= self.start:
            return own
        late = and_(
            Payment.paid_at >= self.floor,
            Payment.paid_at < self.start,
            *[not_(and_(Payment.paid_at >= low, Payment.paid_at < high)) for low, high in self.skipped],
            ~exists(
                select(CommissionLine.id)
                .join(
                    CommissionSettlement,
                    and_(
                        CommissionSettlement.id == CommissionLine.settlement_id,
                        PUBLISHED,
                        CommissionSettlement.id != self.settlement_id,
                    ),
                )
                .where(CommissionLine.employee_id == Order.owner_id, CommissionLine.payment_id == Payment.id)
                .correlate(Payment, Order)
            ),
        )
        return or_(own, late)


def window_of(session: Session, settlement: CommissionSettlement, timezone: str) -> Window:
    start, end = period_bounds(settlement.period, timezone)
    first = session.scalar(select(func.min(CommissionSettlement.period)))
    floor = period_bounds(first, timezone)[0] if first else start
    in_review = session.scalars(
        select(CommissionSettlement.period).where(
            CommissionSettlement.period < settlement.period,
            CommissionSettlement.status != SettlementStatus.locked,
        )
    )
    skipped = [period_bounds(period, timezone) for period in in_review]
    return Window(settlement.id, settlement.period, start, end, min(floor, start), skipped)


def payment_count(session: Session, window: Window) -> int:
    """About how many payments the pass will read (the period's own, refunds included): enough for
    a progress bar, and cheap, from the paid-time index alone."""
    return session.scalar(select(func.count()).select_from(Payment).where(window.own_period())) or 0


def payments(session: Session, window: Window, batch: int) -> Iterator[list[tuple[int, int, int, int]]]:
    """(payment id, order id, seller, fen) of every payment settled, in the order money came in."""
    query = (
        select(Payment.id, Payment.order_id, Order.owner_id, fen_of(Payment.amount))
        .join(Order, Order.id == Payment.order_id)
        .where(window.paid_within(), Order.status == OrderStatus.approved, Payment.kind == "payment")
        .order_by(Payment.paid_at, Payment.id)
    )
    result = session.connection().execute(query)
    cursor = result.cursor  # plain tuples from the driver: a month may hold a million payments
    while rows := cursor.fetchmany(batch):
        yield list(rows)
    result.close()


def refunds(session: Session, window: Window) -> list[Any]:
    """(refund id, the payment it reverses, fen, the order's seller) of every refund settled."""
    return list(
        session.execute(
            select(Payment.id, Payment.reverses_id, fen_of(Payment.amount), Order.owner_id)
            .join(Order, Order.id == Payment.order_id)
            .where(window.paid_within(), Order.status == OrderStatus.approved, Payment.kind == "refund")
            .order_by(Payment.paid_at, Payment.id)
        )
    )


def owed_orders_of_leavers(session: Session, end: datetime) -> set[int]:
    """Orders of a seller who is leaving or has left (an offboarding not cancelled, whenever it
    began: a month settled after the handover started pays a leaver too) that were not fully paid
    by the period's end: commission on them waits for the money."""
    leavers = select(Offboarding.employee_id).where(Offboarding.status != OffboardingStatus.cancelled)
    paid = (
        select(func.coalesce(func.sum(signed_amount()), 0))
        .where(Payment.order_id == Order.id, Payment.paid_at < end)
        .scalar_subquery()
    )
    query = select(Order.id).where(
        Order.owner_id.in_(leavers), Order.status == OrderStatus.approved, paid < Order.total
    )
    return set(session.scalars(query))


def service_shares(session: Session, service_rates: dict[str, int]) -> dict[int, tuple[int, list[tuple[int, int]]]]:
    """Orders with services that earn a flat rate: order → (total fen, [(rate, line fen)])."""
    if not service_rates:
        return {}
    rows = session.execute(
        select(OrderLine.order_id, OrderLine.service_code, fen_of(OrderLine.amount), fen_of(Order.total))
        .join(Order, Order.id == OrderLine.order_id)
        .where(OrderLine.service_code.in_(list(service_rates)), Order.status == OrderStatus.approved)
    )
    shares: dict[int, tuple[int, list[tuple[int, int]]]] = {}
    for order_id, code, line_fen, total_fen in rows:
        shares.setdefault(order_id, (total_fen, []))[1].append((service_rates[code], line_fen))
    return shares


@dataclass(frozen=True)
class HeldCommission:
    payment_id: int
    order_id: int
    employee_id: int
    commission_fen: int
    amount_fen: int
    held_until: datetime  # the end of the period it was held in


def still_held(session: Session, window: Window, timezone: str) -> list[HeldCommission]:
    """Commission held in earlier settlements and neither released nor forfeited since."""
    settled, other = aliased(CommissionLine), aliased(CommissionSettlement)
    key = func.coalesce(CommissionLine.reverses_payment_id, CommissionLine.payment_id)
    done = (
        select(settled.id)
        .join(other, and_(other.id == settled.settlement_id, settled.run == other.run))
        .where(
            settled.payment_id == key,
            settled.kind.in_([LineKind.released, LineKind.forfeited]),
            other.id != window.settlement_id,
        )
    )
    rows = session.execute(
        select(
            key,
            Payment.order_id,
            CommissionLine.employee_id,
            func.sum(CommissionLine.commission_fen),
            func.sum(CommissionLine.amount_fen),
            func.max(CommissionSettlement.period),
        )
        .join(CommissionSettlement, and_(CommissionSettlement.id == CommissionLine.settlement_id, PUBLISHED))
        .join(Payment, Payment.id == key)
        .where(CommissionLine.kind == LineKind.held, CommissionSettlement.period < window.period, ~exists(done))
        .group_by(key, Payment.order_id, CommissionLine.employee_id)
    )
    return [
        HeldCommission(payment_id, order_id, employee_id, commission, amount, period_bounds(period, timezone)[1])
        for payment_id, order_id, employee_id, commission, amount, period in rows
    ]


def fully_paid(session: Session, order_ids: set[int], end: datetime) -> set[int]:
    """Of these orders, those whose money was all in by ``end``."""
    found: set[int] = set()
    for chunk in chunks(sorted(order_ids)):
        paid = (
            select(Payment.order_id, func.sum(signed_amount()).label("paid"))
            .where(Payment.order_id.in_(chunk), Payment.paid_at < end)
            .group_by(Payment.order_id)
            .subquery()
        )
        found.update(
            session.scalars(select(Order.id).join(paid, paid.c.order_id == Order.id).where(paid.c.paid >= Order.total))
        )
    return found


def chunks(ids: list[Item], size: int = 5_000) -> Iterator[list[Item]]:
    """A few thousand at a time: SQLite bounds the parameters of one statement."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def commission_of_payments(
    session: Session, settlement_id: int, run: int, sold: list[tuple[int, int]]
) -> dict[int, tuple[int, int, int, str]]:
    """What these (seller, payment) earned or had held, wherever settled (this run included):
    payment → (employee, amount fen, commission fen, kind). Looked up through each seller's
    statement lines, the index every statement is read by."""
    in_run = or_(PUBLISHED, and_(CommissionSettlement.id == settlement_id, CommissionLine.run == run))
    found: dict[int, tuple[int, int, int, str]] = {}
    for chunk in chunks(sold):
        rows = session.execute(
            select(
                CommissionLine.payment_id,
                CommissionLine.employee_id,
                CommissionLine.amount_fen,
                CommissionLine.commission_fen,
                CommissionLine.kind,
            )
            .join(CommissionSettlement, and_(CommissionSettlement.id == CommissionLine.settlement_id, in_run))
            .where(
                CommissionLine.employee_id.in_({seller for seller, _ in chunk}),
                CommissionLine.payment_id.in_({payment for _, payment in chunk}),
                CommissionLine.kind.in_([LineKind.earned, LineKind.held]),
                or_(CommissionSettlement.id != settlement_id, CommissionLine.run == run),
            )
        )
        found.update(
            {payment: (employee, amount, commission, kind) for payment, employee, amount, commission, kind in rows}
        )
    return found
