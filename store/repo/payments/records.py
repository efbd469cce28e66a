"""Money in and out of approved orders, recorded by finance: the basis of commission.

A payment belongs to an approved order and is at most what the order still owes, unless finance
marks it as an advance (a customer paying ahead); a refund returns part of what was collected
(never more than the order's net collected amount) and points at the payment it reverses, so a
clawback can always be paired with it. A CSV import is checked whole first, each row against the
orders and the rows before it, and written all-or-nothing; its optional ``advance`` column marks
the rows that are advances.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from schemas.kernel.errors import N_, BatonError
from schemas.kernel.money import money_problem
from schemas.orders import OrderStatus
from schemas.payments import Overpayment, PaymentIn, PaymentInvalid, PaymentKind
from store.models import Order, Payment
from store.models.base import utcnow
from store.repo.audit import chain as audit
from store.repo.orders.records import collected
from store.repo.payments.money import still_owed

CHINA = ZoneInfo("Asia/Shanghai")
CLOCK_SKEW = timedelta(minutes=5)
CSV_COLUMNS = ("order_id", "kind", "amount", "paid_at")
MAX_IMPORT_ROWS = 20_000
UNREADABLE_ROW = N_(
    "This row cannot be read: check the order id, kind, amount (two decimals at most), date and advance (yes or no)."
)
OVERPAID = N_(
    "The order still owes ¥%(owed)s, less than this payment of ¥%(amount)s. "
    "If the customer is paying in advance, record it as an advance."
)
ADVANCE_YES = frozenset({"1", "y", "yes", "true", "advance", "是", "预付", "预付款"})
ADVANCE_NO = frozenset({"", "0", "n", "no", "false", "否"})


def _problem(code: str, message: str, field: str, row: int | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"field": field, "code": code, "message": message}
    if row is not None:
        found["row"] = row
    return found


def problems_of(
    session: Session, payment: PaymentIn, pending_refunds: Decimal = Decimal("0"), row: int | None = None
) -> list[dict[str, Any]]:
    order = session.get(Order, payment.order_id)
    if order is None:
        return [_problem("unknown_order", N_("No such order."), "order_id", row)]
    problems = []
    if order.status != OrderStatus.approved:
        problems.append(
            _problem("order_not_approved", N_("Payments are recorded on approved orders only."), "order_id", row)
        )
    if payment.paid_at > utcnow() + CLOCK_SKEW:
        problems.append(_problem("paid_in_future", N_("The payment date is in the future."), "paid_at", row))
    net = collected(session, order.id) - pending_refunds
    if payment.kind == PaymentKind.payment and not payment.advance:
        owed = still_owed(order.status, order.total, net)
        if owed is not None and payment.amount > owed:
            problems.append(
                {
                    **_problem("overpayment", OVERPAID, "amount", row),
                    "owed": f"{owed:.2f}",
                    "params": {"owed": f"{owed:,.2f}", "amount": f"{payment.amount:,.2f}"},
                }
            )
    if payment.kind == PaymentKind.refund:
        if payment.amount > net:
            problems.append(
                _problem(
                    "refund_exceeds_collected",
                    N_("A refund cannot exceed what was collected on the order."),
                    "amount",
                    row,
                )
            )
        if payment.reverses_id is not None:
            reversed_payment = session.get(Payment, payment.reverses_id)
            if (
                reversed_payment is None
                or reversed_payment.order_id != order.id
                or reversed_payment.kind != PaymentKind.payment.value
            ):
                problems.append(
                    _problem(
                        "unknown_payment",
                        N_("The reversed payment is not a payment of this order."),
                        "reverses_id",
                        row,
                    )
                )
    elif payment.reverses_id is not None:
        problems.append(_problem("not_a_refund", N_("Only a refund reverses a payment."), "reverses_id", row))
    return problems


def _reversed_payment(session: Session, payment: PaymentIn) -> int | None:
    """A refund without an explicit payment reverses the order's latest payment."""
    if payment.kind != PaymentKind.refund or payment.reverses_id is not None:
        return payment.reverses_id
    return session.scalar(
        select(Payment.id)
        .where(Payment.order_id == payment.order_id, Payment.kind == PaymentKind.payment.value)
        .order_by(Payment.paid_at.desc(), Payment.id.desc())
        .limit(1)
    )


def refusal(problems: list[dict[str, Any]]) -> BatonError:
    """``overpayment`` when paying too much is all that is wrong, so the caller knows that marking
    the money as an advance is the fix; ``payment_invalid`` with every problem otherwise."""
    if all(problem["code"] == "overpayment" for problem in problems):
        return Overpayment(details=problems)
    return PaymentInvalid(details=problems)


def record(session: Session, *, actor_id: int, payment: PaymentIn) -> Payment:
    problems = problems_of(session, payment)
    if problems:
        raise refusal(problems)
    return _write(session, actor_id, payment)


def _write(session: Session, actor_id: int, payment: PaymentIn) -> Payment:
    advance = payment.advance and payment.kind == PaymentKind.payment
    row = Payment(
        order_id=payment.order_id,
        kind=payment.kind.value,
        amount=payment.amount,
        paid_at=payment.paid_at,
        reverses_id=_reversed_payment(session, payment),
        recorded_by=actor_id,
        note=payment.note,
        advance=advance,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action=f"payment.{payment.kind.value}",
        entity="order",
        entity_id=payment.order_id,
        detail={
            "payment_id": row.id,
            "amount": str(payment.amount),
            "paid_at": payment.paid_at.isoformat(),
            "advance": advance,
        },
    )
    return row


def get(session: Session, payment_id: int) -> Payment | None:
    return session.get(Payment, payment_id)


def owed_on(session: Session, order_id: int) -> Decimal | None:
    """What the order still owes now (None unless it is approved)."""
    order = session.get(Order, order_id)
    return still_owed(order.status, order.total, collected(session, order_id)) if order is not None else None


def for_order(session: Session, order_id: int) -> list[Payment]:
    return list(session.scalars(select(Payment).where(Payment.order_id == order_id).order_by(Payment.paid_at)))


def listed(session: Session, *, order_id: int | None, limit: int, offset: int) -> tuple[list[Payment], int]:
    """A page of payments (one order's, or all), latest recorded first, and how many there are."""
    query = select(Payment) if order_id is None else select(Payment).where(Payment.order_id == order_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Payment.created_at.desc(), Payment.id.desc()).limit(limit).offset(offset))
    return list(rows), total


def parse_csv(content: bytes) -> tuple[list[tuple[int, PaymentIn]], list[dict[str, Any]]]:
    """Rows of ``order_id,kind,amount,paid_at[,note][,advance]`` (UTF-8, BOM allowed) with their
    line numbers, and the problems of rows that cannot be read."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [_problem("not_utf8", N_("The file is not UTF-8 text."), "file")]
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        return [], [
            {
                **_problem("missing_columns", N_("Missing columns: %(columns)s"), "file"),
                "params": {"columns": ", ".join(missing)},
            }
        ]
    rows, problems = [], []
    for number, raw in enumerate(reader, start=2):
        if number - 1 > MAX_IMPORT_ROWS:
            problems.append(
                {
                    **_problem("too_many_rows", N_("At most %(rows)s rows per file."), "file"),
                    "params": {"rows": str(MAX_IMPORT_ROWS)},
                }
            )
            break
        try:
            kind = PaymentKind(raw["kind"].strip() or "payment")
            rows.append(
                (
                    number,
                    PaymentIn.model_validate(
                        {
                            "order_id": int(raw["order_id"]),
                            "kind": kind,
                            "amount": raw["amount"],
                            "paid_at": _when(raw["paid_at"]),
                            "note": (raw.get("note") or "").strip(),
                            "advance": _advance(raw.get("advance")),
                        }
                    ),
                )
            )
        except ValidationError as exc:
            problems.append(_unreadable(exc, number))
        except (ValueError, KeyError, TypeError, AttributeError):
            problems.append(_problem("bad_row", UNREADABLE_ROW, "row", number))
    return rows, problems


def _unreadable(exc: ValidationError, row: int) -> dict[str, Any]:
    """What is wrong with a row: its amount in the words of every money field, else unreadable."""
    for error in exc.errors():
        problem = money_problem(error)
        if problem is not None and error["loc"][:1] == ("amount",):
            return {**problem, "field": "amount", "row": row}
    return _problem("bad_row", UNREADABLE_ROW, "row", row)


def _advance(value: str | None) -> bool:
    """The ``advance`` cell: yes/no in the words finance writes (empty or no column: no)."""
    text = (value or "").strip().casefold()
    if text in ADVANCE_YES:
        return True
    if text in ADVANCE_NO:
        return False
    raise ValueError(text)


def _when(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.strip())
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=CHINA)  # as finance writes it


def import_rows(
    session: Session, *, actor_id: int, rows: list[tuple[int, PaymentIn]], unreadable: list[dict[str, Any]]
) -> int:
    """All rows or none: each row is checked against the orders and the rows before it, and every
    problem of the file (unreadable rows included) is reported at once."""
    problems = list(unreadable)
    balance: dict[int, Decimal] = {}  # refunds minus payments earlier in the file, per order
    for number, payment in rows:
        problems += problems_of(session, payment, balance.get(payment.order_id, Decimal("0")), row=number)
        sign = 1 if payment.kind == PaymentKind.refund else -1
        balance[payment.order_id] = balance.get(payment.order_id, Decimal("0")) + sign * payment.amount
    if problems:
        raise refusal(sorted(problems, key=lambda p: p.get("row", 0)))
    for _number, payment in rows:
        _write(session, actor_id, payment)
    return len(rows)
