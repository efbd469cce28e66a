"""The payment form, on the payments page and on an approved order's page: what finance typed read
into the API's body, each field that does not read well named in the reader's words (an amount
in the words every money field uses), and the sentence that says what was recorded.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from schemas.kernel.errors import N_
from schemas.kernel.i18n import gettext_
from schemas.kernel.money import as_typed, money_problem
from schemas.orders import OrderStatus
from schemas.org import Role
from schemas.payments import PaymentIn, PaymentInvalid
from store.models import Payment
from web.shared.auth import Principal
from web.shared.forms import typed_record_id
from web.shared.labels import problem_text
from web.shared.templating import format_money

FIELD_PROBLEMS = {
    "order_id": N_("Enter the order number."),
    "kind": N_("Choose payment or refund."),
    "amount": N_("Enter the amount."),
    "paid_at": N_("Enter when the money was paid."),
    "note": N_("The note is too long."),
}
INVALID = N_("Some fields are not valid.")
EARLIEST_YEAR = 1970
RECORDED = {
    "payment": N_("Payment of %(amount)s recorded on order #%(order)s."),
    "advance": N_("Advance payment of %(amount)s recorded on order #%(order)s."),
    "refund": N_("Refund of %(amount)s recorded on order #%(order)s."),
}
STILL_OWED = N_("%(recorded)s The order still owes %(owed)s.")


@dataclass
class PaymentForm:
    """The form as typed (an unticked checkbox sends nothing: ``advance`` is then empty)."""

    order_id: str = ""
    kind: str = "payment"
    amount: str = ""
    paid_at: str = ""
    note: str = ""
    advance: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def _paid_at(value: str, timezone: str) -> datetime | None:
    """``datetime-local`` carries no offset: it is the company's local time."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.year < EARLIEST_YEAR:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=ZoneInfo(timezone))


def payment_in(form: PaymentForm, timezone: str) -> PaymentIn:
    """The form as the API body; each field that does not read well is named."""
    values: dict[str, Any] = {
        "order_id": typed_record_id(form.order_id),
        "kind": form.kind,
        "amount": as_typed(form.amount),
        "paid_at": _paid_at(form.paid_at, timezone),
        "note": form.note.strip(),
        "advance": bool(form.advance),
    }
    try:
        return PaymentIn.model_validate(values)
    except ValidationError as exc:
        problems: dict[str, dict[str, Any]] = {}
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else ""
            money = money_problem(error) if form.amount.strip() else None
            problems.setdefault(
                name, {"field": name, "code": "invalid", "message": FIELD_PROBLEMS.get(name, INVALID), **(money or {})}
            )
        raise PaymentInvalid(details=list(problems.values())) from exc


def by_field(details: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Each problem in the reader's words, under the field it concerns ("" for the form)."""
    found: dict[str, list[str]] = {}
    for detail in details:
        field = str(detail.get("field") or "")
        found.setdefault(field if field in FIELD_PROBLEMS else "", []).append(problem_text(detail))
    return found


def money_section(user: Principal, order: dict[str, Any], payments: list[Payment]) -> dict[str, Any]:
    """What an order page's money section needs: its payments and, for finance on an approved
    order, an empty form to record one."""
    return {
        "payments": payments,
        "payment_form": PaymentForm(order_id=str(order["id"])),
        "may_record_payment": user.has(Role.finance) and order["status"] == OrderStatus.approved,
    }


def recorded_text(payment: Payment, owed: Any = None) -> str:
    """E.g. "Payment of ¥5,000.00 recorded on order #12. The order still owes ¥7,000.00."."""
    kind = "advance" if payment.advance else payment.kind
    text = gettext_(
        RECORDED.get(kind, RECORDED["payment"]), amount=format_money(payment.amount), order=payment.order_id
    )
    return gettext_(STILL_OWED, recorded=text, owed=format_money(owed)) if owed is not None else text
