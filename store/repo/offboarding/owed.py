"""What a leaver's customers still owe: the orders a handover must plan the collection of, grouped
by customer, and the figures the reassignment table shows beside each customer.

An order is owed while it waits for approval (all of it will be owed once approved) or is approved
and not fully paid. Rejected, cancelled and expired orders owe nothing, nor does a fully paid one:
nobody is asked a collection plan for them. The money side is one query per question, however
many orders a ten-year salesperson has.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Subquery, func, select
from sqlalchemy.orm import Session

from schemas.orders import OrderStatus
from store.models import Customer, Order, Payment
from store.repo.alerts.details import approved_between
from store.repo.payments.money import CENT, left_to_collect, signed_amount

OWING_STATUSES = (OrderStatus.pending_approval, OrderStatus.approved)


@dataclass(frozen=True)
class OwedOrder:
    order: Order
    collected: Decimal

    @property
    def owed(self) -> Decimal:
        """What is still to come in: all of it while the order waits for approval."""
        return left_to_collect(self.order.total, self.collected)


@dataclass
class CustomerOwed:
    """One customer's owed orders: one collection plan covers them all."""

    customer_id: int
    customer_name: str
    orders: list[OwedOrder] = field(default_factory=list)

    @property
    def owed(self) -> Decimal:
        return sum((order.owed for order in self.orders), Decimal("0.00"))


@dataclass(frozen=True)
class CustomerFigures:
    """Beside a customer in the reassignment table: what it brought and what it still owes."""

    revenue: Decimal  # approved order value of the window
    owed: Decimal  # approved orders not yet paid, in full


def _collected() -> Subquery:
    return (
        select(Payment.order_id, func.coalesce(func.sum(signed_amount()), 0).label("collected"))
        .group_by(Payment.order_id)
        .subquery()
    )


def owed_orders(session: Session, employee_id: int) -> list[OwedOrder]:
    """The person's orders with money still to collect (awaiting approval, or approved and not
    fully paid), with what was collected on each."""
    collected = _collected()
    rows = session.execute(
        select(Order, func.coalesce(collected.c.collected, 0))
        .outerjoin(collected, collected.c.order_id == Order.id)
        .where(Order.owner_id == employee_id, Order.status.in_(OWING_STATUSES))
        .order_by(Order.id)
    )
    found = [OwedOrder(order, Decimal(paid).quantize(CENT)) for order, paid in rows]
    return [item for item in found if item.order.status != OrderStatus.approved or item.owed > 0]


def owed_by_customer(session: Session, employee_id: int) -> list[CustomerOwed]:
    """The same orders, one group per customer (by name), each customer's orders oldest first."""
    orders = owed_orders(session, employee_id)
    ids = {item.order.customer_id for item in orders}
    names: dict[int, str] = (
        {
            customer_id: name
            for customer_id, name in session.execute(select(Customer.id, Customer.name).where(Customer.id.in_(ids)))
        }
        if ids
        else {}
    )
    groups: dict[int, CustomerOwed] = {}
    for item in orders:
        customer_id = item.order.customer_id
        groups.setdefault(customer_id, CustomerOwed(customer_id, names.get(customer_id, ""))).orders.append(item)
    return sorted(groups.values(), key=lambda group: (group.customer_name, group.customer_id))


def customer_figures(
    session: Session, customer_ids: Sequence[int], since: datetime, until: datetime
) -> dict[int, CustomerFigures]:
    """Customer → approved order value created in ``[since, until)`` and what its approved orders
    still owe now."""
    ids = list(set(customer_ids))
    if not ids:
        return {}
    revenue = {
        customer_id: total
        for customer_id, total in session.execute(
            select(Order.customer_id, func.sum(Order.total))
            .where(Order.customer_id.in_(ids), approved_between(since, until))
            .group_by(Order.customer_id)
        )
    }
    collected = _collected()
    owed: dict[int, Decimal] = {}
    for customer_id, total, paid in session.execute(
        select(Order.customer_id, Order.total, func.coalesce(collected.c.collected, 0))
        .outerjoin(collected, collected.c.order_id == Order.id)
        .where(Order.customer_id.in_(ids), Order.status == OrderStatus.approved)
    ):
        rest = left_to_collect(total, Decimal(paid).quantize(CENT))  # SQLite sums in floats
        if rest > 0:
            owed[customer_id] = owed.get(customer_id, Decimal(0)) + rest
    return {
        customer_id: CustomerFigures(
            revenue=Decimal(revenue.get(customer_id) or 0).quantize(CENT),
            owed=owed.get(customer_id, Decimal(0)).quantize(CENT),
        )
        for customer_id in ids
    }
