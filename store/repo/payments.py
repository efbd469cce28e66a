"""Money in and out of approved orders, recorded by finance: the basis of commission.

A payment belongs to an approved order; a refund returns part of what was collected (never more
than the order's net collected amount) and points at the payment it reverses, so a clawback can
always be paired with it. A CSV import is checked whole first and written all-or-nothing.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from schemas.errors import N_
from schemas.orders import PaymentIn, PaymentInvalid, PaymentKind
from store.models import Order, Payment
from store.models.base import utcnow
from store.repo import audit
from store.repo.orders import collected

CHINA = ZoneInfo("Asia/Shanghai")
CLOCK_SKEW = timedelta(minutes=5)
CSV_COLUMNS = ("order_id", "kind", "amount", "paid_at")
MAX_IMPORT_ROWS = 20_000
UNREADABLE_ROW = N_("This row cannot be read: check the order id, kind, amount (two decimals at most) and date.")


def _problem(code: str, message: str, field: str, row: int | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"field": field, "code": code, "message": message}
    if row is not None:
        found["row"] = row
    return found


def problems_of(session: Session, payment: PaymentIn, pending_refunds: Decimal = Decimal("0"),
                row: int | None = None) -> list[dict[str, Any]]:
    order = session.get(Order, payment.order_id)
    if order is None:
        return [_problem("unknown_order", N_("No such order."), "order_id", row)]
    problems = []
    if order.status != "approved":
        problems.append(_problem("order_not_approved", N_("Payments are recorded on approved orders only."),
                                 "order_id", row))
    if payment.paid_at > utcnow() + CLOCK_SKEW:
        problems.append(_problem("paid_in_future", N_("The payment date is in the future."), "paid_at", row))
    if payment.kind == PaymentKind.refund:
        net = collected(session, order.id) - pending_refunds
        if payment.amount > net:
            problems.append(_problem("refund_exceeds_collected",
                                     N_("A refund cannot exceed what was collected on the order."), "amount", row))
        if payment.reverses_id is not None:
            reversed_payment = session.get(Payment, payment.reverses_id)
            if reversed_payment is None or reversed_payment.order_id != order.id \
                    or reversed_payment.kind != PaymentKind.payment.value:
                problems.append(_problem("unknown_payment", N_("The reversed payment is not a payment of this order."),
                                         "reverses_id", row))
    elif payment.reverses_id is not None:
        problems.append(_problem("not_a_refund", N_("Only a refund reverses a payment."), "reverses_id", row))
    return problems


def _reversed_payment(session: Session, payment: PaymentIn) -> int | None:
    """A refund without an explicit payment reverses the order's latest payment."""
    if payment.kind != PaymentKind.refund or payment.reverses_id is not None:
        return payment.reverses_id
    return session.scalar(select(Payment.id).where(Payment.order_id == payment.order_id,
                                                   Payment.kind == PaymentKind.payment.value)
                          .order_by(Payment.paid_at.desc(), Payment.id.desc()).limit(1))


def record(session: Session, *, actor_id: int, payment: PaymentIn) -> Payment:
    problems = problems_of(session, payment)
    if problems:
        raise PaymentInvalid(details=problems)
    return _write(session, actor_id, payment)


def _write(session: Session, actor_id: int, payment: PaymentIn) -> Payment:
    row = Payment(order_id=payment.order_id, kind=payment.kind.value, amount=payment.amount, paid_at=payment.paid_at,
                  reverses_id=_reversed_payment(session, payment), recorded_by=actor_id, note=payment.note)
    session.add(row)
    session.flush()
    audit.record(session, actor_id=actor_id, action=f"payment.{payment.kind.value}", entity="order",
                 entity_id=payment.order_id, detail={"payment_id": row.id, "amount": str(payment.amount),
                                                     "paid_at": payment.paid_at.isoformat()})
    return row


def for_order(session: Session, order_id: int) -> list[Payment]:
    return list(session.scalars(select(Payment).where(Payment.order_id == order_id).order_by(Payment.paid_at)))


def listed(session: Session, *, order_id: int | None, limit: int, offset: int) -> tuple[list[Payment], int]:
    """A page of payments (one order's, or all), latest recorded first, and how many there are."""
    query = select(Payment) if order_id is None else select(Payment).where(Payment.order_id == order_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Payment.created_at.desc(), Payment.id.desc()).limit(limit).offset(offset))
    return list(rows), total


def parse_csv(content: bytes) -> tuple[list[tuple[int, PaymentIn]], list[dict[str, Any]]]:
    """Rows of ``order_id,kind,amount,paid_at[,note]`` (UTF-8, BOM allowed) with their line
    numbers, and the problems of rows that cannot be read."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [_problem("not_utf8", N_("The file is not UTF-8 text."), "file")]
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        return [], [{**_problem("missing_columns", N_("Missing columns: %(columns)s"), "file"),
                    "params": {"columns": ", ".join(missing)}}]
    rows, problems = [], []
    for number, raw in enumerate(reader, start=2):
        if number - 1 > MAX_IMPORT_ROWS:
            problems.append({**_problem("too_many_rows", N_("At most %(rows)s rows per file."), "file"),
                             "params": {"rows": str(MAX_IMPORT_ROWS)}})
            break
        try:
            kind = PaymentKind(raw["kind"].strip() or "payment")
            amount = Decimal(raw["amount"].strip())
            rows.append((number, PaymentIn(order_id=int(raw["order_id"]), kind=kind, amount=amount,
                                           paid_at=_when(raw["paid_at"]), note=(raw.get("note") or "").strip())))
        except (ValueError, InvalidOperation, ValidationError, KeyError, TypeError, AttributeError):
            problems.append(_problem("bad_row", UNREADABLE_ROW, "row", number))
    return rows, problems


def _when(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.strip())
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=CHINA)  # as finance writes it


def import_rows(session: Session, *, actor_id: int, rows: list[tuple[int, PaymentIn]],
                unreadable: list[dict[str, Any]]) -> int:
    """All rows or none: each row is checked against the orders and the rows before it, and every
    problem of the file (unreadable rows included) is reported at once."""
    problems = list(unreadable)
    balance: dict[int, Decimal] = {}  # refunds minus payments earlier in the file, per order
    for number, payment in rows:
        problems += problems_of(session, payment, balance.get(payment.order_id, Decimal("0")), row=number)
        sign = 1 if payment.kind == PaymentKind.refund else -1
        balance[payment.order_id] = balance.get(payment.order_id, Decimal("0")) + sign * payment.amount
    if problems:
        raise PaymentInvalid(details=sorted(problems, key=lambda p: p.get("row", 0)))
    for _number, payment in rows:
        _write(session, actor_id, payment)
    return len(rows)
