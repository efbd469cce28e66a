"""Money as people type it and the API takes it: one reading of an amount in yuan for every money
field (order and price-list prices, payments and refunds, credit limits, commission tiers,
adjustments and corrections).

Every field says the same thing about the same mistake, most fundamental first: not an amount,
below what the field allows (zero, or anything negative), too large (naming the largest amount
the field takes), more than two decimals. A form and the API give the same message, because both
read through :func:`read_money`; pydantic models use the annotated types below, whose errors carry
the message id and its parameters (:func:`money_problem` reads them back).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer
from pydantic_core import PydanticCustomError

from schemas.kernel.errors import N_

FEN = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")  # what a Numeric(14, 2) column holds
MAX_PRICE = Decimal("99999999.99")  # a unit price: quantity × price must stay an amount

MONEY_MESSAGES = {
    "not_an_amount": N_("Enter an amount in yuan with digits, e.g. 1234.50."),
    "amount_not_positive": N_("Enter an amount above zero."),
    "amount_negative": N_("The amount cannot be negative."),
    "amount_too_large": N_("This amount is too large: at most ¥%(max)s."),
    "too_many_decimals": N_("An amount has at most two decimals (fen)."),
}
_GROUPED = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


class Least(StrEnum):
    """The smallest amount a field accepts."""

    positive = "positive"  # above zero: a price, a payment
    zero = "zero"  # zero or more: a credit limit, where a tier starts
    any = "any"  # either sign: an adjustment that adds or takes off


class MoneyProblem(ValueError):
    """Why a typed amount is not one this field takes: a stable code, its message id, parameters."""

    def __init__(self, code: str, **params: str) -> None:
        super().__init__(code)
        self.code = code
        self.message = MONEY_MESSAGES[code]
        self.params = params

    def detail(self, field: str) -> dict[str, Any]:
        return {"field": field, "code": self.code, "message": self.message, "params": self.params}


def _number(value: object) -> Decimal:
    if isinstance(value, bool):
        raise MoneyProblem("not_an_amount")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | float):
        return Decimal(str(value))
    if not isinstance(value, str):
        raise MoneyProblem("not_an_amount")
    try:
        return Decimal(as_typed(value))
    except InvalidOperation:
        raise MoneyProblem("not_an_amount") from None


def read_money(value: object, *, least: Least = Least.positive, most: Decimal = MAX_AMOUNT) -> Decimal:
    """The amount (as many decimals as typed, at most two), or :class:`MoneyProblem` saying what
    is wrong with it."""
    amount = _number(value)
    if not amount.is_finite():
        raise MoneyProblem("not_an_amount")
    if least == Least.positive and amount <= 0:
        raise MoneyProblem("amount_not_positive")
    if least == Least.zero and amount < 0:
        raise MoneyProblem("amount_negative")
    if abs(amount) > most:
        raise MoneyProblem("amount_too_large", max=f"{most:,.2f}")
    if amount != amount.quantize(FEN):
        raise MoneyProblem("too_many_decimals")
    if amount == 0:
        return amount.copy_abs()  # not "-0"
    places = _places(amount)
    if places > 2:  # "1.2300"
        return amount.quantize(FEN)
    if places < 0:  # "1E+3"
        return amount.quantize(Decimal(1))
    return amount  # as typed: "100000", "95.5"


def _places(amount: Decimal) -> int:
    exponent = amount.as_tuple().exponent
    return -exponent if isinstance(exponent, int) else 0


def as_typed(text: str) -> str:
    """What a person typed, as the API takes it: full-width digits (a Chinese input method) as
    ASCII, without a yuan sign, spaces or thousands separators. The API itself takes only this
    plain form, so a page hands its fields through here first."""
    raw = unicodedata.normalize("NFKC", text).replace(" ", "").removeprefix("¥")
    return raw.replace(",", "") if _GROUPED.match(raw) else raw


def _api_form(value: object) -> object:
    """The contract's money is a decimal string of ASCII digits (an integer passes too): a JSON
    float, which may already have lost a fen, and anything not ASCII are refused."""
    if isinstance(value, float) or (isinstance(value, str) and not value.isascii()):
        raise MoneyProblem("not_an_amount")
    return value


def _checked(least: Least, most: Decimal, *, optional: bool = False) -> BeforeValidator:
    def check(value: Any) -> Decimal | None:
        if optional and value is None:
            return None
        try:
            return read_money(_api_form(value), least=least, most=most)
        except MoneyProblem as problem:
            raise PydanticCustomError(problem.code, problem.message, problem.params) from None

    return BeforeValidator(check)


Price = Annotated[Decimal, _checked(Least.positive, MAX_PRICE)]
PositiveAmount = Annotated[Decimal, _checked(Least.positive, MAX_AMOUNT)]
NonNegativeAmount = Annotated[Decimal, _checked(Least.zero, MAX_AMOUNT)]
SignedAmount = Annotated[Decimal, _checked(Least.any, MAX_AMOUNT)]
OptionalSignedAmount = Annotated[Decimal | None, _checked(Least.any, MAX_AMOUNT, optional=True)]
# Money leaves the API as a decimal string with two places ("1234.50"), never a float.
MoneyOut = Annotated[Decimal, PlainSerializer(lambda value: f"{Decimal(value):.2f}", return_type=str)]


def money_problem(error: Mapping[str, Any]) -> dict[str, Any] | None:
    """A pydantic error of one of the money types as ``{"code", "message", "params"}`` (the
    message an id to translate), or None for any other error."""
    code = str(error.get("type") or "")
    if code not in MONEY_MESSAGES:
        return None
    context = error.get("ctx") or {}
    return {"code": code, "message": MONEY_MESSAGES[code], "params": {k: str(v) for k, v in context.items()}}
