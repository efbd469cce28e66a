"""Money in and out: the one definition of what an order has collected."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import ColumnElement, case

from store.models import Payment


def signed_amount() -> ColumnElement[Decimal]:
    """A payment counts in, a refund counts out: summed, what was collected."""
    return case((Payment.kind == "refund", -Payment.amount), else_=Payment.amount)
