"""Money in and out: the one definition of what an order has collected, and of an amount as
integer fen in SQL."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, case, cast, func

from store.models import Payment


def signed_amount() -> ColumnElement[Decimal]:
    """A payment counts in, a refund counts out: summed, what was collected."""
    return case((Payment.kind == "refund", -Payment.amount), else_=Payment.amount)


def fen_of(column: Any) -> ColumnElement[int]:
    """Integer fen straight from SQL: exact on SQLite (which keeps numerics as floats) too, and
    BIGINT so an order above ¥21 million fits."""
    return cast(func.round(column * 100), BigInteger)
