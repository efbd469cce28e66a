"""Money in and out: the one definition of what an order has collected and still owes, and of an
amount as integer fen in SQL."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, case, cast, func, select
from sqlalchemy.orm import Session

from schemas.orders import OrderStatus
from store.models import Payment

CENT = Decimal("0.01")


def signed_amount() -> ColumnElement[Decimal]:
    """A payment counts in, a refund counts out: summed, what was collected."""
    return case((Payment.kind == "refund", -Payment.amount), else_=Payment.amount)


def fen_of(column: Any) -> ColumnElement[int]:
    """Integer fen straight from SQL: exact on SQLite (which keeps numerics as floats) too, and
    BIGINT so an order above ¥21 million fits."""
    return cast(func.round(column * 100), BigInteger)


def collected_by_order(session: Session, order_ids: Iterable[int]) -> dict[int, Decimal]:
    """What each order has collected (payments less refunds), to the fen, in one query; orders
    with no money recorded are left out."""
    ids = list(order_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(Payment.order_id, func.sum(fen_of(signed_amount())))
        .where(Payment.order_id.in_(ids))
        .group_by(Payment.order_id)
    )
    return {order_id: (Decimal(int(fen or 0)) / 100).quantize(CENT) for order_id, fen in rows}


def left_to_collect(total: Decimal, collected: Decimal) -> Decimal:
    """An order's total less what it collected, to the fen; never below zero (an advance paid more)."""
    return max(Decimal(total) - collected, Decimal("0")).quantize(CENT)


def still_owed(status: OrderStatus, total: Decimal, collected: Decimal) -> Decimal | None:
    """What an approved order still owes; None for an order that owes nothing yet because it is
    not approved."""
    if status != OrderStatus.approved:
        return None
    return left_to_collect(total, collected)
