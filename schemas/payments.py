"""Money finance records against approved orders: payments (collected) and refunds (returned),
what the API takes and shows, and why a payment is refused.

A payment is at most what its order still owes unless it is marked ``advance`` (the customer
paying ahead); the store's ``payments`` module checks it and names what is owed.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from schemas.kernel.errors import N_, BatonError
from schemas.kernel.ids import RecordId
from schemas.kernel.money import MoneyOut, PositiveAmount


class PaymentKind(StrEnum):
    payment = "payment"
    refund = "refund"


class PaymentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    order_id: RecordId
    kind: PaymentKind = PaymentKind.payment
    amount: PositiveAmount
    paid_at: datetime
    reverses_id: RecordId | None = None
    note: str = Field(default="", max_length=500)
    advance: bool = False  # a payment above what the order still owes, taken knowingly


class PaymentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    order_id: int
    kind: PaymentKind
    amount: MoneyOut
    paid_at: datetime
    reverses_id: int | None
    recorded_by: int | None
    note: str
    advance: bool = False


class PaymentInvalid(BatonError):
    code, status, message = "payment_invalid", 422, N_("The payment cannot be recorded.")


class Overpayment(BatonError):
    code, status, message = (
        "overpayment",
        422,
        N_("The payment is more than the order still owes. Record it as an advance if that is what it is."),
    )
