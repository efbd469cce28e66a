"""The company settings an admin may change, each with its type, bounds and default.

A setting is read on hot paths (every order submission reads ``order.head_threshold``), so a value
that does not parse must never be stored: ``PUT /api/settings/{key}`` validates against this
catalogue and stores the normalised text; an unknown key is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from schemas.kernel.errors import N_

MAX_THRESHOLD = Decimal("999999999999.99")


class SettingValueError(ValueError):
    """A value the setting cannot take; ``message`` is an English message id."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _amount(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise SettingValueError(N_('Give an amount in yuan as text, e.g. "100000".'))
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise SettingValueError(N_('Give an amount in yuan as text, e.g. "100000".')) from None
    if not amount.is_finite() or amount < 0:
        raise SettingValueError(N_("The amount must be zero or more."))
    if amount > MAX_THRESHOLD:
        raise SettingValueError(N_("The amount is too large."))
    if amount != amount.quantize(Decimal("0.01")):
        raise SettingValueError(N_("At most two decimals."))
    return f"{amount.quantize(Decimal('0.01')):f}".removesuffix(".00")


def _count(limit: int) -> Callable[[object], str]:
    def parse(value: object) -> str:
        text = str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else ""
        if not text.isascii() or not text.isdigit() or int(text) > limit:
            raise SettingValueError(N_("Give a whole number from 0 to %(limit)s."))
        return str(int(text))

    return parse


@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: str
    default: str
    parse: Callable[[object], str]
    limit: int | None = None


CATALOGUE: dict[str, SettingSpec] = {
    spec.key: spec
    for spec in (
        SettingSpec(
            "order.head_threshold", N_("Order total above which the department head approves"), "100000", _amount
        ),
        SettingSpec("pool.daily_claims", N_("Pool leads a salesperson may claim per day"), "10", _count(1000), 1000),
    )
}
